package dev.snailtrail.api;

import dev.snailtrail.controller.ControlPlane;
import dev.snailtrail.rollout.VerbRefused;
import dev.snailtrail.spec.load.Problem;
import dev.snailtrail.spec.load.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which request goes where, who may make it, and how a refusal is answered. Every error leaves here
 * as the JSON error shape, with the client's input in it cut short ({@link Echo}).
 */
final class Routes {
  private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

  private final ControlPlane plane;
  private final byte[] token;
  private final boolean openReads;
  private final Supplier<String> metricsScrape;
  private final byte[] metricsToken;
  private final RolloutRoutes rollouts;

  Routes(ControlPlane plane, ApiServer.Settings settings) {
    this.plane = plane;
    this.token =
        settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
    this.openReads = settings.openReads();
    this.metricsScrape = settings.metricsScrape();
    this.metricsToken =
        settings.metricsToken() == null
            ? null
            : settings.metricsToken().getBytes(StandardCharsets.UTF_8);
    this.rollouts = new RolloutRoutes(plane, settings.maxBodyBytes());
  }

  /** Answers one request; only a client gone mid-answer escapes, as an IOException. */
  void handle(Exchange ex) throws IOException {
    try {
      dispatch(ex);
    } catch (HttpError e) {
      if (e.status() == 401) {
        ex.answerHeader("WWW-Authenticate", "Bearer realm=\"snailtrail\"");
      }
      if (e.allow() != null) {
        ex.answerHeader("Allow", e.allow());
      }
      ex.json(e.status(), new Resources.ErrorBody(Echo.in(e.getMessage())));
    } catch (ControlPlane.NotFound e) {
      ex.json(404, new Resources.ErrorBody(Echo.in(e.getMessage())));
    } catch (VerbRefused | ControlPlane.Damaged | ControlPlane.Conflict e) {
      ex.json(409, new Resources.ErrorBody(Echo.in(e.getMessage())));
    } catch (SpecException e) {
      ex.json(400, new Resources.ErrorBody("invalid rollout spec", clipped(e.problems())));
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", Echo.of(ex.method()), Echo.of(ex.rawPath()), e);
      ex.json(500, new Resources.ErrorBody("internal error; the controller's log has details"));
    }
  }

  private static List<Problem> clipped(List<Problem> problems) {
    return problems.stream()
        .map(
            p ->
                new Problem(
                    Echo.of(p.source()),
                    p.line(),
                    p.column(),
                    Echo.in(p.path()),
                    Echo.in(p.message())))
        .toList();
  }

  private void dispatch(Exchange ex) throws IOException, SpecException {
    String method = ex.method();
    List<String> path = segments(ex.rawPath());
    switch (path.size()) {
      case 0 -> {
        allow(method, "GET");
        // No data in it, so no token: the page reads the API with the token a person enters.
        StatusPage.serve(ex);
      }
      case 1 -> probe(ex, method, path.get(0));
      default -> api(ex, method, path);
    }
  }

  private void probe(Exchange ex, String method, String name) throws IOException {
    switch (name) {
      case "healthz" -> {
        allow(method, "GET");
        ex.text(200, Exchange.TEXT, "ok\n");
      }
      case "readyz" -> {
        allow(method, "GET");
        ControlPlane.Health h;
        try {
          h = plane.health();
        } catch (RuntimeException e) {
          h = new ControlPlane.Health(false, false, "health check failed: " + e.getMessage());
        }
        String message = h.message() == null || h.message().isBlank() ? "" : ": " + h.message();
        ex.text(
            h.ready() ? 200 : 503,
            Exchange.TEXT,
            (h.ready() ? "ready" : "not ready") + message + "\n");
      }
      case "metrics" -> {
        allow(method, "GET");
        if (metricsScrape == null) {
          throw new HttpError(404, "metrics are not enabled on this controller");
        }
        if (!scraper(ex)) {
          authorize(ex, false);
        }
        ex.text(200, "text/plain; version=0.0.4; charset=utf-8", metricsScrape.get());
      }
      default -> throw notFound();
    }
  }

