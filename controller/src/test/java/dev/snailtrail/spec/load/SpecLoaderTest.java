package dev.snailtrail.spec.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.snailtrail.provider.TaskDefinitionJson;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.DriftPolicy;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    assertThat(r.spec().target().adopt()).isFalse();
    assertThat(r.spec().driftPolicy()).isEqualTo(DriftPolicy.REPORT);
    assertThat(SpecWriter.toYaml(r)).contains("adopt: false", "driftPolicy: report");
    List<Phase> phases = r.spec().phases();
    // a phase without desiredCount keeps whatever count the service has
    assertThat(phases).extracting(Phase::desiredCount).containsExactly(null, 4, null);
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
  void adoptAndDriftPolicyLoadAndLoadBack() throws Exception {
    Rollout r =
        loader
            .parse(
                """
                apiVersion: snailtrail.dev/v1
                kind: Rollout
                metadata: {name: demo}
                spec:
                  target: {region: us-east-1, cluster: c, service: demo, adopt: true}
                  driftPolicy: revert
                  phases: [{name: one, image: "app:1"}]
                """,
                "t.yaml",
                GOOD)
            .get(0);
    assertThat(r.spec().target().adopt()).isTrue();
    assertThat(r.spec().driftPolicy()).isEqualTo(DriftPolicy.REVERT);
    assertRoundTrip(r);
  }

  @Test
  void anExternalIdLoadsBesideItsRoleAndLoadsBack() throws Exception {
    Rollout r =
        loader
            .parse(
                """
                apiVersion: snailtrail.dev/v1
                kind: Rollout
                metadata: {name: demo}
                spec:
                  target:
                    region: us-east-1
                    cluster: c
                    service: demo
                    roleArn: arn:aws:iam::123456789012:role/snailtrail-deployer
                    externalId: "partner:7f3a/+=,.@-_"
                  phases: [{name: one, image: "app:1"}]
                """,
                "t.yaml",
                GOOD)
            .get(0);
    assertThat(r.spec().target().externalId()).isEqualTo("partner:7f3a/+=,.@-_");
    assertThat(SpecWriter.toYaml(r)).contains("externalId: partner:7f3a/+=,.@-_");
    assertRoundTrip(r);
  }

  @Test
  void anUnknownDriftPolicyIsRefusedWhereItIsWritten() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    """
                      driftPolicy: fix
                      phases: [{name: one, image: "app:1"}]
                    """));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.format())
                    .isEqualTo(
                        "t.yaml:6:16: spec.driftPolicy: 'fix' is not a drift policy; expected"
                            + " report or revert"));
  }

  /** Loads back from what the writer makes of it, to the same rollout and the same text. */
  private void assertRoundTrip(Rollout r) throws Exception {
    String written = SpecWriter.toYaml(r);
    Rollout again = loader.parseSelfContained(written, "written.yaml").get(0);
    assertThat(again).isEqualTo(r);
    assertThat(SpecWriter.toYaml(again)).isEqualTo(written);
  }

  @Test
  void aSpecWithoutATemplateRollsTheLiveTaskDefinitionAndInventsNothing() throws Exception {
    Rollout r =
        parse(
            """
              phases:
                - name: one
                  gates: [ecsTasks, portBinding, containerHealth, {logs: {pattern: ERROR, absentFor: 1m}}]
                - name: two
                  image: app:2
                  images: {envoy: "envoy:1.30"}
                  gates: [{containerHealth: {container: envoy}}, {ecrImage: {}}]
            """);
    Template t = r.spec().template();
    assertThat(t.startsFromLiveService()).isTrue();
    assertThat(t)
        .extracting(
            Template::family,
            Template::container,
            Template::port,
            Template::cpu,
            Template::memory,
            Template::launchType,
            Template::networkMode,
            Template::logGroup)
        .containsExactly(null, null, 0, 0, 0, null, null, null);
    List<Phase> phases = r.spec().phases();
    // the first phase keeps the live image; the controller reads port and log group at run time
    assertThat(phases.get(0).image()).isNull();
    assertThat(phases).extracting(Phase::desiredCount).containsOnlyNulls();
    assertThat(phases.get(0).gates())
        .contains(new Gate.PortBinding(0, null, Analysis.DEFAULTS))
        .contains(new Gate.ContainerHealth(null, Analysis.DEFAULTS));
    assertThat(((Gate.Logs) phases.get(0).gates().get(3)).logGroup()).isNull();
    assertThat(phases.get(1).gates().get(1))
        .isEqualTo(new Gate.EcrImage(phases.get(1).image(), null, Analysis.DEFAULTS));

    String written = SpecWriter.toYaml(r);
    assertThat(written)
        .doesNotContain("template:", "desiredCount", "cpu:", "launchType", "port:", "logGroup");
    assertRoundTrip(r);
  }

  @Test
  void aTemplateOfOnlyContainerEnvAndSecretsIsTheLiveServicesToo() throws Exception {
    Rollout r =
        parse(
            """
              template:
                container: api
                env: {LOG_LEVEL: info}
                secrets: {DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"}
              phases:
                - name: one
                  image: api:2
                  gates: [portBinding]
            """);
    Template t = r.spec().template();
    assertThat(t.startsFromLiveService()).isTrue();
    assertThat(t.container()).isEqualTo("api");
    assertThat(t.port()).isZero();
    assertThat(t.cpu()).isZero();
    assertThat(r.spec().phases().get(0).gates())
        .containsExactly(new Gate.PortBinding(0, "api", Analysis.DEFAULTS));
    assertThat(SpecWriter.toYaml(r))
        .contains(
            """
              template:
                container: api
                env:
                  LOG_LEVEL: info
                secrets:
                  DB_PASSWORD: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf
              analysis:
            """)
        .doesNotContain("family");
    assertRoundTrip(r);
  }

  @Test
  void aTemplateWithMoreThanTheContainerDescribesItsOwnTaskDefinitionAndSaysSo() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    """
                      template: {container: app, port: 8080, cpu: 512}
                      phases: [{name: one, image: "app:1"}]
                    """));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.format())
                  .startsWith("t.yaml:6:13: spec.template.family: missing required field 'family'");
              assertThat(p.message())
                  .contains("gives cpu, port", "only container, env and secrets, or leave it out");
            });
  }

  @Test
  void secretsMergeLikeEnvAndLoadBack() throws Exception {
    Rollout r =
        parse(
            """
              template:
                taskDefinition:
                  family: api
                  containerDefinitions:
                    - name: api
                      image: api:1
                      portMappings: [{containerPort: 8080}]
                      secrets: [{name: API_KEY, valueFrom: "arn:aws:ssm:us-east-1:123456789012:parameter/api/key"}]
                secrets:
                  DB_PASSWORD: arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf
              phases:
                - name: one
                - name: two
                  secrets:
                    TOKEN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:token-x1Y2z3:password::"
                  env: {FEATURE: "on"}
            """);
    assertThat(r.spec().template().secrets())
        .containsOnlyKeys("API_KEY", "DB_PASSWORD")
        .containsEntry("API_KEY", "arn:aws:ssm:us-east-1:123456789012:parameter/api/key");
    assertThat(r.spec().phases().get(0).secrets()).isEmpty();
    assertThat(r.spec().phases().get(1).secrets()).containsOnlyKeys("TOKEN");
    assertRoundTrip(r);
  }

  @Test
  void aNameInBothEnvAndSecretsIsRefusedWhereItIsWritten() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    """
                      template:
                        container: api
                        env: {A: "1", B: "2"}
                        secrets: {C: "arn:aws:ssm:us-east-1:123456789012:parameter/c"}
                      phases:
                        - name: one
                          env: {C: "3"}
                          secrets: {A: "arn:aws:ssm:us-east-1:123456789012:parameter/a"}
                        - name: two
                          env: {D: "4"}
                          secrets: {D: "arn:aws:ssm:us-east-1:123456789012:parameter/d"}
                    """));
    assertThat(e.problems())
        .extracting(Problem::format)
        .containsExactly(
            "t.yaml:12:13: spec.phases[0].env.C: 'C' is also a secret of the template's main"
                + " container; ECS refuses a container with a name in both its environment and"
                + " its secrets: keep it in one of them",
            "t.yaml:13:17: spec.phases[0].secrets.A: 'A' is also a variable of the template's"
                + " main container; ECS refuses a container with a name in both its environment"
                + " and its secrets: keep it in one of them",
            "t.yaml:16:17: spec.phases[1].secrets.D: 'D' is also a variable in env beside it;"
                + " ECS refuses a container with a name in both its environment and its secrets:"
                + " keep it in one of them");
  }

  @Test
  void aVariableOfTheTaskDefinitionStartedFromClashesWithATemplateSecret() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    """
                      template:
                        fromFile: task-def.json
                        secrets: {MODE: "arn:aws:ssm:us-east-1:123456789012:parameter/mode"}
                      phases: [{name: one}]
                    """));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.format()).startsWith("t.yaml:8:15: spec.template.secrets.MODE: ");
              assertThat(p.message())
                  .contains("in the task definition the template starts from", "keep it in one");
            });
  }

  @Test
  void envAndSecretsTakeNamesByOneRule() throws Exception {
    Rollout r =
        parse(
            """
              template:
                env: {spring.profiles.active: prod, 1ST: a, my-var: b, _X: c}
                secrets: {db.password: "arn:aws:ssm:us-east-1:123456789012:parameter/db"}
              phases: [{name: one}]
            """);
    assertThat(r.spec().template().env())
        .containsOnlyKeys("spring.profiles.active", "1ST", "my-var", "_X");
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    """
                      template:
                        env: {"A=B": x, "TAB\tNAME": y}
                      phases:
                        - name: one
                          secrets: {"MY SECRET": "arn:aws:ssm:us-east-1:123456789012:parameter/s"}
                    """));
    assertThat(e.problems())
        .extracting(Problem::path)
        .containsExactly(
            "spec.template.env.A=B",
            "spec.template.env.TAB\tNAME",
            "spec.phases[0].secrets.MY SECRET");
    assertThat(e.problems())
        .allSatisfy(p -> assertThat(p.message()).contains("is not a variable name"));
  }

  @Test
  void aSecretValueWrittenWhereItsReferenceBelongsIsNeverRepeated() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    """
                      phases:
                        - name: one
                          secrets:
                            DB_PASSWORD: hunter2-correct-horse
                            PIN: 4711
                            KEY: "arn:aws:kms:us-east-1:123456789012:key/abc"
                            PARAM: /prod/db/password
                    """));
    assertThat(e.problems())
        .extracting(Problem::format)
        .allSatisfy(f -> assertThat(f).doesNotContain("hunter2", "4711", "/prod/db"))
        .allSatisfy(f -> assertThat(f).contains("a reference, never the value itself"))
        .anySatisfy(f -> assertThat(f).contains("'arn:aws:kms:us-east-1:123456789012:key/abc'"))
        .hasSize(4);
  }

  @Test
  void aServiceTheRolloutCreatesNeedsATemplateToBuildItsFirstRevision() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                loader.parse(
                    HEAD.replace("url:", "createIfMissing: true, url:")
                        + "  phases: [{name: one, image: \"app:1\"}]\n",
                    "t.yaml",
                    GOOD));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.format()).startsWith("t.yaml:5:75: spec.target.createIfMissing: ");
              assertThat(p.message()).contains("needs spec.template", "createIfMissing: false");
            });
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
    assertThat(t.fromFile().source())
        .isEqualTo(GOOD.resolve("task-def.json").toAbsolutePath().normalize());
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
  void aTaskDefinitionWrittenInlineIsTheSameAsOneFromAFile() throws Exception {
    String phases =
        """
          phases:
            - name: one
              gates: [containerHealth]
        """;
    Rollout fromFile = parse("  template:\n    fromFile: task-def.json\n" + phases);
    String json = Files.readString(GOOD.resolve("task-def.json"));
    // As pasted from `aws ecs describe-task-definition`: JSON is YAML.
    Rollout pasted = parse("  template:\n    taskDefinition:\n" + json.indent(6) + phases);
    Rollout yaml =
        parse(
            """
              template:
                taskDefinition:
                  tags: [{key: team, value: shine}, {key: snailtrail.dev/content-hash, value: abc}]
                  taskDefinition:
                    taskDefinitionArn: arn:aws:ecs:us-east-1:396608803476:task-definition/shine-api-gateway:8
                    family: shine-api-gateway
                    revision: 8
                    status: ACTIVE
                    networkMode: awsvpc
                    requiresCompatibilities: [FARGATE]
                    cpu: "512"
                    memory: "1024"
                    executionRoleArn: arn:aws:iam::396608803476:role/ecsTaskExecutionRole
                    containerDefinitions:
                      - name: api
                        image: 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:simple
                        essential: true
                        portMappings: [{containerPort: 5000, hostPort: 5000, protocol: tcp}]
                        environment: [{name: MODE, value: simple}, {name: LOG_LEVEL, value: info}]
                        healthCheck:
                          command: [CMD-SHELL, "curl -f http://localhost:5000/health || exit 1"]
                          interval: 15
                          timeout: 5
                          retries: 3
                          startPeriod: 20
                        logConfiguration:
                          logDriver: awslogs
                          options: {awslogs-group: /ecs/shine-api-gateway, awslogs-region: us-east-1}
                      - {name: xray, image: "public.ecr.aws/xray/aws-xray-daemon:3.3.12", essential: false}
            """
                + phases);
    assertThat(pasted).isEqualTo(fromFile);
    assertThat(yaml).isEqualTo(fromFile);
    assertThat(yaml.spec().template().fromFile().source()).isNull();
    assertThat(yaml.spec().template().fromFile().json())
        .contains("\"revision\":8", "\"status\":\"ACTIVE\"", "\"tags\":[");
  }

  @Test
  void theWrittenSpecCarriesTheTaskDefinitionAndNeedsNoFile(@TempDir Path dir) throws Exception {
    Files.copy(GOOD.resolve("task-def.json"), dir.resolve("td.json"));
    String text = HEAD + "  template: {fromFile: td.json}\n  phases: [{name: one}]\n";
    Rollout r = loader.parse(text, "t.yaml", dir).get(0);
    Files.delete(dir.resolve("td.json"));

    String written = SpecWriter.toYaml(r);
    assertThat(written).doesNotContain("fromFile").contains("taskDefinition:");
    Rollout again = loader.parseSelfContained(written, "stored.yaml").get(0);
    assertThat(again).isEqualTo(r);
    assertThat(again.spec().template().fromFile().source()).isNull();
    assertThat(SpecWriter.toYaml(again)).isEqualTo(written);
  }

  @Test
  void givingTheTaskDefinitionBothWaysIsRefusedWhereTheSecondIs() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    """
                      template:
                        fromFile: task-def.json
                        taskDefinition: {family: f, containerDefinitions: [{name: a, image: "a:1"}]}
                      phases: [{name: one}]
                    """));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.format()).startsWith("t.yaml:8:5: spec.template.taskDefinition: ");
              assertThat(p.message()).contains("fromFile", "inline", "remove one");
            });
  }

  @Test
  void aBrokenInlineTaskDefinitionIsReportedAtTheFieldThatIsWrong() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    """
                      template:
                        taskDefinition:
                          family: f
                          containerDefinitions:
                            - {name: a, image: "a:1"}
                            - name: b
                          cpu: .inf
                      phases: [{name: one}]
                    """));
    assertThat(e.problems())
        .extracting(Problem::format)
        .containsExactly(
            "t.yaml:12:12: spec.template.taskDefinition.cpu: a number (.inf) has no JSON"
                + " equivalent; quote it if it is meant as text");
    e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    """
                      template:
                        taskDefinition:
                          family: f
                          containerDefinitions:
                            - {name: a, image: "a:1"}
                            - name: b
                      phases: [{name: one}]
                    """));
    assertThat(e.problems())
        .extracting(Problem::format)
        .containsExactly(
            "t.yaml:11:11: spec.template.taskDefinition.containerDefinitions[1]: a container"
                + " needs a 'name' and an 'image'");
    e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                parse(
                    """
                      template:
                        taskDefinition: "{\\"family\\": \\"f\\"}"
                      phases: [{name: one}]
                    """));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.format()).startsWith("t.yaml:7:21: spec.template.taskDefinition: ");
              assertThat(p.message()).contains("expected a mapping", "unquoted");
            });
  }

  @Test
  void aSpecThatMustBeSelfContainedMayNotNameAFile() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                loader.parseSelfContained(
                    HEAD + "  template: {fromFile: task-def.json}\n  phases: [{name: one}]\n",
                    "request"));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.format()).startsWith("request:6:24: spec.template.fromFile: ");
              assertThat(p.message())
                  .contains("cannot read 'task-def.json'", "template.taskDefinition", "apply -f");
            });
  }

  @Test
  void aMissingTaskDefinitionFileSaysWhereItWasLookedForAndWhatToDo() {
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () -> parse("  template: {fromFile: nowhere.json}\n  phases: [{name: one}]\n"));
    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.format()).startsWith("t.yaml:6:24: spec.template.fromFile: ");
              assertThat(p.message())
                  .contains(GOOD.resolve("nowhere.json").toAbsolutePath() + ": no such file")
                  .contains("aws ecs describe-task-definition", "template.taskDefinition");
            });
  }

  @Test
  void taskDefinitionFilesReadAsDescribeTaskDefinitionPrintsThem() throws Exception {
    TaskDefinitionSpec spec = TaskDefinitionFile.read(GOOD.resolve("task-def.json")).parsed();
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
        TaskDefinitionJson.read(
            "{\"family\": \"f\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"a:1\"}]}");
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
