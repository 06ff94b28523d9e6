package dev.snailtrail.doctor;

import dev.snailtrail.provider.ClusterStatus;
import dev.snailtrail.provider.Ecs.ClusterState;
import dev.snailtrail.provider.Ecs.ServiceState;
import dev.snailtrail.spec.Target;
import java.util.Optional;

/** Check 1: the cluster is ACTIVE; the service exists, or the rollout can create it. */
final class ServiceExistsCheck implements PreflightCheck {

  @Override
  public Check id() {
    return Check.ServiceExists;
  }

  @Override
  public boolean perPhase() {
    return false;
  }

  @Override
  public CheckResult run(Inspection in) {
    Facts f = in.facts;
    Target t = f.rollout.spec().target();
    Optional<ServiceState> service = f.service();
    if (service.isPresent()) {
      // An ACTIVE service lives in an ACTIVE cluster: no need to ask about the cluster.
      ServiceState s = service.get();
      return in.pass(
          id(),
          "service " + t.service() + " is " + s.status() + " in cluster " + t.cluster(),
          "runs " + s.taskDefinitionArn() + ", " + s.runningCount() + "/" + s.desiredCount());
    }
    Optional<ClusterState> cluster = f.cluster();
    if (cluster.isEmpty()) {
      return in.fail(
          id(),
          "cluster " + t.cluster() + " does not exist in " + t.region(),
          "DescribeClusters found no cluster named " + t.cluster(),
          "Create it (aws ecs create-cluster --cluster-name "
              + t.cluster()
              + " --region "
              + t.region()
              + ") or fix target.cluster and target.region.");
    }
    if (cluster.get().status() != ClusterStatus.ACTIVE) {
      return in.fail(
          id(),
          "cluster " + t.cluster() + " is " + cluster.get().status() + ", not ACTIVE",
          "cluster " + cluster.get().arn() + " has status " + cluster.get().status(),
          "Use an ACTIVE cluster: recreate " + t.cluster() + " or point target.cluster elsewhere.");
    }
    if (!t.createIfMissing()) {
      return in.fail(
          id(),
          "service " + t.service() + " not found in cluster " + t.cluster(),
          "DescribeServices found no ACTIVE service "
              + t.service()
              + " in "
              + t.cluster()
              + " ("
              + t.region()
              + ")",
          "Set target.createIfMissing: true so the first phase creates it, or create the service"
              + " (aws ecs create-service --cluster "
              + t.cluster()
              + " --service-name "
              + t.service()
              + " ...), or fix target.service.");
    }
    if (f.awsvpc() && (t.network() == null || t.network().subnets().isEmpty())) {
      return in.fail(
          id(),
          "service "
              + t.service()
              + " is missing and cannot be created: awsvpc needs target.network",
          "createIfMissing is set but target.network names no subnets",
          "Add target.network with subnets and securityGroups (and assignPublicIp) so the first"
              + " phase can create the service.");
    }
    return in.pass(
        id(),
        "service " + t.service() + " does not exist yet; createIfMissing creates it",
        "cluster " + t.cluster() + " is ACTIVE; the first phase creates the service");
  }
}
