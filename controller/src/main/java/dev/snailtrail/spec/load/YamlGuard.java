package dev.snailtrail.spec.load;

import java.util.HashSet;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;

/**
 * A streaming pass over the YAML events before any tree is built: it refuses nesting deep enough to
 * exhaust the stack and aliases to collections past a limit (the "billion laughs"), each at the
 * place it occurs, which the YAML library's own limit cannot report.
 */
final class YamlGuard {
  static final int MAX_DEPTH = 64;
  static final int MAX_COLLECTION_ALIASES = 50;

  private YamlGuard() {}

  /** Returns false, with the problem recorded, when the text must not be composed. */
  static boolean check(String text, LoadSettings settings, Diagnostics diagnostics) {
    int depth = 0;
    int aliases = 0;
    Set<String> collectionAnchors = new HashSet<>();
    for (Event e : new Parse(settings).parseString(text)) {
      switch (e.getEventId()) {
        case DocumentStart -> collectionAnchors.clear();
        case MappingStart, SequenceStart -> {
          depth++;
          ((NodeEvent) e).getAnchor().ifPresent(a -> collectionAnchors.add(a.getValue()));
          if (depth > MAX_DEPTH) {
            diagnostics.add(
                e.getStartMark(), "", "nesting deeper than " + MAX_DEPTH + " levels; refusing");
            return false;
          }
        }
        case MappingEnd, SequenceEnd -> depth--;
        case Scalar ->
            ((NodeEvent) e).getAnchor().ifPresent(a -> collectionAnchors.remove(a.getValue()));
        case Alias -> {
          if (collectionAnchors.contains(((AliasEvent) e).getAlias().getValue())
              && ++aliases > MAX_COLLECTION_ALIASES) {
            diagnostics.add(
                e.getStartMark(),
                "",
                "more than "
                    + MAX_COLLECTION_ALIASES
                    + " aliases to lists or mappings; refusing a document that expands this much");
            return false;
          }
        }
        default -> {}
      }
    }
    return true;
  }
}
