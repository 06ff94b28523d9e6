package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * deploy/cloudformation/snailtrail.yaml read as CloudFormation would: every reference resolves, the
 * table is the one {@code snailtrail store init} creates, the rule's pattern is
 * deploy/eventbridge/event-pattern.json, the task role allows exactly the IAM policy's actions, the
 * controller's container is deploy/ecs/task-definition.json's, and the lifecycle hook's function is
 * deploy/lambda/snailtrail-hook/handler.py, reading the table only, invoked by ECS through a role
 * the controller may pass.
 */
class CloudFormationTemplateTest {

  static final Path TEMPLATE = Path.of("../deploy/cloudformation/snailtrail.yaml");
  static final Path PATTERN = Path.of("../deploy/eventbridge/event-pattern.json");
  static final Path TASK_DEFINITION = Path.of("../deploy/ecs/task-definition.json");

  private static final Set<String> PSEUDO =
      Set.of("AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::StackName", "AWS::URLSuffix");
  private static final Map<String, Set<String>> ATTRIBUTES =
      Map.of(
          "AWS::DynamoDB::Table", Set.of("Arn", "StreamArn"),
          "AWS::SQS::Queue", Set.of("Arn", "QueueName", "QueueUrl"),
          "AWS::Events::Rule", Set.of("Arn"),
          "AWS::IAM::Role", Set.of("Arn", "RoleId"),
          "AWS::Lambda::Function", Set.of("Arn"));
  private static final Pattern SUB_NAME = Pattern.compile("\\$\\{([^!}][^}]*)}");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static Map<String, Object> template;
  private static Map<String, Object> resources;

  @BeforeAll
  static void read() throws IOException {
    template = CloudFormationYaml.read(Files.readString(TEMPLATE));
    resources = map(template.get("Resources"));
  }

  @Test
  void everyReferenceNamesAParameterAResourceOrAnAttributeItHas() {
    Set<String> parameters = map(template.get("Parameters")).keySet();
    List<String> unresolved = new ArrayList<>();
    walk(
        template,
        (function, argument) -> {
          switch (function) {
            case "Ref" -> {
              String name = (String) argument;
              if (!parameters.contains(name)
                  && !resources.containsKey(name)
                  && !PSEUDO.contains(name)) {
                unresolved.add("!Ref " + name);
              }
            }
            case "Fn::GetAtt" -> {
              List<?> parts = (List<?>) argument;
              if (!hasAttribute((String) parts.get(0), (String) parts.get(1))) {
                unresolved.add("!GetAtt " + parts.get(0) + "." + parts.get(1));
              }
            }
            case "Fn::Sub" -> {
              Matcher m = SUB_NAME.matcher((String) argument);
              while (m.find()) {
                String[] parts = m.group(1).split("\\.", 2);
                boolean known =
                    parts.length == 2
                        ? hasAttribute(parts[0], parts[1])
                        : parameters.contains(parts[0])
                            || resources.containsKey(parts[0])
                            || PSEUDO.contains(parts[0]);
                if (!known) {
                  unresolved.add("!Sub ${" + m.group(1) + "}");
                }
              }
            }
            default -> unresolved.add("unexpected function " + function);
          }
        });
    assertThat(unresolved).as("references that resolve to nothing").isEmpty();
    assertThat(resources.values()).allSatisfy(r -> assertThat(map(r)).containsKeys("Type"));
  }

  @Test
  void theTableIsTheOneStoreInitCreates() {
    Map<String, Object> table = properties("Table", "AWS::DynamoDB::Table");
    assertThat(table.get("BillingMode")).isEqualTo("PAY_PER_REQUEST");
    assertThat(table.get("KeySchema"))
        .isEqualTo(
            List.of(
                Map.of("AttributeName", DynamoDbItems.PK, "KeyType", "HASH"),
                Map.of("AttributeName", DynamoDbItems.SK, "KeyType", "RANGE")));
    assertThat(table.get("AttributeDefinitions"))
        .isEqualTo(
            List.of(
                Map.of("AttributeName", DynamoDbItems.PK, "AttributeType", "S"),
                Map.of("AttributeName", DynamoDbItems.SK, "AttributeType", "S")));
  }

  @Test
  void theRuleSendsTheShippedPatternToTheQueue() throws IOException {
    Map<String, Object> rule = properties("Rule", "AWS::Events::Rule");
    JsonNode pattern = JSON.valueToTree(rule.get("EventPattern"));
    assertThat(pattern).isEqualTo(JSON.readTree(Files.readString(PATTERN)));
    assertThat(map(list(rule.get("Targets")).get(0)).get("Arn"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("Queue", "Arn")));
    properties("Queue", "AWS::SQS::Queue");
    assertThat(properties("QueuePolicy", "AWS::SQS::QueuePolicy").toString())
        .contains("sqs:SendMessage", "events.amazonaws.com");
  }

