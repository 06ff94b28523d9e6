package dev.snailtrail.cli;

import dev.snailtrail.api.ApiServer;
import dev.snailtrail.controller.ControlPlane;
import dev.snailtrail.controller.Controller;
import dev.snailtrail.doctor.Preflight;
import dev.snailtrail.gate.GateEvaluator;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.store.FileStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * {@code snailtrail controller --provider sim --speed N} built in this JVM, wired as the command
 * wires it (the saved simulator, preflight, its API on a free loopback port), so a test starts one
 * in moments and reads what it did.
 */
public final class LiveController implements AutoCloseable {
  public static final String TOKEN = "live-controller-token";

  private final Ports ports;
  private final Controller controller;
  private final ApiServer api;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  private LiveController(Path storeDir, double speed, boolean openReads) throws UsageError {
    ProviderOptions sim = new ProviderOptions();
    sim.provider = "sim";
    FileStore store = new FileStore(storeDir, Clock.systemUTC());
    ports =
        Ports.forController(sim, store.root().resolve("sim-state.json"), speed, CallListener.NOOP);
    controller =
        Controller.builder(store, ports.providers(), GateEvaluator.withDefaults(), ports.clock())
            .workers(2)
            .preflightOver(p -> new Preflight(p).asHook())
            .log(new PrintStream(log, true, StandardCharsets.UTF_8))
            .hooks(ports.hooks())
            .realTime(ports::realTimeFor)
            .build();
    ports.resumeSimulatedTimeWithin(Duration.ofMillis(200));
    api =
        new ApiServer(
                controller.controlPlane(),
                new ApiServer.Settings(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN)
                    .withOpenReads(openReads))
            .start();
    controller.start();
  }

  /**
   * A controller on the simulator at {@code speed} over a store in {@code storeDir}, its API
   * serving reads without the token when {@code openReads}.
   */
  public static LiveController start(Path storeDir, double speed, boolean openReads)
      throws Exception {
    return new LiveController(storeDir, speed, openReads);
  }

  /** The API's address, {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + api.port();
  }

  public ControlPlane plane() {
    return controller.controlPlane();
  }

  /** Applies a spec file of the repository's spec-examples, as {@code apply -f} would send it. */
  public void applyExample(String name) throws Exception {
    Path file = Path.of(System.getProperty("snailtrail.root", ".."), "spec-examples", name);
    plane().apply(name, Files.readString(file));
  }

  public RolloutStatus status(String name) {
    return plane().get(name).orElseThrow().status();
  }

  /**
   * Waits (polling, up to {@code limit}) until the rollout's status satisfies {@code condition};
   * fails naming what it waited for and where the rollout stood.
   */
  public RolloutStatus await(
      String name, String what, Predicate<RolloutStatus> condition, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    RolloutStatus s = null;
    while (System.nanoTime() < deadline) {
      s = plane().get(name).map(ControlPlane.RolloutView::status).orElse(null);
      if (s != null && condition.test(s)) {
        return s;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "rollout "
            + name
            + " not "
            + what
            + " within "
            + limit
            + "; it is "
            + (s == null ? "missing" : s.phase() + " (" + s.step() + "): " + s.message())
            + "\ncontroller log:\n"
            + log());
  }

  /** What the controller logged (pass failures and the like). */
  public String log() {
    return log.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    api.close();
    controller.close();
    ports.close();
  }
}
