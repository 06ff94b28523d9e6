package dev.snailtrail.rollout;

import dev.snailtrail.provider.TaskDefinitionSpec;
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

  /** A stable hash of everything but the tags: every field, in any order of fields. */
  public static String of(TaskDefinitionSpec spec) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(spec.canonicalJson(false).getBytes(StandardCharsets.UTF_8));
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
