package dev.snailtrail.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The page at {@code /}: one static document (its script and style inline, nothing from elsewhere)
 * that reads the JSON API with the token a person enters and redraws itself every 2 seconds. It
 * holds no data, so serving it needs no token; everything it shows comes through the API, masked
 * there for a reader without the token.
 *
 * <p>Its Content-Security-Policy lets only its own script and style run (by their hashes), lets it
 * talk to this controller alone, and keeps it out of frames, so a rollout's text can never run as
 * code and another site cannot overlay its buttons.
 */
final class StatusPage {
  private static final String RESOURCE = "status-page.html";
  private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
  private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);

  static final byte[] HTML = load();
  static final String POLICY = policy(new String(HTML, StandardCharsets.UTF_8));

  private StatusPage() {}

  static void serve(Exchange ex) throws IOException {
    ex.answerHeader("Content-Security-Policy", POLICY);
    ex.answerHeader("X-Frame-Options", "DENY");
    ex.answerHeader("Referrer-Policy", "no-referrer");
    ex.send(200, "text/html; charset=utf-8", HTML);
  }

  private static byte[] load() {
    try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the controller's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static String policy(String html) {
    return "default-src 'none'; script-src "
        + hash(SCRIPT, html)
        + "; style-src "
        + hash(STYLE, html)
        + "; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none';"
        + " frame-ancestors 'none'";
  }

  private static String hash(Pattern element, String html) {
    Matcher m = element.matcher(html);
    if (!m.find()) {
      throw new IllegalStateException(RESOURCE + " has no " + element.pattern());
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
      return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
