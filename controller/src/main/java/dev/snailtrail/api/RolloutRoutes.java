package dev.snailtrail.api;

import dev.snailtrail.controller.ControlPlane;
import dev.snailtrail.controller.ControlPlane.RolloutView;
import dev.snailtrail.controller.ControlPlane.Verb;
import dev.snailtrail.json.Json;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.trail.NoteKind;
import dev.snailtrail.trail.TrailEvent;
import dev.snailtrail.trail.TrailFormat;
import dev.snailtrail.trail.TrailRenderer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** The handlers under {@code /api/v1/rollouts}, once the route and the caller are checked. */
final class RolloutRoutes {
  static final int DEFAULT_TRAIL_LIMIT = 1000;
  static final int MAX_TRAIL_LIMIT = 10_000;
  private static final int MAX_BY_LENGTH = 100;
  private static final int MAX_SOURCE_LENGTH = 200;
  static final int MAX_NOTE_LENGTH = 1000;

  private final ControlPlane plane;
  private final int maxBodyBytes;

  RolloutRoutes(ControlPlane plane, int maxBodyBytes) {
    this.plane = plane;
    this.maxBodyBytes = maxBodyBytes;
  }

  void apply(Exchange ex) throws IOException, SpecException {
    String text = ex.body(maxBodyBytes);
    String source = ex.query().getOrDefault("source", "request");
    List<ControlPlane.Applied> applied = plane.apply(sourceName(source), text);
    ex.json(200, new Resources.AppliedList(applied));
  }

  void list(Exchange ex, Redaction redaction) throws IOException {
    List<Resources.Summary> items =
        plane.list().stream().map(v -> Resources.Summary.of(redaction.view(v))).toList();
    ex.json(200, new Resources.SummaryList(items));
  }

  void get(Exchange ex, String name, Redaction redaction) throws IOException {
    ex.json(200, Resources.Detail.of(redaction.view(find(name)), redaction.masks()));
  }

  void delete(Exchange ex, String name) throws IOException {
    if (!plane.delete(name)) {
      throw new ControlPlane.NotFound(name);
    }
    ex.json(200, Map.of("deleted", name));
  }

  void trail(Exchange ex, String name, Redaction redaction) throws IOException {
    Map<String, String> q = ex.query();
    long after = number(q, "after", 0, 0, Long.MAX_VALUE);
    int limit = (int) number(q, "limit", DEFAULT_TRAIL_LIMIT, 1, MAX_TRAIL_LIMIT);
    TrailFormat format = format(q.getOrDefault("format", "json"));
    boolean plain = Boolean.parseBoolean(q.getOrDefault("plain", "false"));
    List<TrailEvent> events =
        plane.trail(name, after, limit).stream().map(redaction::event).toList();
    switch (format) {
      case json -> ex.json(200, events);
      case text ->
          ex.text(
              200,
              Exchange.TEXT,
              TrailRenderer.render(TrailFormat.text, null, null, events, plain));
      case md -> {
        RolloutView v = redaction.view(find(name));
        ex.text(
            200,
            "text/markdown; charset=utf-8",
            TrailRenderer.render(TrailFormat.md, v.spec(), v.status(), events, plain));
      }
    }
  }

  void command(Exchange ex, String name, String verbName) throws IOException {
    Verb verb = verb(verbName);
    Resources.VerbRequest asked = asked(ex.body(maxBodyBytes));
    if (asked.full()) {
      if (verb != Verb.promote) {
        throw new HttpError(400, "'full' applies to promote only");
      }
      verb = Verb.promoteFull;
    }
    ex.json(200, Resources.Detail.of(plane.command(name, verb, asked.by()), false));
  }

  void note(Exchange ex, String name) throws IOException {
    JsonNode body =
        object(
            ex.body(maxBodyBytes),
            "the body of a note is JSON like {\"text\": \"...\", \"kind\": \"decision\","
                + " \"by\": \"alice\"}");
    ex.json(201, plane.note(name, noteKind(body), noteText(body), by(body)));
  }

  private RolloutView find(String name) {
    return plane.get(name).orElseThrow(() -> new ControlPlane.NotFound(name));
  }

