package dev.snailtrail.trail;

import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Headers a webhook sends with every event, such as {@code Authorization}: their values are
 * secrets, so nothing here prints one ({@link #toString} names the headers only) and no message
 * about a bad header repeats its value.
 */
public final class WebhookHeaders {
  /** No headers. */
  public static final WebhookHeaders NONE = new WebhookHeaders(Map.of());

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** Set by the HTTP client or by the sink itself, never by a person. */
  private static final Set<String> RESERVED =
      Set.of("connection", "content-length", "content-type", "expect", "host", "upgrade");

  private final Map<String, String> values;

  private WebhookHeaders(Map<String, String> values) {
    this.values = values;
  }

  /**
   * @param values header name to value
   * @throws IllegalArgumentException naming the header (never its value) when a name is not a
   *     header name, is one the sink sets itself, or a value is empty or spans lines
   */
  public static WebhookHeaders of(Map<String, String> values) {
    Map<String, String> checked = new LinkedHashMap<>();
    values.forEach(
        (name, value) -> {
          if (!TOKEN.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a header name");
          }
          if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                "header " + name + " is set by the webhook sink itself; leave it out");
          }
          if (value.isBlank() || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException(
                "the value of header " + name + " is empty or spans lines; give one line");
          }
          checked.put(name, value);
        });
    return new WebhookHeaders(Map.copyOf(checked));
  }

  /** The header names, for start-up lines: the values stay here. */
  public Set<String> names() {
    return values.keySet();
  }

  void addTo(HttpRequest.Builder request) {
    values.forEach(request::header);
  }

  @Override
  public String toString() {
    return "headers " + names() + " (values hidden)";
  }
}
