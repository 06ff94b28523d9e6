package dev.snailtrail.api;

import dev.snailtrail.controller.ControlPlane;
import dev.snailtrail.controller.ControlPlane.Verb;
import dev.snailtrail.json.Json;
import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.Problem;
import dev.snailtrail.spec.load.SpecWriter;
import dev.snailtrail.trail.NoteKind;
import dev.snailtrail.trail.TrailEvent;
import dev.snailtrail.trail.TrailFormat;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP API from the client side: what the CLI uses to talk to a running controller.
 *
 * <p>Every method throws {@link ApiException} when the controller answers with an error (its status
 * code and message) and {@link ControllerUnreachable} when nothing answers.
 */
public final class ApiClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  // Newer controllers may add fields; an older CLI reads what it knows.
  private static final JsonMapper MAPPER =
      Json.mapper().rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static final String JSON = "application/json; charset=utf-8";
  private static final String YAML = "application/yaml; charset=utf-8";

  private final URI server;
  private final String token;
  private final HttpClient http;

  public ApiClient(ClientConfig config) {
    this.server = config.server();
    this.token = config.token();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public URI server() {
    return server;
  }

  /**
   * Applies loaded rollouts as the controller stores them: the effective spec, with every task
   * definition inline, so the controller needs none of the files they were loaded from.
   *
   * @param source how error locations name the text, usually the file name
   */
  public List<ControlPlane.Applied> apply(String source, List<Rollout> rollouts) {
    return apply(
        source, rollouts.stream().map(SpecWriter::toYaml).collect(Collectors.joining("---\n")));
  }

  /**
   * Applies loaded AnalysisTemplates and rollouts in one request, the templates first: each
   * template as applied, each rollout as the controller stores it (its template uses filled in).
   *
   * @param source how error locations name the text, usually the file name
   */
  public List<ControlPlane.Applied> apply(
      String source, List<AnalysisTemplate> templates, List<Rollout> rollouts) {
    List<String> documents = new ArrayList<>();
    templates.forEach(t -> documents.add(t.document()));
    rollouts.forEach(r -> documents.add(SpecWriter.toYaml(r)));
    return apply(source, String.join("---\n", documents));
  }

  /** Every AnalysisTemplate the controller stores. */
  public List<Resources.TemplateItem> templates() {
    return read(send("GET", "/api/v1/analysistemplates", null), Resources.TemplateList.class)
        .items();
  }

  /** One AnalysisTemplate the controller stores. */
  public Resources.TemplateItem template(String name) {
    return read(
        send("GET", "/api/v1/analysistemplates/" + encode(name), null),
        Resources.TemplateItem.class);
  }

  /**
   * Deletes a stored AnalysisTemplate. The rollouts that used it keep its gates.
   *
   * @return its name and the stored rollouts that used it
   */
  public Resources.TemplateDeleted deleteTemplate(String name) {
    return read(
        send("DELETE", "/api/v1/analysistemplates/" + encode(name), null),
        Resources.TemplateDeleted.class);
  }

  /**
   * Applies rollout and AnalysisTemplate documents (YAML or JSON). The text must carry its task
   * definitions: the controller refuses a {@code template.fromFile}.
   *
   * @param source how error locations name the text, usually the file name
   */
  public List<ControlPlane.Applied> apply(String source, String yaml) {
    String path = "/api/v1/rollouts?source=" + encode(source);
    return read(send("POST", path, yaml, YAML), Resources.AppliedList.class).applied();
  }

  public List<Resources.Summary> list() {
    return read(send("GET", "/api/v1/rollouts", null), Resources.SummaryList.class).items();
  }

  public Resources.Detail get(String name) {
    return read(send("GET", rollout(name), null), Resources.Detail.class);
  }

  /** Events after sequence number {@code after}, oldest first, at most {@code limit}. */
  public List<TrailEvent> trail(String name, long after, int limit) {
    String body =
        send("GET", rollout(name) + "/trail?" + trailQuery("json", false, after, limit), null);
    return read(body, new TypeReference<List<TrailEvent>>() {});
  }

  /** The trail rendered by the controller as text or Markdown. */
  public String trailText(String name, TrailFormat format, boolean plain, long after, int limit) {
    return send(
        "GET", rollout(name) + "/trail?" + trailQuery(format.name(), plain, after, limit), null);
  }

  /**
   * @param by who asks, recorded in the trail; null lets the controller say "api"
   */
  public Resources.Detail command(String name, Verb verb, String by) {
    boolean full = verb == Verb.promoteFull;
    String body =
        by == null && !full
            ? ""
            : Json.mapper().writeValueAsString(new Resources.VerbRequest(by, full));
    String path = rollout(name) + "/" + (full ? Verb.promote : verb).name();
    return read(send("POST", path, body, JSON), Resources.Detail.class);
  }

  /**
   * Writes a person's note into a rollout's trail.
   *
   * @param by who wrote it; null lets the controller say "api"
   * @return the trail event the controller recorded
   */
  public TrailEvent note(String name, NoteKind kind, String text, String by) {
    String body =
        Json.mapper().writeValueAsString(new Resources.NoteRequest(text, kind.name(), by));
    return read(send("POST", rollout(name) + "/notes", body, JSON), TrailEvent.class);
  }

  public void delete(String name) {
    send("DELETE", rollout(name), null);
  }

  /** The sequence number of an event: the last part of its id, {@code rollout/generation/seq}. */
  public static long sequence(TrailEvent e) {
    String id = e.id();
    try {
      return Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
    } catch (NumberFormatException e2) {
      return 0;
    }
  }

  private static String trailQuery(String format, boolean plain, long after, int limit) {
    return "format=" + format + "&plain=" + plain + "&after=" + after + "&limit=" + limit;
  }

  private static String rollout(String name) {
    return "/api/v1/rollouts/" + encode(name);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String send(String method, String path, String body) {
    return send(method, path, body, null);
  }

  /**
   * @param contentType the body's type; the controller refuses a body without one
   */
  private String send(String method, String path, String body, String contentType) {
    URI uri = URI.create(server + path);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json, text/plain, text/markdown")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null && contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new ControllerUnreachable(server, e);
    } catch (IOException e) {
      throw new ControllerUnreachable(
          "lost the connection to the controller at " + server + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControllerUnreachable("interrupted while waiting for " + server, e);
    }
    if (response.statusCode() >= 400) {
      throw error(response);
    }
    return response.body();
  }

  private static ApiException error(HttpResponse<String> response) {
    int status = response.statusCode();
    try {
      Resources.ErrorBody e = MAPPER.readValue(response.body(), Resources.ErrorBody.class);
      if (e.error() != null) {
        List<Problem> problems = e.problems() == null ? List.of() : e.problems();
        return new ApiException(status, e.error(), problems);
      }
    } catch (JacksonException notJson) {
      // a proxy's page, say: fall through to the status line
    }
    String text = response.body() == null ? "" : response.body().strip();
    if (text.length() > 200) {
      text = text.substring(0, 200) + "…";
    }
    return new ApiException(
        status, "HTTP " + status + (text.isEmpty() ? "" : ": " + text), List.of());
  }

  private static <T> T read(String body, Class<T> type) {
    try {
      return MAPPER.readValue(body, type);
    } catch (JacksonException e) {
      throw new ApiException(
          0,
          "the controller's answer is not what this CLI expects: " + e.getOriginalMessage(),
          List.of());
    }
  }

  private static <T> T read(String body, TypeReference<T> type) {
    try {
      return MAPPER.readValue(body, type);
    } catch (JacksonException e) {
      throw new ApiException(
          0,
          "the controller's answer is not what this CLI expects: " + e.getOriginalMessage(),
          List.of());
    }
  }
}
