package dev.snailtrail.api;

import dev.snailtrail.rollout.Reason;
import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import dev.snailtrail.trail.TrailEvent;
import java.util.Map;

/** Specs and events the API and CLI tests share. */
public final class ApiFixtures {
  public static final String TOKEN = "s3cret-token-for-tests";

  private ApiFixtures() {}

  /** A two-phase rollout whose second phase runs {@code hybridTag} with {@code count} tasks. */
  public static String spec(String name, String hybridTag, int count) {
    return """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata:
          name: %1$s
        spec:
          target:
            region: eu-west-1
            cluster: default
            service: %1$s
          template:
            family: %1$s
            container: api
            port: 5000
          phases:
            - name: first-steps
              image: 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:simple
              desiredCount: 2
              gates:
                - ecsTasks
            - name: exploration
              image: 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:%2$s
              desiredCount: %3$d
              gates:
                - ecsTasks
        """
        .formatted(name, hybridTag, count);
  }

  public static String spec(String name) {
    return spec(name, "hybrid", 2);
  }

  public static TrailEvent event(String rollout, long seq, EventType type, String message) {
    return new TrailEvent(
        rollout + "/1/" + seq,
        FakeControlPlane.NOW.plusSeconds(seq),
        rollout,
        1,
        "first-steps",
        type,
        Severity.Normal,
        Reason.NewRollout,
        message,
        Map.of());
  }
}
