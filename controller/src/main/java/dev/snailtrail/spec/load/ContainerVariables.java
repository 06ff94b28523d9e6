package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Template;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The main container's {@code env} (name to value) and {@code secrets} (name to the ARN of a
 * Secrets Manager secret or SSM Parameter Store parameter) as a template or a phase writes them. A
 * phase's are merged over the template's, and ECS refuses a container with one name in both its
 * environment and its secrets, so that rule is checked here on what the two give together.
 */
final class ContainerVariables {
  /**
   * What a process can read back as a variable: printable ASCII without spaces, and no '=', which
   * ends a name in the environment. (A shell reads only letters, digits and '_', but programs read
   * more, and env has always taken such names.)
   */
  static final Pattern NAME = Pattern.compile("[\\x21-\\x3C\\x3E-\\x7E]{1,255}");

  static final Pattern SECRETS_MANAGER_ARN =
      Pattern.compile(
          "arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-[a-z]+)+-\\d{1,2}:\\d{12}:secret:"
              + "[A-Za-z0-9/_+=.@-]{1,512}(:[^:\\s]*){0,3}");
  static final Pattern SSM_PARAMETER_ARN =
      Pattern.compile(
          "arn:aws[a-z-]*:ssm:[a-z]{2}(-[a-z]+)+-\\d{1,2}:\\d{12}:parameter/[A-Za-z0-9/_.-]{1,2048}");

  private static final String IN_BASE =
      "in the task definition the template starts from, as the main container's ";
  private static final String REFERENCE =
      "a secret is a reference, never the value itself: give the ARN of a Secrets Manager secret"
          + " (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME) or of an SSM Parameter Store"
          + " parameter (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME); the task's execution role"
          + " reads the value when the task starts";

  /**
   * The variables one mapping writes, and the mappings they were read from (null when absent), so
   * that a clash found later is reported at the entry that makes it.
   */
  record Written(
      Map<String, String> env, Map<String, String> secrets, Fields envFields, Fields secretFields) {
    static final Written NONE = new Written(Map.of(), Map.of(), null, null);
  }

  private ContainerVariables() {}

  /** Reads {@code env} and {@code secrets} of a template or a phase. */
  static Written read(Fields owner) {
    Value envValue = owner.get("env");
    Value secretsValue = owner.get("secrets");
    Fields envFields = envValue == null ? null : mapping(envValue, "names to strings");
    Fields secretFields =
        secretsValue == null ? null : mapping(secretsValue, "names to secret ARNs");
    Map<String, String> env = new LinkedHashMap<>();
    if (envFields != null) {
      for (String name : envFields.keys()) {
        checkName(envFields, name);
        String value = envFields.present(name).string();
        if (value != null) {
          env.put(name, value);
        }
      }
    }
    Map<String, String> secrets = new LinkedHashMap<>();
    if (secretFields != null) {
      for (String name : secretFields.keys()) {
        checkName(secretFields, name);
        String arn = reference(secretFields.present(name));
        if (arn != null) {
          secrets.put(name, arn);
        }
      }
    }
    return new Written(env, secrets, envFields, secretFields);
  }

  private static Fields mapping(Value value, String what) {
    if (!(value.node() instanceof MappingNode)) {
      value.problem("expected a mapping of " + what + ", found " + Value.describe(value.node()));
      return null;
    }
    return value.fields(null);
  }

  private static void checkName(Fields map, String name) {
    if (!NAME.matcher(name).matches()) {
      map.owner()
          .diagnostics()
          .add(
              map.keyNode(name),
              map.child(name),
              "'"
                  + name
                  + "' is not a variable name: use up to 255 printable ASCII characters other"
                  + " than spaces and '=' (letters, digits and '_' suit every reader)");
    }
  }

  /**
   * The ARN, or null with the problem recorded. What is not an ARN is never repeated in the
   * message: it may be the secret itself, pasted by mistake.
   */
  private static String reference(Value v) {
    String text =
        v.node() instanceof ScalarNode s && s.getTag().equals(Tag.STR) ? s.getValue() : null;
    if (text != null
        && (SECRETS_MANAGER_ARN.matcher(text).matches()
            || SSM_PARAMETER_ARN.matcher(text).matches())) {
      return text;
    }
    if (text != null && text.startsWith("arn:")) {
      v.problem(
          "'" + text + "' is not a Secrets Manager secret or SSM parameter ARN; " + REFERENCE);
    } else if (v.node() instanceof ScalarNode) {
      v.problem("not a secret ARN (the value is not shown here); " + REFERENCE);
    } else {
      v.problem("expected a secret ARN, found " + Value.describe(v.node()) + "; " + REFERENCE);
    }
    return null;
  }

  /**
   * Reports each name the template gives its main container both as a variable and as a secret.
   *
   * @param env every variable: the task definition's it starts from, then the template's
   * @param secrets every secret, likewise
   * @param base where the task definition it starts from is given, or null
   */
  static void checkTemplate(
      Written written, Map<String, String> env, Map<String, String> secrets, Value base) {
    for (String name : new TreeSet<>(secrets.keySet())) {
      if (!env.containsKey(name)) {
        continue;
      }
      if (written.secrets().containsKey(name)) {
        clash(
            written.secretFields(),
            name,
            written.env().containsKey(name) ? "a variable in env beside it" : IN_BASE + "variable");
      } else if (written.env().containsKey(name)) {
        clash(written.envFields(), name, IN_BASE + "secret");
      } else if (base != null) {
        base.problem(
            "the task definition has '"
                + name
                + "' in both the main container's environment and its secrets; ECS refuses a"
                + " container with a name in both: remove it from one of them");
      }
    }
  }

  /**
   * Reports each name a phase gives the main container as a variable while the template or the
   * phase gives it as a secret, or the other way round. A name the template alone gives both ways
   * is reported once, at the template.
   */
  static void checkPhase(Written phase, Template template) {
    for (String name : new TreeSet<>(phase.secrets().keySet())) {
      if (phase.env().containsKey(name)) {
        clash(phase.secretFields(), name, "a variable in env beside it");
      } else if (template.env().containsKey(name) && !template.secrets().containsKey(name)) {
        clash(phase.secretFields(), name, "a variable of the template's main container");
      }
    }
    for (String name : new TreeSet<>(phase.env().keySet())) {
      if (!phase.secrets().containsKey(name)
          && template.secrets().containsKey(name)
          && !template.env().containsKey(name)) {
        clash(phase.envFields(), name, "a secret of the template's main container");
      }
    }
  }

  private static void clash(Fields map, String name, String other) {
    map.owner()
        .diagnostics()
        .add(
            map.keyNode(name),
            map.child(name),
            "'"
                + name
                + "' is also "
                + other
                + "; ECS refuses a container with a name in both its environment and its secrets:"
                + " keep it in one of them");
  }
}
