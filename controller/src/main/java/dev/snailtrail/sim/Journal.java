package dev.snailtrail.sim;

import dev.snailtrail.spec.ImageRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every change made to the world from outside, in order: what a snapshot holds, since the world is
 * a function of its seed and these.
 */
final class Journal {
  static final JsonMapper SNAPSHOTS =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final World world;
  private final List<Op> ops = new ArrayList<>();

  Journal(World world) {
    this.world = world;
    world.hooks.journalInto(ops::add);
  }

  /** A snapshot's content. */
  record Snapshot(long seed, Instant start, List<Op> ops) {}

  /** Makes one outside change and records it; what the change returns. */
  Object apply(Op op) {
    Object result =
        switch (op) {
          case Op.SeedWorld s -> new Seeder(world).seed(s.input(), s.options(), s.at());
          case Op.ApplyScenario s -> {
            Scenario.apply(world, s.yaml());
            yield null;
          }
          case Op.SetAlarm s -> {
            world.alarms.set(s.name(), s.state(), s.reason());
            yield null;
          }
          case Op.SetImageBehavior s -> world.imageBehaviors.put(s.image(), s.behavior());
          case Op.SetCircuitBreaker s -> world.circuitBreaker = s.enabled();
          case Op.CreateCluster s -> {
            world.ecs.createCluster(s.region(), World.clusterName(s.name()));
            yield null;
          }
          case Op.CreateLogGroup s -> {
            world.logGroups.create(s.region(), s.name());
            yield null;
          }
          case Op.PushImage s ->
              world.ecr.push(s.region(), ImageRef.parse(s.image()), world.now, Map.of()).digest();
          case Op.RemoveImage s -> world.ecr.remove(s.region(), ImageRef.parse(s.image()));
          case Op.RegisterTaskDefinition s -> world.taskDefinitions.register(s.region(), s.spec());
          case Op.DeregisterTaskDefinition s -> {
            world.taskDefinitions.deregister(s.region(), s.taskDefinition());
            yield null;
          }
          case Op.CreateService s -> world.ecs.createService(s.request());
          case Op.SetScalableTarget s -> {
            world.scaling.set(s.ref(), s.min(), s.max());
            yield null;
          }
          case Op.TagService s -> {
            world.ecs.tagService(s.serviceArn(), s.tags());
            yield null;
          }
          case Op.SetForwardWeights s -> {
            world.rules.set(s.arn(), s.groups());
            yield null;
          }
          case Op.UpdateService s ->
              world.ecs.updateService(
                  s.ref(), s.taskDefinitionArn(), s.desiredCount(), s.strategy());
          case Op.StopServiceDeployment s -> {
            world.serviceDeployments.stop(s.region(), s.arn(), s.rollback());
            yield null;
          }
          case Op.SeedBlueGreen s -> new TrafficSeeder(world).blueGreen(s.ref(), s.routing());
          case Op.HookAnswered s -> null; // taken as it came, or from the journal by a restore
        };
    ops.add(op);
    return result;
  }

  /** The changes from the {@code from}-th on. */
  List<Op> since(int from) {
    return List.copyOf(ops.subList(Math.min(from, ops.size()), ops.size()));
  }

  /** The seed, the start and every change so far, as JSON. */
  String snapshot() {
    return SNAPSHOTS.writeValueAsString(new Snapshot(world.seed(), world.start, List.copyOf(ops)));
  }

  /**
   * Reads a {@link #snapshot}.
   *
   * @throws IllegalArgumentException when the text is not a snapshot
   */
  static Snapshot read(String snapshot) {
    try {
      return SNAPSHOTS.readValue(snapshot, Snapshot.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not a simulator snapshot: " + e.getOriginalMessage(), e);
    }
  }
}
