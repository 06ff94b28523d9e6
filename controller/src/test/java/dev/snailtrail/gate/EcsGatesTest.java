package dev.snailtrail.gate;

import static dev.snailtrail.gate.Fixtures.OLD_TD_ARN;
import static dev.snailtrail.gate.Fixtures.PHASE_START;
import static dev.snailtrail.gate.Fixtures.RULES;
import static dev.snailtrail.gate.Fixtures.SERVICE;
import static dev.snailtrail.gate.Fixtures.TD_ARN;
import static dev.snailtrail.gate.Fixtures.container;
import static dev.snailtrail.gate.Fixtures.ctx;
import static dev.snailtrail.gate.Fixtures.curlHealth;
import static dev.snailtrail.gate.Fixtures.exited;
import static dev.snailtrail.gate.Fixtures.inStatus;
import static dev.snailtrail.gate.Fixtures.onRevision;
import static dev.snailtrail.gate.Fixtures.port;
import static dev.snailtrail.gate.Fixtures.running;
import static dev.snailtrail.gate.Fixtures.service;
import static dev.snailtrail.gate.Fixtures.stopped;
import static dev.snailtrail.gate.Fixtures.taskDefinition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.Ecs.PortMapping;
import dev.snailtrail.provider.HealthStatus;
import dev.snailtrail.provider.NetworkMode;
import dev.snailtrail.provider.TaskStatus;
import dev.snailtrail.provider.TaskStopCode;
import dev.snailtrail.spec.Gate;
import java.net.http.HttpClient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The gates that read ECS: ecsTasks, containerHealth, portBinding. */
class EcsGatesTest {

  private final FakeProviders fake = new FakeProviders();
  private final GateEvaluator evaluator = new GateEvaluator(HttpClient.newHttpClient());

  private Measurement measure(Gate gate) {
    return evaluator.measure(gate, ctx(fake));
  }

  @Nested
  class EcsTasks {
    private final Gate gate = new Gate.EcsTasks(RULES);

    @Test
    void passesWhenTheDesiredTasksRunOnThePhasesRevision() {
      fake.services.put(SERVICE.service(), service(2));
      fake.tasks.add(running("a", "10.0.1.5", container(HealthStatus.HEALTHY)));
      fake.tasks.add(running("b", "10.0.1.6", container(HealthStatus.HEALTHY)));

      assertThat(measure(gate))
          .isEqualTo(new Measurement.Pass("2/2 tasks RUNNING on shine-api-gateway:12"));
    }

    @Test
    void waitsWhileTasksAreStillStarting() {
      fake.services.put(SERVICE.service(), service(2));
      fake.tasks.add(running("a", "10.0.1.5", container(HealthStatus.HEALTHY)));
      fake.tasks.add(inStatus("b", TaskStatus.PENDING));

      assertThat(measure(gate))
          .isEqualTo(
              new Measurement.Pending("1/2 tasks RUNNING, 1 PENDING on shine-api-gateway:12"));
    }

    @Test
    void tasksOnTheOldRevisionDoNotCount() {
      fake.services.put(SERVICE.service(), service(1));
      fake.tasks.add(
          onRevision(running("old", "10.0.1.9", container(HealthStatus.HEALTHY)), OLD_TD_ARN));
      fake.tasks.add(
          stopped(
              "t-old-crash",
              OLD_TD_ARN,
              PHASE_START.plusSeconds(5),
              TaskStopCode.ESSENTIAL_CONTAINER_EXITED,
              "Essential container in task exited",
              exited(1, null)));

      assertThat(measure(gate))
          .isEqualTo(
              new Measurement.Pending(
                  "0/1 tasks RUNNING, none starting yet on shine-api-gateway:12"));
    }

    @Test
    void failsNamingWhyTasksStoppedAndGroupsTheSameCause() {
      fake.services.put(SERVICE.service(), service(2));
      for (String id : new String[] {"a", "b"}) {
        fake.tasks.add(
            stopped(
                id,
                TD_ARN,
                PHASE_START.plusSeconds(30),
                TaskStopCode.ESSENTIAL_CONTAINER_EXITED,
                "Essential container in task exited",
                exited(1, null)));
      }

      assertThat(measure(gate))
          .isEqualTo(
              new Measurement.Fail(
                  "2 tasks exited with code 1 (Essential container in task exited);"
                      + " 0/2 tasks RUNNING on shine-api-gateway:12"));
    }

    @Test
    void failsWithThePullErrorOfATaskThatNeverStarted() {
      fake.services.put(SERVICE.service(), service(1));
      fake.tasks.add(
          stopped(
              "a",
              TD_ARN,
              null,
              TaskStopCode.TASK_FAILED_TO_START,
              "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
              exited(null, null)));

      Measurement m = measure(gate);

      assertThat(m).isInstanceOf(Measurement.Fail.class);
      assertThat(m.message())
          .startsWith(
              "1 task stopped: CannotPullContainerError: pull image manifest has been retried");
    }

    @Test
    void stopsBeforeThePhaseBeganAreNotThePhases() {
      fake.services.put(SERVICE.service(), service(1));
      fake.tasks.add(running("a", "10.0.1.5", container(HealthStatus.HEALTHY)));
      fake.tasks.add(
          stopped(
              "earlier",
              TD_ARN,
              PHASE_START.minusSeconds(300),
              TaskStopCode.ESSENTIAL_CONTAINER_EXITED,
              "Essential container in task exited",
              exited(137, null)));

      assertThat(measure(gate)).isInstanceOf(Measurement.Pass.class);
    }

    @Test
    void aMissingServiceFailsSayingWhatToDo() {
      assertThat(measure(gate))
          .isEqualTo(
              new Measurement.Fail(
                  "service shine-api-gateway does not exist in cluster shine-ml-cluster"
                      + " (us-east-1); create it or set target.createIfMissing"));
    }
  }

