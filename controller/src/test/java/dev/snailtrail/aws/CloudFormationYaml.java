package dev.snailtrail.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A CloudFormation template as plain maps, lists and strings, with the short forms of intrinsic
 * functions read as their long forms: {@code !Ref X} as {@code {Ref: X}}, {@code !GetAtt A.B} as
 * {@code {Fn::GetAtt: [A, B]}}, any other {@code !Name v} as {@code {Fn::Name: v}}. Scalars stay
 * strings, as CloudFormation passes them.
 */
final class CloudFormationYaml {
  private CloudFormationYaml() {}

  static Map<String, Object> read(String yaml) {
    LoadSettings settings = LoadSettings.builder().build();
    Node root =
        new Compose(settings)
            .composeString(yaml)
            .orElseThrow(() -> new AssertionError("an empty template"));
    @SuppressWarnings("unchecked")
    Map<String, Object> template = (Map<String, Object>) value(root);
    return template;
  }

  private static Object value(Node node) {
    String tag = node.getTag().getValue();
    Object plain =
        switch (node) {
          case ScalarNode s -> s.getValue();
          case SequenceNode s -> {
            List<Object> out = new ArrayList<>();
            s.getValue().forEach(n -> out.add(value(n)));
            yield out;
          }
          case MappingNode m -> {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
              out.put(((ScalarNode) t.getKeyNode()).getValue(), value(t.getValueNode()));
            }
            yield out;
          }
          default -> throw new AssertionError("unexpected YAML node " + node);
        };
    if (!tag.startsWith("!")) {
      return plain;
    }
    String function = tag.substring(1);
    if (function.equals("Ref")) {
      return Map.of("Ref", plain);
    }
    if (function.equals("GetAtt") && plain instanceof String s) {
      return Map.of("Fn::GetAtt", List.of(s.split("\\.", 2)));
    }
    return Map.of("Fn::" + function, plain);
  }
}
