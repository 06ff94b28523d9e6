package dev.snailtrail.api;

import static dev.snailtrail.api.ApiFixtures.TOKEN;
import static dev.snailtrail.api.ApiFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.json.Json;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.trail.EventType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * With open reads, a reader without the token sees a rollout's secrets masked wherever the API
 * shows them; a reader with the token sees them whole.
 */
class ApiRedactionIT {
  /** Every secret the spec below holds; none may reach a reader without the token. */
  private static final List<String> SECRETS =
      List.of(
          "hunter2-db",
          "ext-vault-42",
          "k3y-of-phase",
          "Bearer gate-secret",
          "pw-in-url",
          "api_key=K1",
          "token=T2",
          "auth=P3",
          "E4-task-env",
          "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
          "sig=S5");

  private static final String SPEC =
      """
      apiVersion: snailtrail.dev/v1
      kind: Rollout
      metadata:
        name: vault
      spec:
        target:
          region: eu-west-1
          cluster: default
          service: vault
          url: https://vault.example.com/?token=T2
          roleArn: arn:aws:iam::123456789012:role/snailtrail-deployer
          externalId: ext-vault-42
        template:
          env:
            DB_PASSWORD: hunter2-db
          taskDefinition:
            family: vault
            containerDefinitions:
              - name: api
                image: public.ecr.aws/nginx/nginx:1.27
                portMappings: [{containerPort: 8080}]
                environment: [{name: TASK_SECRET, value: E4-task-env}]
                secrets:
                  - {name: DB, valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"}
        phases:
          - name: first-steps
            image: public.ecr.aws/nginx/nginx:1.28
            env:
              API_KEY: k3y-of-phase
            gates:
              - http:
                  url: https://probe:pw-in-url@status.example.com/health?api_key=K1&region=eu
                  headers:
                    Authorization: Bearer gate-secret
              - http:
                  path: /ready?sig=S5
              - prometheus:
                  url: http://prometheus.monitoring:9090/?auth=P3
                  query: up
                  threshold: "> 0"
      """;

  private final FakeControlPlane plane = new FakeControlPlane();
  private final HttpClient http = HttpClient.newHttpClient();
  private ApiServer server;

  @BeforeEach
  void start() throws Exception {
    plane.apply("vault.yaml", SPEC);
    plane.status(
        "vault",
        s ->
            withMessage(
                s, "GET https://status.example.com/health?api_key=K1&region=eu answered 503"));
    plane.record(
        "vault",
        event(
            "vault",
            1,
            EventType.GateFailed,
            "GET https://status.example.com/health?api_key=K1 answered 503"));
    server =
        new ApiServer(
                plane,
                new ApiServer.Settings(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN)
                    .withOpenReads(true))
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static RolloutStatus withMessage(RolloutStatus s, String message) {
    JsonNode tree = Json.mapper().valueToTree(s);
    ((tools.jackson.databind.node.ObjectNode) tree).put("message", message);
    return Json.mapper().treeToValue(tree, RolloutStatus.class);
  }

  private String get(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  @Test
  void withoutTheTokenEverySecretOfTheSpecIsMasked() throws Exception {
    JsonNode one = Json.mapper().readTree(get("/api/v1/rollouts/vault", null));
    String spec = one.get("spec").asString();
    assertThat(spec).doesNotContain(SECRETS);
    assertThat(one.toString()).doesNotContain(SECRETS);
    assertThat(one.get("redacted").asBoolean()).isTrue();
    // The shape still shows: which variables and headers exist, where the URLs point.
    assertThat(spec)
        .contains("DB_PASSWORD: '***'")
        .contains("API_KEY: '***'")
        .contains("Authorization: '***'")
        .contains("https://***@status.example.com/health?***")
        .contains("url: https://vault.example.com/?***")
        .contains("externalId: '***'")
        .contains("path: /ready?***")
        .contains("url: http://prometheus.monitoring:9090/?***")
        .contains("TASK_SECRET");
    assertThat(one.get("status").get("message").asString())
        .isEqualTo("GET https://status.example.com/health?*** answered 503");
  }

  @Test
  void withTheTokenTheSpecIsWhole() throws Exception {
    JsonNode one = Json.mapper().readTree(get("/api/v1/rollouts/vault", TOKEN));
    assertThat(one.toString()).contains(SECRETS);
    assertThat(one.get("redacted").asBoolean()).isFalse();
  }

  @Test
  void theListAndTheTrailMaskToo() throws Exception {
    assertThat(get("/api/v1/rollouts", null)).contains("health?***").doesNotContain(SECRETS);
    assertThat(get("/api/v1/rollouts/vault/trail", null))
        .contains("health?***")
        .doesNotContain(SECRETS);
    assertThat(get("/api/v1/rollouts/vault/trail?format=md", null)).doesNotContain(SECRETS);
    assertThat(get("/api/v1/rollouts", TOKEN)).contains("api_key=K1");
    // The status page holds no data: what it shows comes through these reads (StatusPageIT).
    assertThat(get("/", null)).doesNotContain("vault").doesNotContain("api_key");
  }
}
