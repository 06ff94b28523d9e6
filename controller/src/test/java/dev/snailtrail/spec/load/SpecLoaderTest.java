package dev.snailtrail.spec.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Template;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {
  private static final Path GOOD = Path.of("src/test/resources/good");
  private static final String HEAD =
      """
      apiVersion: snailtrail.dev/v1
      kind: Rollout
      metadata: {name: demo}
      spec:
        target: {region: us-east-1, cluster: c, service: demo, url: "http://demo.example.com"}
      """;

  private final SpecLoader loader = new SpecLoader();

  private Rollout parse(String rest) throws SpecException {
    List<Rollout> rollouts = loader.parse(HEAD + rest, "t.yaml", GOOD);
    assertThat(rollouts).hasSize(1);
    return rollouts.get(0);
  }

  @Test
  void omittedFieldsTakeTheirDefaults() throws Exception {
    Rollout r =
        parse(
            """
              template: {family: demo, container: app, port: 8080}
              phases:
                - name: one
                  image: app:1
                  gates: [ecsTasks, {http: {path: /health}}, {cloudwatchMetric: {query: {namespace: N, metric: M, stat: Sum}, threshold: "< 1"}}]
                - name: two
                  image: app:2
                  desiredCount: 4
                - name: three
            """);
    Template t = r.spec().template();
    assertThat(t.cpu()).isEqualTo(256);
    assertThat(t.memory()).isEqualTo(512);
    assertThat(t.launchType()).isEqualTo("FARGATE");
    assertThat(t.networkMode()).isEqualTo("awsvpc");
    assertThat(r.spec().progressDeadline()).isEqualTo(Duration.ofMinutes(15));
    assertThat(r.spec().analysis()).isEqualTo(Analysis.DEFAULTS);
    assertThat(r.spec().target().createIfMissing()).isFalse();
    List<Phase> phases = r.spec().phases();
    assertThat(phases).extracting(Phase::desiredCount).containsExactly(1, 4, 4);
    assertThat(phases).extracting(p -> p.image().tag()).containsExactly("1", "2", "2");
    assertThat(phases).extracting(Phase::bake).containsOnly(Duration.ZERO);
    assertThat(phases).extracting(Phase::approval).containsOnly(Phase.Approval.NONE);
    Gate.Http http = (Gate.Http) phases.get(0).gates().get(1);
    assertThat(http.method()).isEqualTo("GET");
    assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(http.expect().status()).isEqualTo(200);
    assertThat(phases.get(0).gates().get(0)).isEqualTo(new Gate.EcsTasks(Analysis.DEFAULTS));
    Gate.CloudWatchMetric metric = (Gate.CloudWatchMetric) phases.get(0).gates().get(2);
    assertThat(metric.window()).isEqualTo(Duration.ofMinutes(5));
    assertThat(metric.query().period()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aGateAnalysisOverridesOnlyWhatItNames() throws Exception {
    Rollout r =
        parse(
            """
              template: {family: demo, container: app, port: 8080}
              analysis: {interval: 20s, failureLimit: 0}
              phases:
                - name: one
                  image: app:1
                  gates:
                    - ecsTasks: {analysis: {count: 5}}
                    - ecsTasks
            """);
    Analysis rollout = new Analysis(Duration.ofSeconds(20), 3, 0, 3, 5);
    assertThat(r.spec().analysis()).isEqualTo(rollout);
    assertThat(r.spec().phases().get(0).gates())
        .extracting(Gate::analysis)
        .containsExactly(rollout.withCount(5), rollout);
  }

  @Test
  void theStatusOfASavedRolloutIsIgnored() throws Exception {
    Rollout r =
        parse(
            """
              template: {family: demo, container: app, port: 8080}
              phases: [{name: one, image: "app:1"}]
            status:
              phase: Progressing
              currentPhase: {index: 0, name: one}
            """);
    assertThat(r.name()).isEqualTo("demo");
  }

  @Test
  void severalDocumentsMakeSeveralRolloutsButNamesMustDiffer() throws Exception {
    String one =
        HEAD
            + """
              template: {family: demo, container: app, port: 8080}
              phases: [{name: one, image: "app:1"}]
            """;
    String two = one.replace("name: demo", "name: demo-two");
    assertThat(loader.parse(one + "---\n" + two, "t.yaml", GOOD))
        .extracting(Rollout::name)
        .containsExactly("demo", "demo-two");
    SpecException e =
        catchThrowableOfType(
            SpecException.class, () -> loader.parse(one + "---\n" + one, "t.yaml", GOOD));
    assertThat(e.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.format()).contains("appears twice in this file"));
  }

  @Test
  void aTemplateFromFileSuppliesWhatTheSpecLeavesOut() throws Exception {
    Rollout r =
        parse(
            """
              template:
                fromFile: task-def.json
                env: {LOG_LEVEL: debug}
              phases:
                - name: one
                  gates: [containerHealth]
                - name: two
                  image: 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:hybrid
            """);
    Template t = r.spec().template();
    assertThat(t.family()).isEqualTo("shine-api-gateway");
    assertThat(t.container()).isEqualTo("api");
    assertThat(t.port()).isEqualTo(5000);
    assertThat(t.cpu()).isEqualTo(512);
    assertThat(t.memory()).isEqualTo(1024);
    assertThat(t.env()).containsEntry("MODE", "simple").containsEntry("LOG_LEVEL", "debug");
    assertThat(t.logGroup()).isEqualTo("/ecs/shine-api-gateway");
    assertThat(t.healthCheck().intervalSeconds()).isEqualTo(15);
    assertThat(t.sidecars()).extracting(Template.Sidecar::name).containsExactly("xray");
    assertThat(t.fromFile()).isEqualTo(GOOD.resolve("task-def.json").toAbsolutePath().normalize());
    assertThat(r.spec().phases().get(0).image().tag()).isEqualTo("simple");
    assertThat(loader.parse(SpecWriter.toYaml(r), "w.yaml", GOOD)).containsExactly(r);
  }

  @Test
  void stringsThatLookLikeOtherValuesUnderTheCoreSchemaLoadBackAsStrings() throws Exception {
    Rollout r =
        parse(
            """
              template:
                family: demo
                container: app
                port: 8080
                env: {A: "~", B: "True", C: "0o17", D: "0x1F", E: ".inf", F: "NULL"}
              phases: [{name: one, image: "app:1"}]
            """);
    assertThat(loader.parse(SpecWriter.toYaml(r), "w.yaml", GOOD)).containsExactly(r);
  }

  @Test
  void taskDefinitionFilesReadAsDescribeTaskDefinitionPrintsThem() throws Exception {
    TaskDefinitionSpec spec = TaskDefinitionFile.read(GOOD.resolve("task-def.json"));
    assertThat(spec.family()).isEqualTo("shine-api-gateway");
    assertThat(spec.cpu()).isEqualTo("512");
    assertThat(spec.requiresCompatibilities()).containsExactly("FARGATE");
    assertThat(spec.tags()).containsOnlyKeys("team");
    TaskDefinitionSpec.ContainerDefinition api = spec.container("api");
    assertThat(api.portMappings())
        .singleElement()
        .satisfies(p -> assertThat(p.containerPort()).isEqualTo(5000));
    assertThat(api.logDriver()).isEqualTo("awslogs");
    assertThat(api.logOptions()).containsEntry("awslogs-group", "/ecs/shine-api-gateway");
    assertThat(spec.container("xray").essential()).isFalse();
    TaskDefinitionSpec bare =
        TaskDefinitionFile.parse(
            "{\"family\": \"f\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"a:1\"}]}",
            "bare.json");
    assertThat(bare.containers())
        .singleElement()
        .satisfies(c -> assertThat(c.essential()).isTrue());
  }

  @Test
  void problemsReadAsCompilerMessages() {
    Problem p = new Problem("a.yaml", 3, 7, "spec.phases[1].bake", "'x' is not a duration");
    assertThat(p.format()).isEqualTo("a.yaml:3:7: spec.phases[1].bake: 'x' is not a duration");
    assertThat(new Problem("a.yaml", 1, 1, "", "no such file").format())
        .isEqualTo("a.yaml:1:1: no such file");
  }
}
