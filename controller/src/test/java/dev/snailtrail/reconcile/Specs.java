package dev.snailtrail.reconcile;

import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.RolloutSpec;
import dev.snailtrail.spec.load.SpecLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The checked-in examples, and copies of them with one thing changed. */
final class Specs {
  private Specs() {}

  static Path root() {
    return Path.of(System.getProperty("snailtrail.root", ".."));
  }

  static Rollout example(String relative) {
    try {
      return new SpecLoader().load(root().resolve(relative)).get(0);
    } catch (Exception e) {
      throw new IllegalStateException("cannot load " + relative + ": " + e.getMessage(), e);
    }
  }

  static Rollout snailTrail() {
    return example("spec-examples/snail-trail.yaml");
  }

  /** The rollout with phase {@code index}'s main image retagged. */
  static Rollout withTag(Rollout r, int index, String tag) {
    Phase p = r.spec().phases().get(index);
    ImageRef old = p.image();
    ImageRef image = new ImageRef(old.registry(), old.repository(), tag, null);
    return withPhase(
        r,
        index,
        new Phase(
            p.name(),
            image,
            p.images(),
            p.env(),
            p.cpu(),
            p.memory(),
            p.desiredCount(),
            p.gates(),
            p.bake(),
            p.approval(),
            p.rollbackTo(),
            p.marker(),
            java.util.Map.of(),
            p.templateUses(),
            p.traffic()));
  }

  static Rollout withoutApproval(Rollout r) {
    Rollout out = r;
    for (int i = 0; i < r.spec().phases().size(); i++) {
      Phase p = out.spec().phases().get(i);
      out =
          withPhase(
              out,
              i,
              new Phase(
                  p.name(),
                  p.image(),
                  p.images(),
                  p.env(),
                  p.cpu(),
                  p.memory(),
                  p.desiredCount(),
                  p.gates(),
                  p.bake(),
                  Phase.Approval.NONE,
                  p.rollbackTo(),
                  p.marker(),
                  java.util.Map.of(),
                  p.templateUses(),
                  p.traffic()));
    }
    return out;
  }

  static Rollout withDeadline(Rollout r, Duration deadline) {
    RolloutSpec s = r.spec();
    return new Rollout(r.apiVersion(), r.kind(), r.metadata(), s.withProgressDeadline(deadline));
  }

  static Rollout withPhase(Rollout r, int index, Phase phase) {
    RolloutSpec s = r.spec();
    List<Phase> phases = new ArrayList<>(s.phases());
    phases.set(index, phase);
    return new Rollout(r.apiVersion(), r.kind(), r.metadata(), s.withPhases(phases));
  }
}
