package dev.snailtrail.aws;

import dev.snailtrail.provider.DeploymentStrategy;
import dev.snailtrail.provider.DeploymentStrategy.Kind;
import dev.snailtrail.provider.DeploymentStrategy.LifecycleHook;
import dev.snailtrail.provider.DeploymentStrategy.Stage;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceDeploymentState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.services.ecs.model.AdvancedConfiguration;
import software.amazon.awssdk.services.ecs.model.CanaryConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DeploymentLifecycleHook;
import software.amazon.awssdk.services.ecs.model.LinearConfiguration;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;

/**
 * The strategy part of an ECS service's {@code deploymentConfiguration}, its blue/green routing
 * ({@code loadBalancers[].advancedConfiguration}) and its service deployments, between the SDK's
 * shapes and the {@link Ecs} port's records.
 */
final class EcsStrategies {

  private EcsStrategies() {}

  /**
   * The strategy a service deploys with; {@link DeploymentStrategy#ROLLING} when ECS says none. A
   * strategy this SDK does not know reads as ROLLING as well: ECS then deploys its own way, and the
   * controller only ever sets the strategies it knows.
   */
  static DeploymentStrategy strategy(DeploymentConfiguration c) {
    if (c == null) {
      return DeploymentStrategy.ROLLING;
    }
    Kind kind = kind(c.strategyAsString());
    double percent = 0;
    Duration stepBake = Duration.ZERO;
    if (kind == Kind.CANARY && c.canaryConfiguration() != null) {
      percent = orZero(c.canaryConfiguration().canaryPercent());
      stepBake = minutes(c.canaryConfiguration().canaryBakeTimeInMinutes());
    } else if (kind == Kind.LINEAR && c.linearConfiguration() != null) {
      percent = orZero(c.linearConfiguration().stepPercent());
      stepBake = minutes(c.linearConfiguration().stepBakeTimeInMinutes());
    }
    Duration bake =
        c.bakeTimeInMinutes() == null ? null : Duration.ofMinutes(c.bakeTimeInMinutes());
    List<LifecycleHook> hooks = new ArrayList<>();
    for (DeploymentLifecycleHook h : c.lifecycleHooks()) {
      hooks.add(
          new LifecycleHook(
              h.hookTargetArn(), h.roleArn(), stages(h.lifecycleStagesAsStrings()), details(h)));
    }
    return new DeploymentStrategy(kind, percent, stepBake, bake, hooks);
  }

  /**
   * The service's live {@code deploymentConfiguration} with the strategy's part replaced. ECS
   * replaces the whole structure on UpdateService, so everything else (circuit breaker, alarms,
   * minimum and maximum percent) goes along exactly as it is live. {@code bake == null} keeps the
   * live {@code bakeTimeInMinutes}; the hooks replace the live list; durations go as whole minutes,
   * the only unit ECS takes (a part of a minute counts as a whole one, so no bake is shorter than
   * asked).
   */
  static DeploymentConfiguration merged(DeploymentConfiguration live, DeploymentStrategy s) {
    DeploymentConfiguration.Builder b =
        live == null ? DeploymentConfiguration.builder() : live.toBuilder();
    b.strategy(s.kind().name());
    b.canaryConfiguration(
        s.kind() == Kind.CANARY
            ? CanaryConfiguration.builder()
                .canaryPercent(s.percent())
                .canaryBakeTimeInMinutes(wholeMinutes(s.stepBake()))
                .build()
            : null);
    b.linearConfiguration(
        s.kind() == Kind.LINEAR
            ? LinearConfiguration.builder()
                .stepPercent(s.percent())
                .stepBakeTimeInMinutes(wholeMinutes(s.stepBake()))
                .build()
            : null);
    if (s.bake() != null) {
      b.bakeTimeInMinutes(wholeMinutes(s.bake()));
    }
    b.lifecycleHooks(s.hooks().stream().map(EcsStrategies::hook).toList());
    return b.build();
  }

