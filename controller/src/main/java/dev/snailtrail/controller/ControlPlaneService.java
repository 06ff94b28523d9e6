package dev.snailtrail.controller;

import dev.snailtrail.metrics.Metrics;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.reconcile.Commands;
import dev.snailtrail.reconcile.ReconcileResult;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.TemplateUse;
import dev.snailtrail.spec.load.Documents;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.TemplateCatalog;
import dev.snailtrail.store.Fence;
import dev.snailtrail.store.Store;
import dev.snailtrail.store.StoreDamaged;
import dev.snailtrail.store.StoredRollout;
import dev.snailtrail.store.StoredTemplate;
import dev.snailtrail.store.TemplateStore;
import dev.snailtrail.trail.NoteKind;
import dev.snailtrail.trail.TrailEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@link ControlPlane} of a running {@link Controller}: the verbs people use through the API
 * and the watch directory. Each verb takes the rollout's lock, changes the store, and wakes the
 * rollout's worker; none of them reconciles. Built with its controller by {@link
 * ControllerBuilder}.
 */
public final class ControlPlaneService implements ControlPlane {
  /**
   * An apply of rollouts waits while busy workers have left a rollout due this long (real time): a
   * burst of applies then cannot starve the passes of rollouts already under way (whose next look
   * may be the one that sees an alarm). Below the reconcile-lag goal of one second.
   */
  static final Duration HOLD_WHEN_BEHIND = Duration.ofMillis(250);

  /** The longest an apply waits for the workers to catch up; it is stored then regardless. */
  static final Duration HOLD_AT_MOST = Duration.ofSeconds(10);

  private final RolloutAccess access;
  private final Store store;
  private final TemplateStore templates;
  private final Commands commands;
  private final Metrics metrics;
  private final ServiceOwners.Index owners;

  ControlPlaneService(
      RolloutAccess access, TemplateStore templates, Commands commands, Metrics metrics) {
    this.access = access;
    this.store = access.store;
    this.templates = templates;
    this.commands = commands;
    this.metrics = metrics;
    this.owners = new ServiceOwners.Index(this::managed, store.leases().isPresent());
  }

  @Override
  public List<Applied> apply(String sourceName, String yaml) throws SpecException {
    return store(
        new SpecLoader()
            .parseAll(
                yaml,
                sourceName,
                null,
                catalog(
                    "in this request or the controller's store",
                    "apply the AnalysisTemplate first, or in the same request"))
            .orThrow());
  }

  /**
   * Validates and stores rollout and AnalysisTemplate documents from files this controller can read
   * (the watch directory), reading a {@code template.fromFile} relative to {@code baseDir} now.
   */
  public List<Applied> apply(String sourceName, String yaml, Path baseDir) throws SpecException {
    return store(
        new SpecLoader()
            .parseAll(
                yaml,
                sourceName,
                baseDir,
                catalog(
                    "in this file or the controller's store",
                    "define it in this file or another file here (it is used once that file is"
                        + " applied)"))
            .orThrow());
  }