  @Test
  void theTaskRoleAllowsExactlyThePolicysActions() throws IOException {
    Set<String> allowed = new TreeSet<>();
    for (Object policy : list(properties("TaskRole", "AWS::IAM::Role").get("Policies"))) {
      allowed.addAll(IamPolicyTest.actionsOf(JSON.valueToTree(map(policy).get("PolicyDocument"))));
    }
    Set<String> shipped = IamPolicyTest.policyActions(IamPolicyTest.POLICY);
    assertThat(IamPolicyTest.missing(shipped, allowed))
        .as("actions of %s the template's task role lacks", IamPolicyTest.POLICY)
        .isEmpty();
    assertThat(IamPolicyTest.missing(allowed, shipped))
        .as("actions of the template's task role beyond %s", IamPolicyTest.POLICY)
        .isEmpty();
  }

  @Test
  void theServiceRunsTwoReplicasOfTheShippedContainer() throws IOException {
    Map<String, Object> service = properties("Service", "AWS::ECS::Service");
    assertThat(map(template.get("Parameters")).get("Replicas").toString()).contains("Default=2");
    assertThat(service.get("DesiredCount")).isEqualTo(Map.of("Ref", "Replicas"));
    assertThat(service.get("TaskDefinition")).isEqualTo(Map.of("Ref", "TaskDefinition"));

    Map<String, Object> task = properties("TaskDefinition", "AWS::ECS::TaskDefinition");
    JsonNode shipped = JSON.readTree(Files.readString(TASK_DEFINITION));
    assertThat(task.get("Cpu")).isEqualTo(shipped.get("cpu").asString());
    assertThat(task.get("Memory")).isEqualTo(shipped.get("memory").asString());
    assertThat(task.get("TaskRoleArn")).isEqualTo(Map.of("Fn::GetAtt", List.of("TaskRole", "Arn")));
    assertThat(task.get("ExecutionRoleArn"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("ExecutionRole", "Arn")));

    Map<String, Object> container = map(list(task.get("ContainerDefinitions")).get(0));
    JsonNode want = shipped.get("containerDefinitions").get(0);
    List<Object> command = new ArrayList<>(list(container.get("Command")));
    List<String> wantCommand = new ArrayList<>();
    want.get("command").forEach(c -> wantCommand.add(c.asString()));
    assertThat(command)
        .as("the shipped command's flags, listening on all interfaces")
        .containsAll(
            wantCommand.stream()
                .<Object>map(c -> c)
                .filter(c -> c.toString().startsWith("--"))
                .toList())
        .contains("0.0.0.0:8080", "--events")
        .containsSubsequence("--store", Map.of("Fn::Sub", "dynamodb:${Table}"))
        .containsSubsequence("--events", Map.of("Ref", "Queue"));
    assertThat(names(container.get("Secrets"))).isEqualTo(names(want.get("secrets")));
    assertThat(names(container.get("Environment"))).isEqualTo(names(want.get("environment")));
    assertThat(map(list(container.get("Secrets")).get(0)).get("ValueFrom"))
        .isEqualTo(Map.of("Ref", "ApiToken"));
    assertThat(map(map(container.get("LogConfiguration")).get("Options")).get("awslogs-group"))
        .isEqualTo(Map.of("Ref", "ControllerLogGroup"));
    assertThat(map(container.get("HealthCheck")).get("Command").toString())
        .isEqualTo(
            want.get("healthCheck").get("command").toString().replace("\"", "").replace(",", ", "));
  }

  @Test
  void theHookFunctionIsTheShippedHandlerAndOnlyReadsTheTable() throws IOException {
    Map<String, Object> function = properties("HookFunction", "AWS::Lambda::Function");
    String inline = (String) map(function.get("Code")).get("ZipFile");
    List<String> shipped = Files.readAllLines(HookLambda.HANDLER);
    List<String> copied = inline.lines().toList();
    for (int i = 0; i < Math.min(shipped.size(), copied.size()); i++) {
      assertThat(copied.get(i))
          .as(
              "line %d of HookFunction's ZipFile: copy %s into it (indented 10 spaces)",
              i + 1, HookLambda.HANDLER)
          .isEqualTo(shipped.get(i));
    }
    assertThat(inline)
        .as("HookFunction's ZipFile, whole")
        .isEqualTo(Files.readString(HookLambda.HANDLER));
    assertThat(function.get("Handler")).as("inline code is index.py").isEqualTo("index.handler");
    assertThat(function.get("Runtime")).isEqualTo("python3.12");
    assertThat(map(function.get("Environment")).get("Variables"))
        .isEqualTo(Map.of("SNAILTRAIL_TABLE", Map.of("Ref", "Table")));
    assertThat(function.get("Role"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("HookExecutionRole", "Arn")));

    Map<String, Object> role = properties("HookExecutionRole", "AWS::IAM::Role");
    assertThat(trusted(role)).isEqualTo("lambda.amazonaws.com");
    assertThat(allowed(role))
        .containsExactlyInAnyOrder(
            "dynamodb:GetItem on " + Map.of("Fn::GetAtt", List.of("Table", "Arn")),
            "logs:CreateLogStream on " + hookLogs(),
            "logs:PutLogEvents on " + hookLogs());
  }

