package dev.snailtrail.sim;

import dev.snailtrail.provider.Ecs.CreateServiceRequest;
import dev.snailtrail.provider.Ecs.LoadBalancerBinding;
import dev.snailtrail.provider.Ecs.NetworkConfig;
import dev.snailtrail.provider.LaunchType;
import dev.snailtrail.provider.Network.IngressRule;
import dev.snailtrail.provider.Network.Route;
import dev.snailtrail.provider.Network.RouteTable;
import dev.snailtrail.provider.Network.SecurityGroup;
import dev.snailtrail.provider.Network.Subnet;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.rollout.ContentHash;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Gate.Severity;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.RolloutSpec;
import dev.snailtrail.spec.Target;
import dev.snailtrail.spec.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds a consistent world for a rollout spec: everything its phases and preflight expect. */
final class Seeder {
  private final World world;

  Seeder(World world) {
    this.world = world;
  }

  /**
   * What seeding takes from a spec: plain data, so a snapshot can record it.
   *
   * @param template the spec's template without {@code fromFile}
   * @param images every phase and sidecar image
   * @param alarms alarm names of the spec's gates
   * @param traffic the weighted rule, canary target group and canary service, or null
   * @param ecsTraffic whether a phase shifts traffic under {@code mode: ecs}: the service's load
   *     balancer gets blue/green routing
   */
  record Input(
      String region,
      String cluster,
      String service,
      Target.Network network,
      List<Target.LoadBalancer> loadBalancers,
      Template template,
      List<ImageRef> images,
      List<String> alarms,
      ImageRef firstImage,
      int firstDesiredCount,
      boolean live,
      Target.TrafficRouting traffic,
      boolean ecsTraffic) {
    Input {
      loadBalancers = List.copyOf(loadBalancers);
      images = List.copyOf(images);
      alarms = List.copyOf(alarms);
    }

    static Input of(RolloutSpec spec) {
      Target target = spec.target();
      Template t = spec.template();
      Set<String> alarms = new LinkedHashSet<>();
      for (Phase phase : spec.phases()) {
        for (Gate gate : phase.gates()) {
          if (gate instanceof Gate.CloudWatchAlarm a) {
            alarms.addAll(a.names());
          }
        }
      }
      Template template =
          new Template(
              t.family(),
              t.container(),
              t.port(),
              t.cpu(),
              t.memory(),
              t.env(),
              t.launchType(),
              t.networkMode(),
              t.executionRoleArn(),
              t.taskRoleArn(),
              t.logGroup(),
              t.healthCheck(),
              t.sidecars(),
              null,
              java.util.Map.of());
      Phase first = spec.phases().get(0);
      return new Input(
          target.region(),
          target.cluster(),
          target.service(),
          target.network(),
          target.loadBalancers(),
          template,
          List.copyOf(Seeder.images(spec)),
          List.copyOf(alarms),
          first.image(),
          first.setsDesiredCount() ? first.desiredCount() : 0,
          t.startsFromLiveService(),
          target.traffic(),
          spec.phases().stream().anyMatch(Phase::shiftsTrafficWithEcs));
    }

    Input withTemplate(Template t) {
      return new Input(
          region,
          cluster,
          service,
          network,
          loadBalancers,
          t,
          images,
          alarms,
          firstImage,
          firstDesiredCount,
          live,
          traffic,
          ecsTraffic);
    }
  }

