package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.Resources;
import dev.snailtrail.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.SerializationFeature;

/** {@code snailtrail get [NAME]}: rollouts as a table, YAML or JSON. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "List rollouts, or show one, as the controller sees them now.",
      "The table has NAME PHASE STEP CURRENT PROGRESS GENERATION; -o wide adds STABLE and"
          + " MESSAGE. -o yaml prints the effective spec and its status; -o json what the API"
          + " returns.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail get",
      "  snailtrail get shine-api-gateway -o wide",
      "  snailtrail get shine-api-gateway -o yaml > live.yaml",
      "  snailtrail get -o json | jq '.items[] | select(.phase == \"Degraded\") | .name'",
      "",
      ApiCommand.EXIT_CODES,
    })
final class GetCommand extends ApiCommand {

  enum Output {
    table,
    wide,
    yaml,
    json
  }

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "One rollout.")
  String name;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table, wide, yaml or json. Default: ${DEFAULT-VALUE}.")
  Output output;

  @Override
  int run(ApiClient client) {
    switch (output) {
      case table, wide -> out.print(table(summaries(client), output == Output.wide));
      case json ->
          out.println(
              pretty(name == null ? new Resources.SummaryList(client.list()) : client.get(name)));
      case yaml -> {
        List<String> names =
            name != null
                ? List.of(name)
                : client.list().stream().map(Resources.Summary::name).toList();
        for (int i = 0; i < names.size(); i++) {
          if (i > 0) {
            out.println("---");
          }
          out.print(yaml(client.get(names.get(i))));
        }
      }
    }
    return OK;
  }

  private List<Resources.Summary> summaries(ApiClient client) {
    if (name == null) {
      return client.list();
    }
    Resources.Detail d = client.get(name);
    var s = d.status();
    return List.of(
        new Resources.Summary(
            d.name(),
            s.phase(),
            s.step(),
            s.currentPhase(),
            s.stablePhase(),
            s.progress(),
            d.generation(),
            s.observedGeneration(),
            s.message(),
            s.storeDamaged(),
            d.holder()));
  }

  static String table(List<Resources.Summary> items, boolean wide) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        wide
            ? new String[] {
              "NAME", "PHASE", "STEP", "CURRENT", "PROGRESS", "GENERATION", "STABLE", "MESSAGE"
            }
            : new String[] {"NAME", "PHASE", "STEP", "CURRENT", "PROGRESS", "GENERATION"});
    for (Resources.Summary s : items) {
      String current = s.currentPhase() == null ? "" : s.currentPhase().name();
      String[] row = {
        s.name(),
        s.storeDamaged() ? "StoreDamaged" : String.valueOf(s.phase()),
        String.valueOf(s.step()),
        current.isEmpty() ? "-" : current,
        s.progress() + "%",
        Long.toString(s.generation())
      };
      if (wide) {
        row =
            new String[] {
              row[0],
              row[1],
              row[2],
              row[3],
              row[4],
              row[5],
              s.stablePhase() == null ? "-" : s.stablePhase().name(),
              s.message() == null ? "" : s.message()
            };
      }
      rows.add(row);
    }
    if (items.stream().anyMatch(s -> s.holder() != null)) {
      // A store several replicas share: which replica acts on each rollout.
      rows.set(0, withColumn(rows.get(0), "HOLDER"));
      for (int i = 1; i < rows.size(); i++) {
        String holder = items.get(i - 1).holder();
        rows.set(i, withColumn(rows.get(i), holder == null ? "-" : holder));
      }
    }
    return Tables.format(rows);
  }

  private static String[] withColumn(String[] row, String cell) {
    String[] longer = java.util.Arrays.copyOf(row, row.length + 1);
    longer[row.length] = cell;
    return longer;
  }

  private static String pretty(Object value) {
    return Json.mapper()
        .writer()
        .with(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(value);
  }

  /** The effective spec, then its status in the same document. */
  private static String yaml(Resources.Detail d) {
    @SuppressWarnings("unchecked")
    Map<String, Object> status = Json.mapper().convertValue(d.status(), Map.class);
    String dumped =
        new Dump(
                DumpSettings.builder()
                    .setDefaultFlowStyle(FlowStyle.BLOCK)
                    .setIndent(2)
                    .setIndicatorIndent(2)
                    .setIndentWithIndicator(true)
                    .build())
            .dumpToString(Map.of("status", status));
    String spec = d.spec().endsWith("\n") ? d.spec() : d.spec() + "\n";
    return spec + dumped;
  }
}
