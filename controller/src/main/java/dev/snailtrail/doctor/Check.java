package dev.snailtrail.doctor;

/** The preflight checks, in the order they run and print. */
public enum Check {
  /** The cluster is ACTIVE and the service exists, or can be created. */
  ServiceExists("Service exists"),
  /** Every image of the phase is in ECR; private images have a task execution role. */
  ImageInEcr("Image in ECR"),
  /** The container port is the target group's port; the health check reaches it. */
  PortsMatchTargetGroup("Ports match the target group"),
  /** Where the container port lives: the task's ENI under awsvpc, host bindings otherwise. */
  AwsvpcBindings("Network bindings"),
  /** The task's security groups admit the container port from the load balancer. */
  SecurityGroupAdmitsPort("Security group admits the port"),
  /** Tasks that should get a public IP can, and their subnets route to an internet gateway. */
  PublicIpRoutable("Public IP routable"),
  /** The awslogs log group exists or is created by the task. */
  LogGroupExists("Log group exists"),
  /** Containers that take secrets have an execution role to fetch them with. */
  SecretsReadable("Secrets readable"),
  /** The phase's count fits the service's Application Auto Scaling range. */
  ScalingRespected("Auto scaling respected"),
  /** The rollback target can run and no gate alarm is already firing. */
  RollbackReady("Rollback ready"),
  /**
   * With {@code target.traffic}: the rule forwards to both target groups, their ports are the
   * container's, and the canary service exists.
   */
  TrafficRouting("Traffic routing"),
  /**
   * With a phase under {@code traffic.mode: ecs}: the service's load balancer has an alternate
   * target group and a production rule forwarding to both, and the dead-man's switch is set.
   */
  BlueGreenRouting("Blue/green routing");

  private final String label;

  Check(String label) {
    this.label = label;
  }

  /** A short human name, e.g. "Image in ECR". */
  public String label() {
    return label;
  }
}
