package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The controller's IAM policy (deploy/iam) and the table of docs/aws.md hold exactly the AWS
 * actions the adapters call, read from their source: every {@code call(SERVICE, "Operation", …)}
 * through {@link AwsCalls}, the trail sink's direct requests, the AssumeRole of a rollout's role.
 * An action the code calls and the policy lacks fails here, named, before it fails in an account.
 */
class IamPolicyTest {

  static final Path SOURCES = Path.of("src/main/java/dev/snailtrail/aws");
  static final Path POLICY = Path.of("../deploy/iam/snailtrail-controller-policy.json");
  static final Path AWS_DOC = Path.of("../docs/aws.md");

  private static final Pattern CALL =
      Pattern.compile("\\.call\\(\\s*([\\w.]+|\"[\\w-]+\")\\s*,\\s*(\\w+|\"\\w+\")\\s*,");

  /**
   * The first request a call's lambda sends: {@code () -> client.operation(}, past static calls
   * ({@code Optional.of(}) and blocks.
   */
  private static final Pattern SDK_REQUEST =
      Pattern.compile(
          "\\A\\s*\\(\\)\\s*->(?:[^.]|\\b[A-Z]\\w*\\.)*?\\b[a-z]\\w*\\s*\\.\\s*([a-z]\\w*)\\(",
          Pattern.DOTALL);

  private static final Pattern CONSTANT =
      Pattern.compile("static final String (\\w+) = \"([\\w-]+)\";");
  private static final Pattern TRAIL_SINK_REQUEST = Pattern.compile("\\blogs\\.(\\w+)\\(");
  private static final Pattern ACTION = Pattern.compile("`([a-z0-9-]+:[A-Za-z]+)`");

  /** The IAM service prefix of each {@link AwsCalls} service name. */
  private static final Map<String, String> IAM_PREFIX =
      Map.of(
          "ecs", "ecs",
          "elbv2", "elasticloadbalancing",
          "cloudwatch", "cloudwatch",
          "logs", "logs",
          "ecr", "ecr",
          "ec2", "ec2",
          "application-autoscaling", "application-autoscaling",
          "dynamodb", "dynamodb",
          "sqs", "sqs");

  /** Requests whose permission has another name: a batch is allowed by its single action. */
  private static final Map<String, String> AUTHORIZED_AS =
      Map.of("sqs:DeleteMessageBatch", "sqs:DeleteMessage");

  /**
   * Actions no request names: registering a task definition that names roles passes them, and
   * setting a service's lifecycle hooks passes the role ECS invokes the hook function with ({@code
   * iam:PassRole}).
   */
  private static final Set<String> IMPLIED = Set.of("iam:PassRole");

  /** Called by {@code snailtrail store init} with the operator's credentials, not the role's. */
  private static final Set<String> NOT_THE_CONTROLLERS = Set.of("dynamodb:CreateTable");

  @Test
  void thePolicyAllowsEveryActionTheAdaptersCallAndNoOther() throws IOException {
    Set<String> called = calledActions();
    Set<String> allowed = policyActions(POLICY);
    assertThat(missing(called, allowed))
        .as("actions the adapters call that %s does not allow", POLICY)
        .isEmpty();
    assertThat(missing(allowed, called))
        .as("actions %s allows that no adapter calls", POLICY)
        .isEmpty();
  }

  @Test
  void theDocumentedTableListsThePolicysActions() throws IOException {
    Set<String> documented = documentedActions();
    Set<String> allowed = policyActions(POLICY);
    assertThat(missing(allowed, documented))
        .as("actions of the policy missing from the table in %s", AWS_DOC)
        .isEmpty();
    assertThat(missing(documented, allowed))
        .as("actions in the table of %s missing from the policy", AWS_DOC)
        .isEmpty();
  }

  @Test
  void theSourceReadingFindsTheCallsItShould() throws IOException {
    // A guard on the reading itself: a refactoring that hides calls from the pattern shows here.
    assertThat(calledActions())
        .contains(
            "ecs:RegisterTaskDefinition",
            "ecs:UpdateService",
            "elasticloadbalancing:DescribeTargetHealth",
            "dynamodb:TransactWriteItems",
            "sqs:ReceiveMessage",
            "logs:PutLogEvents",
            "sts:AssumeRole")
        .hasSizeGreaterThan(35);
  }

