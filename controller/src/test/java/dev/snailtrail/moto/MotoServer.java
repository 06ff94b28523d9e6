package dev.snailtrail.moto;

import dev.snailtrail.aws.AwsSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * One moto server for every integration test in the JVM, started on first use on a free loopback
 * port through {@code moto/launcher.py} (moto with ECS deployments that progress, and ECS's own
 * blue/green, linear and canary deployments with their lifecycle hooks, see there and {@code
 * moto/strategies.py}) and stopped, with its whole process tree, when the JVM exits. Tests call
 * {@link #reset()} (or use {@link Extension}) so each starts from empty backends.
 *
 * <p>Python with moto is found in this order: {@code SNAILTRAIL_MOTO_PYTHON}, the repository's
 * {@code .venv-moto/}, the interpreter of {@code moto_server} on PATH, {@code python3} on PATH;
 * failing all, {@code scripts/ensure-moto.sh} installs moto into {@code .venv-moto/}. When none
 * works the test fails with the reason; it is never skipped.
 */
public final class MotoServer {

  /** The region every integration test uses. */
  public static final String REGION = "us-east-1";

  /** Seconds a deployment stays IN_PROGRESS before it completes (system property). */
  public static final String DEPLOY_SECONDS_PROPERTY = "snailtrail.moto.deploySeconds";

  /**
   * Deployments of a task definition whose image contains this end FAILED, as when the ECS
   * deployment circuit breaker trips (e.g. {@code repo/api:snailtrail-fail-crashloop}).
   */
  public static final String FAILING_IMAGE_MARK = "snailtrail-fail";

  /**
   * Real seconds a minute of an ECS bake lasts ({@code canaryBakeTimeInMinutes}, {@code
   * stepBakeTimeInMinutes}, {@code bakeTimeInMinutes}; system property, default 1).
   */
  public static final String BAKE_SECONDS_PER_MINUTE_PROPERTY =
      "snailtrail.moto.bakeSecondsPerMinute";

  /**
   * A cluster tagged with this key makes a minute of an ECS bake last the tag's value in real
   * seconds for its services' deployments, overriding {@link #BAKE_SECONDS_PER_MINUTE_PROPERTY} for
   * the one test that made the cluster (e.g. a canary step held long enough to act within it).
   */
  public static final String BAKE_SECONDS_PER_MINUTE_TAG =
      "snailtrail.moto/bake-seconds-per-minute";

  /**
   * What a lifecycle hook's {@code callBackDelay} is multiplied by before ECS asks it again (system
   * property, default 0.1).
   */
  public static final String CALLBACK_SCALE_PROPERTY = "snailtrail.moto.callbackScale";

  /**
   * The lifecycle hook function of the tests ({@code moto/hooks/scripted_hook.py}): a hook whose
   * {@code hookTargetArn} names this function answers what the file named by its {@code
   * hookDetails.answerFile} says, and appends each event it receives to {@code
   * hookDetails.eventsFile}.
   */
  public static final String SCRIPTED_HOOK = "snailtrail-scripted-hook";

  /**
   * The lifecycle hook function shipped in {@code deploy/lambda/snailtrail-hook/handler.py}, when
   * the repository has it.
   */
  public static final String SHIPPED_HOOK = "snailtrail-hook";

  /**
   * The store's table {@link #SHIPPED_HOOK} reads the controller's verdict from ({@code
   * SNAILTRAIL_TABLE} in the launcher's environment): a test that runs it names its DynamoDB store
   * so.
   */
  public static final String HOOK_TABLE = "snailtrail";

  /** The ARN of a lifecycle hook function the launcher runs, by name. */
  public static String hookArn(String function) {
    return "arn:aws:lambda:" + REGION + ":123456789012:function:" + function;
  }

  private static final Pattern READY = Pattern.compile("MOTO_READY (\\d+).*");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final Object LOCK = new Object();
  private static MotoServer instance;
  private static IllegalStateException startFailure;

  private final Process process;
  private final int port;
  private final Path log;
  private final String python;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<Class<?>, SdkClient> clients = new ConcurrentHashMap<>();

  private MotoServer(Process process, int port, Path log, String python) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.python = python;
  }

  /**
   * The shared server, started on first call.
   *
   * @throws IllegalStateException saying why moto could not be started (repeated on every call)
   */
  public static MotoServer get() {
    synchronized (LOCK) {
      if (instance != null) {
        return instance;
      }
      if (startFailure != null) {
        throw startFailure;
      }
      try {
        instance = start();
        return instance;
      } catch (IllegalStateException e) {
        startFailure = e;
        throw e;
      }
    }
  }

  /** Where AWS SDK clients send requests. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** The Python interpreter that runs the server: it has boto3, as moto needs it. */
  public String python() {
    return python;
  }

  /** The server's output, for diagnosing a failed test. */
  public Path log() {
    return log;
  }

  /** Empties every moto backend. */
  public void reset() {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(endpoint().resolve("/moto-api/reset"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "moto reset answered HTTP " + response.statusCode() + ": " + response.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("moto at " + endpoint() + " did not answer a reset", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while resetting moto", e);
    }
  }

  /**
   * Settings for the adapters under test: this server, quick retries and rate limits that never
   * slow a test down.
   */
  public AwsSettings settings() {
    return AwsSettings.defaults(java.time.Clock.systemUTC())
        .withEndpointOverride(endpoint())
        .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(10))
        .withRetries(
            new AwsSettings.Retries(3, Duration.ofMillis(5), 2.0, 0.5, Duration.ofMillis(50)))
        .withRateLimits(new AwsSettings.RateLimits(Map.of(), 10_000, Duration.ofSeconds(5)));
  }

  /**
   * An SDK client of this server for setting up and inspecting test state, built once per type.
   * Example: {@code moto.client(EcsClient.class, EcsClient::builder)}.
   */
  public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient>
      C client(Class<C> type, Supplier<B> builder) {
    return type.cast(
        clients.computeIfAbsent(
            type,
            t ->
                builder
                    .get()
                    .region(Region.of(REGION))
                    .endpointOverride(endpoint())
                    .credentialsProvider(
                        StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("testing", "testing")))
                    .httpClient(ApacheHttpClient.create())
                    .build()));
  }

  /**
   * JUnit 5 extension: resets the shared server before each test and resolves {@link MotoServer}
   * parameters. Usage: {@code @ExtendWith(MotoServer.Extension.class)}.
   */
  public static final class Extension implements BeforeEachCallback, ParameterResolver {
    @Override
    public void beforeEach(ExtensionContext context) {
      MotoServer.get().reset();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == MotoServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return MotoServer.get();
    }
  }

  private static MotoServer start() {
    useDummyCredentials();
    Path root = repositoryRoot();
    List<String> tried = new ArrayList<>();
    String python = findPython(root, tried);
    if (python == null) {
      python = installMoto(root, tried);
    }
    Path launcher = copyLauncher();
    Path log = logFile(root);
    List<String> hooks = new ArrayList<>();
    hooks.add(SCRIPTED_HOOK + "=" + launcher.resolveSibling("scripted_hook.py"));
    Path shipped = root.resolve("deploy/lambda/snailtrail-hook/handler.py");
    if (Files.exists(shipped)) {
      hooks.add(SHIPPED_HOOK + "=" + shipped);
    }
    ProcessBuilder pb =
        new ProcessBuilder(python, launcher.toString(), "--host", "127.0.0.1", "--port", "0")
            .redirectErrorStream(true);
    pb.environment()
        .put("SNAILTRAIL_MOTO_DEPLOY_SECONDS", System.getProperty(DEPLOY_SECONDS_PROPERTY, "1"));
    pb.environment().put("SNAILTRAIL_MOTO_FAIL_IMAGE", FAILING_IMAGE_MARK);
    pb.environment()
        .put(
            "SNAILTRAIL_MOTO_BAKE_SECONDS_PER_MINUTE",
            System.getProperty(BAKE_SECONDS_PER_MINUTE_PROPERTY, "1"));
    pb.environment()
        .put("SNAILTRAIL_MOTO_CALLBACK_SCALE", System.getProperty(CALLBACK_SCALE_PROPERTY, "0.1"));
    pb.environment().put("SNAILTRAIL_MOTO_HOOKS", String.join(",", hooks));
    pb.environment().put("SNAILTRAIL_TABLE", HOOK_TABLE);
    pb.environment().put("PYTHONUNBUFFERED", "1");
    pb.environment()
        .put("PYTHONDONTWRITEBYTECODE", "1"); // leaves the copied launcher's directory as it was
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + python + " " + launcher + ": " + e, e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "moto-stop"));
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Deque<String> tail = new ArrayDeque<>();
    Thread pump = new Thread(() -> pump(process, log, ready, tail), "moto-output");
    pump.setDaemon(true);
    pump.start();
    int port;
    try {
      port = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      stop(process);
      throw new IllegalStateException(
          "moto did not start within "
              + START_TIMEOUT.toSeconds()
              + " s ("
              + python
              + " "
              + launcher
              + "); its last output:\n"
              + String.join("\n", snapshot(tail))
              + "\n(full output in "
              + log
              + ")",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process);
      throw new IllegalStateException("interrupted while starting moto", e);
    }
    MotoServer server = new MotoServer(process, port, log, python);
    server.reset(); // proves it answers
    return server;
  }

  private static void pump(
      Process process, Path log, CompletableFuture<Integer> ready, Deque<String> tail) {
    try (InputStream in = process.getInputStream();
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        out.write(line);
        out.write('\n');
        out.flush();
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 40) {
            tail.removeFirst();
          }
        }
        Matcher m = READY.matcher(line);
        if (!ready.isDone() && m.matches()) {
          ready.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(
        new IllegalStateException(
            "moto exited before it was ready (exit code " + exitCode(process) + ")"));
  }

  private static List<String> snapshot(Deque<String> tail) {
    synchronized (tail) {
      return List.copyOf(tail);
    }
  }

  private static String exitCode(Process process) {
    try {
      return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static void stop(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** The adapters use the default credential chain; moto accepts any key. */
  private static void useDummyCredentials() {
    if (System.getProperty("aws.accessKeyId") == null) {
      System.setProperty("aws.accessKeyId", "testing");
      System.setProperty("aws.secretAccessKey", "testing");
    }
  }

  private static String findPython(Path root, List<String> tried) {
    Set<String> candidates = new LinkedHashSet<>();
    String configured = System.getenv("SNAILTRAIL_MOTO_PYTHON");
    if (configured != null && !configured.isBlank()) {
      candidates.add(configured);
    }
    Path venv = root.resolve(".venv-moto/bin/python");
    if (Files.isExecutable(venv)) {
      candidates.add(venv.toString());
    }
    String fromMotoServer = interpreterOfMotoServer();
    if (fromMotoServer != null) {
      candidates.add(fromMotoServer);
    }
    candidates.add("python3");
    for (String candidate : candidates) {
      String problem = checkPython(candidate);
      if (problem == null) {
        return candidate;
      }
      tried.add(candidate + ": " + problem);
    }
    return null;
  }

  /** The interpreter named by the shebang of {@code moto_server} on PATH, if it is Python. */
  private static String interpreterOfMotoServer() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path script = Paths.get(dir, "moto_server");
      if (!Files.isExecutable(script)) {
        continue;
      }
      try (BufferedReader r = Files.newBufferedReader(script, StandardCharsets.ISO_8859_1)) {
        String first = r.readLine();
        if (first == null || !first.startsWith("#!") || !first.contains("python")) {
          continue;
        }
        String[] parts = first.substring(2).trim().split("\\s+");
        return parts[0].endsWith("/env") && parts.length > 1 ? parts[1] : parts[0];
      } catch (IOException e) {
        // unreadable: try the next one
      }
    }
    return null;
  }

  /** Null when the interpreter imports moto's server, else why not. */
  private static String checkPython(String python) {
    try {
      Process p =
          new ProcessBuilder(
                  python, "-c", "import moto, moto.server, werkzeug; print(moto.__version__)")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "timed out";
      }
      return p.exitValue() == 0 ? null : lastLine(out);
    } catch (IOException e) {
      return "not runnable (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String installMoto(Path root, List<String> tried) {
    Path script = root.resolve("scripts/ensure-moto.sh");
    String output;
    int exit;
    try {
      Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(script + " did not finish within 10 minutes");
      }
      exit = p.exitValue();
    } catch (IOException e) {
      throw new IllegalStateException(
          "no Python with moto found (" + tried + ") and " + script + " could not run: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing moto", e);
    }
    String python = lastLine(output);
    if (exit != 0 || checkPython(python) != null) {
      throw new IllegalStateException(
          "moto is needed by the integration tests but is not available.\n  Tried: "
              + String.join("; ", tried)
              + "\n  "
              + script
              + " exited with "
              + exit
              + ":\n"
              + output);
    }
    return python;
  }

  private static String lastLine(String text) {
    String[] lines = text.split("\n");
    return lines[lines.length - 1].strip();
  }

  /**
   * The launcher, the module it imports and the tests' hook function, copied side by side into a
   * fresh directory (the test classpath may be a jar); the launcher's path.
   */
  private static Path copyLauncher() {
    try {
      Path dir = Files.createTempDirectory("snailtrail-moto");
      dir.toFile().deleteOnExit();
      for (String resource :
          List.of("moto/launcher.py", "moto/strategies.py", "moto/hooks/scripted_hook.py")) {
        try (InputStream in = MotoServer.class.getResourceAsStream("/" + resource)) {
          if (in == null) {
            throw new IllegalStateException(resource + " is missing from the test classpath");
          }
          Path file = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
          Files.write(file, in.readAllBytes());
          file.toFile().deleteOnExit();
        }
      }
      return dir.resolve("launcher.py");
    } catch (IOException e) {
      throw new IllegalStateException("could not copy the moto launcher: " + e, e);
    }
  }

  private static Path logFile(Path root) {
    Path target = root.resolve("controller/target");
    try {
      Files.createDirectories(target);
      return target.resolve("moto-server.log");
    } catch (IOException e) {
      try {
        return Files.createTempFile("moto-server", ".log");
      } catch (IOException again) {
        throw new IllegalStateException("no place for moto's log: " + again, again);
      }
    }
  }

  private static Path repositoryRoot() {
    String configured = System.getProperty("snailtrail.root");
    if (configured != null) {
      return Paths.get(configured).toAbsolutePath().normalize();
    }
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("scripts/ensure-moto.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (no scripts/ensure-moto.sh above "
            + Paths.get("").toAbsolutePath()
            + "); set -Dsnailtrail.root");
  }
}