  private void api(Exchange ex, String method, List<String> path)
      throws IOException, SpecException {
    if (path.size() < 3 || !path.get(0).equals("api") || !path.get(1).equals("v1")) {
      throw notFound();
    }
    if (path.get(2).equals("analysistemplates") && path.size() <= 4) {
      templates(ex, method, path);
      return;
    }
    if (!path.get(2).equals("rollouts") || path.size() > 5) {
      throw notFound();
    }
    switch (path.size()) {
      case 3 -> {
        allow(method, "GET, POST");
        boolean apply = method.equals("POST");
        boolean whole = authorize(ex, apply);
        if (apply) {
          CrossSite.requireBodyType(
              ex, CrossSite.JSON_OR_YAML, "rollouts are applied as YAML or JSON");
          rollouts.apply(ex);
        } else {
          rollouts.list(ex, Redaction.of(whole));
        }
      }
      case 4 -> {
        allow(method, "GET, DELETE");
        boolean delete = method.equals("DELETE");
        boolean whole = authorize(ex, delete);
        if (delete) {
          rollouts.delete(ex, path.get(3));
        } else {
          rollouts.get(ex, path.get(3), Redaction.of(whole));
        }
      }
      default -> {
        String name = path.get(3);
        String last = path.get(4);
        if (last.equals("trail")) {
          allow(method, "GET");
          boolean whole = authorize(ex, false);
          rollouts.trail(ex, name, Redaction.of(whole));
        } else if (last.equals("notes")) {
          allow(method, "POST");
          authorize(ex, true);
          CrossSite.requireBodyType(ex, CrossSite.JSON, "a note is JSON like {\"text\": \"...\"}");
          rollouts.note(ex, name);
        } else {
          allow(method, "POST");
          authorize(ex, true);
          CrossSite.requireBodyType(
              ex, CrossSite.JSON, "a verb's body is JSON like {\"by\": \"alice\"}");
          rollouts.command(ex, name, last);
        }
      }
    }
  }

  /**
   * {@code /api/v1/analysistemplates[/NAME]}: read and deleted with the token only, even when reads
   * are open, since a template's gates may hold credentials (a header) that no rollout masks.
   */
  private void templates(Exchange ex, String method, List<String> path) throws IOException {
    if (path.size() == 3) {
      allow(method, "GET");
      authorize(ex, true, "AnalysisTemplates are read");
      ex.json(
          200,
          new Resources.TemplateList(
              plane.templates().stream().map(Resources.TemplateItem::of).toList()));
      return;
    }
    String name = path.get(3);
    allow(method, "GET, DELETE");
    authorize(ex, true, method.equals("GET") ? "AnalysisTemplates are read" : null);
    if (method.equals("DELETE")) {
      // Who used it, asked first: they keep its gates, and need it to be applied again.
      List<String> usedBy =
          plane.template(name).map(ControlPlane.TemplateView::usedBy).orElse(List.of());
      if (!plane.deleteTemplate(name)) {
        throw noTemplate(name);
      }
      ex.json(200, new Resources.TemplateDeleted(name, usedBy));
      return;
    }
    ex.json(
        200, Resources.TemplateItem.of(plane.template(name).orElseThrow(() -> noTemplate(name))));
  }

  private static HttpError noTemplate(String name) {
    return new HttpError(404, "no AnalysisTemplate named '" + Echo.of(name) + "'");
  }

  /**
   * Checks the bearer token in constant time; reads pass without one when reads are open. A
   * mutation a browser sent for another site is refused first ({@link CrossSite}).
   *
   * @return whether the caller showed the token (and may see the spec whole)
   */
  private boolean authorize(Exchange ex, boolean mutation) {
    return authorize(ex, mutation, null);
  }

  /**
   * @param tokenOnlyRead what a read that needs the token even when reads are open is, to say so;
   *     null for a change, or a read open reads let through
   */
  private boolean authorize(Exchange ex, boolean mutation, String tokenOnlyRead) {
    if (mutation) {
      CrossSite.refuseOtherOrigins(ex);
    }
    byte[] presented = presented(ex);
    boolean shown = token != null && presented != null && MessageDigest.isEqual(presented, token);
    if (shown || (!mutation && openReads)) {
      return shown;
    }
    if (tokenOnlyRead != null && token != null && openReads) {
      throw new HttpError(
          401,
          tokenOnlyRead
              + " with the API token only, even with open reads: their gates may hold"
              + " credentials; send 'Authorization: Bearer TOKEN'");
    }
    if (token == null) {
      throw new HttpError(
          401,
          "no API token is configured on this controller, so "
              + (tokenOnlyRead != null
                  ? "reads of AnalysisTemplates"
                  : mutation ? "changes" : "reads")
              + " through the API are refused; start the controller with an API token");
    }
    if (presented == null) {
      throw new HttpError(401, "this request needs an 'Authorization: Bearer TOKEN' header");
    }
    throw new HttpError(401, "the bearer token is not the controller's API token");
  }

  /** Whether the caller showed the metrics token, which opens {@code /metrics} alone. */
  private boolean scraper(Exchange ex) {
    byte[] presented = presented(ex);
    return metricsToken != null
        && presented != null
        && MessageDigest.isEqual(presented, metricsToken);
  }

  private static byte[] presented(Exchange ex) {
    String header = ex.header("Authorization");
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).strip().getBytes(StandardCharsets.UTF_8)
        : null;
  }

  private static void allow(String method, String allowed) {
    for (String m : allowed.split(", ")) {
      if (m.equals(method)) {
        return;
      }
    }
    throw new HttpError(
        405, "method '" + Echo.of(method) + "' is not allowed here; use " + allowed, allowed);
  }

  private static HttpError notFound() {
    return new HttpError(
        404,
        "no such resource; the API lives under /api/v1/rollouts and /api/v1/analysistemplates");
  }

  private static List<String> segments(String rawPath) {
    return Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty()).toList();
  }
}