  /** Every action the adapters' requests need, as IAM names it. */
  static Set<String> calledActions() throws IOException {
    Map<Path, String> sources = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        sources.put(file, Files.readString(file));
      }
    }
    Map<String, String> names = constants(sources);
    Set<String> actions = new TreeSet<>(IMPLIED);
    sources.forEach(
        (file, source) -> {
          actions.addAll(throughAwsCalls(file, source, names));
          if (file.endsWith("CloudWatchLogsTrailSink.java")) {
            // The sink talks to the SDK itself, off the reconcile path (see its Javadoc).
            Matcher m = TRAIL_SINK_REQUEST.matcher(source);
            while (m.find()) {
              actions.add("logs:" + upperFirst(m.group(1)));
            }
          }
          if (source.contains("StsAssumeRoleCredentialsProvider.builder()")) {
            actions.add("sts:AssumeRole");
          }
        });
    actions.removeAll(NOT_THE_CONTROLLERS);
    return actions;
  }

  /**
   * The requests of every {@code call(SERVICE, OPERATION, () -> client.request(…))} in a file: the
   * service by its name or constant, the operation as the SDK method the lambda invokes (a call's
   * operation may be a label of its own, as a store transaction's is).
   */
  private static Set<String> throughAwsCalls(Path file, String source, Map<String, String> names) {
    Set<String> out = new TreeSet<>();
    Matcher m = CALL.matcher(source);
    while (m.find()) {
      String service =
          m.group(1).startsWith("\"")
              ? m.group(1).substring(1, m.group(1).length() - 1)
              : names.get(m.group(1).contains(".") ? m.group(1) : typeOf(file) + "." + m.group(1));
      assertThat(service).as("the service %s of a call in %s", m.group(1), file).isNotNull();
      String prefix = IAM_PREFIX.get(service);
      assertThat(prefix)
          .as("the IAM prefix of service '%s' (%s): add it to IAM_PREFIX", service, file)
          .isNotNull();
      String body = source.substring(m.end(), closingParen(source, m.start() + 5));
      Matcher request = SDK_REQUEST.matcher(body);
      assertThat(request.find())
          .as("the SDK request of a call in %s: %s", file, body.strip())
          .isTrue();
      String operation = upperFirst(request.group(1));
      if (operation.equals("Waiter")) {
        // An SDK waiter polls the operation the call is labelled with (DescribeTable).
        operation = m.group(2).replace("\"", "");
      } else if (m.group(2).startsWith("\"")) {
        assertThat(operation)
            .as("the operation a call in %s names and the request its lambda sends", file)
            .isEqualTo(m.group(2).substring(1, m.group(2).length() - 1));
      }
      String action = prefix + ":" + operation;
      out.add(AUTHORIZED_AS.getOrDefault(action, action));
    }
    return out;
  }

  /** The index of the parenthesis that closes the one at {@code open}. */
  private static int closingParen(String source, int open) {
    int depth = 0;
    for (int i = open; i < source.length(); i++) {
      char ch = source.charAt(i);
      if (ch == '(') {
        depth++;
      } else if (ch == ')' && --depth == 0) {
        return i;
      }
    }
    throw new AssertionError("no closing parenthesis after " + open);
  }

  private static String typeOf(Path file) {
    return file.getFileName().toString().replace(".java", "");
  }

  /** {@code Class.NAME} of every string constant of the aws sources. */
  private static Map<String, String> constants(Map<Path, String> sources) {
    Map<String, String> out = new java.util.HashMap<>();
    sources.forEach(
        (file, source) -> {
          Matcher c = CONSTANT.matcher(source);
          while (c.find()) {
            out.put(typeOf(file) + "." + c.group(1), c.group(2));
          }
        });
    return out;
  }

  /** The actions an IAM policy document allows. */
  static Set<String> policyActions(Path policy) throws IOException {
    return actionsOf(JsonMapper.builder().build().readTree(Files.readString(policy)));
  }

  /** The actions of every Allow statement of a policy document. */
  static Set<String> actionsOf(JsonNode document) {
    Set<String> out = new TreeSet<>();
    for (JsonNode statement : document.get("Statement")) {
      assertThat(statement.get("Effect").asString()).isEqualTo("Allow");
      JsonNode action = statement.get("Action");
      if (action.isArray()) {
        action.forEach(a -> out.add(a.asString()));
      } else {
        out.add(action.asString());
      }
    }
    return out;
  }

  /** The second column of the table under "## IAM permissions" in docs/aws.md. */
  static Set<String> documentedActions() throws IOException {
    String doc = Files.readString(AWS_DOC);
    int start = doc.indexOf("## IAM permissions");
    String section = doc.substring(start, doc.indexOf("\n## ", start + 1));
    Set<String> out = new TreeSet<>();
    for (String line : section.lines().filter(l -> l.startsWith("| ")).toList()) {
      String[] cells = line.split("\\|");
      if (cells.length > 2) {
        Matcher m = ACTION.matcher(cells[2]);
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }

  static Set<String> missing(Set<String> wanted, Set<String> present) {
    Set<String> out = new TreeSet<>(wanted);
    out.removeAll(present);
    return out;
  }

  private static String upperFirst(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
