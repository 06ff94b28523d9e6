package dev.snailtrail.controller;

import static dev.snailtrail.controller.ControllerRolesTest.rollout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.Change;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ProvidersResolver;
import dev.snailtrail.provider.decorate.ManagedAlarms;
import dev.snailtrail.provider.decorate.ManagedServices;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.time.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lane lasts while a rollout is managed in it or a pass holds it, and no longer: then its ports
 * go back to the resolver, once, and the identity's next rollout gets a lane built anew.
 */
class LanesTest {
  static final String A = "arn:aws:iam::111111111111:role/a";
  static final String B = "arn:aws:iam::222222222222:role/b";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private Simulator own;
  private Simulator a;
  private Simulator b;
  private CountingResolver resolver;
  private Lanes lanes;

  @BeforeEach
  void lanes() {
    own = new Simulator(clock);
    a = new Simulator(clock);
    b = new Simulator(clock);
    resolver = new CountingResolver(Map.of(CountingResolver.OWN, own, A, a, B, b));
    lanes = lanesOver(resolver);
  }

  private Lanes lanesOver(ProvidersResolver r) {
    return new Lanes(
        r,
        (base, guard) ->
            new Lanes.Lane(
                base, null, new ManagedServices(), new ManagedAlarms(), null, null, null),
        () -> {},
        new PrintStream(log, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void close() {
    own.close();
    a.close();
    b.close();
  }

  @Test
  void theLaneOfARoleGoesWithItsLastRolloutAndItsPortsAreReleasedOnce() throws Exception {
    Lanes.Lane lane = lanes.manage(rollout("a-1", A));
    assertThat(lanes.manage(rollout("a-2", A))).isSameAs(lane);
    lanes.manage(rollout("mine", null));
    assertThat(lanes.size()).isEqualTo(2);

    lanes.forget("a-1");
    assertThat(resolver.released).as("a-2 still acts as A").isEmpty();

    lanes.forget("a-2");
    lanes.forget("a-2");
    assertThat(resolver.released).extracting(x -> x.role).containsExactly(A);
    assertThat(resolver.unexpected).isEmpty();
    assertThat(lanes.size()).isEqualTo(1);
    assertThat(resolver.liveRoles()).containsExactly(CountingResolver.OWN);
  }

  @Test
  void aRolloutAppliedAgainAsTheRoleGetsAFreshLaneOverNewPorts() throws Exception {
    Lanes.Lane first = lanes.manage(rollout("a-1", A));
    lanes.forget("a-1");

    Lanes.Lane again = lanes.manage(rollout("a-1", A));

    assertThat(again).isNotSameAs(first);
    assertThat(again.ports()).isSameAs(resolver.last(A).ports).isNotSameAs(first.ports());
    assertThat(resolver.builtFor(A)).isEqualTo(2);
    assertThat(again.services().in("eu-west-1", "default")).containsExactly("a-1");
    assertThat(first.services().in("eu-west-1", "default")).isEmpty();
  }

  @Test
  void aRolloutMovedToAnotherRoleLeavesTheFirstLaneWhenItWasTheLast() throws Exception {
    lanes.manage(rollout("x", A));
    lanes.manage(rollout("y", A));

    Lanes.Lane moved = lanes.manage(rollout("x", B));
    assertThat(resolver.released).as("y still acts as A").isEmpty();
    assertThat(moved.ports()).isSameAs(resolver.last(B).ports);

    lanes.manage(rollout("y", B));
    assertThat(resolver.released).extracting(x -> x.role).containsExactly(A);
    assertThat(lanes.size()).isEqualTo(1);
    assertThat(moved.services().in("eu-west-1", "default")).containsExactly("x", "y");
  }

  @Test
  void aLaneHeldByAPassStaysUntilThePassEndsThoughItsRolloutMovesOrIsDeleted() throws Exception {
    Lanes.Use pass = lanes.use(rollout("x", A));
    Lanes.Lane held = pass.lane();

    lanes.manage(rollout("x", B)); // an apply that moved it, while the pass runs
    assertThat(resolver.released).isEmpty();
    lanes.forget("x"); // and a delete: B's lane, which nothing holds, goes
    assertThat(resolver.released).extracting(x -> x.role).containsExactly(B);
    assertThat(held.ports()).isSameAs(resolver.last(A).ports);
    assertThat(resolver.last(A).released).as("the pass's ports still answer").isFalse();

    pass.close();
    pass.close();
    assertThat(resolver.released).extracting(x -> x.role).containsExactly(B, A);
    assertThat(resolver.unexpected).isEmpty();
    assertThat(lanes.size()).isZero();
  }

  @Test
  void aBorrowedLaneOfAnUnmanagedRolloutGoesWhenGivenBack() throws Exception {
    lanes.manage(rollout("a-1", A));
    try (Lanes.Use look = lanes.borrow(rollout("a-1", A))) {
      assertThat(look.lane().ports()).isSameAs(resolver.last(A).ports);
    }
    try (Lanes.Use look = lanes.borrow(rollout("b-1", B))) {
      assertThat(look.lane().services().in("eu-west-1", "default")).isEmpty();
    }

    assertThat(resolver.released).extracting(x -> x.role).containsExactly(B);
    assertThat(lanes.managed()).containsExactly("a-1");
  }

  @Test
  void changesReachTheLanesInUseAndNotTheOnesDropped() throws Exception {
    Change api = new Change.ServiceChanged("eu-west-1", "default", "a-1", "SERVICE_STEADY_STATE");
    lanes.manage(rollout("a-1", A));
    assertThat(lanes.rolloutsOf(api)).containsExactly("a-1");

    lanes.forget("a-1");
    assertThat(lanes.rolloutsOf(api)).isEmpty();

    lanes.manage(rollout("a-1", A));
    assertThat(lanes.rolloutsOf(api)).containsExactly("a-1");
  }

  @Test
  void closingDropsEveryLaneAndAPassStillRunningReleasesItsOwnAsItEnds() throws Exception {
    lanes.manage(rollout("mine", null));
    lanes.manage(rollout("b-1", B));
    Lanes.Use cutOff = lanes.use(rollout("a-1", A));

    lanes.close();
    assertThat(resolver.liveRoles()).containsExactly(A);
    cutOff.close();

    assertThat(resolver.liveRoles()).isEmpty();
    assertThat(resolver.released).hasSize(3);
    assertThat(lanes.size()).isZero();
  }

  @Test
  void aResolverThatFailsToReleaseIsReportedAndTheLaneGoesAnyway() throws Exception {
    ProvidersResolver failing =
        new ProvidersResolver() {
          @Override
          public Providers forRollout(dev.snailtrail.spec.Rollout r) {
            return resolver.forRollout(r);
          }

          @Override
          public void released(Providers ports) {
            throw new IllegalStateException("connection pool already shut down");
          }
        };
    Lanes over = lanesOver(failing);
    Lanes.Lane first = over.manage(rollout("a-1", A));
    over.forget("a-1");

    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("failed to release the ports of an identity no rollout acts as any more")
        .contains("connection pool already shut down");
    assertThat(over.size()).isZero();
    assertThat(over.manage(rollout("a-1", A))).isNotSameAs(first);
  }
}
