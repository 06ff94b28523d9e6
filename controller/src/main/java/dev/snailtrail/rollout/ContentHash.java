package dev.snailtrail.rollout;

import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content hash of a task definition: equal for equal content (tags aside), so a phase's content
 * is never registered twice. Registered revisions carry it as the {@link
 * TaskDefinitionSpec#HASH_TAG} tag, by which a later pass (or a restarted controller) finds them.
 */
public final class ContentHash {
  private ContentHash() {}

  /** A stable hash of everything but the tags. */
  public static String of(TaskDefinitionSpec spec) {
    StringBuilder b = new StringBuilder();
    b.append(spec.family())
        .append('|')
        .append(spec.cpu())
        .append('|')
        .append(spec.memory())
        .append('|')
        .append(spec.networkMode());
    b.append('|')
        .append(spec.requiresCompatibilities())
        .append('|')
        .append(spec.executionRoleArn())
        .append('|')
        .append(spec.taskRoleArn());
    for (ContainerDefinition c : spec.containers()) {
      b.append("|c:")
          .append(c.name())
          .append(',')
          .append(c.image())
          .append(',')
          .append(c.essential());
      b.append(',').append(c.portMappings()).append(',').append(new TreeMap<>(c.environment()));
      b.append(',')
          .append(c.healthCheck())
          .append(',')
          .append(c.logDriver())
          .append(',')
          .append(new TreeMap<>(c.logOptions()));
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The spec with its content hash recorded as a tag, ready to register. */
  public static TaskDefinitionSpec tagged(TaskDefinitionSpec spec) {
    Map<String, String> t = new TreeMap<>(spec.tags());
    t.put(TaskDefinitionSpec.HASH_TAG, of(spec));
    return spec.withTags(t);
  }
}
