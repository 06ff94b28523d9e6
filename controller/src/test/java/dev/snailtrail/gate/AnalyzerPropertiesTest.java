package dev.snailtrail.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.spec.Analysis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What must hold for every sequence of measurements under any analysis rules. */
class AnalyzerPropertiesTest {

  @Provide
  Arbitrary<Analysis> rules() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 600),
            Arbitraries.integers().between(1, 6),
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 6))
        .as(
            (seconds, count, failures, inconclusives, errors) ->
                new Analysis(Duration.ofSeconds(seconds), count, failures, inconclusives, errors));
  }

  @Provide
  Arbitrary<List<Measurement>> sequences() {
    return measurement().list().ofMaxSize(40);
  }

  @Provide
  Arbitrary<List<Measurement>> errorsOnly() {
    return Arbitraries.strings()
        .alpha()
        .ofMaxLength(8)
        .map(s -> (Measurement) new Measurement.Error("throttled " + s))
        .list()
        .ofMaxSize(40);
  }

  private static Arbitrary<Measurement> measurement() {
    Arbitrary<String> text = Arbitraries.strings().alpha().ofMaxLength(6);
    return Arbitraries.oneOf(
        text.map(Measurement.Pass::new),
        text.map(Measurement.Fail::new),
        text.map(Measurement.Pending::new),
        text.map(Measurement.Inconclusive::new),
        text.map(Measurement.Error::new));
  }

  @Property
  void errorsAloneNeverFailNorPass(
      @ForAll("rules") Analysis rules, @ForAll("errorsOnly") List<Measurement> ms) {
    GateStatus s = AnalyzerTest.run(rules, ms);

    assertThat(s.result()).isIn(GateResult.Pending, GateResult.Inconclusive);
    assertThat(s.failures()).isZero();
    assertThat(s.result() == GateResult.Inconclusive)
        .isEqualTo(ms.size() > rules.consecutiveErrorLimit());
  }

  @Property
  void theVerdictIsAPureFunctionOfTheSequence(
      @ForAll("rules") Analysis rules, @ForAll("sequences") List<Measurement> ms) {
    assertThat(AnalyzerTest.run(rules, ms)).isEqualTo(AnalyzerTest.run(rules, ms));
  }

  @Property
  void failedExactlyWhenFailuresExceedTheLimit(
      @ForAll("rules") Analysis rules, @ForAll("sequences") List<Measurement> ms) {
    long fails = ms.stream().filter(m -> m instanceof Measurement.Fail).count();

    GateStatus s = AnalyzerTest.run(rules, ms);

    assertThat(s.result() == GateResult.Failed).isEqualTo(fails > rules.failureLimit());
    assertThat(s.failures()).isEqualTo((int) fails);
  }

  @Property
  void errorsAnywhereNeverChangeWhetherAGateFails(
      @ForAll("rules") Analysis rules, @ForAll("sequences") List<Measurement> ms) {
    List<Measurement> withoutErrors =
        ms.stream().filter(m -> !(m instanceof Measurement.Error)).toList();

    GateStatus with = AnalyzerTest.run(rules, ms);
    GateStatus without = AnalyzerTest.run(rules, withoutErrors);

    assertThat(with.result() == GateResult.Failed).isEqualTo(without.result() == GateResult.Failed);
    assertThat(with.passes()).isEqualTo(without.passes());
    assertThat(with.inconclusives()).isEqualTo(without.inconclusives());
  }

  @Property
  void failedIsFinal(
      @ForAll("rules") Analysis rules,
      @ForAll("sequences") List<Measurement> prefix,
      @ForAll("sequences") List<Measurement> suffix) {
    List<Measurement> failing = new ArrayList<>(prefix);
    for (int i = 0; i <= rules.failureLimit(); i++) {
      failing.add(new Measurement.Fail("unhealthy"));
    }
    failing.addAll(suffix);

    assertThat(AnalyzerTest.run(rules, failing).result()).isEqualTo(GateResult.Failed);
  }

  @Property
  void anOutageHoldLiftsAtTheNextRealAnswer(
      @ForAll("rules") Analysis rules, @ForAll("sequences") List<Measurement> ms) {
    GateStatus s = AnalyzerTest.run(rules, ms);
    GateStatus next =
        Analyzer.record(s, new Measurement.Pending("waiting"), rules, java.time.Instant.EPOCH);

    boolean heldOnlyByErrors =
        s.failures() <= rules.failureLimit() && s.inconclusives() <= rules.inconclusiveLimit();
    if (heldOnlyByErrors) {
      assertThat(next.result()).isNotEqualTo(GateResult.Inconclusive);
    }
    assertThat(next.consecutiveErrors()).isZero();
  }

  @Property
  void theStatusCarriesTheLastMessage(
      @ForAll("rules") Analysis rules, @ForAll("sequences") List<Measurement> ms) {
    GateStatus s = AnalyzerTest.run(rules, ms);

    if (ms.isEmpty()) {
      assertThat(s).isEqualTo(GateStatus.initial("http/0"));
    } else {
      assertThat(s.message()).isEqualTo(ms.get(ms.size() - 1).message());
    }
  }
}
