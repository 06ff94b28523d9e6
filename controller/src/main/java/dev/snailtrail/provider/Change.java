package dev.snailtrail.provider;

/**
 * Something AWS announced that may concern a rollout: the news an event-driven controller wakes
 * rollouts on. A change is a hint to look, never a fact to act on: the pass it wakes reads the
 * world as usual, so a lost, late or repeated change alters nothing but when a rollout looks.
 */
public sealed interface Change {

  /**
   * Whether the change is worth a look by the rollouts it concerns. Not: a deployment starting (the
   * controller's own update, mostly; someone else's is seen when it completes), a task starting or
   * running (a deployment's progress, which its completion sums up).
   */
  boolean wakes();

  /**
   * Whether what was read of the service or alarm before the change is out of date. Not for a
   * service reaching a steady state: its deployment's completion, announced just before, already
   * made that read again.
   */
  boolean outdates();

  /**
   * An ECS service changed: a deployment moved (ECS Deployment State Change), a task of it did (ECS
   * Task State Change), or ECS said something of it (ECS Service Action, such as steady state).
   *
   * @param cluster the cluster's name, or null when the event does not say (a service ARN of the
   *     old format names no cluster)
   * @param what what happened, for logs: the event's name or the task's status
   */
  record ServiceChanged(String region, String cluster, String service, String what)
      implements Change {
    /** What a task's {@code lastStatus} or a service's event names that no pass needs to see. */
    private static final java.util.Set<String> QUIET =
        java.util.Set.of(
            "SERVICE_DEPLOYMENT_IN_PROGRESS",
            "PROVISIONING",
            "PENDING",
            "ACTIVATING",
            "RUNNING",
            "DEACTIVATING",
            "STOPPING",
            "DEPROVISIONING");

    @Override
    public boolean wakes() {
      return what == null || !QUIET.contains(what);
    }

    @Override
    public boolean outdates() {
      return wakes() && !"SERVICE_STEADY_STATE".equals(what);
    }
  }

  /**
   * A CloudWatch alarm changed state (CloudWatch Alarm State Change).
   *
   * @param state the state it entered: OK, ALARM or INSUFFICIENT_DATA
   */
  record AlarmChanged(String region, String alarm, String state) implements Change {
    @Override
    public boolean wakes() {
      return true;
    }

    @Override
    public boolean outdates() {
      return true;
    }
  }
}
