package dev.snailtrail.store;

import dev.snailtrail.spec.AnalysisTemplate;
import java.time.Instant;

/**
 * An AnalysisTemplate as the store holds it.
 *
 * @param generation moves when the template changes
 */
public record StoredTemplate(
    AnalysisTemplate template, long generation, Instant createdAt, Instant updatedAt) {
  public String name() {
    return template.name();
  }
}