  /** The routing of a blue/green, linear or canary service, or null when it has none. */
  static Ecs.BlueGreenRouting routing(AdvancedConfiguration a) {
    if (a == null) {
      return null;
    }
    return new Ecs.BlueGreenRouting(
        a.alternateTargetGroupArn(), a.productionListenerRule(), a.testListenerRule(), a.roleArn());
  }

  static AdvancedConfiguration advanced(Ecs.BlueGreenRouting r) {
    return AdvancedConfiguration.builder()
        .alternateTargetGroupArn(r.alternateTargetGroupArn())
        .productionListenerRule(r.productionListenerRule())
        .testListenerRule(r.testListenerRule())
        .roleArn(r.roleArn())
        .build();
  }

  /**
   * A service deployment. A stage this SDK does not know reads as null, as one ECS does not report
   * (a rolling deployment, one that ended).
   *
   * @throws ProviderException (INVALID) for a status this SDK does not know: whether ECS is still
   *     at work, done or rolling back cannot be guessed
   */
  static ServiceDeploymentState deployment(ServiceDeployment d) {
    ServiceDeploymentState.Status status =
        known(ServiceDeploymentState.Status.class, d.statusAsString());
    if (status == null) {
      throw new ProviderException(
          ProviderException.Kind.INVALID,
          "ecs",
          "DescribeServiceDeployments",
          "service deployment "
              + d.serviceDeploymentArn()
              + " is in status "
              + d.statusAsString()
              + ", which this snailtrail does not know; run a newer snailtrail, or follow the"
              + " deployment in the ECS console");
    }
    return new ServiceDeploymentState(
        d.serviceDeploymentArn(),
        status,
        d.statusReason(),
        known(Stage.class, d.lifecycleStageAsString()),
        d.createdAt(),
        d.updatedAt());
  }

  private static DeploymentLifecycleHook hook(LifecycleHook h) {
    Map<String, Document> details = new LinkedHashMap<>();
    h.details().forEach((k, v) -> details.put(k, Document.fromString(v)));
    return DeploymentLifecycleHook.builder()
        .hookTargetArn(h.targetArn())
        .roleArn(h.roleArn())
        .lifecycleStagesWithStrings(h.stages().stream().map(Stage::name).toList())
        .hookDetails(Document.fromMap(details))
        .build();
  }

  private static Kind kind(String strategy) {
    Kind kind = strategy == null ? null : known(Kind.class, strategy);
    return kind == null ? Kind.ROLLING : kind;
  }

  /**
   * The stages the port names. ECS also offers PRE_PRODUCTION_TRAFFIC_SHIFT to hooks, which the
   * port does not name; such a stage is left out.
   */
  private static List<Stage> stages(List<String> names) {
    List<Stage> out = new ArrayList<>();
    for (String name : names) {
      Stage stage = known(Stage.class, name);
      if (stage != null) {
        out.add(stage);
      }
    }
    return out;
  }

  /** A hook's details as strings (the controller sends strings; a number or flag reads as text). */
  private static Map<String, String> details(DeploymentLifecycleHook h) {
    Map<String, String> out = new LinkedHashMap<>();
    Document d = h.hookDetails();
    if (d == null || !d.isMap()) {
      return out;
    }
    d.asMap()
        .forEach(
            (k, v) -> {
              if (v == null || v.isNull()) {
                return;
              }
              if (v.isString()) {
                out.put(k, v.asString());
              } else if (v.isNumber()) {
                out.put(k, v.asNumber().stringValue());
              } else if (v.isBoolean()) {
                out.put(k, String.valueOf(v.asBoolean()));
              } else {
                out.put(k, v.toString());
              }
            });
    return out;
  }

  private static <E extends Enum<E>> E known(Class<E> type, String name) {
    if (name == null) {
      return null;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static int wholeMinutes(Duration d) {
    long seconds = d.toSeconds();
    return (int) ((seconds + 59) / 60);
  }

  private static Duration minutes(Integer m) {
    return m == null ? Duration.ZERO : Duration.ofMinutes(m);
  }

  private static double orZero(Double d) {
    return d == null ? 0 : d;
  }
}
