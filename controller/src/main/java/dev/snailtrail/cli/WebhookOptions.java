package dev.snailtrail.cli;

import dev.snailtrail.trail.EventType;
import dev.snailtrail.trail.Severity;
import dev.snailtrail.trail.TrailFilter;
import dev.snailtrail.trail.WebhookHeaders;
import dev.snailtrail.trail.WebhookTemplate;
import dev.snailtrail.trail.WebhookTrailSink;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * One webhook of {@code snailtrail controller}: {@code --webhook} and the options after it, up to
 * the next {@code --webhook}. Header values and the URL itself may be secrets, so they can come
 * from the environment or a file, and no message here prints one.
 */
final class WebhookOptions {
  @Option(
      names = "--webhook",
      required = true,
      paramLabel = "URL",
      description =
          "Also POST trail events to URL (or env:NAME, file:PATH: a Slack webhook's URL is a"
              + " secret), by default as JSON with a Slack-compatible 'text'. Repeat for more"
              + " webhooks; the --webhook-* options after each are its own.")
  String url;

  @Option(
      names = "--webhook-events",
      split = ",",
      paramLabel = "TYPE",
      description = "Send events of these types, e.g. RollbackStarted,PhaseCompleted,Note.")
  List<EventType> events = new ArrayList<>();

  @Option(
      names = "--webhook-min-severity",
      paramLabel = "SEVERITY",
      description =
          "Send events at least this severe: ${COMPLETION-CANDIDATES}. With --webhook-events,"
              + " an event that meets either is sent; with neither, every event.")
  Severity minSeverity;

  @Option(
      names = "--webhook-header",
      paramLabel = "NAME=env:VAR|NAME=file:PATH",
      description =
          "Send this header with every event, its value read from an environment variable or a"
              + " file (never given on the command line, never printed). Repeatable.")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--webhook-template",
      paramLabel = "FILE",
      description =
          "Send the JSON in FILE instead, its {{placeholders}} filled from each event:"
              + " {{rollout}}, {{phase}}, {{type}}, {{severity}}, {{message}}, {{text}},"
              + " {{data.KEY}} … (see docs/trail.md).")
  Path template;

  /**
   * The webhook's settings, every secret read.
   *
   * @param env the environment ({@code System::getenv})
   * @throws UsageError saying which option is wrong, never repeating a secret
   */
  WebhookTrailSink.Settings settings(Function<String, String> env) throws UsageError {
    return new WebhookTrailSink.Settings(
        url(env),
        new TrailFilter(
            events.isEmpty() ? EnumSet.noneOf(EventType.class) : EnumSet.copyOf(events),
            minSeverity),
        headers(env),
        template());
  }

  private URI url(Function<String, String> env) throws UsageError {
    boolean secret = SecretRef.isRef(url);
    String text = secret ? SecretRef.resolve(url, "--webhook", env) : url;
    URI uri;
    try {
      uri = URI.create(text.strip());
    } catch (IllegalArgumentException e) {
      throw new UsageError("--webhook" + (secret ? " " + url : "") + ": not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new UsageError("--webhook" + (secret ? " " + url : "") + ": not an http(s) URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw new UsageError(
          "--webhook: a URL carries no user or password; send credentials with --webhook-header"
              + " Authorization=env:VAR");
    }
    return uri;
  }

  private WebhookHeaders headers(Function<String, String> env) throws UsageError {
    Map<String, String> values = new LinkedHashMap<>();
    for (String h : headers) {
      int eq = h.indexOf('=');
      if (eq <= 0) {
        throw new UsageError("--webhook-header: write NAME=env:VAR or NAME=file:PATH");
      }
      String name = h.substring(0, eq).strip();
      values.put(name, SecretRef.resolve(h.substring(eq + 1), "--webhook-header " + name, env));
    }
    try {
      return WebhookHeaders.of(values);
    } catch (IllegalArgumentException e) {
      throw new UsageError("--webhook-header: " + e.getMessage());
    }
  }

  private WebhookTemplate template() throws UsageError {
    if (template == null) {
      return WebhookTemplate.DEFAULT;
    }
    try {
      return WebhookTemplate.parse(Files.readString(template, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UsageError("--webhook-template: cannot read " + template + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new UsageError("--webhook-template " + template + ": " + e.getMessage());
    }
  }
}
