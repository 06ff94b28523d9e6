package dev.snailtrail.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The events AWS documents for each detail-type, as EventBridge delivers them to SQS. */
class ChangeEventsTest {

  @Test
  void aDeploymentStateChangeNamesTheServiceOfItsResource() {
    String event =
        """
        {"version":"0","id":"ddca6449-b258-46c0-8653-e0e3a6EXAMPLE",
         "detail-type":"ECS Deployment State Change","source":"aws.ecs","account":"111122223333",
         "time":"2020-05-23T12:31:14Z","region":"us-west-2",
         "resources":["arn:aws:ecs:us-west-2:111122223333:service/default/servicetest"],
         "detail":{"eventType":"INFO","eventName":"SERVICE_DEPLOYMENT_COMPLETED",
                   "deploymentId":"ecs-svc/123","updatedAt":"2020-05-23T11:11:11Z",
                   "reason":"ECS deployment ecs-svc/123 completed."}}
        """;
    assertThat(ChangeEvents.parse(event))
        .contains(
            new Change.ServiceChanged(
                "us-west-2", "default", "servicetest", "SERVICE_DEPLOYMENT_COMPLETED"));
  }

  @Test
  void aServiceActionWithAnOldStyleArnTakesTheClusterFromItsDetail() {
    String event =
        """
        {"detail-type":"ECS Service Action","source":"aws.ecs","region":"us-west-2",
         "resources":["arn:aws:ecs:us-west-2:111122223333:service/servicetest"],
         "detail":{"eventType":"INFO","eventName":"SERVICE_STEADY_STATE",
                   "clusterArn":"arn:aws:ecs:us-west-2:111122223333:cluster/shine"}}
        """;
    assertThat(ChangeEvents.parse(event))
        .contains(
            new Change.ServiceChanged("us-west-2", "shine", "servicetest", "SERVICE_STEADY_STATE"));
  }

  @Test
  void aTaskStateChangeNamesItsServiceThroughItsGroup() {
    String event =
        """
        {"detail-type":"ECS Task State Change","source":"aws.ecs","region":"us-west-2",
         "resources":["arn:aws:ecs:us-west-2:111122223333:task/default/8f2b3a4c"],
         "detail":{"clusterArn":"arn:aws:ecs:us-west-2:111122223333:cluster/default",
                   "group":"service:servicetest","lastStatus":"STOPPED","desiredStatus":"STOPPED"}}
        """;
    assertThat(ChangeEvents.parse(event))
        .contains(new Change.ServiceChanged("us-west-2", "default", "servicetest", "STOPPED"));
  }

  @Test
  void aStandaloneTaskConcernsNoService() {
    String event =
        """
        {"detail-type":"ECS Task State Change","source":"aws.ecs","region":"us-west-2",
         "detail":{"clusterArn":"arn:aws:ecs:us-west-2:111122223333:cluster/default",
                   "group":"family:batch","lastStatus":"RUNNING"}}
        """;
    assertThat(ChangeEvents.parse(event)).isEmpty();
  }

  @Test
  void anAlarmStateChangeNamesTheAlarmAndItsNewState() {
    String event =
        """
        {"detail-type":"CloudWatch Alarm State Change","source":"aws.cloudwatch",
         "region":"us-east-1",
         "resources":["arn:aws:cloudwatch:us-east-1:123456789012:alarm:shine-5xx-high"],
         "detail":{"alarmName":"shine-5xx-high",
                   "state":{"value":"ALARM","reason":"Threshold Crossed"},
                   "previousState":{"value":"OK"}}}
        """;
    assertThat(ChangeEvents.parse(event))
        .contains(new Change.AlarmChanged("us-east-1", "shine-5xx-high", "ALARM"));
  }

  @Test
  void otherEventsAndTextThatIsNoEventAreIgnored() {
    assertThat(
            ChangeEvents.parse("{\"detail-type\":\"EC2 Instance State-change\",\"region\":\"x\"}"))
        .isEmpty();
    assertThat(ChangeEvents.parse("not json")).isEmpty();
    assertThat(ChangeEvents.parse("[1,2]")).isEmpty();
    assertThat(ChangeEvents.parse("{\"detail-type\":\"ECS Service Action\",\"region\":\"x\"}"))
        .isEmpty();
  }

  @Test
  void onlyChangesAPassActsOnWakeAndOnlyThoseThatOutdateAReadForgetIt() {
    var started = new Change.ServiceChanged("r", "c", "s", "SERVICE_DEPLOYMENT_IN_PROGRESS");
    var running = new Change.ServiceChanged("r", "c", "s", "RUNNING");
    var completed = new Change.ServiceChanged("r", "c", "s", "SERVICE_DEPLOYMENT_COMPLETED");
    var stopped = new Change.ServiceChanged("r", "c", "s", "STOPPED");
    var steady = new Change.ServiceChanged("r", "c", "s", "SERVICE_STEADY_STATE");
    var impaired = new Change.ServiceChanged("r", "c", "s", "SERVICE_TASK_START_IMPAIRED");
    var alarm = new Change.AlarmChanged("r", "a", "ALARM");

    assertThat(started.wakes()).isFalse();
    assertThat(running.wakes()).isFalse();
    assertThat(List.of(completed, stopped, steady, impaired, alarm)).allMatch(Change::wakes);
    assertThat(List.of(completed, stopped, impaired, alarm)).allMatch(Change::outdates);
    assertThat(steady.outdates()).isFalse();
  }
}
