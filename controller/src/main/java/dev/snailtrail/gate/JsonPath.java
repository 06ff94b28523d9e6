package dev.snailtrail.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The JSONPath subset the {@code http} gate understands: {@code $} (the document), {@code .name}
 * and {@code ['name']} (a member), {@code [n]} (an array element, counted from 0) and {@code [*]}
 * or {@code .*} (every element or member). A path finds at most one value: the first match in
 * document order, so {@code $.models[*].state} reads the first model that has a state.
 *
 * <p>Filters, slices, unions and recursive descent are deliberately absent: a gate asserts one
 * value, and a path that needs more is a sign the service should expose a clearer status field.
 *
 * @param text the path as written
 */
public record JsonPath(String text, List<Step> steps) {

  public JsonPath {
    steps = List.copyOf(steps);
  }

  /** One step of a path. */
  public sealed interface Step {
    /** {@code .name} or {@code ['name']}. */
    record Member(String name) implements Step {}

    /** {@code [n]}. */
    record Index(int index) implements Step {}

    /** {@code [*]} or {@code .*}. */
    record Wildcard() implements Step {}
  }

  /**
   * Parses a path.
   *
   * @throws IllegalArgumentException saying where the path stops making sense and what is allowed
   */
  public static JsonPath compile(String text) {
    return new JsonPath(text, new Parser(text).steps());
  }

  /** The first value the path reaches in {@code root}, or empty. */
  public Optional<JsonNode> find(JsonNode root) {
    return find(root, 0);
  }

  private Optional<JsonNode> find(JsonNode node, int from) {
    if (from == steps.size()) {
      return Optional.of(node);
    }
    return switch (steps.get(from)) {
      case Step.Member m ->
          node.isObject() && node.has(m.name())
              ? find(node.get(m.name()), from + 1)
              : Optional.empty();
      case Step.Index i ->
          node.isArray() && i.index() < node.size()
              ? find(node.get(i.index()), from + 1)
              : Optional.empty();
      case Step.Wildcard w -> {
        List<JsonNode> children = new ArrayList<>();
        if (node.isArray()) {
          node.values().forEach(children::add);
        } else if (node.isObject()) {
          for (Map.Entry<String, JsonNode> e : node.properties()) {
            children.add(e.getValue());
          }
        }
        for (JsonNode child : children) {
          Optional<JsonNode> hit = find(child, from + 1);
          if (hit.isPresent()) {
            yield hit;
          }
        }
        yield Optional.empty();
      }
    };
  }

  @Override
  public String toString() {
    return text;
  }

  /** A hand-written scanner: the grammar is small enough that a regex would hide the errors. */
  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text == null ? "" : text.strip();
    }

    List<Step> steps() {
      if (!text.startsWith("$")) {
        throw error("a JSONPath starts with $, e.g. $.ml.state");
      }
      pos = 1;
      List<Step> steps = new ArrayList<>();
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == '.') {
          pos++;
          steps.add(dotted());
        } else if (c == '[') {
          pos++;
          steps.add(bracketed());
        } else {
          throw error("expected '.' or '[' at position " + pos);
        }
      }
      return steps;
    }

    private Step dotted() {
      if (pos < text.length() && text.charAt(pos) == '*') {
        pos++;
        return new Step.Wildcard();
      }
      int start = pos;
      while (pos < text.length() && text.charAt(pos) != '.' && text.charAt(pos) != '[') {
        pos++;
      }
      if (start == pos) {
        throw error("expected a member name after '.' at position " + start);
      }
      return new Step.Member(text.substring(start, pos));
    }

    private Step bracketed() {
      if (pos >= text.length()) {
        throw error("unclosed '['");
      }
      char c = text.charAt(pos);
      Step step;
      if (c == '*') {
        pos++;
        step = new Step.Wildcard();
      } else if (c == '\'' || c == '"') {
        step = new Step.Member(quoted(c));
      } else if (Character.isDigit(c)) {
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
          pos++;
        }
        try {
          step = new Step.Index(Integer.parseInt(text.substring(start, pos)));
        } catch (NumberFormatException e) {
          throw error("index at position " + start + " is too large");
        }
      } else {
        throw error(
            "expected a quoted name, an index or * after '[' at position "
                + pos
                + ", e.g. ['name'], [0] or [*]");
      }
      if (pos >= text.length() || text.charAt(pos) != ']') {
        throw error("expected ']' at position " + pos);
      }
      pos++;
      return step;
    }

    private String quoted(char quote) {
      StringBuilder name = new StringBuilder();
      pos++;
      while (pos < text.length()) {
        char c = text.charAt(pos++);
        if (c == '\\' && pos < text.length()) {
          name.append(text.charAt(pos++));
        } else if (c == quote) {
          return name.toString();
        } else {
          name.append(c);
        }
      }
      throw error("unclosed quote in a bracketed name");
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(
          "'"
              + text
              + "' is not a supported JSONPath: "
              + what
              + " (supported: $, .name, ['name'], [n], [*])");
    }
  }
}
