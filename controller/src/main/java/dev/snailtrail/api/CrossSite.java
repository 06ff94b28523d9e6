package dev.snailtrail.api;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps other web sites from changing rollouts through a browser that can reach the controller.
 *
 * <p>The bearer token already stops them: a page from another origin cannot read the status page's
 * token, and cannot add an {@code Authorization} header to a request without the controller
 * agreeing to it in a CORS preflight, which it never does. These checks refuse such a request
 * before the token is even looked at, whatever else is in front of the controller: a mutation a
 * browser marks as sent from another site ({@code Sec-Fetch-Site}, or else an {@code Origin} that
 * is not the controller's own), and a mutation whose body has a type an HTML form or a "simple"
 * cross-site request could send ({@code text/plain}, a form encoding, or none).
 */
final class CrossSite {
  /** The body types of a verb. */
  static final Set<String> JSON = Set.of("application/json");

  /** The body types of an apply: rollout documents in JSON or YAML. */
  static final Set<String> JSON_OR_YAML =
      Set.of("application/json", "application/yaml", "application/x-yaml", "text/yaml");

  private CrossSite() {}

  /**
   * Refuses (403) a request a browser sent on behalf of a page of another origin. Requests from
   * programs (the CLI, curl) carry neither header and pass.
   */
  static void refuseOtherOrigins(Exchange ex) {
    String site = ex.header("Sec-Fetch-Site");
    if (site != null) {
      // Sent by every current browser and not forgeable by a page: it decides when present.
      String s = site.strip().toLowerCase(Locale.ROOT);
      if (s.equals("same-origin") || s.equals("none")) {
        return;
      }
      throw refused("the browser says it was sent from another site (Sec-Fetch-Site: " + s + ")");
    }
    String origin = ex.header("Origin");
    if (origin != null && !origin.isBlank() && !sameAuthority(origin, ex.header("Host"))) {
      throw refused("it comes from the page of another origin (" + Echo.of(origin.strip()) + ")");
    }
  }

  private static HttpError refused(String why) {
    return new HttpError(
        403,
        "changes are refused when "
            + why
            + "; change rollouts from the controller's own status page, the CLI or the API");
  }

  /** Whether an Origin header names the host and port the request was sent to. */
  private static boolean sameAuthority(String origin, String host) {
    if (host == null || origin.strip().equals("null")) {
      return false;
    }
    URI uri;
    try {
      uri = URI.create(origin.strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (uri.getHost() == null || uri.getScheme() == null) {
      return false;
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
    String authority = uri.getHost() + ":" + port;
    String h = host.strip();
    // Host without a port means the scheme's default, as the browser computed it for Origin.
    boolean hasPort = h.lastIndexOf(':') > h.lastIndexOf(']');
    String hostAuthority = hasPort ? h : h + ":" + port;
    return authority.equalsIgnoreCase(hostAuthority);
  }

  private static int defaultPort(String scheme) {
    return scheme.equalsIgnoreCase("https") ? 443 : 80;
  }

  /**
   * Refuses (415) a body whose declared type is not one of {@code types}; a request without a body
   * needs no type.
   */
  static void requireBodyType(Exchange ex, Set<String> types, String what) {
    if (!ex.hasBody()) {
      return;
    }
    String declared = ex.header("Content-Type");
    String type =
        declared == null ? "" : declared.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!types.contains(type)) {
      String seen =
          declared == null
              ? "a body without a Content-Type"
              : "a body of type '" + Echo.of(type) + "'";
      String allowed = String.join(" or ", types.stream().sorted().toList());
      throw new HttpError(
          415, seen + " is refused here: " + what + "; send Content-Type: " + allowed);
    }
  }
}
