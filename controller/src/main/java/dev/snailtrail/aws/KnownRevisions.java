package dev.snailtrail.aws;

import dev.snailtrail.provider.TaskDefinition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Task definition revisions this process has registered or described, by ARN. A revision's content
 * and its content-hash tag never change, so the search by content hash need not describe a revision
 * it has seen: a phase's lookup then costs one ListTaskDefinitions, plus one DescribeTaskDefinition
 * only for revisions someone else registered since. Whether a revision is still ACTIVE is not taken
 * from here: the search lists the ACTIVE ones first. Bounded; thread-safe.
 */
final class KnownRevisions {
  private static final int KEPT = 2048;

  private final Map<String, TaskDefinition> byArn =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskDefinition> eldest) {
          return size() > KEPT;
        }
      };

  synchronized TaskDefinition remember(TaskDefinition td) {
    byArn.put(td.arn(), td);
    return td;
  }

  synchronized Optional<TaskDefinition> get(String arn) {
    return Optional.ofNullable(byArn.get(arn));
  }
}
