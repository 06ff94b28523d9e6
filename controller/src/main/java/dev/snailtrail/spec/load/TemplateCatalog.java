package dev.snailtrail.spec.load;

import dev.snailtrail.spec.AnalysisTemplate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The AnalysisTemplates a load may resolve a phase's {@code - template: NAME} against, besides
 * those in the texts it reads (which take their place when they have the same name): for the
 * controller, those it stores; for {@code snailtrail apply}, those the controller has. It also
 * says, for a use that names none of them, where templates were looked for and what to do.
 */
public final class TemplateCatalog {
  private final Supplier<? extends Collection<AnalysisTemplate>> source;
  private final String where;
  private final String remedy;
  private Map<String, AnalysisTemplate> templates;

  private TemplateCatalog(
      Supplier<? extends Collection<AnalysisTemplate>> source, String where, String remedy) {
    this.source = source;
    this.where = where;
    this.remedy = remedy;
  }

  /**
   * Templates known before the load.
   *
   * @param where where a use's template is looked for, for the problem when it is not found, e.g.
   *     "in this request or the controller's store"
   * @param remedy what to do then, e.g. "apply the AnalysisTemplate first, or in the same request"
   */
  public static TemplateCatalog of(
      Collection<AnalysisTemplate> templates, String where, String remedy) {
    List<AnalysisTemplate> copy = List.copyOf(templates);
    return new TemplateCatalog(() -> copy, where, remedy);
  }

  /**
   * Templates fetched when a use first names one that the texts loaded do not define (and never
   * when none does): those of a controller, for {@code snailtrail apply}.
   */
  public static TemplateCatalog lazy(
      Supplier<? extends Collection<AnalysisTemplate>> templates, String where, String remedy) {
    return new TemplateCatalog(templates, where, remedy);
  }

  /** No templates but those in the texts loaded. */
  public static TemplateCatalog none(String where, String remedy) {
    return new TemplateCatalog(List::of, where, remedy);
  }

  Map<String, AnalysisTemplate> templates() {
    if (templates == null) {
      Map<String, AnalysisTemplate> byName = new LinkedHashMap<>();
      source.get().forEach(t -> byName.put(t.name(), t));
      templates = Map.copyOf(byName);
    }
    return templates;
  }

  String where() {
    return where;
  }

  String remedy() {
    return remedy;
  }
}