  /** The verbs a path names; a full promotion is {@code promote} with {@code "full": true}. */
  static List<Verb> pathVerbs() {
    return Arrays.stream(Verb.values()).filter(v -> v != Verb.promoteFull).toList();
  }

  private static Verb verb(String name) {
    for (Verb v : pathVerbs()) {
      if (v.name().equals(name)) {
        return v;
      }
    }
    throw new HttpError(
        404,
        "no verb '"
            + Echo.of(name)
            + "'; the verbs are "
            + pathVerbs().stream().map(Verb::name).collect(Collectors.joining(", ")));
  }

  /**
   * Who asked and how, from an optional {@code {"by": "alice", "full": true}}; by "api" when the
   * body says nobody.
   */
  private static Resources.VerbRequest asked(String body) {
    if (body.isBlank()) {
      return new Resources.VerbRequest("api", false);
    }
    JsonNode node = object(body, "the body of a verb is JSON like {\"by\": \"alice\"}, or empty");
    JsonNode full = node.get("full");
    if (full != null && !full.isNull() && !full.isBoolean()) {
      throw new HttpError(400, "'full' is true or false");
    }
    return new Resources.VerbRequest(by(node), full != null && full.booleanValue());
  }

  private static String by(JsonNode node) {
    JsonNode by = node.get("by");
    if (by == null || by.isNull()) {
      return "api";
    }
    if (!by.isString()) {
      throw new HttpError(400, "'by' is a name, a JSON string");
    }
    String who = by.asString().strip();
    if (who.isEmpty()) {
      return "api";
    }
    if (who.length() > MAX_BY_LENGTH || who.chars().anyMatch(Character::isISOControl)) {
      throw new HttpError(
          400, "'by' is a name of at most " + MAX_BY_LENGTH + " characters on one line");
    }
    return who;
  }

  /** The body as a JSON object; a 400 with {@code shape} otherwise. */
  private static JsonNode object(String body, String shape) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(body);
    } catch (JacksonException e) {
      throw new HttpError(400, shape);
    }
    if (node == null || !node.isObject()) {
      throw new HttpError(400, shape);
    }
    return node;
  }

  /** A note's text: one line of at most {@link #MAX_NOTE_LENGTH} characters, not blank. */
  private static String noteText(JsonNode node) {
    JsonNode text = node.get("text");
    if (text == null || !text.isString() || text.asString().isBlank()) {
      throw new HttpError(400, "a note needs 'text', a JSON string that is not blank");
    }
    String t = text.asString().strip();
    if (t.length() > MAX_NOTE_LENGTH || t.chars().anyMatch(Character::isISOControl)) {
      throw new HttpError(
          400, "a note's 'text' is at most " + MAX_NOTE_LENGTH + " characters on one line");
    }
    return t;
  }

  private static NoteKind noteKind(JsonNode node) {
    JsonNode kind = node.get("kind");
    if (kind == null || kind.isNull()) {
      return NoteKind.note;
    }
    for (NoteKind k : NoteKind.values()) {
      if (kind.isString() && k.name().equals(kind.asString())) {
        return k;
      }
    }
    throw new HttpError(
        400,
        "a note's 'kind' is one of "
            + Arrays.stream(NoteKind.values())
                .map(NoteKind::name)
                .collect(Collectors.joining(", ")));
  }

  /** A name for error locations; a client's file name, kept short and on one line. */
  private static String sourceName(String source) {
    String s = source.strip();
    if (s.isEmpty() || s.chars().anyMatch(Character::isISOControl)) {
      return "request";
    }
    return s.length() > MAX_SOURCE_LENGTH ? s.substring(s.length() - MAX_SOURCE_LENGTH) : s;
  }

  private static TrailFormat format(String name) {
    for (TrailFormat f : TrailFormat.values()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new HttpError(400, "format '" + Echo.of(name) + "' is not one of json, text, md");
  }

  private static long number(Map<String, String> q, String key, long dflt, long min, long max) {
    String raw = q.get(key);
    if (raw == null || raw.isEmpty()) {
      return dflt;
    }
    long v;
    try {
      v = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new HttpError(400, "'" + key + "' is a whole number, got '" + Echo.of(raw) + "'");
    }
    if (v < min || v > max) {
      throw new HttpError(400, "'" + key + "' must be between " + min + " and " + max);
    }
    return v;
  }
}
