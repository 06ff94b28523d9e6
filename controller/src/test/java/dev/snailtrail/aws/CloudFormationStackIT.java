package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * deploy/cloudformation/snailtrail.yaml created as a stack on moto's CloudFormation: the table has
 * the store's keys, the queue and the rule that feeds it exist, the service asks for two replicas,
 * the lifecycle hook's function runs the handler on the table, and its roles' ARNs are outputs.
 * Moto (5.2.1) skips two of the template's resource types (AWS::SecretsManager::Secret,
 * AWS::SQS::QueuePolicy) with a warning; {@link CloudFormationTemplateTest} checks those.
 */
@ExtendWith(MotoServer.Extension.class)
class CloudFormationStackIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void theStackCreatesTheTableTheQueueTheRuleTwoReplicasAndTheHook(MotoServer moto)
      throws Exception {
    Ec2Client ec2 = moto.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String subnet =
        ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
    CloudFormationClient cfn =
        moto.client(CloudFormationClient.class, CloudFormationClient::builder);
    String body = Files.readString(CloudFormationTemplateTest.TEMPLATE);
    Instant start = Instant.now();

    cfn.createStack(
        r ->
            r.stackName("snailtrail")
                .templateBody(body)
                .capabilities(Capability.CAPABILITY_NAMED_IAM)
                .parameters(
                    parameter("Image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/snailtrail:1"),
                    parameter("VpcId", vpc),
                    parameter("Subnets", subnet)));
    Stack stack = awaitCreated(cfn);

    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
    assertThat(stack.stackStatus()).isEqualTo(StackStatus.CREATE_COMPLETE);
    var table =
        moto.client(DynamoDbClient.class, DynamoDbClient::builder)
            .describeTable(r -> r.tableName("snailtrail"))
            .table();
    assertThat(table.keySchema())
        .containsExactly(
            KeySchemaElement.builder()
                .attributeName(DynamoDbItems.PK)
                .keyType(KeyType.HASH)
                .build(),
            KeySchemaElement.builder()
                .attributeName(DynamoDbItems.SK)
                .keyType(KeyType.RANGE)
                .build());
    String queueUrl =
        moto.client(SqsClient.class, SqsClient::builder)
            .getQueueUrl(r -> r.queueName("snailtrail-events"))
            .queueUrl();
    // moto names the queue's URL by the real endpoint in the stack's outputs, by its own in SQS
    Map<String, String> outputs = outputs(stack);
    assertThat(outputs).containsEntry("TableName", "snailtrail");
    assertThat(outputs.get("QueueUrl"))
        .endsWith(queueUrl.substring(queueUrl.indexOf("/123456789012/")));
    EventBridgeClient events = moto.client(EventBridgeClient.class, EventBridgeClient::builder);
    assertThat(events.describeRule(r -> r.name("snailtrail-events")).eventPattern())
        .contains("ECS Deployment State Change");
    assertThat(events.listTargetsByRule(r -> r.rule("snailtrail-events")).targets())
        .singleElement()
        .satisfies(t -> assertThat(t.arn()).endsWith(":snailtrail-events"));
    List<Service> services =
        moto.client(EcsClient.class, EcsClient::builder)
            .describeServices(r -> r.cluster("snailtrail").services("snailtrail-controller"))
            .services();
    assertThat(services).singleElement().satisfies(s -> assertThat(s.desiredCount()).isEqualTo(2));

    assertThat(outputs)
        .containsEntry(
            "HookFunctionArn", "arn:aws:lambda:us-east-1:123456789012:function:snailtrail-hook")
        .containsEntry("HookRoleArn", "arn:aws:iam::123456789012:role/snailtrail-hook-invoke");
    JsonNode hook = JSON.readTree(get(moto, "/2015-03-31/functions/snailtrail-hook"));
    JsonNode configuration = hook.get("Configuration");
    assertThat(configuration.get("Runtime").asString()).isEqualTo("python3.12");
    assertThat(configuration.get("Handler").asString()).isEqualTo("index.handler");
    assertThat(configuration.get("Environment").get("Variables").get("SNAILTRAIL_TABLE").asString())
        .isEqualTo("snailtrail");
  }

  /**
   * A request to moto's Lambda API (the tests have no Lambda SDK client): moto routes it by the
   * credential scope of its Authorization header and checks no signature.
   */
  private static String get(MotoServer moto, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(moto.endpoint().resolve(path))
                    .header(
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/lambda/aws4_request,"
                            + " SignedHeaders=host, Signature=0")
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return response.body();
  }

  private static Stack awaitCreated(CloudFormationClient cfn) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      Stack stack = cfn.describeStacks(r -> r.stackName("snailtrail")).stacks().get(0);
      if (stack.stackStatus() != StackStatus.CREATE_IN_PROGRESS
          || Instant.now().isAfter(deadline)) {
        return stack;
      }
      Thread.sleep(200);
    }
  }

  private static Map<String, String> outputs(Stack stack) {
    Map<String, String> out = new java.util.TreeMap<>();
    stack.outputs().forEach(o -> out.put(o.outputKey(), o.outputValue()));
    return out;
  }

  private static Parameter parameter(String key, String value) {
    return Parameter.builder().parameterKey(key).parameterValue(value).build();
  }
}
