package dev.snailtrail.aws;

import dev.snailtrail.provider.Ecs.TaskState;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.ServiceRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.model.DescribeNetworkInterfacesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The task reads of {@link AwsEcs}: {@code ListTasks} (100 ARNs a page) then {@code DescribeTasks}
 * (100 tasks a call), of one service or of a whole cluster at once.
 */
final class AwsTaskReads {

  private static final Logger LOG = LoggerFactory.getLogger(AwsTaskReads.class);
  private static final String ECS = "ecs";
  private static final int TASKS_PER_CALL = 100;
  private static final int ENIS_PER_CALL = 100;
  // ECS names a service's tasks' group "service:NAME".
  private static final String SERVICE_GROUP = "service:";

  private final ClientCache clients;
  private final AwsCalls calls;
  private final AssumedRole role;

  AwsTaskReads(ClientCache clients, AwsCalls calls, AssumedRole role) {
    this.clients = clients;
    this.calls = calls;
    this.role = role;
  }

  /** One service's tasks: ListTasks by service name. */
  List<TaskState> ofService(ServiceRef ref, boolean includeStopped) {
    List<String> arns = new ArrayList<>(taskArns(ref.region(), ref.cluster(), ref.service(), true));
    if (includeStopped) {
      arns.addAll(taskArns(ref.region(), ref.cluster(), ref.service(), false));
    }
    List<Task> tasks = described(ref.region(), ref.cluster(), arns);
    return mapped(ref.region(), tasks);
  }

  /**
   * Several services' tasks: ListTasks of the whole cluster, whose tasks are told apart by their
   * group. A cluster's other tasks (standalone ones, services not asked for) are described too and
   * left out: a listing by cluster cannot tell them apart before.
   */
  Map<String, List<TaskState>> ofServices(
      String region, String cluster, Set<String> services, boolean includeStopped) {
    List<String> arns = new ArrayList<>(taskArns(region, cluster, null, true));
    if (includeStopped) {
      arns.addAll(taskArns(region, cluster, null, false));
    }
    List<Task> tasks = new ArrayList<>();
    for (Task t : described(region, cluster, arns)) {
      if (services.contains(serviceOf(t))) {
        tasks.add(t);
      }
    }
    Map<String, List<TaskState>> out = new TreeMap<>();
    services.forEach(s -> out.put(s, new ArrayList<>()));
    List<TaskState> states = mapped(region, tasks);
    for (int i = 0; i < tasks.size(); i++) {
      out.get(serviceOf(tasks.get(i))).add(states.get(i));
    }
    out.replaceAll((s, list) -> List.copyOf(list));
    return out;
  }

  private static String serviceOf(Task t) {
    String group = t.group();
    return group != null && group.startsWith(SERVICE_GROUP)
        ? group.substring(SERVICE_GROUP.length())
        : null;
  }

  private List<Task> described(String region, String cluster, List<String> arns) {
    EcsClient ecs = clients.ecs(region, role);
    List<Task> tasks = new ArrayList<>();
    List<String> distinct = arns.stream().distinct().toList();
    for (int i = 0; i < distinct.size(); i += TASKS_PER_CALL) {
      List<String> batch = distinct.subList(i, Math.min(distinct.size(), i + TASKS_PER_CALL));
      var response =
          calls.call(
              ECS, "DescribeTasks", () -> ecs.describeTasks(r -> r.cluster(cluster).tasks(batch)));
      tasks.addAll(response.tasks());
    }
    return tasks;
  }

  private List<TaskState> mapped(String region, List<Task> tasks) {
    Map<String, String> publicIps = publicIps(region, tasks);
    return tasks.stream()
        .map(t -> EcsMapping.task(t, publicIps.get(EcsMapping.eniDetail(t, "networkInterfaceId"))))
        .toList();
  }

  /** The task ARNs of the service, or of the whole cluster when {@code service} is null. */
  private List<String> taskArns(String region, String cluster, String service, boolean running) {
    EcsClient ecs = clients.ecs(region, role);
    DesiredStatus status = running ? DesiredStatus.RUNNING : DesiredStatus.STOPPED;
    List<String> arns = new ArrayList<>();
    String token = null;
    do {
      String page = token;
      ListTasksResponse response =
          calls.call(
              ECS,
              "ListTasks",
              () ->
                  ecs.listTasks(
                      r ->
                          r.cluster(cluster)
                              .serviceName(service)
                              .desiredStatus(status)
                              .nextToken(page)));
      arns.addAll(response.taskArns());
      token = response.nextToken();
    } while (token != null);
    return arns;
  }

  /**
   * Public addresses of the tasks' network interfaces (ECS does not report them on the task). Only
   * a convenience for preflight messages, so a failed lookup leaves them unknown rather than
   * failing the task listing.
   */
  private Map<String, String> publicIps(String region, List<Task> tasks) {
    List<String> enis =
        tasks.stream()
            .map(t -> EcsMapping.eniDetail(t, "networkInterfaceId"))
            .filter(id -> id != null)
            .distinct()
            .toList();
    Map<String, String> ips = new LinkedHashMap<>();
    if (enis.isEmpty()) {
      return ips;
    }
    var ec2 = clients.ec2(region, role);
    try {
      for (int i = 0; i < enis.size(); i += ENIS_PER_CALL) {
        List<String> batch = enis.subList(i, Math.min(enis.size(), i + ENIS_PER_CALL));
        DescribeNetworkInterfacesResponse response =
            calls.call(
                "ec2",
                "DescribeNetworkInterfaces",
                () ->
                    ec2.describeNetworkInterfaces(
                        r ->
                            r.filters(
                                Filter.builder()
                                    .name("network-interface-id")
                                    .values(batch)
                                    .build())));
        for (NetworkInterface ni : response.networkInterfaces()) {
          if (ni.association() != null && ni.association().publicIp() != null) {
            ips.put(ni.networkInterfaceId(), ni.association().publicIp());
          }
        }
      }
    } catch (ProviderException e) {
      LOG.debug("public addresses of {} task interfaces unknown: {}", enis.size(), e.describe());
    }
    return ips;
  }
}
