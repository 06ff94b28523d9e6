package dev.snailtrail.gate;

import dev.snailtrail.rollout.GateResult;
import dev.snailtrail.rollout.GateStatus;
import dev.snailtrail.spec.Analysis;
import java.time.Instant;
import java.util.Optional;

/**
 * The one place where measurements become verdicts. Everything else only measures; the analysis
 * limits are applied here and nowhere else, so "how many failures fail a phase" has one answer.
 *
 * <p>Provider errors never fail a gate: they can only hold it (Inconclusive after more than {@code
 * consecutiveErrorLimit} in a row), and the hold lifts by itself at the next measurement that is
 * not an error, because an outage of CloudWatch or Prometheus says nothing about the phase.
 */
public final class Analyzer {

  private Analyzer() {}

  /**
   * The gate's tally after one more measurement.
   *
   * @param prior the tally so far ({@link GateStatus#initial(String)} for a fresh gate)
   * @param m what the gate saw
   * @param rules the gate's effective analysis rules
   * @param at when it was measured
   * @return the new tally; its message is the measurement's
   */
  public static GateStatus record(GateStatus prior, Measurement m, Analysis rules, Instant at) {
    int passes = prior.passes();
    int failures = prior.failures();
    int inconclusives = prior.inconclusives();
    int errors = prior.consecutiveErrors();
    switch (m) {
      case Measurement.Pass p -> {
        passes++;
        errors = 0;
      }
      case Measurement.Fail f -> {
        failures++;
        errors = 0;
      }
      case Measurement.Pending p -> errors = 0;
      case Measurement.Inconclusive i -> {
        inconclusives++;
        errors = 0;
      }
      case Measurement.Error e -> errors++;
    }
    GateResult result = verdict(prior.result(), passes, failures, inconclusives, errors, rules);
    return new GateStatus(
        prior.name(), result, passes, failures, inconclusives, errors, m.message(), at);
  }

  private static GateResult verdict(
      GateResult prior, int passes, int failures, int inconclusives, int errors, Analysis rules) {
    // Failed is final within a phase: a later pass does not undo evidence against it.
    if (prior == GateResult.Failed || failures > rules.failureLimit()) {
      return GateResult.Failed;
    }
    // Inconclusive through inconclusiveLimit stays (the tally never shrinks); through errors it
    // lasts only while the errors do, since consecutiveErrors resets on any real answer.
    if (inconclusives > rules.inconclusiveLimit() || errors > rules.consecutiveErrorLimit()) {
      return GateResult.Inconclusive;
    }
    if (passes >= rules.count()) {
      return GateResult.Passed;
    }
    return GateResult.Pending;
  }

  /**
   * What a look at a gate between its intervals adds to its tally: only a failure that fails the
   * gate counts there. A gate watched on every pass ({@link GateEvaluator#watchedEveryPass}) is
   * looked at whenever its rollout is, so an alarm that fired is acted on at the next pass rather
   * than at the end of the interval; everything short of a verdict (a pass, a tolerated failure, no
   * data, an outage) waits for the interval, so looking more often never passes a gate sooner nor
   * spends its tolerance faster.
   *
   * @return the failed tally, or empty when the look changes nothing
   */
  public static Optional<GateStatus> recordBetweenIntervals(
      GateStatus prior, Measurement m, Analysis rules, Instant at) {
    if (!(m instanceof Measurement.Fail)) {
      return Optional.empty();
    }
    GateStatus after = record(prior, m, rules, at);
    return after.result() == GateResult.Failed && prior.result() != GateResult.Failed
        ? Optional.of(after)
        : Optional.empty();
  }

  /** Whether the gate should be measured at {@code now}: never measured, or its interval is up. */
  public static boolean due(GateStatus s, Analysis rules, Instant now) {
    return !now.isBefore(nextDue(s, rules));
  }

  /**
   * When the gate should next be measured: {@code lastMeasuredAt + interval}. A gate never measured
   * is due at once, which this reports as {@link Instant#EPOCH} (a time no real clock is before),
   * so callers can take the minimum over gates to schedule the next look.
   */
  public static Instant nextDue(GateStatus s, Analysis rules) {
    if (s.lastMeasuredAt() == null) {
      return Instant.EPOCH;
    }
    return s.lastMeasuredAt().plus(rules.interval());
  }
}
