package dev.snailtrail.cli;

import dev.snailtrail.json.Json;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import tools.jackson.databind.SerializationFeature;

/**
 * What {@code -o json} and {@code -o yaml} print: the API's own JSON shape, indented, or the same
 * data as block YAML. One place, so every read command prints a value the same way.
 */
final class Documents {
  private Documents() {}

  /** Indented JSON, without a final newline. */
  static String json(Object value) {
    return Json.mapper()
        .writer()
        .with(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(value);
  }

  /** JSON on one line, for one value per line. */
  static String jsonLine(Object value) {
    return Json.mapper().writeValueAsString(value);
  }

  /** Block YAML of the value's JSON shape, ending in a newline. */
  static String yaml(Object value) {
    Object tree = Json.mapper().convertValue(value, Object.class);
    return new Dump(
            DumpSettings.builder()
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setIndent(2)
                .setIndicatorIndent(2)
                .setIndentWithIndicator(true)
                .build())
        .dumpToString(tree);
  }

  /** {@code key:} then the value's YAML, as one more field of a document. */
  static String yamlField(String key, Object value) {
    return yaml(Map.of(key, value));
  }
}
