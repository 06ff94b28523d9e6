package dev.snailtrail.sim;

import dev.snailtrail.provider.DeploymentStrategy.Stage;
import java.util.Map;

/**
 * What the simulated ECS invokes at a lifecycle stage of a blue/green, linear or canary service
 * deployment, in place of a Lambda function: registered by the function's ARN with {@link
 * Simulator#registerHook}. It is called under the simulator's lock, at the simulated instant the
 * stage asks it, so it must not call the simulator back nor wait on anything that does.
 */
@FunctionalInterface
public interface LifecycleHookTarget {

  /** Answers one invocation; an exception or an answer without a status makes ECS roll back. */
  HookAnswer invoke(HookInvocation invocation);

  /**
   * The event ECS sends the function.
   *
   * @param executionId this invocation's id
   * @param lifecycleStage the stage that asks
   * @param resourceArn the service deployment's ARN
   * @param targetServiceRevisionArn the service revision being deployed (green)
   * @param testTrafficWeights percent of test traffic per service revision ARN
   * @param productionTrafficWeights percent of production traffic per service revision ARN
   * @param hookDetails the hook's configured details, plus what the last IN_PROGRESS answer of this
   *     hook at this stage returned
   */
  record HookInvocation(
      String executionId,
      Stage lifecycleStage,
      String resourceArn,
      String serviceArn,
      String targetServiceRevisionArn,
      Map<String, Integer> testTrafficWeights,
      Map<String, Integer> productionTrafficWeights,
      Map<String, String> hookDetails) {
    public HookInvocation {
      testTrafficWeights = Map.copyOf(testTrafficWeights);
      productionTrafficWeights = Map.copyOf(productionTrafficWeights);
      hookDetails = Map.copyOf(hookDetails);
    }
  }

  /** The function's {@code hookStatus}. */
  enum HookStatus {
    /** Go on to the next stage. */
    SUCCEEDED,
    /** Roll back. */
    FAILED,
    /** Ask again after {@code callBackDelay}. */
    IN_PROGRESS
  }

  /**
   * The function's answer.
   *
   * @param hookStatus what ECS is to do; null counts as a missing status (ECS rolls back)
   * @param callBackDelay seconds before ECS asks again after IN_PROGRESS (30 when 0 or less)
   * @param hookDetails handed back to the next invocation after IN_PROGRESS
   * @param reason why, in words, or null (the simulator puts it in the rollback's reason)
   */
  record HookAnswer(
      HookStatus hookStatus, int callBackDelay, Map<String, String> hookDetails, String reason) {
    public HookAnswer {
      hookDetails = hookDetails == null ? Map.of() : Map.copyOf(hookDetails);
    }

    public static HookAnswer succeeded() {
      return new HookAnswer(HookStatus.SUCCEEDED, 0, Map.of(), null);
    }

    public static HookAnswer failed(String reason) {
      return new HookAnswer(HookStatus.FAILED, 0, Map.of(), reason);
    }

    public static HookAnswer inProgress(int callBackDelay, Map<String, String> hookDetails) {
      return new HookAnswer(HookStatus.IN_PROGRESS, callBackDelay, hookDetails, null);
    }
  }
}
