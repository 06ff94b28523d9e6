package dev.snailtrail.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.Network;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Seeded;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.time.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each check passing on a seeded simulator, and failing once the world is broken. */
class PreflightSimTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final Simulator sim = new Simulator(clock);
  private final DoctorFixtures fx = new DoctorFixtures();

  @AfterEach
  void close() {
    sim.close();
  }

  private List<CheckResult> check(Rollout rollout, int phase) {
    return new Preflight(sim.providers()).check(rollout, phase);
  }

  private static CheckResult result(List<CheckResult> results, Check check) {
    return results.stream().filter(r -> r.check() == check).findFirst().orElseThrow();
  }

  private static String line(List<CheckResult> results, Check check) {
    return Checklist.line(result(results, check), false);
  }

  @Test
  void aSeededWorldPassesEveryCheck() {
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.existingService("baseline"));

    List<CheckResult> results = check(rollout, 0);

    // Traffic routing concerns only a rollout with target.traffic (TrafficRoutingCheckTest), and
    // blue/green routing only one with a phase under traffic.mode: ecs.
    assertThat(results)
        .extracting(CheckResult::check)
        .containsExactly(
            java.util.Arrays.stream(Check.values())
                .filter(c -> c != Check.TrafficRouting && c != Check.BlueGreenRouting)
                .toArray(Check[]::new));
    assertThat(results)
        .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASS));
    assertThat(Preflight.summary(results)).isEmpty();
    assertThat(line(results, Check.AwsvpcBindings))
        .isEqualTo(
            "✓ Network bindings: awsvpc: empty networkBindings are normal; port 5000 lives on each"
                + " task's network interface");
    assertThat(result(results, Check.AwsvpcBindings).seen()).startsWith("running tasks: 10.0.");
  }

  @Test
  void serviceExists() {
    Rollout creatable = fx.rollout();
    sim.seed(creatable, Seed.defaults());
    assertThat(line(check(creatable, 0), Check.ServiceExists))
        .isEqualTo(
            "✓ Service exists: service shine-api-gateway does not exist yet; createIfMissing creates it");

    fx.createIfMissing = false;
    List<CheckResult> results = check(fx.rollout(), 0);
    assertThat(line(results, Check.ServiceExists))
        .isEqualTo(
            "✗ Service exists: service shine-api-gateway not found in cluster shine-ml-cluster");
    assertThat(result(results, Check.ServiceExists).fix()).contains("createIfMissing: true");
  }

  @Test
  void aMissingClusterFails() {
    List<CheckResult> results = check(fx.rollout(), 0);
    assertThat(line(results, Check.ServiceExists))
        .isEqualTo("✗ Service exists: cluster shine-ml-cluster does not exist in us-east-1");
  }

  @Test
  void imageInEcr() {
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.defaults());
    assertThat(result(check(rollout, 1), Check.ImageInEcr).status()).isEqualTo(Status.PASS);

    sim.applyScenario("remove:\n  - ecrImage: shine-api-gateway:hybrid\n");
    List<CheckResult> results = check(rollout, 1);
    assertThat(line(results, Check.ImageInEcr))
        .isEqualTo(
            "✗ Image in ECR: image 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:hybrid"
                + " not found in ECR repository shine-api-gateway");
    assertThat(result(results, Check.ImageInEcr).fix())
        .contains(
            "docker push 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:hybrid");
  }

  @Test
  void privateImagesNeedAnExecutionRole() {
    fx.executionRoleArn = null;
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.defaults());
    List<CheckResult> results = check(rollout, 0);
    assertThat(line(results, Check.ImageInEcr))
        .isEqualTo(
            "✗ Image in ECR: the task definition has no executionRoleArn, so FARGATE tasks cannot"
                + " pull from ECR or write awslogs");
    assertThat(result(results, Check.ImageInEcr).fix()).contains("template.executionRoleArn");
  }

  @Test
  void imagesOutsideEcrAreSkipped() {
    fx.registry = "ghcr.io/snail";
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.defaults());
    assertThat(line(check(rollout, 0), Check.ImageInEcr))
        .isEqualTo("– Image in ECR: not an ECR image: ghcr.io/snail/shine-api-gateway:simple");
  }

  @Test
  void portsMatchTargetGroup() {
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.defaults());
    assertThat(line(check(rollout, 0), Check.PortsMatchTargetGroup))
        .isEqualTo(
            "✓ Ports match the target group: container api port 5000 = target group shine-api port"
                + " 5000, health check /health on traffic-port");

    // The story: the task definition says 8080, the target group (and its ALB) 5000.
    fx.templatePort = 8080;
    fx.loadBalancerPort = 5000;
    Rollout wrong = fx.rollout();
    try (Simulator other = new Simulator(clock)) {
      other.seed(wrong, Seed.defaults());
      List<CheckResult> results = new Preflight(other.providers()).check(wrong, 0);
      assertThat(line(results, Check.PortsMatchTargetGroup))
          .isEqualTo(
              "✗ Ports match the target group: container api listens on 8080 but target group"
                  + " shine-api forwards to 5000 (the service registers port 5000)");
      assertThat(result(results, Check.PortsMatchTargetGroup).fix())
          .startsWith("Make the app listen on 5000 and set template.port: 5000");
    }
  }

  @Test
  void networkBindingsUnderBridgeMustCarryThePort() {
    fx.networkMode = "bridge";
    fx.launchType = "EC2";
    fx.assignPublicIp = false;
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.existingService("baseline"));
    assertThat(line(check(rollout, 0), Check.AwsvpcBindings))
        .isEqualTo("✓ Network bindings: bridge: container api publishes 5000 on the host");

    // A task definition (from a file) whose container maps no port.
    TaskDefinitionSpec noPorts = withoutPorts(TaskDefinitions.forPhase(rollout, 0));
    List<CheckResult> results = new Preflight(sim.providers(), r -> noPorts).check(rollout, 0);
    assertThat(line(results, Check.AwsvpcBindings))
        .isEqualTo("✗ Network bindings: container api maps no port 5000 under bridge");
    assertThat(result(results, Check.AwsvpcBindings).fix())
        .isEqualTo(
            "Add a portMapping {containerPort: 5000, hostPort: 0} to container api so bridge mode"
                + " publishes it on the host.");
  }

  @Test
  void securityGroupAdmitsPort() {
    Rollout rollout = fx.rollout();
    Seeded seeded = sim.seed(rollout, Seed.defaults());
    String alb = seeded.loadBalancerSecurityGroupId();
    assertThat(line(check(rollout, 0), Check.SecurityGroupAdmitsPort))
        .isEqualTo(
            "✓ Security group admits the port: security group sg-0task admits tcp 5000 from "
                + alb);

    sim.applyScenario("remove:\n  - securityGroupRule: {group: sg-0task, port: 5000}\n");
    List<CheckResult> results = check(rollout, 0);
    assertThat(line(results, Check.SecurityGroupAdmitsPort))
        .isEqualTo(
            "✗ Security group admits the port: security group sg-0task (shine-api-gateway-tasks)"
                + " does not admit tcp 5000 from the load balancer's group "
                + alb);
    assertThat(result(results, Check.SecurityGroupAdmitsPort).fix())
        .isEqualTo(
            "Add the rule: aws ec2 authorize-security-group-ingress --group-id sg-0task --protocol"
                + " tcp --port 5000 --source-group "
                + alb
                + " --region us-east-1");
  }

  @Test
  void publicIpNeedsAnInternetGatewayRoute() {
    Rollout rollout = fx.rollout();
    Seeded seeded = sim.seed(rollout, Seed.defaults());
    assertThat(line(check(rollout, 0), Check.PublicIpRoutable))
        .isEqualTo(
            "✓ Public IP routable: FARGATE tasks get public IPs; every subnet routes 0.0.0.0/0 to an"
                + " internet gateway");

    sim.applyScenario("remove:\n  - internetGatewayRoute: {}\n");
    List<CheckResult> results = check(rollout, 0);
    CheckResult r = result(results, Check.PublicIpRoutable);
    assertThat(Checklist.line(r, false))
        .isEqualTo(
            "✗ Public IP routable: subnet subnet-0aaa has no 0.0.0.0/0 route to an internet gateway:"
                + " tasks cannot pull images");
    assertThat(r.seen())
        .isEqualTo(
            "subnet-0aaa uses route table "
                + seeded.routeTableId()
                + " with no 0.0.0.0/0 route; MapPublicIpOnLaunch is true, but that does not make"
                + " the subnet public without the route");
    assertThat(r.fix())
        .startsWith(
            "Add the route: aws ec2 create-route --route-table-id "
                + seeded.routeTableId()
                + " --destination-cidr-block 0.0.0.0/0 --gateway-id");
  }

  @Test
  void publicIpNeedsFargate() {
    fx.launchType = "EC2";
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.defaults());
    assertThat(line(check(rollout, 0), Check.PublicIpRoutable))
        .isEqualTo(
            "✗ Public IP routable: assignPublicIp is ENABLED but the launch type is EC2: tasks on"
                + " EC2 never get a public IP");
  }

  @Test
  void logGroupExists() {
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.defaults());
    assertThat(line(check(rollout, 0), Check.LogGroupExists))
        .isEqualTo("✓ Log group exists: awslogs log group ready: /ecs/shine-api-gateway");

    fx.logGroup = "/ecs/shine-renamed";
    List<CheckResult> results = check(fx.rollout(), 0);
    assertThat(line(results, Check.LogGroupExists))
        .isEqualTo(
            "✗ Log group exists: log group /ecs/shine-renamed does not exist: tasks will fail to"
                + " start");
    assertThat(result(results, Check.LogGroupExists).fix())
        .startsWith("Create it (aws logs create-log-group --log-group-name /ecs/shine-renamed");
  }

  @Test
  void anAlarmAlreadyFiringFailsRollbackReadiness() {
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.existingService("baseline"));
    assertThat(line(check(rollout, 0), Check.RollbackReady))
        .isEqualTo(
            "✓ Rollback ready: rolls back to the baseline (shine-api-gateway:1, ACTIVE, images in"
                + " ECR)");

    sim.setAlarmState(DoctorFixtures.ALARM, "ALARM", "5xx above 1%");
    assertThat(line(check(rollout, 0), Check.RollbackReady))
        .isEqualTo(
            "✗ Rollback ready: alarm shine-5xx-high is already in ALARM (5xx above 1%): its gate"
                + " would fail at once");
  }

  @Test
  void aDeregisteredRollbackRevisionFails() {
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.existingService("baseline"));
    TaskDefinition first =
        sim.providers()
            .ecs()
            .registerTaskDefinition(DoctorFixtures.REGION, TaskDefinitions.forPhase(rollout, 0));
    Map<String, String> revisions = Map.of("simple", first.arn());
    Preflight preflight = new Preflight(sim.providers());
    assertThat(
            Checklist.line(
                result(preflight.check(rollout, 1, revisions), Check.RollbackReady), false))
        .isEqualTo(
            "✓ Rollback ready: rolls back to phase simple (shine-api-gateway:2, ACTIVE, images in"
                + " ECR)");

    sim.deregisterTaskDefinition(DoctorFixtures.REGION, first.arn());
    List<CheckResult> results = preflight.check(rollout, 1, revisions);
    assertThat(Checklist.line(result(results, Check.RollbackReady), false))
        .isEqualTo(
            "✗ Rollback ready: rollback target phase simple revision shine-api-gateway:2 is"
                + " INACTIVE: ECS cannot start tasks from it");
  }

  @Test
  void aRollbackImageRemovedFromEcrFails() {
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.existingService("baseline"));
    sim.applyScenario("remove:\n  - ecrImage: shine-api-gateway:baseline\n");
    assertThat(line(check(rollout, 0), Check.RollbackReady))
        .isEqualTo(
            "✗ Rollback ready: rollback target the baseline (shine-api-gateway:1): image"
                + " 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:baseline not"
                + " found in ECR repository shine-api-gateway");
  }

  @Test
  void anOutageIsCouldNotCheckNeitherAFailureNorAPass() {
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.defaults());
    Providers real = sim.providers();
    Network down =
        new Network() {
          @Override
          public List<Subnet> describeSubnets(String region, List<String> ids) {
            throw outage("DescribeSubnets");
          }

          @Override
          public List<RouteTable> describeRouteTables(String region, String vpcId) {
            throw outage("DescribeRouteTables");
          }

          @Override
          public List<SecurityGroup> describeSecurityGroups(String region, List<String> ids) {
            throw outage("DescribeSecurityGroups");
          }
        };
    Providers providers =
        new Providers(
            real.name(),
            real.ecs(),
            real.loadBalancing(),
            real.cloudWatch(),
            real.logs(),
            real.images(),
            down,
            real.endpoints(),
            real.scaling());

    List<CheckResult> results = new Preflight(providers).check(rollout, 0);

    assertThat(results).noneMatch(CheckResult::failed);
    assertThat(line(results, Check.SecurityGroupAdmitsPort))
        .isEqualTo(
            "? Security group admits the port: could not check: ec2 DescribeSecurityGroups:"
                + " THROTTLED - Rate exceeded");
    assertThat(result(results, Check.SecurityGroupAdmitsPort).fix())
        .startsWith("AWS throttled ec2:DescribeSecurityGroups; run doctor again in a moment.");
    assertThat(Preflight.unchecked(results))
        .extracting(CheckResult::check)
        .containsExactly(Check.SecurityGroupAdmitsPort, Check.PublicIpRoutable);
    assertThat(Checklist.tally(results))
        .isEqualTo("10 checks: 8 passed, 0 failed, 0 warnings, 0 skipped, 2 could not be checked");
    assertThat(Checklist.lines(results, true))
        .contains(
            "  [NOT CHECKED] Public IP routable: could not check: ec2 DescribeSubnets: THROTTLED -"
                + " Rate exceeded",
            "      seen: the ec2 API did not answer (THROTTLED)");
  }

  @Test
  void checkAllRunsPhaseIndependentChecksOnceAndSummaryNamesEveryFix() {
    Rollout rollout = fx.rollout();
    sim.seed(rollout, Seed.defaults());
    sim.applyScenario(
        "remove:\n  - securityGroupRule: {group: sg-0task, port: 5000}\n"
            + "  - ecrImage: shine-api-gateway:hybrid\n");

    List<CheckResult> results = new Preflight(sim.providers()).checkAll(rollout);

    assertThat(results).filteredOn(r -> r.phase().equals("simple")).hasSize(10);
    assertThat(results)
        .filteredOn(r -> r.phase().equals("hybrid"))
        .extracting(CheckResult::check)
        .containsExactly(
            Check.ImageInEcr, Check.SecretsReadable, Check.ScalingRespected, Check.RollbackReady);
    String summary = Preflight.summary(results);
    assertThat(summary)
        .startsWith(
            "Preflight failed for phase simple, hybrid (2 checks): SecurityGroupAdmitsPort:")
        .contains("authorize-security-group-ingress --group-id sg-0task")
        .contains(
            "ImageInEcr: image 396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:hybrid");
  }

  private static ProviderException outage(String op) {
    return new ProviderException(ProviderException.Kind.THROTTLED, "ec2", op, "Rate exceeded");
  }

  private static TaskDefinitionSpec withoutPorts(TaskDefinitionSpec td) {
    List<ContainerDefinition> containers =
        td.containers().stream()
            .map(
                c ->
                    new ContainerDefinition(
                        c.name(),
                        c.image(),
                        c.essential(),
                        List.<PortMapping>of(),
                        c.environment(),
                        c.healthCheck(),
                        c.logDriver(),
                        c.logOptions()))
            .toList();
    return TaskDefinitionSpec.of(
        td.family(),
        containers,
        td.cpu(),
        td.memory(),
        td.networkMode(),
        td.requiresCompatibilities(),
        td.executionRoleArn(),
        td.taskRoleArn(),
        td.tags());
  }
}
