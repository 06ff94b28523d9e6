package dev.snailtrail.metrics;

import dev.snailtrail.json.Json;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus for integration tests: found on PATH or in /usr/bin, else installed by {@code
 * scripts/ensure-prometheus.sh}; started on a free loopback port with a generated configuration and
 * a temporary TSDB, and stopped on {@link #close()}. When it cannot be found or installed the test
 * fails with the reason; it is never skipped.
 */
final class PrometheusServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static Path root() {
    String root = System.getProperty("snailtrail.root");
    if (root == null) {
      throw new IllegalStateException(
          "system property snailtrail.root is not set; run the tests through Maven");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  /** The directory holding {@code prometheus} and {@code promtool}, installing them if needed. */
  static Path binaries() {
    Optional<Path> found = find("prometheus").filter(p -> find("promtool").isPresent());
    if (found.isPresent()) {
      return found.get().getParent();
    }
    Path script = root().resolve("scripts/ensure-prometheus.sh");
    try {
      Path out = Files.createTempFile("ensure-prometheus", ".log");
      Process p =
          new ProcessBuilder(script.toString())
              .redirectErrorStream(false)
              .redirectError(out.toFile())
              .start();
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            "prometheus and promtool are not installed and "
                + script
                + " could not install them:\n"
                + Files.readString(out));
      }
      List<String> lines = stdout.strip().lines().toList();
      return Path.of(lines.get(lines.size() - 1));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing prometheus", e);
    }
  }

  private static Optional<Path> find(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.add("/usr/bin");
    return dirs.stream()
        .filter(d -> !d.isBlank())
        .map(d -> Path.of(d, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts Prometheus on a free port.
   *
   * @param config the prometheus.yml text; rule files it names are resolved from {@code dir}
   * @param dir a temporary directory for the configuration, rules and TSDB
   */
  static PrometheusServer start(String config, Path dir) throws IOException, InterruptedException {
    Path bin = binaries().resolve("prometheus");
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, config);
    int port = freePort();
    Path log = dir.resolve("prometheus.log");
    Process p =
        new ProcessBuilder(
                bin.toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusServer server = new PrometheusServer(p, port, log);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "prometheus exited with " + p.exitValue() + ":\n" + Files.readString(log));
      }
      if (server.ready()) {
        return server;
      }
      Thread.sleep(100);
    }
    server.close();
    throw new IllegalStateException(
        "prometheus not ready within " + START_TIMEOUT + ":\n" + Files.readString(log));
  }

  private boolean ready() {
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The instant vector of a PromQL query: each element's labels and value. */
  List<JsonNode> query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> r =
        get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode body = Json.mapper().readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asString())) {
      throw new IllegalStateException("query " + promql + " failed: " + r.body());
    }
    return body.path("data").path("result").values().stream().toList();
  }

  /** The largest value a query returns, or NaN when it returns nothing. */
  double max(String promql) throws IOException, InterruptedException {
    return query(promql).stream()
        .mapToDouble(n -> Double.parseDouble(n.path("value").get(1).asString()))
        .max()
        .orElse(Double.NaN);
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