  Seeded seed(Input given, Seed options, Instant wallNow) {
    TaskDefinitionSpec existing = existingTaskDefinition(given, options);
    Input target =
        given.live() && existing != null
            ? given.withTemplate(LiveService.templateOf(existing, given.template()))
            : given;
    String region = target.region();
    world.ecs.createCluster(region, World.clusterName(target.cluster()));

    String vpc = "vpc-0" + world.hex(16);
    String igw = "igw-0" + world.hex(16);
    List<String> subnetIds =
        target.network() != null && !target.network().subnets().isEmpty()
            ? target.network().subnets()
            : List.of("subnet-0" + world.hex(16), "subnet-0" + world.hex(16));
    List<String> taskGroups =
        target.network() != null && !target.network().securityGroups().isEmpty()
            ? target.network().securityGroups()
            : List.of("sg-0" + world.hex(16));
    String rtb = subnetsRoutedTo(igw, region, vpc, subnetIds);
    String albGroup = securityGroups(target, vpc, taskGroups);
    List<String> lbArns = loadBalancers(target, vpc, albGroup);

    if (target.template().logGroup() != null) {
      world.logGroups.create(region, target.template().logGroup());
    }
    pushImages(target);
    target.alarms().forEach(name -> world.alarms.seed(region, name));

    String baseline = null;
    NetworkConfig network = new NetworkConfig(subnetIds, taskGroups, true);
    if (existing != null) {
      baseline = existingService(target, options, existing, network, wallNow);
    }
    if (target.traffic() != null) {
      new TrafficSeeder(world).seed(target, existing, network, wallNow);
    }
    if (target.ecsTraffic()
        || target.loadBalancers().stream().anyMatch(lb -> lb.blueGreen() != null)) {
      new TrafficSeeder(world).blueGreen(target, existing != null);
    }
    return new Seeded(vpc, igw, rtb, subnetIds, taskGroups, albGroup, lbArns, baseline);
  }

  /** The subnets, one per availability zone, in a main route table to the gateway; its id. */
  private String subnetsRoutedTo(String igw, String region, String vpc, List<String> subnetIds) {
    for (int i = 0; i < subnetIds.size(); i++) {
      String az = region + (char) ('a' + i % 6);
      world.subnets.put(
          subnetIds.get(i),
          new Subnet(subnetIds.get(i), vpc, az, "10.0." + (i + 1) + ".0/24", true));
    }
    String rtb = "rtb-0" + world.hex(16);
    world.routeTables.put(
        rtb,
        new RouteTable(
            rtb,
            vpc,
            true,
            subnetIds,
            List.of(new Route("10.0.0.0/16", "local"), new Route("0.0.0.0/0", igw))));
    return rtb;
  }

  /** The load balancers' group (80 and 443 from anywhere) and the tasks' groups; the former. */
  private String securityGroups(Input target, String vpc, List<String> taskGroups) {
    int port = target.template().port();
    String albGroup = "sg-0" + world.hex(16);
    world.securityGroups.put(
        albGroup,
        new SecurityGroup(
            albGroup,
            target.service() + "-alb",
            vpc,
            List.of(
                new IngressRule("tcp", 80, 80, List.of("0.0.0.0/0"), List.of()),
                new IngressRule("tcp", 443, 443, List.of("0.0.0.0/0"), List.of()))));
    for (String sg : taskGroups) {
      world.securityGroups.put(
          sg,
          new SecurityGroup(
              sg,
              target.service() + "-tasks",
              vpc,
              List.of(new IngressRule("tcp", port, port, List.of(), List.of(albGroup)))));
    }
    return albGroup;
  }

  /** One target group per binding, each behind its own ALB; the ALBs' ARNs. */
  private List<String> loadBalancers(Input target, String vpc, String albGroup) {
    Template template = target.template();
    List<String> lbArns = new ArrayList<>();
    for (Target.LoadBalancer lb : target.loadBalancers()) {
      String arn = lb.targetGroupArn();
      String name = targetGroupName(arn);
      String lbArn =
          "arn:aws:elasticloadbalancing:"
              + target.region()
              + ":"
              + World.ACCOUNT
              + ":loadbalancer/app/"
              + shorten(name + "-alb")
              + "/"
              + world.hex(16);
      int port = lb.containerPort() > 0 ? lb.containerPort() : template.port();
      NetworkMode mode = NetworkMode.of(template.networkMode());
      boolean awsvpc = mode == null || mode == NetworkMode.AWSVPC;
      world.targetGroups.put(
          arn, new SimTargetGroup(arn, name, port, awsvpc ? "ip" : "instance", vpc, lbArn));
      world.loadBalancers.put(lbArn, List.of(albGroup));
      lbArns.add(lbArn);
    }
    return lbArns;
  }

