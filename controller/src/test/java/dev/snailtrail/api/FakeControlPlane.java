package dev.snailtrail.api;

import dev.snailtrail.controller.ControlPlane;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.ReconcileResult;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.SpecWriter;
import dev.snailtrail.trail.NoteKind;
import dev.snailtrail.trail.TrailEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A control plane in memory: specs parsed by the real loader, verbs run by the real {@link
 * Commands}, so refusals and trail events are the ones a controller would produce.
 */
public final class FakeControlPlane implements ControlPlane {
  public static final Instant NOW = Instant.parse("2025-11-23T10:19:00Z");

  private final Commands commands = new Commands(Clock.fixed(NOW, ZoneOffset.UTC));
  private final Map<String, Entry> rollouts = new LinkedHashMap<>();
  private Health health = new Health(true, true, "store and provider answer");
  private Runnable afterGet = () -> {};

  private record Entry(
      Rollout spec,
      long generation,
      RolloutStatus status,
      long resourceVersion,
      List<TrailEvent> events) {
    RolloutView view() {
      return new RolloutView(spec.name(), generation, spec, status, resourceVersion);
    }
  }

  @Override
  public synchronized List<Applied> apply(String sourceName, String yaml) throws SpecException {
    List<Rollout> parsed = new SpecLoader().parseSelfContained(yaml, sourceName);
    List<Applied> applied = new ArrayList<>();
    for (Rollout r : parsed) {
      Entry old = rollouts.get(r.name());
      if (old != null && SpecWriter.toYaml(old.spec()).equals(SpecWriter.toYaml(r))) {
        applied.add(new Applied(r.name(), old.generation(), false));
        continue;
      }
      long generation = old == null ? 1 : old.generation() + 1;
      RolloutStatus status = old == null ? RolloutStatus.initial() : old.status();
      List<TrailEvent> events = old == null ? new ArrayList<>() : old.events();
      long rv = old == null ? 1 : old.resourceVersion() + 1;
      rollouts.put(r.name(), new Entry(r, generation, status, rv, events));
      applied.add(new Applied(r.name(), generation, true));
    }
    return applied;
  }

  @Override
  public Optional<RolloutView> get(String name) {
    Optional<RolloutView> view;
    Runnable hook;
    synchronized (this) {
      view = Optional.ofNullable(rollouts.get(name)).map(Entry::view);
      hook = afterGet;
    }
    hook.run();
    return view;
  }

  /** Runs after every {@link #get}, e.g. to move a rollout on between two looks. */
  public synchronized void afterGet(Runnable hook) {
    afterGet = hook;
  }

  @Override
  public synchronized List<RolloutView> list() {
    return rollouts.values().stream().map(Entry::view).toList();
  }

  @Override
  public synchronized List<TrailEvent> trail(String name, long afterSeq, int limit) {
    Entry e = entry(name);
    List<TrailEvent> after =
        e.events().stream().filter(ev -> ApiClient.sequence(ev) > afterSeq).toList();
    return after.subList(Math.max(0, after.size() - limit), after.size());
  }

  @Override
  public synchronized RolloutView command(String name, Verb verb, String by) {
    Entry e = entry(name);
    ReconcileResult r =
        switch (verb) {
          case approve -> commands.approve(e.spec(), e.generation(), e.status(), by);
          case promote -> commands.promote(e.spec(), e.generation(), e.status(), by);
          case promoteFull -> commands.promoteFull(e.spec(), e.generation(), e.status(), by);
          case pause -> commands.pause(e.spec(), e.generation(), e.status(), by);
          case resume -> commands.resume(e.spec(), e.generation(), e.status(), by);
          case abort -> commands.abort(e.spec(), e.generation(), e.status(), by);
          case retry -> commands.retry(e.spec(), e.generation(), e.status(), by);
          case undo -> commands.undo(e.spec(), e.generation(), e.status(), by);
        };
    e.events().addAll(r.events());
    Entry next =
        new Entry(e.spec(), e.generation(), r.status(), e.resourceVersion() + 1, e.events());
    rollouts.put(name, next);
    return next.view();
  }

  @Override
  public synchronized TrailEvent note(String name, NoteKind kind, String text, String by) {
    Entry e = entry(name);
    ReconcileResult r = commands.note(e.spec(), e.generation(), e.status(), kind, text, by);
    e.events().addAll(r.events());
    rollouts.put(
        name, new Entry(e.spec(), e.generation(), r.status(), e.resourceVersion() + 1, e.events()));
    return r.events().get(0);
  }

  @Override
  public synchronized boolean delete(String name) {
    return rollouts.remove(name) != null;
  }

  @Override
  public synchronized Health health() {
    return health;
  }

  /** Sets what {@link #health()} answers. */
  public synchronized void health(Health h) {
    health = h;
  }

  /** Changes a stored rollout's status, as a reconcile pass would. */
  public synchronized void status(String name, UnaryOperator<RolloutStatus> change) {
    Entry e = entry(name);
    rollouts.put(
        name,
        new Entry(
            e.spec(),
            e.generation(),
            change.apply(e.status()),
            e.resourceVersion() + 1,
            e.events()));
  }

  /** Appends trail events, as a reconcile pass would. */
  public synchronized void record(String name, TrailEvent... events) {
    entry(name).events().addAll(List.of(events));
  }

  private Entry entry(String name) {
    Entry e = rollouts.get(name);
    if (e == null) {
      throw new NotFound(name);
    }
    return e;
  }
}
