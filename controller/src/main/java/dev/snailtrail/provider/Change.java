package dev.snailtrail.provider;

/**
 * Something AWS announced that may concern a rollout: the news an event-driven controller wakes
 * rollouts on. A change is a hint to look, never a fact to act on: the pass it wakes reads the
 * world as usual, so a lost, late or repeated change alters nothing but when a rollout looks.
 */
public sealed interface Change {

  /**
   * An ECS service changed: a deployment moved (ECS Deployment State Change), a task of it did (ECS
   * Task State Change), or ECS said something of it (ECS Service Action, such as steady state).
   *
   * @param cluster the cluster's name, or null when the event does not say (a service ARN of the
   *     old format names no cluster)
   * @param what what happened, for logs: the event's name or the task's status
   */
  record ServiceChanged(String region, String cluster, String service, String what)
      implements Change {}

  /**
   * A CloudWatch alarm changed state (CloudWatch Alarm State Change).
   *
   * @param state the state it entered: OK, ALARM or INSUFFICIENT_DATA
   */
  record AlarmChanged(String region, String alarm, String state) implements Change {}
}
