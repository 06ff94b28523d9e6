package dev.snailtrail.store;

import dev.snailtrail.spec.AnalysisTemplate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Templates in memory, for a store that keeps none of its own; gone when the process ends. */
final class MemoryTemplateStore implements TemplateStore {
  private final Clock clock;
  private final ConcurrentSkipListMap<String, StoredTemplate> templates =
      new ConcurrentSkipListMap<>();

  MemoryTemplateStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Applied apply(AnalysisTemplate template) {
    StoredTemplate old = templates.get(template.name());
    if (old != null && old.template().equals(template)) {
      return new Applied(template.name(), old.generation(), false);
    }
    Instant now = clock.instant();
    StoredTemplate next =
        old == null
            ? new StoredTemplate(template, 1, now, now)
            : new StoredTemplate(template, old.generation() + 1, old.createdAt(), now);
    templates.put(template.name(), next);
    return new Applied(template.name(), next.generation(), true);
  }

  @Override
  public Optional<StoredTemplate> get(String name) {
    return Optional.ofNullable(templates.get(name));
  }

  @Override
  public List<StoredTemplate> list() {
    return List.copyOf(templates.values());
  }

  @Override
  public boolean delete(String name) {
    return templates.remove(name) != null;
  }
}
