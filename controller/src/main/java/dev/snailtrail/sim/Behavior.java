package dev.snailtrail.sim;

import java.util.Locale;

/**
 * How a simulated container image behaves once started. Chosen by keywords in the image tag, or set
 * per image by a scenario file.
 */
public enum Behavior {
  /** Starts, passes every health check, answers {@code /health} and {@code /ml/status}. */
  HEALTHY("healthy"),
  /** Runs about ten seconds, prints a traceback and exits 1; ECS replaces it again and again. */
  CRASH_LOOP("crash-loop"),
  /** Runs, but its health endpoint fails: container health UNHEALTHY, target unhealthy. */
  UNHEALTHY("unhealthy"),
  /** Listens on 8080 instead of the configured container port: nothing answers health checks. */
  WRONG_PORT("wrong-port"),
  /** Healthy, but takes about ninety seconds to start listening. */
  SLOW_START("slow-start"),
  /** Healthy, but its ML backend is unreachable: {@code /ml/status} says degraded. */
  ML_DOWN("ml-down"),
  /** The image is absent from the registry: tasks stop in PENDING with CannotPullContainerError. */
  MISSING("missing");

  private final String scenarioName;

  Behavior(String scenarioName) {
    this.scenarioName = scenarioName;
  }

  /** The name scenario files use, e.g. {@code crash-loop}. */
  public String scenarioName() {
    return scenarioName;
  }

  /** The behaviour a scenario file names, accepting the tag keywords too. */
  public static Behavior fromScenarioName(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    for (Behavior b : values()) {
      if (b.scenarioName.equals(n) || b.name().toLowerCase(Locale.ROOT).equals(n)) {
        return b;
      }
    }
    return switch (n) {
      case "crashloop" -> CRASH_LOOP;
      case "port8080" -> WRONG_PORT;
      case "slow" -> SLOW_START;
      case "mldown" -> ML_DOWN;
      default ->
          throw new IllegalArgumentException(
              "unknown image behaviour '"
                  + name
                  + "'; use crash-loop, unhealthy, wrong-port, slow-start, ml-down, missing or"
                  + " healthy");
    };
  }

  /**
   * The behaviour an image tag asks for: {@code crashloop}, {@code unhealthy}, {@code port8080},
   * {@code slow}, {@code ml-down} or {@code missing} anywhere in the tag; anything else is healthy.
   */
  public static Behavior fromTag(String tag) {
    if (tag == null) {
      return HEALTHY;
    }
    String t = tag.toLowerCase(Locale.ROOT);
    if (t.contains("missing")) {
      return MISSING;
    }
    if (t.contains("crashloop") || t.contains("crash-loop")) {
      return CRASH_LOOP;
    }
    if (t.contains("unhealthy")) {
      return UNHEALTHY;
    }
    if (t.contains("port8080")) {
      return WRONG_PORT;
    }
    if (t.contains("ml-down") || t.contains("mldown")) {
      return ML_DOWN;
    }
    if (t.contains("slow")) {
      return SLOW_START;
    }
    return HEALTHY;
  }

  /** Whether health checks against the configured port pass once the app is up. */
  boolean passesHealthChecks() {
    return switch (this) {
      case HEALTHY, SLOW_START, ML_DOWN -> true;
      case CRASH_LOOP, UNHEALTHY, WRONG_PORT, MISSING -> false;
    };
  }
}