  /** Every image into ECR a day ago, except the missing ones (their repository exists). */
  private void pushImages(Input target) {
    Instant pushedAt = world.now.minus(Duration.ofDays(1));
    for (ImageRef image : target.images()) {
      if (Behavior.fromTag(image.tag()) == Behavior.MISSING) {
        world.ecr.createRepository(target.region(), image.repository());
      } else {
        world.ecr.push(target.region(), image, pushedAt, findings(image));
      }
    }
  }

  /**
   * What the existing service runs: the seed's, else for a rollout on the live service a rich one,
   * else the template's fields with the baseline image; null when there is no service yet.
   */
  private static TaskDefinitionSpec existingTaskDefinition(Input target, Seed options) {
    if (options.taskDefinition() != null) {
      return options.taskDefinition();
    }
    String tag = options.existingServiceImageTag();
    if (target.live()) {
      return LiveService.taskDefinition(target, tag != null ? tag : "baseline");
    }
    if (tag == null) {
      return null;
    }
    ImageRef first = target.firstImage();
    ImageRef image = new ImageRef(first.registry(), first.repository(), tag, null);
    return taskDefinition(target.template(), target.region(), image);
  }

  private String existingService(
      Input target, Seed options, TaskDefinitionSpec spec, NetworkConfig network, Instant wallNow) {
    Template template = target.template();
    String region = target.region();
    for (var c : spec.containers()) {
      ImageRef image = ImageRef.parse(c.image());
      world.ecr.push(region, image, world.now.minus(Duration.ofDays(7)), findings(image));
    }
    TaskDefinition td = world.taskDefinitions.register(region, spec);
    int desired =
        options.desiredCount() > 0
            ? options.desiredCount()
            : Math.max(1, target.firstDesiredCount());
    List<LoadBalancerBinding> bindings = new ArrayList<>();
    for (Target.LoadBalancer lb : target.loadBalancers()) {
      bindings.add(
          new LoadBalancerBinding(
              lb.targetGroupArn(),
              lb.containerName() != null ? lb.containerName() : template.container(),
              lb.containerPort() > 0 ? lb.containerPort() : template.port()));
    }
    NetworkConfig net =
        target.network() != null
            ? new NetworkConfig(
                network.subnets(), network.securityGroups(), target.network().assignPublicIp())
            : network;
    // A fresh world starts the service in the past, so it is steady and has a history by now.
    if (world.services.isEmpty()) {
      world.now = world.now.minus(Timings.SEED_HISTORY);
    }
    world.ecs.createService(
        new CreateServiceRequest(
            new ServiceRef(region, World.clusterName(target.cluster()), target.service()),
            td.arn(),
            desired,
            template.launchType() == null
                ? LaunchType.FARGATE
                : LaunchType.of(template.launchType()),
            net,
            bindings));
    world.advance(wallNow);
    return td.arn();
  }

  /** The task definition a template gives with this image (how the baseline was registered). */
  static TaskDefinitionSpec taskDefinition(Template t, String region, ImageRef image) {
    return ContentHash.tagged(TaskDefinitions.fromTemplate(t, region, image));
  }

  private static Set<ImageRef> images(RolloutSpec spec) {
    Set<ImageRef> images = new LinkedHashSet<>();
    for (Phase p : spec.phases()) {
      if (p.image() != null) {
        images.add(p.image());
      }
      images.addAll(p.images().values());
    }
    for (Template.Sidecar s : spec.template().sidecars()) {
      images.add(s.image());
    }
    return images;
  }

  /** Scan findings: a tag with {@code critical} in it has a critical one. */
  private static Map<Severity, Integer> findings(ImageRef image) {
    String tag = image.tag() == null ? "" : image.tag();
    return tag.contains("critical")
        ? Map.of(Severity.CRITICAL, 1, Severity.HIGH, 3, Severity.LOW, 4)
        : Map.of(Severity.INFORMATIONAL, 3, Severity.LOW, 1);
  }

  /** The name in {@code arn:…:targetgroup/NAME/ID}, or the text itself. */
  static String targetGroupName(String arn) {
    int i = arn.indexOf("targetgroup/");
    if (i < 0) {
      return arn;
    }
    String rest = arn.substring(i + "targetgroup/".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  private static String shorten(String name) {
    return name.length() <= 32 ? name : name.substring(0, 32);
  }
}
