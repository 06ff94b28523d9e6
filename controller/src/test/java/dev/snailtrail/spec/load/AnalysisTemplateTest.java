package dev.snailtrail.spec.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.TemplateUse;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rollouts that use AnalysisTemplates, as {@code validate} and {@code apply} read them. */
class AnalysisTemplateTest {
  /** Line 1 of the text: {@code ---} documents, the template first (lines 1-22). */
  static final String TEMPLATE =
      """
      apiVersion: snailtrail.dev/v1
      kind: AnalysisTemplate
      metadata:
        name: ready
      spec:
        args:
          - name: service
          - name: base
            default: http://shine.internal:8080
          - name: max
            default: 0.01
          - name: latency
            default: 2s
        gates:
          - http:
              url: "{{args.base}}/ready?service={{args.service}}"
              expect: {status: 200, maxLatency: "{{args.latency}}"}
          - prometheus:
              url: http://prometheus:9090
              query: sum(rate(errors_total{service="{{args.service}}"}[5m]))
              threshold: "< {{args.max}}"
      """;

  /** A rollout whose first phase uses the template with {@code args} (its line 22 on). */
  static String rollout(String use) {
    return """
        apiVersion: snailtrail.dev/v1
        kind: Rollout
        metadata:
          name: shine
        spec:
          target: {region: us-east-1, cluster: c, service: shine}
          template: {family: shine, container: api, port: 8080}
          phases:
            - name: one
              image: 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine:1
              gates:
                - ecsTasks
        %s
        """
        .formatted(use.indent(8).stripTrailing());
  }

  static String text(String use) {
    return TEMPLATE + "---\n" + rollout(use);
  }

  private static Documents load(String text) {
    return new SpecLoader()
        .parseAll(text, "shine.yaml", null, TemplateCatalog.none("in the files given", "x"));
  }

  private static List<String> problems(String text) {
    return load(text).problems().stream().map(Problem::format).toList();
  }

  @Test
  void aPhaseGetsTheTemplatesGatesWithItsArgumentsFilledInAndNamedAfterTheUse() throws Exception {
    Documents d = load(text("- template: ready\n  args: {service: shine, max: 0.05}"));
    assertThat(d.problems()).isEmpty();
    assertThat(d.templates()).extracting(AnalysisTemplate::name).containsExactly("ready");
    Phase one = d.rollouts().get(0).spec().phases().get(0);
    assertThat(one.gates()).hasSize(3);

    Gate.Http http = (Gate.Http) one.gates().get(1);
    assertThat(http.url()).isEqualTo(URI.create("http://shine.internal:8080/ready?service=shine"));
    assertThat(http.expect().maxLatency()).isEqualTo(Duration.ofSeconds(2));
    Gate.Prometheus prometheus = (Gate.Prometheus) one.gates().get(2);
    assertThat(prometheus.query()).isEqualTo("sum(rate(errors_total{service=\"shine\"}[5m]))");
    assertThat(prometheus.threshold().toString()).contains("0.05");

    assertThat(one.templateUses())
        .containsExactly(
            new TemplateUse(
                "ready",
                "ready",
                Map.of(
                    "service",
                    "shine",
                    "base",
                    "http://shine.internal:8080",
                    "max",
                    "0.05",
                    "latency",
                    "2s"),
                1,
                2));
    assertThat(List.of(one.gateName(0), one.gateName(1), one.gateName(2)))
        .containsExactly("ecsTasks/0", "ready/http/0", "ready/prometheus/1");
  }

  @Test
  void theEffectiveSpecKeepsTheGatesAndLoadsBackWithoutTheTemplate() throws Exception {
    Rollout r = load(text("- template: ready\n  args: {service: shine}")).rollouts().get(0);
    String yaml = SpecWriter.toYaml(r);
    assertThat(yaml).contains("- template: ready", "query: sum(rate(errors_total{service=");
    // Alone, as the controller's store reads it: the use carries its gates.
    assertThat(new SpecLoader().parseSelfContained(yaml, "stored")).containsExactly(r);
  }

  @Test
  void anUnknownTemplateIsLocatedAtTheUseWithTheClosestName() {
    assertThat(problems(text("- template: redy\n  args: {service: shine}")))
        .containsExactly(
            "shine.yaml:35:21: spec.phases[0].gates[1].template: no AnalysisTemplate named"
                + " 'redy' in the files given; did you mean 'ready'? (the AnalysisTemplates there:"
                + " ready)");
  }

