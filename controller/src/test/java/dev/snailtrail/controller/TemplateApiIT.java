package dev.snailtrail.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.api.ApiServer;
import dev.snailtrail.cli.Main;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.store.FileStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AnalysisTemplates over the HTTP API: {@code snailtrail apply -f} stores them and fills in the
 * rollouts that use them, from the files given or from the controller's store.
 */
class TemplateApiIT {
  private static final String TOKEN = "templates-it-token";
  private static final Path EXAMPLES =
      Path.of(System.getProperty("snailtrail.root", ".."), "spec-examples", "templates");

  @TempDir Path dir;
  private final SimController sim = new SimController();
  private ApiServer server;

  @BeforeEach
  void start() {
    sim.start(new FileStore(dir.resolve("store"), sim.clock), dev.snailtrail.metrics.Metrics.NOOP);
    server =
        new ApiServer(
                sim.plane(),
                new ApiServer.Settings(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN)
                    .withOpenReads(true))
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
    sim.close();
  }

  private record Run(int exit, String out, String err) {}

  private Run cli(String... args) {
    String[] full = new String[args.length + 4];
    System.arraycopy(args, 0, full, 0, args.length);
    full[args.length] = "--server";
    full[args.length + 1] = "http://127.0.0.1:" + server.port();
    full[args.length + 2] = "--token";
    full[args.length + 3] = TOKEN;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    int exit;
    synchronized (TemplateApiIT.class) {
      try {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        exit = Main.run(full);
      } finally {
        System.setOut(oldOut);
        System.setErr(oldErr);
      }
    }
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String file(String name) {
    return EXAMPLES.resolve(name).toString();
  }

  @Test
  void applyStoresTemplatesAndARolloutAppliedLaterUsesTheStoredOnes() throws Exception {
    Run templates = cli("apply", "-f", file("ml-ready.yaml"), "-f", file("error-rate.yaml"));
    assertThat(templates.exit()).as(templates.err()).isZero();
    assertThat(templates.out().lines())
        .containsExactly(
            "analysistemplate/ml-ready configured (generation 1)",
            "analysistemplate/error-rate configured (generation 1)");

    // The rollout alone: its uses are filled in from the controller's templates.
    Run rollout = cli("apply", "-f", file("ml-gateway.yaml"));
    assertThat(rollout.exit()).as(rollout.err()).isZero();
    assertThat(rollout.out().strip())
        .isEqualTo("rollout/shine-ml-gateway configured (generation 1)");
    Phase hybrid = sim.plane().get("shine-ml-gateway").orElseThrow().spec().spec().phases().get(0);
    assertThat(hybrid.gateName(1)).isEqualTo("ml-ready/http/0");
    assertThat(((Gate.CloudWatchAlarm) hybrid.gates().get(3)).names())
        .containsExactly("shine-ml-gateway-5xx-high");

    // The same files again change nothing.
    assertThat(cli("apply", "-f", file("ml-ready.yaml"), "-f", file("ml-gateway.yaml")).out())
        .contains("analysistemplate/ml-ready unchanged (generation 1)")
        .contains("rollout/shine-ml-gateway unchanged (generation 1)");
  }

  @Test
  void aRolloutUsingATemplateNeitherGivenNorStoredIsRefusedBeforeAnythingIsSent() {
    Run refused = cli("apply", "-f", file("ml-gateway.yaml"), "-f", file("ml-ready.yaml"));
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .contains(
            file("ml-gateway.yaml")
                + ":47:21: spec.phases[1].gates[2].template: no AnalysisTemplate named"
                + " 'error-rate' in the files given or on the controller")
        .contains("nothing applied");
    assertThat(sim.plane().templates()).isEmpty();
    assertThat(sim.plane().list()).isEmpty();
  }

  @Test
  void aTemplateSaysWhichStoredRolloutsUseItAndItsDeletionNamesThem() throws Exception {
    cli("apply", "-f", file("ml-ready.yaml"), "-f", file("error-rate.yaml"));
    cli("apply", "-f", file("ml-gateway.yaml"));
    HttpClient http = HttpClient.newHttpClient();
    URI uri =
        URI.create("http://127.0.0.1:" + server.port() + "/api/v1/analysistemplates/error-rate");

    HttpResponse<String> read =
        http.send(
            HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body())
        .contains("\"usedBy\":[\"shine-ml-gateway\"]")
        .contains("\"updatedAt\":\"" + sim.clock.instant());

    HttpResponse<String> deleted =
        http.send(
            HttpRequest.newBuilder(uri).DELETE().header("Authorization", "Bearer " + TOKEN).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body())
        .isEqualTo("{\"deleted\":\"error-rate\",\"usedBy\":[\"shine-ml-gateway\"]}");
    // The rollout keeps the deleted template's gate.
    Phase full = sim.plane().get("shine-ml-gateway").orElseThrow().spec().spec().phases().get(1);
    assertThat(full.gateName(4)).isEqualTo("error-rate/prometheus/0");
  }

  @Test
  void templatesAreReadWithTheTokenOnlyEvenWhenReadsAreOpen() throws Exception {
    cli("apply", "-f", file("ml-ready.yaml"));
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/analysistemplates");
    HttpResponse<String> open =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(open.statusCode()).isEqualTo(401);
    assertThat(open.body()).contains("with the API token only");

    HttpResponse<String> shown =
        http.send(
            HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.body()).contains("\"name\":\"ml-ready\"").contains("{{args.service}}");
  }
}