  @Test
  void ecsInvokesTheHookAsARoleTheControllerMayPassToIt() {
    Map<String, Object> role = properties("HookRole", "AWS::IAM::Role");
    assertThat(trusted(role)).isEqualTo("ecs.amazonaws.com");
    assertThat(allowed(role))
        .containsExactly(
            "lambda:InvokeFunction on " + Map.of("Fn::GetAtt", List.of("HookFunction", "Arn")));

    Map<String, Object> passHookRole =
        statements(properties("TaskRole", "AWS::IAM::Role")).stream()
            .filter(st -> "PassHookRole".equals(st.get("Sid")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the task role has no PassHookRole statement"));
    assertThat(passHookRole.get("Action")).isEqualTo("iam:PassRole");
    assertThat(passHookRole.get("Resource"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("HookRole", "Arn")));
    assertThat(passHookRole.get("Condition"))
        .isEqualTo(Map.of("StringEquals", Map.of("iam:PassedToService", "ecs.amazonaws.com")));

    Map<String, Object> outputs = map(template.get("Outputs"));
    assertThat(map(outputs.get("HookFunctionArn")).get("Value"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("HookFunction", "Arn")));
    assertThat(map(outputs.get("HookRoleArn")).get("Value"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("HookRole", "Arn")));
  }

  private static Object hookLogs() {
    return Map.of(
        "Fn::Sub",
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
            + "/aws/lambda/snailtrail-hook:*");
  }

  /** The one service a role's trust policy admits. */
  private static Object trusted(Map<String, Object> role) {
    Map<String, Object> trust =
        map(list(map(role.get("AssumeRolePolicyDocument")).get("Statement")).get(0));
    assertThat(trust.get("Action")).isEqualTo("sts:AssumeRole");
    return map(trust.get("Principal")).get("Service");
  }

  /** Every action a role's inline policies allow, each as "ACTION on RESOURCE". */
  private static List<String> allowed(Map<String, Object> role) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> st : statements(role)) {
      assertThat(st.get("Effect")).isEqualTo("Allow");
      Object actions = st.get("Action");
      for (Object action : actions instanceof List<?> l ? l : List.of(actions)) {
        out.add(action + " on " + st.get("Resource"));
      }
    }
    return out;
  }

  private static List<Map<String, Object>> statements(Map<String, Object> role) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object policy : list(role.get("Policies"))) {
      list(map(map(policy).get("PolicyDocument")).get("Statement")).forEach(st -> out.add(map(st)));
    }
    return out;
  }

  private static Set<String> names(Object templateList) {
    Set<String> out = new TreeSet<>();
    list(templateList).forEach(e -> out.add((String) map(e).get("Name")));
    return out;
  }

  private static Set<String> names(JsonNode shippedList) {
    Set<String> out = new TreeSet<>();
    shippedList.forEach(e -> out.add(e.get("name").asString()));
    return out;
  }

  private static boolean hasAttribute(String resource, String attribute) {
    Object r = resources.get(resource);
    return r != null
        && ATTRIBUTES.getOrDefault((String) map(r).get("Type"), Set.of()).contains(attribute);
  }

  private static Map<String, Object> properties(String name, String type) {
    Map<String, Object> resource = map(resources.get(name));
    assertThat(resource).as("resource %s", name).isNotNull();
    assertThat(resource.get("Type")).isEqualTo(type);
    return map(resource.get("Properties"));
  }

  /** Calls {@code visitor} with every intrinsic function of the tree and its argument. */
  private static void walk(Object node, java.util.function.BiConsumer<String, Object> visitor) {
    if (node instanceof Map<?, ?> m) {
      if (m.size() == 1) {
        String key = (String) m.keySet().iterator().next();
        if (key.equals("Ref") || key.startsWith("Fn::")) {
          visitor.accept(key, m.get(key));
        }
      }
      m.values().forEach(v -> walk(v, visitor));
    } else if (node instanceof List<?> l) {
      l.forEach(v -> walk(v, visitor));
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  static List<?> list(Object o) {
    return (List<?>) o;
  }
}
