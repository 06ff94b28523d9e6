package dev.snailtrail.trail;

import dev.snailtrail.json.Json;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * The JSON body a webhook sends for an event. The default is the event's fields plus {@code text},
 * a line that reads well in a Slack (or Mattermost) channel; a person's template is any JSON
 * document whose strings may hold placeholders ({@code {{rollout}}}, {@code {{data.gate}}}),
 * replaced by the event's fields. Placeholders are filled inside JSON strings, so whatever an event
 * says, the body stays valid JSON.
 */
public final class WebhookTemplate {
  /** The event's fields plus a Slack-compatible {@code text}. */
  public static final WebhookTemplate DEFAULT = new WebhookTemplate(null);

  /** The placeholders a template may use, besides {@code data.KEY}. */
  public static final List<String> PLACEHOLDERS =
      List.of(
          "id",
          "time",
          "rollout",
          "generation",
          "phase",
          "type",
          "severity",
          "reason",
          "message",
          "icon",
          "text",
          "line");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("'['MMM dd'] - ['HH:mm:ss']'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final JsonNode template;

  private WebhookTemplate(JsonNode template) {
    this.template = template;
  }

  /**
   * Reads a template.
   *
   * @throws IllegalArgumentException when it is not JSON or names a placeholder there is not
   */
  public static WebhookTemplate parse(String json) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isContainer()) {
      throw new IllegalArgumentException(
          "a template is a JSON object, like {\"text\": \"{{text}}\"}");
    }
    check(node);
    return new WebhookTemplate(node);
  }

  private static void check(JsonNode node) {
    if (node.isString()) {
      Matcher m = PLACEHOLDER.matcher(node.asString());
      while (m.find()) {
        String name = m.group(1);
        if (!PLACEHOLDERS.contains(name) && !name.startsWith("data.")) {
          throw new IllegalArgumentException(
              "no placeholder {{"
                  + name
                  + "}}; there are {{"
                  + String.join("}}, {{", PLACEHOLDERS)
                  + "}} and {{data.KEY}}");
        }
      }
    }
    node.forEach(WebhookTemplate::check);
  }

  /** The body for an event. */
  public String render(TrailEvent e) {
    if (template == null) {
      ObjectNode node = Json.mapper().valueToTree(e);
      node.put("text", slackText(e));
      return Json.mapper().writeValueAsString(node);
    }
    return Json.mapper().writeValueAsString(fill(template.deepCopy(), e));
  }

  private static JsonNode fill(JsonNode node, TrailEvent e) {
    if (node.isString()) {
      return StringNode.valueOf(fillString(node.asString(), e));
    }
    if (node instanceof ObjectNode o) {
      for (String name : List.copyOf(o.propertyNames())) {
        o.set(name, fill(o.get(name), e));
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, fill(a.get(i), e));
      }
    }
    return node;
  }

  private static String fillString(String s, TrailEvent e) {
    Matcher m = PLACEHOLDER.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(value(m.group(1), e)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String value(String name, TrailEvent e) {
    if (name.startsWith("data.")) {
      return e.data().getOrDefault(name.substring(5), "");
    }
    return switch (name) {
      case "id" -> e.id();
      case "time" -> e.time().toString();
      case "rollout" -> e.rollout();
      case "generation" -> Long.toString(e.generation());
      case "phase" -> e.phase() == null ? "" : e.phase();
      case "type" -> e.type().name();
      case "severity" -> e.severity().name();
      case "reason" -> e.reason() == null ? "" : e.reason().name();
      case "message" -> e.message();
      case "icon" -> ConsoleTrailSink.icon(e.type());
      case "text" -> slackText(e);
      case "line" -> ConsoleTrailSink.format(e, false);
      default -> throw new IllegalStateException("placeholder checked at parse: " + name);
    };
  }

  /**
   * A line for a chat channel, in Slack's markup: {@code ↩️ *shine-api* · victory-lap — Rolling
   * back … _[NOV 23] - [10:11:05]_}. The rollout in bold, since a channel hears from many; the time
   * of the event, since a delivery may come late; {@code &}, {@code <} and {@code >} escaped, as
   * Slack asks, so that a threshold such as {@code < 0.2} is not taken for a link.
   */
  public static String slackText(TrailEvent e) {
    return ConsoleTrailSink.icon(e.type())
        + " *"
        + slackEscape(e.rollout())
        + "*"
        + (e.phase() == null ? "" : " · " + slackEscape(e.phase()))
        + " — "
        + slackEscape(e.message())
        + "  _"
        + STAMP.format(e.time()).toUpperCase(Locale.ROOT)
        + "_";
  }

  private static String slackEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