  @Nested
  class ContainerHealth {
    private final Gate gate = new Gate.ContainerHealth(null, RULES);

    @Test
    void passesWhenEveryRunningTaskReportsTheContainerHealthy() {
      fake.tasks.add(running("a", "10.0.1.5", container(HealthStatus.HEALTHY)));
      fake.tasks.add(running("b", "10.0.1.6", container(HealthStatus.HEALTHY)));

      assertThat(measure(gate))
          .isEqualTo(new Measurement.Pass("2/2 tasks report container api HEALTHY"));
    }

    @Test
    void failsWhenAnyTaskReportsUnhealthy() {
      fake.tasks.add(running("a", "10.0.1.5", container(HealthStatus.HEALTHY)));
      fake.tasks.add(running("b", "10.0.1.6", container(HealthStatus.UNHEALTHY)));

      assertThat(measure(gate))
          .isEqualTo(new Measurement.Fail("1/2 tasks report container api UNHEALTHY"));
    }

    @Test
    void waitsWhileTheHealthCheckIsStarting() {
      fake.taskDefinitions.put(
          TD_ARN, taskDefinition(NetworkMode.AWSVPC, curlHealth(), port(5000)));
      fake.tasks.add(running("a", "10.0.1.5", container(HealthStatus.HEALTHY)));
      fake.tasks.add(running("b", "10.0.1.6", container(HealthStatus.UNKNOWN)));

      assertThat(measure(gate))
          .isEqualTo(
              new Measurement.Pending(
                  "1/2 tasks report container api HEALTHY, 1 UNKNOWN (health check still"
                      + " starting)"));
    }

    @Test
    void failsWhenTheContainerHasNoHealthCheckBecauseUnknownWouldLastForever() {
      fake.taskDefinitions.put(TD_ARN, taskDefinition(NetworkMode.AWSVPC, null, port(5000)));
      fake.tasks.add(running("a", "10.0.1.5", container(HealthStatus.UNKNOWN)));

      Measurement m = measure(gate);

      assertThat(m).isInstanceOf(Measurement.Fail.class);
      assertThat(m.message())
          .contains("container api in shine-api-gateway:12 has no health check")
          .endsWith("add a healthCheck to the template");
    }

    @Test
    void waitsForARunningTask() {
      fake.tasks.add(inStatus("a", TaskStatus.PROVISIONING));

      assertThat(measure(gate))
          .isEqualTo(new Measurement.Pending("no RUNNING task on shine-api-gateway:12 yet"));
    }
  }

  @Nested
  class PortBinding {

    @Test
    void failsNamingTheMappedAndExpectedPorts() {
      fake.taskDefinitions.put(TD_ARN, taskDefinition(NetworkMode.AWSVPC, null, port(8080)));

      assertThat(measure(new Gate.PortBinding(5000, null, RULES)))
          .isEqualTo(
              new Measurement.Fail(
                  "container api maps port 8080, expected 5000; set template.port or fix the"
                      + " image"));
    }

    @Test
    void underAwsvpcEmptyBindingsAreNormalAndTheMessageSaysSo() {
      fake.taskDefinitions.put(TD_ARN, taskDefinition(NetworkMode.AWSVPC, null, port(5000)));
      fake.tasks.add(running("a", "10.0.1.5", container(HealthStatus.HEALTHY)));

      Measurement m = measure(new Gate.PortBinding(5000, null, RULES));

      assertThat(m).isInstanceOf(Measurement.Pass.class);
      assertThat(m.message())
          .contains("maps port 5000")
          .contains("empty networkBindings are normal")
          .contains("network interface");
    }

    @Test
    void underBridgeTheRunningTasksMustBindThePort() {
      fake.taskDefinitions.put(TD_ARN, taskDefinition(NetworkMode.BRIDGE, null, port(5000)));
      fake.tasks.add(
          running("a", null, container(HealthStatus.HEALTHY, new PortMapping(5000, 32768, "tcp"))));
      fake.tasks.add(
          running("b", null, container(HealthStatus.HEALTHY, new PortMapping(8080, 32769, "tcp"))));

      assertThat(measure(new Gate.PortBinding(5000, null, RULES)))
          .isEqualTo(
              new Measurement.Fail(
                  "1/2 tasks have no bridge network binding for container port 5000 (bindings:"
                      + " 8080->32769); check the container's portMappings"));
    }

    @Test
    void underBridgeBoundPortsPassWithTheirHostPorts() {
      fake.taskDefinitions.put(TD_ARN, taskDefinition(NetworkMode.BRIDGE, null, port(5000)));
      fake.tasks.add(
          running("a", null, container(HealthStatus.HEALTHY, new PortMapping(5000, 32768, "tcp"))));

      assertThat(measure(new Gate.PortBinding(5000, null, RULES)))
          .isEqualTo(
              new Measurement.Pass(
                  "container api maps port 5000, bound on host port 32768 (bridge)"));
    }

    @Test
    void underBridgeWaitsForARunningTask() {
      fake.taskDefinitions.put(TD_ARN, taskDefinition(NetworkMode.BRIDGE, null, port(5000)));

      assertThat(measure(new Gate.PortBinding(5000, null, RULES)))
          .isInstanceOf(Measurement.Pending.class);
    }

    @Test
    void aContainerTheTaskDefinitionLacksFails() {
      fake.taskDefinitions.put(TD_ARN, taskDefinition(NetworkMode.AWSVPC, null, port(5000)));

      assertThat(measure(new Gate.PortBinding(5000, "worker", RULES)).message())
          .isEqualTo(
              "shine-api-gateway:12 has no container named worker; set portBinding.container");
    }
  }
}
