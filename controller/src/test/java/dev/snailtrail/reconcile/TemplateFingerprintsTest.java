package dev.snailtrail.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.TemplateCatalog;
import org.junit.jupiter.api.Test;

/**
 * A phase's fingerprint is its resolved gates and their names: a template (or a use's arguments)
 * changes a phase only when it changes the gates it gives.
 */
class TemplateFingerprintsTest {
  private static final String TEMPLATE =
      """
      apiVersion: snailtrail.dev/v1
      kind: AnalysisTemplate
      metadata: {name: fast}
      spec:
        args:
          - {name: latency, default: 2s}
        gates:
          - http: {path: /health, expect: {maxLatency: "{{args.latency}}"}}
      ---
      """;

  private static final String ROLLOUT =
      """
      apiVersion: snailtrail.dev/v1
      kind: Rollout
      metadata: {name: shine}
      spec:
        target: {region: us-east-1, cluster: c, service: shine, url: http://shine.example}
        template: {family: shine, container: api, port: 8080}
        phases:
          - name: one
            image: 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine:1
            gates:
              - template: fast
                args: {latency: LATENCY}
      """;

  private static String fingerprint(String template, String latency) throws Exception {
    Rollout r =
        new SpecLoader()
            .parseAll(
                template + ROLLOUT.replace("LATENCY", latency),
                "shine.yaml",
                null,
                TemplateCatalog.none("", ""))
            .orThrow()
            .rollouts()
            .get(0);
    return Fingerprints.of(0, r.spec().phases().get(0), r.spec().template(), r.spec().analysis());
  }

  @Test
  void argumentsSpelledDifferentlyThatGiveTheSameGatesLeaveThePhaseUnchanged() throws Exception {
    assertThat(fingerprint(TEMPLATE, "1s")).isEqualTo(fingerprint(TEMPLATE, "1000ms"));
  }

  @Test
  void aTemplateChangeThatGivesOtherGatesChangesThePhase() throws Exception {
    String slower = TEMPLATE.replace("path: /health", "path: /ready");
    assertThat(fingerprint(slower, "1s")).isNotEqualTo(fingerprint(TEMPLATE, "1s"));
    assertThat(fingerprint(TEMPLATE, "2s")).isNotEqualTo(fingerprint(TEMPLATE, "1s"));
  }

  @Test
  void aTemplateRenamedWithTheSameGatesAndUseNameLeavesThePhaseUnchanged() throws Exception {
    String renamed = TEMPLATE.replace("name: fast}", "name: quick}");
    String use = ROLLOUT.replace("- template: fast", "- template: quick\n          name: fast");
    Rollout r =
        new SpecLoader()
            .parseAll(
                renamed + use.replace("LATENCY", "1s"),
                "shine.yaml",
                null,
                TemplateCatalog.none("", ""))
            .orThrow()
            .rollouts()
            .get(0);
    assertThat(
            Fingerprints.of(0, r.spec().phases().get(0), r.spec().template(), r.spec().analysis()))
        .isEqualTo(fingerprint(TEMPLATE, "1s"));
  }
}