  private void holdWhileBehind() {
    try {
      Duration held = access.queue.awaitCaughtUp(HOLD_WHEN_BEHIND, HOLD_AT_MOST);
      if (held.compareTo(Duration.ofMillis(1)) >= 0) {
        metrics.applyHeld(held);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stored now; the interrupt is the caller's to see
    }
  }

  /** The stored templates, for the uses in a text to name. */
  private TemplateCatalog catalog(String where, String remedy) {
    return TemplateCatalog.of(
        templates.list().stream().map(StoredTemplate::template).toList(), where, remedy);
  }

  private List<Applied> store(Documents documents) {
    List<Rollout> rollouts = documents.rollouts();
    if (!rollouts.isEmpty()) {
      holdWhileBehind();
    }
    for (Rollout r : rollouts) {
      // All or none: a damaged rollout refuses the whole text before any of it is stored.
      readable(r.name());
    }
    ServiceOwners.check(rollouts, owners.owners());
    List<Applied> applied = new ArrayList<>();
    for (AnalysisTemplate t : documents.templates()) {
      TemplateStore.Applied a = templates.apply(t);
      applied.add(new Applied(a.name(), a.generation(), a.changed(), AnalysisTemplate.KIND));
    }
    for (Rollout r : rollouts) {
      Store.Applied a = access.withLock(r.name(), () -> damagedRefused(() -> store.apply(r)));
      owners.stored(r);
      access.prepare(r);
      if (a.changed()) {
        access.queue.add(r.name());
      }
      applied.add(new Applied(a.name(), a.generation(), a.changed()));
    }
    return applied;
  }

  @Override
  public Optional<RolloutView> get(String name) {
    return get(name, access.holders());
  }

  private Optional<RolloutView> get(String name, Map<String, String> holders) {
    try {
      return store.get(name).map(r -> view(r, holders.get(name)));
    } catch (StoreDamaged e) {
      return Optional.of(view(e.readable(), holders.get(name)));
    }
  }

  /** Throws {@link Damaged} when the rollout is stored but cannot be read. */
  private void readable(String name) {
    access.withLock(name, () -> damagedRefused(() -> store.get(name)));
  }

  private static <T> T damagedRefused(Supplier<T> action) {
    try {
      return action.get();
    } catch (StoreDamaged e) {
      throw new Damaged(e.getMessage());
    }
  }

  /** Each readable stored rollout's spec (a damaged one's spec may be unknown: it is left out). */
  private List<Rollout> managed() {
    List<Rollout> specs = new ArrayList<>();
    for (String name : store.names()) {
      // No holders: a spec does not need them, and a shared store reads every lease to say.
      get(name, Map.of()).map(RolloutView::spec).ifPresent(specs::add);
    }
    return specs;
  }

  @Override
  public List<RolloutView> list() {
    List<RolloutView> views = new ArrayList<>();
    Map<String, String> holders = access.holders();
    for (String name : store.names()) {
      get(name, holders).ifPresent(views::add);
    }
    return views;
  }

  @Override
  public List<TrailEvent> trail(String name, long afterSeq, int limit) {
    if (get(name).isEmpty()) {
      throw new NotFound(name);
    }
    List<TrailEvent> events =
        store.trail(name).stream().filter(e -> sequence(e) > afterSeq).toList();
    if (limit > 0 && events.size() > limit) {
      return events.subList(events.size() - limit, events.size());
    }
    return events;
  }

  /** The sequence number of an event: the last part of its id {@code rollout/generation/seq}. */
  static long sequence(TrailEvent e) {
    return e.sequence();
  }

  @Override
  public RolloutView command(String name, Verb verb, String by) {
    // The rollout as the verb left it: read under the lock, before a pass can move it on.
    RolloutView view =
        access.withLock(
            name,
            () -> {
              StoredRollout r =
                  damagedRefused(() -> store.get(name)).orElseThrow(() -> new NotFound(name));
              ReconcileResult result = run(verb, r, by);
              access.commit(
                  name, r.resourceVersion(), result.events(), result.status(), Fence.NONE);
              return get(name).orElseThrow(() -> new NotFound(name));
            });
    access.queue.add(name);
    return view;
  }

  @Override
  public TrailEvent note(String name, NoteKind kind, String text, String by) {
    return access.withLock(
        name,
        () -> {
          StoredRollout r =
              damagedRefused(() -> store.get(name)).orElseThrow(() -> new NotFound(name));
          ReconcileResult result =
              commands.note(r.spec(), r.generation(), r.status(), kind, text, by);
          Store.Committed c =
              access.commit(
                  name, r.resourceVersion(), result.events(), result.status(), Fence.NONE);
          // Stored under the status's last number: the store may have moved it past a crash's.
          return result.events().get(0).withSequence(c.status().eventSeq());
        });
  }

  private ReconcileResult run(Verb verb, StoredRollout r, String by) {
    Rollout spec = r.spec();
    long gen = r.generation();
    RolloutStatus s = r.status();
    return switch (verb) {
      case approve -> commands.approve(spec, gen, s, by);
      case promote -> commands.promote(spec, gen, s, by);
      case promoteFull -> commands.promoteFull(spec, gen, s, by);
      case pause -> commands.pause(spec, gen, s, by);
      case resume -> commands.resume(spec, gen, s, by);
      case abort -> commands.abort(spec, gen, s, by);
      case retry -> commands.retry(spec, gen, s, by);
      case undo -> commands.undo(spec, gen, s, by);
    };
  }

  @Override
  public boolean delete(String name) {
    // Forgotten under the lock: an apply of the same name just after must not be forgotten.
    boolean deleted =
        access.withLock(
            name,
            () -> {
              boolean gone = store.delete(name);
              if (gone) {
                access.forget(name);
              }
              return gone;
            });
    if (deleted) {
      owners.deleted(name);
      metrics.forget(name);
    }
    return deleted;
  }

  @Override
  public List<TemplateView> templates() {
    List<StoredTemplate> stored = templates.list();
    if (stored.isEmpty()) {
      return List.of(); // no rollout to read
    }
    Map<String, Set<String>> users = templateUsers();
    return stored.stream().map(t -> view(t, users)).toList();
  }

  @Override
  public Optional<TemplateView> template(String name) {
    return templates.get(name).map(t -> view(t, templateUsers()));
  }

  /** The stored rollouts whose gates came from each template, by the template's name. */
  private Map<String, Set<String>> templateUsers() {
    Map<String, Set<String>> users = new HashMap<>();
    for (Rollout r : managed()) {
      for (Phase p : r.spec().phases()) {
        for (TemplateUse u : p.templateUses()) {
          users.computeIfAbsent(u.template(), k -> new TreeSet<>()).add(r.name());
        }
      }
    }
    return users;
  }

  @Override
  public boolean deleteTemplate(String name) {
    return templates.delete(name);
  }

  private static TemplateView view(StoredTemplate t, Map<String, Set<String>> users) {
    return new TemplateView(
        t.template(),
        t.generation(),
        t.updatedAt(),
        List.copyOf(users.getOrDefault(t.name(), Set.of())));
  }

  @Override
  public Health health() {
    try {
      store.check();
    } catch (RuntimeException e) {
      return new Health(false, false, "store unreadable: " + e.getMessage());
    }
    Optional<Rollout> rollout = anyRollout();
    if (rollout.isEmpty()) {
      return new Health(true, true, "ok: no rollouts yet");
    }
    // Asked as that rollout acts: its role may reach what the controller's own credentials cannot.
    Target target = rollout.get().spec().target();
    try (Lanes.Use lane = access.lanes.borrow(rollout.get())) {
      return health(lane.lane().ports(), target);
    }
  }

  private static Health health(Providers providers, Target target) {
    try {
      providers.ecs().describeCluster(target.region(), target.cluster());
      return new Health(true, true, "ok");
    } catch (ProviderException e) {
      return new Health(true, false, "provider " + providers.name() + ": " + e.describe());
    } catch (RuntimeException e) {
      return new Health(true, false, "provider " + providers.name() + ": " + e.getMessage());
    }
  }

  /** The first stored rollout: where to ask whether the provider answers. */
  private Optional<Rollout> anyRollout() {
    for (String name : store.names()) {
      Optional<RolloutView> r = get(name);
      if (r.isPresent() && r.get().spec() != null) {
        return Optional.of(r.get().spec());
      }
    }
    return Optional.empty();
  }

  private static RolloutView view(StoredRollout r, String holder) {
    return new RolloutView(
        r.name(), r.generation(), r.spec(), r.status(), r.resourceVersion(), holder);
  }
}
