package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.doctor.Preflight;
import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.Change;
import dev.snailtrail.provider.DeploymentRolloutState;
import dev.snailtrail.provider.Ecs.Deployment;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.rollout.StatusPhase;
import dev.snailtrail.rollout.Step;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.store.FileStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one deployment costs in ECS requests, counted as the AWS port would send them: one rollout
 * of one phase on an existing service (preflight on, an alarm gate looked at once, no bake), woken
 * by the deployment's completion event as with {@code --events}, on the simulator under a manual
 * clock that stops short of every timer, so that no poll or resync adds a look. The same deployment
 * over the wire is {@code DeploymentCostBenchmark} (docs/benchmarks.md).
 */
class DeploymentCostTest {
  static final String SPEC =
      """
      apiVersion: snailtrail.dev/v1
      kind: Rollout
      metadata: {name: api}
      spec:
        target: {region: eu-west-1, cluster: default, service: api}
        template: {family: api, container: web, port: 8080}
        analysis: {interval: 10s, count: 1}
        phases:
          - name: next
            image: public.ecr.aws/nginx/nginx:1.27
            bake: 0s
            gates:
              - cloudwatchAlarm: {names: [api-5xx]}
      """;

  static final ServiceRef SERVICE = new ServiceRef("eu-west-1", "default", "api");

  @TempDir Path dir;

  @Test
  void oneDeploymentWokenByItsCompletionCostsTheseEcsRequestsAndNoMore() throws Exception {
    RequestCounter requests = new RequestCounter();
    ControllerChangesTest.QueueFeed feed = new ControllerChangesTest.QueueFeed();
    try (SimController c = new SimController()) {
      c.seed = Seed.existingService("1.26");
      c.changes = feed;
      c.ports = requests::around;
      c.preflight = p -> new Preflight(p).asHook();
      c.start(new FileStore(dir.resolve("store"), c.clock), Metrics.NOOP);
      c.plane().apply("api.yaml", SPEC);
      c.settleQueue();
      assertThat(c.status("api").step()).as(c.log()).isEqualTo(Step.Waiting);

      // ECS deploys; the controller's next look (a timer) is not due yet.
      for (int i = 0; i < 29 && !completed(c); i++) {
        c.clock.advance(Duration.ofSeconds(1));
      }
      assertThat(completed(c)).as("the simulated deployment completes within 29 s").isTrue();
      feed.put(
          new Change.ServiceChanged("eu-west-1", "default", "api", "SERVICE_DEPLOYMENT_COMPLETED"));
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (c.status("api").phase() != StatusPhase.Healthy && System.nanoTime() < until) {
        Thread.sleep(10);
        c.settleQueue();
      }

      assertThat(c.status("api").phase()).as(c.log()).isEqualTo(StatusPhase.Healthy);
      Map<String, Long> ecs = new TreeMap<>(requests.snapshot());
      ecs.keySet().removeIf(action -> !action.startsWith("ecs:"));
      assertThat(ecs)
          .as(
              "the begin's read and owner tag; preflight's task listing; the family's newest"
                  + " revision (preflight's rollback target too); the registration; the update;"
                  + " the read the completion event wakes")
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "ecs:DescribeServices", 2L,
                  "ecs:TagResource", 1L,
                  "ecs:ListTasks", 1L,
                  "ecs:DescribeTasks", 1L,
                  "ecs:DescribeTaskDefinition", 1L,
                  "ecs:RegisterTaskDefinition", 1L,
                  "ecs:UpdateService", 1L));
    }
  }

  /** Whether the service's PRIMARY deployment is COMPLETED, asked of the simulator directly. */
  private static boolean completed(SimController c) {
    return c.sim
        .describeService(SERVICE)
        .flatMap(s -> s.primary())
        .map(Deployment::rolloutState)
        .filter(s -> s == DeploymentRolloutState.COMPLETED)
        .isPresent();
  }
}
