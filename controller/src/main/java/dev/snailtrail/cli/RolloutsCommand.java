package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.Resources;
import dev.snailtrail.rollout.RolloutStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code get} and {@code list}: rollouts as a table, JSON, YAML or names, once or, with {@code
 * --watch}, again on every change.
 */
abstract class RolloutsCommand extends ApiCommand {

  /** The forms of {@code -o}. */
  enum Output {
    table,
    wide,
    json,
    yaml,
    name
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description =
          "table, wide (adds WEIGHT, STABLE and MESSAGE), json, yaml or name (rollout/NAME)."
              + " Default: ${DEFAULT-VALUE}.")
  Output output;

  @Option(
      names = {"-w", "--watch"},
      description =
          "After printing, keep watching: print a rollout again (a table row, a JSON or YAML"
              + " document of its summary, or its name) each time it changes. Ends on Ctrl-C.")
  boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "2s",
      converter = PositiveDuration.class,
      description = "How often to look while watching. Default: ${DEFAULT-VALUE}.")
  Duration interval;

  /** The one rollout asked for, or null for all. */
  abstract String name();

  /**
   * While watching, the table's columns are as wide as any phase and step can be from the start, so
   * the rows printed later line up under the header.
   */
  private static final int[] WATCHED_WIDTHS = {0, 12, 16, 12, 8};

  @Override
  final int run(ApiClient client) throws InterruptedException {
    List<Resources.Summary> shown = summaries(client);
    printAll(client, shown);
    if (!watch) {
      return OK;
    }
    Map<String, Object> last = new LinkedHashMap<>();
    shown.forEach(s -> last.put(s.name(), seen(s, shown)));
    out.flush();
    try {
      while (true) {
        Thread.sleep(interval.toMillis());
        List<Resources.Summary> now = summaries(client);
        for (Resources.Summary s : now) {
          Object seen = seen(s, now);
          if (!seen.equals(last.put(s.name(), seen))) {
            printChange(s, seen);
          }
        }
        out.flush();
      }
    } catch (InterruptedException e) {
      return OK; // the watch was ended
    }
  }

  /** What a watch compares: the row a table shows, else the whole summary. */
  private Object seen(Resources.Summary s, List<Resources.Summary> all) {
    return switch (output) {
      case table, wide ->
          table(all, output == Output.wide).lines().toList().get(1 + all.indexOf(s));
      case json, yaml, name -> s;
    };
  }

  private void printAll(ApiClient client, List<Resources.Summary> items) {
    switch (output) {
      case table, wide -> out.print(table(items, output == Output.wide));
      case json ->
          out.println(
              Documents.json(
                  name() == null ? new Resources.SummaryList(items) : client.get(name())));
      case yaml -> {
        for (int i = 0; i < items.size(); i++) {
          if (i > 0) {
            out.println("---");
          }
          out.print(specAndStatus(client.get(items.get(i).name())));
        }
      }
      case name -> items.forEach(s -> out.println("rollout/" + s.name()));
    }
  }

  private void printChange(Resources.Summary changed, Object seen) {
    switch (output) {
      case table, wide -> out.println(seen);
      case json -> out.println(Documents.json(changed));
      case yaml -> out.print("---\n" + Documents.yaml(changed));
      case name -> out.println("rollout/" + changed.name());
    }
  }

  List<Resources.Summary> summaries(ApiClient client) {
    if (name() == null) {
      return client.list();
    }
    Resources.Detail d = client.get(name());
    RolloutStatus s = d.status();
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
            s.warnings().stream().map(c -> c.type().name()).toList(),
            d.holder(),
            s.traffic() == null ? null : s.traffic().weight()));
  }

  private String table(List<Resources.Summary> items, boolean wide) {
    return table(items, wide, watch ? WATCHED_WIDTHS : new int[0]);
  }

  private static String table(List<Resources.Summary> items, boolean wide, int[] widths) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        wide
            ? new String[] {
              "NAME",
              "PHASE",
              "STEP",
              "CURRENT",
              "PROGRESS",
              "GENERATION",
              "WEIGHT",
              "STABLE",
              "MESSAGE"
            }
            : new String[] {"NAME", "PHASE", "STEP", "CURRENT", "PROGRESS", "GENERATION"});
    // A store several replicas share: which replica acts on each rollout.
    boolean shared = items.stream().anyMatch(s -> s.holder() != null);
    if (shared) {
      rows.set(
          0,
          java.util.stream.Stream.concat(
                  java.util.Arrays.stream(rows.get(0)), java.util.stream.Stream.of("HOLDER"))
              .toArray(String[]::new));
    }
    for (Resources.Summary s : items) {
      String current = s.currentPhase() == null ? "" : s.currentPhase().name();
      List<String> row =
          new ArrayList<>(
              List.of(
                  s.name(),
                  s.storeDamaged() ? "StoreDamaged" : phase(s),
                  String.valueOf(s.step()),
                  current.isEmpty() ? "-" : current,
                  s.progress() + "%",
                  Long.toString(s.generation())));
      if (wide) {
        // The canary's share of requests while a phase shifts traffic.
        row.add(s.trafficWeight() == null ? "-" : s.trafficWeight() + "%");
        row.add(s.stablePhase() == null ? "-" : s.stablePhase().name());
        row.add(s.message() == null ? "" : s.message());
      }
      if (shared) {
        row.add(s.holder() == null ? "-" : s.holder());
      }
      rows.add(row.toArray(String[]::new));
    }
    return Tables.format(rows, widths);
  }

  /** The phase, and what needs attention besides: {@code Progressing (ProviderUnavailable)}. */
  private static String phase(Resources.Summary s) {
    String phase = String.valueOf(s.phase());
    return s.warnings().isEmpty() ? phase : phase + " (" + String.join(", ", s.warnings()) + ")";
  }

  /** The effective spec, then its status in the same document. */
  static String specAndStatus(Resources.Detail d) {
    String spec = d.spec().endsWith("\n") ? d.spec() : d.spec() + "\n";
    return spec + Documents.yamlField("status", d.status());
  }
}
