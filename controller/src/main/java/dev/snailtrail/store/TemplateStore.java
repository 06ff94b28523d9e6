package dev.snailtrail.store;

import dev.snailtrail.spec.AnalysisTemplate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Where AnalysisTemplates live between applies, for rollouts applied later to use. A rollout keeps
 * the gates a template gave it when it was applied (its spec holds them), so changing or deleting a
 * template changes no stored rollout; applying the rollout again does.
 *
 * <p>{@link FileTemplateStore} keeps them beside a {@link FileStore}'s rollouts. A store shared by
 * several controllers keeps its templates with it and hands the controller its own.
 */
public interface TemplateStore {

  /**
   * Stores a template, replacing the one of its name. The generation moves only when the template
   * differs from the stored one.
   */
  Applied apply(AnalysisTemplate template);

  /** The template of this name, or empty. */
  Optional<StoredTemplate> get(String name);

  /** Every stored template, by name. */
  List<StoredTemplate> list();

  /** Removes a template; whether it existed. Rollouts that used it keep its gates. */
  boolean delete(String name);

  /**
   * The outcome of {@link #apply}.
   *
   * @param changed whether the template differed from the stored one (or is new)
   */
  record Applied(String name, long generation, boolean changed) {}

  /**
   * Templates kept beside {@code store}: in its directory for a {@link FileStore}, else in memory.
   */
  static TemplateStore beside(Store store, Clock clock) {
    return store instanceof FileStore files
        ? new FileTemplateStore(files.root(), clock)
        : new MemoryTemplateStore(clock);
  }
}
