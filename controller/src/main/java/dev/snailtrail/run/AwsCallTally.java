package dev.snailtrail.run;

import dev.snailtrail.provider.CallListener;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.StatusPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the AWS requests of a rollout per phase, per {@code service.Operation} and per outcome,
 * and the most requests of one operation a single pass made. The driver tells it which phase the
 * next pass works on ({@link PassListener}); the AWS adapters tell it about each request ({@link
 * CallListener}), retries included.
 */
public final class AwsCallTally implements CallListener, PassListener {

  /** Outcomes in the order the table shows them. */
  private static final List<String> OUTCOMES = List.of(SUCCESS, THROTTLED, ERROR, CIRCUIT_OPEN);

  private final Map<String, Phase> phases = new LinkedHashMap<>();
  private final Map<String, Integer> thisPass = new HashMap<>();
  private final Map<String, Integer> maxPerPass = new HashMap<>();
  private Phase current = phase("start");

  /** One row: the requests of one operation in one phase. */
  public record Row(String phase, int passes, String call, Map<String, Integer> outcomes) {
    public Row {
      outcomes = Map.copyOf(outcomes);
    }

    public int count(String outcome) {
      return outcomes.getOrDefault(outcome, 0);
    }
  }

  private static final class Phase {
    final String label;
    int passes;
    final Map<String, Map<String, Integer>> calls = new TreeMap<>();

    Phase(String label) {
      this.label = label;
    }
  }

  @Override
  public synchronized void beforePass(RolloutStatus status) {
    current = phase(label(status));
    current.passes++;
    thisPass.clear();
  }

  @Override
  public synchronized void onCall(String service, String operation, String outcome, Duration took) {
    String call = service + "." + operation;
    current.calls.computeIfAbsent(call, c -> new HashMap<>()).merge(outcome, 1, Integer::sum);
    if (SUCCESS.equals(outcome)) {
      int n = thisPass.merge(call, 1, Integer::sum);
      maxPerPass.merge(call, n, Math::max);
    }
  }

  /** Every phase's requests, phases in the order the rollout reached them. */
  public synchronized List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (Phase p : phases.values()) {
      p.calls.forEach((call, outcomes) -> rows.add(new Row(p.label, p.passes, call, outcomes)));
    }
    return rows;
  }

  /** Requests of {@code service.Operation} with this outcome, over all phases. */
  public synchronized int total(String call, String outcome) {
    return phases.values().stream()
        .mapToInt(p -> p.calls.getOrDefault(call, Map.of()).getOrDefault(outcome, 0))
        .sum();
  }

  /** Requests with this outcome, over all operations and phases. */
  public synchronized int total(String outcome) {
    return phases.values().stream()
        .flatMap(p -> p.calls.values().stream())
        .mapToInt(o -> o.getOrDefault(outcome, 0))
        .sum();
  }

  /** Pass attempts counted, over all phases. */
  public synchronized int passes() {
    return phases.values().stream().mapToInt(p -> p.passes).sum();
  }

  /** The most successful requests of {@code service.Operation} that one pass made. */
  public synchronized int maxPerPass(String call) {
    return maxPerPass.getOrDefault(call, 0);
  }

  /** The counts as a Markdown table, one row per phase and operation. */
  public synchronized String table() {
    StringBuilder b = new StringBuilder();
    b.append("| phase | passes | call | success | throttled | error | circuit_open |\n");
    b.append("|---|---:|---|---:|---:|---:|---:|\n");
    for (Row r : rows()) {
      b.append(String.format(Locale.ROOT, "| %s | %d | %s", r.phase(), r.passes(), r.call()));
      for (String outcome : OUTCOMES) {
        b.append(" | ").append(r.count(outcome));
      }
      b.append(" |\n");
    }
    return b.toString();
  }

  private Phase phase(String label) {
    return phases.computeIfAbsent(label, Phase::new);
  }

  /** Requests before the first pass wrote status, and during a rollback, get their own rows. */
  private static String label(RolloutStatus s) {
    if (s.observedGeneration() == 0) {
      return "start";
    }
    if (s.phase() == StatusPhase.RollingBack && s.rollbackTarget() != null) {
      return "rollback to " + s.rollbackTarget().name();
    }
    return s.currentPhase().name();
  }
}