  @Test
  void aTemplateInAnotherFileIsNotFoundWhenTheFileIsReadAlone() {
    assertThatThrownBy(
            () -> new SpecLoader().parse(rollout("- template: ready"), "shine.yaml", Path.of(".")))
        .isInstanceOfSatisfying(
            SpecException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.format())
                              .startsWith("shine.yaml:13:21: spec.phases[0].gates[1].template:")
                              .contains("no AnalysisTemplate named 'ready' in this file")
                              .contains("snailtrail validate ROLLOUT.yaml TEMPLATES.yaml");
                        }));
  }

  @Test
  void aMissingArgumentSaysWhereItIsDeclaredAndHowToGiveIt() {
    assertThat(problems(text("- template: ready\n  args: {max: 0.05}")))
        .containsExactly(
            "shine.yaml:36:17: spec.phases[0].gates[1].args: missing argument 'service' of"
                + " AnalysisTemplate 'ready' (declared at shine.yaml:7:13, without a default);"
                + " give it under args, e.g. args: {service: ...}");
  }

  @Test
  void aMissingArgumentWithNoArgsAtAllIsLocatedAtTheUse() {
    assertThat(problems(text("- template: ready")))
        .singleElement()
        .asString()
        .startsWith("shine.yaml:35:21: spec.phases[0].gates[1].template: missing argument");
  }

  @Test
  void anUnknownArgumentIsLocatedAtItsNameWithTheClosestOne() {
    assertThat(problems(text("- template: ready\n  args: {service: shine, latncy: 1s}")))
        .containsExactly(
            "shine.yaml:36:34: spec.phases[0].gates[1].args.latncy: AnalysisTemplate 'ready' has"
                + " no argument 'latncy'; did you mean 'latency'? (its arguments: service, base,"
                + " max, latency)");
  }

  @Test
  void anArgumentNoGateUsesIsRefusedWhereItIsDeclared() {
    String unused =
        TEMPLATE.replace("    - name: latency\n", "    - name: region\n    - name: latency\n");
    assertThat(problems(unused + "---\n" + rollout("- template: ready\n  args: {service: shine}")))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("shine.yaml:12:13: spec.args[3].name:")
                    .contains("argument 'region' is not used: no gate has {{args.region}}"));
  }

  @Test
  void aPlaceholderNamingNoArgumentIsRefusedInTheTemplate() {
    String typo = TEMPLATE.replace("{{args.max}}", "{{args.maks}}");
    assertThat(load(typo + "---\n" + rollout("- template: ready\n  args: {service: s}")).problems())
        .extracting(Problem::format)
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("shine.yaml:21:20: spec.gates[1].prometheus.threshold:")
                    .contains("placeholder {{args.maks}} names no argument of this template")
                    .contains("did you mean 'max'?"));
  }

  @Test
  void aValueThatMakesATemplatesGateInvalidIsReportedInTheTemplateAndAtTheUse() {
    List<String> problems = problems(text("- template: ready\n  args: {service: s, max: lots}"));
    assertThat(problems)
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("shine.yaml:21:20: spec.gates[1].prometheus.threshold:")
                    .endsWith("(in the gates it gives shine.yaml:35:11 spec.phases[0].gates[1])"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("shine.yaml:35:21: spec.phases[0].gates[1].template:")
                    .contains("AnalysisTemplate 'ready' gives a gate that is not valid"));
  }

  @Test
  void nothingIsLoadedFromATextWithAnyProblem() {
    Documents d = load(text("- template: ready"));
    assertThat(d.problems()).isNotEmpty();
    assertThat(d.templates()).isEmpty();
    assertThat(d.rollouts()).isEmpty();
    assertThatThrownBy(d::orThrow).isInstanceOf(SpecException.class);
  }

  @Test
  void onePhaseUsingATemplateTwiceNamesEachUse() throws Exception {
    Documents d =
        load(
            text(
                "- template: ready\n  args: {service: a}\n"
                    + "- template: ready\n  name: ready-b\n  args: {service: b}"));
    assertThat(d.problems()).isEmpty();
    Phase one = d.rollouts().get(0).spec().phases().get(0);
    assertThat(one.gateName(4)).isEqualTo("ready-b/prometheus/1");

    assertThat(
            problems(
                text(
                    "- template: ready\n  args: {service: a}\n"
                        + "- template: ready\n  args: {service: b}")))
        .singleElement()
        .asString()
        .contains("already uses a template under the name 'ready'");
  }

  @Test
  void aTemplateDefinedTwiceIsRefusedAtTheSecondName() {
    assertThat(problems(TEMPLATE + "---\n" + text("- template: ready\n  args: {service: s}")))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("shine.yaml:26:9: metadata.name:")
                    .contains("'ready' is defined twice (first at shine.yaml:4:9)"));
  }
}
