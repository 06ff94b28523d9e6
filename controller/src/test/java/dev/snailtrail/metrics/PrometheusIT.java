package dev.snailtrail.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.json.Json;
import dev.snailtrail.provider.CallListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The metrics, rules and dashboard against a real Prometheus scraping a real {@code snailtrail run}
 * of the ml-down drill (a child JVM). The run goes at 120x rather than faster so that the few
 * seconds it spends in the last phase span more than one 1s scrape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusIT {
  private static final Pattern METRIC = Pattern.compile("\\b((?:snailtrail|jvm)_[a-z0-9_]+)");
  private static final Duration WAIT = Duration.ofSeconds(45);

  /** Counted only by the AWS provider, which a simulator run does not use. */
  private static final Set<String> AWS_ONLY =
      Set.of("snailtrail_aws_requests_total", "snailtrail_aws_throttles_total");

  private Path dir;
  private PrometheusServer prometheus;
  private Process run;
  private Path runLog;
  private int metricsPort;
  private String endScrape;

  @BeforeAll
  void startPrometheusAndARun(@TempDir Path tmp) throws Exception {
    dir = tmp;
    Path root = PrometheusServer.root();
    // The shipped rules with every `for:` cut to 0s, so alerts fire within the test.
    String rules =
        Files.readString(root.resolve("deploy/prometheus/alerts.yml"))
            .replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 0s");
    Files.writeString(dir.resolve("alerts.yml"), rules);
    metricsPort = PrometheusServer.freePort();
    prometheus =
        PrometheusServer.start(
            """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [alerts.yml]
            scrape_configs:
              - job_name: snailtrail
                static_configs:
                  - targets: ["127.0.0.1:%d"]
            """
                .formatted(metricsPort),
            dir);
    runLog = dir.resolve("run.log");
    long started = System.nanoTime();
    run =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.snailtrail.cli.Main",
                "run",
                root.resolve("spec-examples/drills/ml-down.yaml").toString(),
                "--speed",
                "120",
                "--metrics-port",
                Integer.toString(metricsPort),
                "--linger",
                "20s",
                "--auto-approve",
                "--plain")
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(runLog.toFile())
            .start();
    endScrape = awaitEndState();
    System.out.printf(
        "PrometheusIT: the drill settled after %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  /** Scrapes the run until it shows the rollout Degraded, its end state; returns that scrape. */
  private String awaitEndState() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!run.isAlive()) {
        throw new AssertionError("snailtrail run exited early:\n" + Files.readString(runLog));
      }
      try {
        String body =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        if (body.contains("status=\"Degraded\"")) {
          return body;
        }
      } catch (IOException notYetListening) {
        // The child JVM is still starting.
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the drill did not end Degraded in time:\n" + Files.readString(runLog));
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (run != null) {
      run.destroy();
      if (!run.waitFor(10, TimeUnit.SECONDS)) {
        run.destroyForcibly();
      }
    }
    if (prometheus != null) {
      prometheus.close();
    }
  }

  @Test
  void prometheusSeesThePhasesAdvanceAndTheRollback() throws Exception {
    assertThat(eventually("max_over_time(snailtrail_rollout_phase_index[5m])", 3))
        .as("highest phase index Prometheus saw")
        .isGreaterThanOrEqualTo(3);
    assertThat(eventually("snailtrail_rollbacks_total{from=\"victory-lap\",to=\"foundation\"}", 1))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            eventually(
                "snailtrail_rollout_info{rollout=\"shine-api-gateway-drill\","
                    + "phase=\"foundation\",status=\"Degraded\"}",
                1))
        .isEqualTo(1);
  }

  @Test
  void theRolledBackAlertFires() throws Exception {
    assertThat(
            eventually(
                "ALERTS{alertname=\"SnailTrailRolloutRolledBack\",alertstate=\"firing\","
                    + "from=\"victory-lap\",to=\"foundation\",reason=\"GateFailed\"}",
                1))
        .isEqualTo(1);
    assertThat(
            eventually(
                "ALERTS{alertname=\"SnailTrailRolloutDegraded\",alertstate=\"firing\","
                    + "rollout=\"shine-api-gateway-drill\"}",
                1))
        .isEqualTo(1);
  }

  @Test
  void promtoolAcceptsTheShippedConfigAndRules() throws Exception {
    Path deploy = PrometheusServer.root().resolve("deploy/prometheus");
    // As deployed: beside the config, the metrics token file it names (never shipped).
    Path dir = java.nio.file.Files.createTempDirectory("prometheus-config");
    java.nio.file.Files.copy(deploy.resolve("prometheus.yml"), dir.resolve("prometheus.yml"));
    java.nio.file.Files.copy(deploy.resolve("alerts.yml"), dir.resolve("alerts.yml"));
    java.nio.file.Files.writeString(dir.resolve("snailtrail-metrics-token"), "t0ken\n");
    assertThat(promtool("check", "config", dir.resolve("prometheus.yml").toString()))
        .contains("SUCCESS");
    assertThat(promtool("check", "rules", deploy.resolve("alerts.yml").toString()))
        .contains("SUCCESS: 9 rules found");
  }

  @Test
  void theDashboardParsesAndEveryPanelHasAQuery() throws Exception {
    JsonNode dash = dashboard();
    assertThat(dash.path("panels").values()).isNotEmpty();
    for (JsonNode panel : dash.path("panels").values()) {
      List<String> exprs = new ArrayList<>();
      panel.path("targets").values().forEach(t -> exprs.add(t.path("expr").asString("")));
      assertThat(exprs)
          .as("queries of panel %s", panel.path("title").asString())
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e).isNotBlank());
    }
    List<String> variables =
        dash.path("templating").path("list").values().stream()
            .map(v -> v.path("name").asString())
            .toList();
    assertThat(variables).contains("datasource", "rollout");
  }

  @Test
  void everyMetricTheDashboardAndRulesUseExistsInAScrape() throws Exception {
    Set<String> used = new TreeSet<>();
    collectExprs(dashboard(), used);
    collectExprs(
        YAMLMapper.builder()
            .build()
            .readTree(
                Files.readString(PrometheusServer.root().resolve("deploy/prometheus/alerts.yml"))),
        used);
    assertThat(used).contains("snailtrail_rollout_info", "snailtrail_rollbacks_total");

    Set<String> missing = new TreeSet<>(used);
    missing.removeAll(names(endScrape));
    // The AWS meters are absent from a simulator run; they must appear once AWS is called.
    assertThat(missing).as("metric names no scrape of the run has").isEqualTo(AWS_ONLY);
    try (MicrometerMetrics m = new MicrometerMetrics()) {
      m.awsListener().onCall("ecs", "DescribeServices", CallListener.SUCCESS, Duration.ZERO);
      assertThat(names(m.scrape())).containsAll(AWS_ONLY);
    }
  }

  private static JsonNode dashboard() throws IOException {
    return Json.mapper()
        .readTree(
            Files.readString(
                PrometheusServer.root().resolve("deploy/grafana/snailtrail.json"),
                StandardCharsets.UTF_8));
  }

  /** Metric names in every {@code expr} field below {@code node}, histogram suffixes removed. */
  private static void collectExprs(JsonNode node, Set<String> into) {
    if (node.isObject()) {
      for (var e : node.properties()) {
        if (e.getKey().equals("expr") && e.getValue().isString()) {
          Matcher m = METRIC.matcher(e.getValue().stringValue());
          while (m.find()) {
            into.add(base(m.group(1)));
          }
        } else {
          collectExprs(e.getValue(), into);
        }
      }
    } else if (node.isArray()) {
      node.values().forEach(v -> collectExprs(v, into));
    }
  }

  private static Set<String> names(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(l -> names.add(base(l.split("[{ ]", 2)[0])));
    return names;
  }

  private static String base(String name) {
    return name.replaceFirst("_(bucket|sum|count)$", "");
  }

  /** Polls a query until its largest value reaches {@code want}; returns the last value seen. */
  private double eventually(String promql, double want) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    double v = Double.NaN;
    while (System.nanoTime() < deadline) {
      v = prometheus.max(promql);
      if (v >= want) {
        return v;
      }
      Thread.sleep(250);
    }
    System.out.println("prometheus log:\n" + prometheus.log());
    System.out.println("run log:\n" + Files.readString(runLog));
    return v;
  }

  private static String promtool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(PrometheusServer.binaries().resolve("promtool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool %s:%n%s", List.of(args), out).isZero();
    return out;
  }
}
