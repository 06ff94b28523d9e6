package dev.snailtrail.provider.decorate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.ServiceRef;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which services and alarms the batched reads ask for together, kept as rollouts come, move, go in
 * and out of flux and leave; and, with thousands of rollouts, still a lookup on every read: every
 * pass of every rollout asks, so a read that went over every rollout made each pass cost as much as
 * all of them (5,000 rollouts on one controller spent most of their CPU there).
 */
class ManagedIndexesTest {
  static final String REGION = "eu-west-1";

  static ServiceRef service(String cluster, String name) {
    return new ServiceRef(REGION, cluster, name);
  }

  @Test
  void servicesFollowTheirRolloutsAcrossClustersFluxAndDeletion() {
    ManagedServices managed = new ManagedServices();
    Set<String> prod = managed.in(REGION, "prod");
    managed.manage("web", service("prod", "web"));
    managed.manage("api", service("prod", "api"));
    managed.manage("jobs", service("batch", "jobs"));
    managed.inFlux("api", true);
    managed.inFlux("late", true); // in flux before it is managed: counted once it is

    assertThat(managed.in(REGION, "prod")).containsExactly("api", "web");
    assertThat(prod).as("a set read earlier follows the rollouts").containsExactly("api", "web");
    assertThat(managed.inFluxIn(REGION, "prod")).containsExactly("api");
    assertThat(managed.rolloutsOf(REGION, null, "web")).containsExactly("web");
    assertThat(managed.rolloutsOf(REGION, "arn:aws:ecs:eu-west-1:1:cluster/prod", "web"))
        .containsExactly("web");
    assertThat(managed.rolloutsOf(REGION, "batch", "web")).isEmpty();

    managed.manage("late", service("prod", "late"));
    managed.manage("api", service("batch", "api")); // its spec moved it to another cluster
    managed.inFlux("web", true);
    managed.inFlux("web", true);
    managed.inFlux("late", false);

    assertThat(managed.in(REGION, "prod")).containsExactly("late", "web");
    assertThat(managed.in(REGION, "batch")).containsExactly("api", "jobs");
    assertThat(managed.inFluxIn(REGION, "prod")).containsExactly("web");
    assertThat(managed.inFluxIn(REGION, "batch")).containsExactly("api");
    assertThat(managed.rolloutsOf(REGION, "prod", "api")).isEmpty();
    assertThat(managed.rolloutsOf(REGION, "batch", "api")).containsExactly("api");

    managed.forget("web");
    managed.forget("api");
    assertThat(managed.in(REGION, "prod")).containsExactly("late");
    assertThat(managed.inFluxIn(REGION, "prod")).isEmpty();
    assertThat(managed.inFluxIn(REGION, "batch")).isEmpty();
    assertThat(managed.rolloutsOf(REGION, null, "web")).isEmpty();
  }

  @Test
  void aServiceTwoRolloutsNameStaysUntilBothAreGone() {
    ManagedServices managed = new ManagedServices();
    managed.manage("old", service("prod", "web"));
    managed.manage("new", service("prod", "web"));
    managed.inFlux("old", true);
    managed.inFlux("new", true);

    managed.forget("old");

    assertThat(managed.in(REGION, "prod")).containsExactly("web");
    assertThat(managed.inFluxIn(REGION, "prod")).containsExactly("web");
    assertThat(managed.rolloutsOf(REGION, "prod", "web")).containsExactly("new");
    managed.inFlux("new", false);
    assertThat(managed.inFluxIn(REGION, "prod")).isEmpty();
  }

  @Test
  void alarmsFollowTheirRolloutsAndOneWatchedByTwoStaysUntilBothAreGone() {
    ManagedAlarms managed = new ManagedAlarms();
    Set<String> region = managed.in(REGION);
    managed.manage("web", REGION, Set.of("web-5xx", "shared-latency"));
    managed.manage("api", REGION, Set.of("api-5xx", "shared-latency"));
    managed.manage("us", "us-east-1", Set.of("web-5xx"));

    assertThat(region).containsExactly("api-5xx", "shared-latency", "web-5xx");
    assertThat(managed.rolloutsOf("shared-latency")).containsExactly("api", "web");
    assertThat(managed.rolloutsOf("web-5xx")).containsExactly("us", "web");

    managed.manage("web", REGION, Set.of("web-5xx")); // its spec no longer names the shared one
    managed.forget("api");

    assertThat(managed.in(REGION)).containsExactly("web-5xx");
    assertThat(managed.in("us-east-1")).containsExactly("web-5xx");
    assertThat(managed.rolloutsOf("shared-latency")).isEmpty();
    managed.manage("web", REGION, Set.of());
    assertThat(managed.in(REGION)).isEmpty();
    assertThat(managed.rolloutsOf("web-5xx")).containsExactly("us");
  }

  @Test
  void withTwentyThousandRolloutsEveryPassStillReadsItsClusterAndRegionAtOnce() {
    int n = 20_000;
    ManagedServices services = new ManagedServices();
    ManagedAlarms alarms = new ManagedAlarms();
    for (int i = 0; i < n; i++) {
      String name = String.format(Locale.ROOT, "bench-%05d", i);
      services.manage(name, service("bench", name));
      alarms.manage(name, REGION, Set.of(name + "-5xx"));
    }

    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      // What one pass asks of them: told again what the rollout moves and watches, it moves in or
      // out of flux, and its reads ask which services and alarms to read together.
      String name = String.format(Locale.ROOT, "bench-%05d", i);
      services.manage(name, service("bench", name));
      alarms.manage(name, REGION, Set.of(name + "-5xx"));
      services.inFlux(name, i % 2 == 0);
      assertThat(services.in(REGION, "bench").contains(name)).isTrue();
      assertThat(services.inFluxIn(REGION, "bench").contains(name)).isEqualTo(i % 2 == 0);
      assertThat(alarms.in(REGION).contains(name + "-5xx")).isTrue();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;

    // A lookup each: milliseconds in all. A pass over every rollout each read took minutes.
    assertThat(seconds).as("%d passes' reads took %.2f s", n, seconds).isLessThan(5.0);
  }
}
