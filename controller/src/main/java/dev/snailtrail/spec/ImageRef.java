package dev.snailtrail.spec;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference: {@code [registry/]repository[:tag][@digest]}.
 *
 * @param registry registry host (and port), or null for Docker Hub
 * @param repository repository path, e.g. {@code shine-api-gateway} or {@code library/nginx}
 * @param tag tag, or null when only a digest is given (no tag and no digest means {@code latest})
 * @param digest {@code sha256:…}, or null
 */
public record ImageRef(String registry, String repository, String tag, String digest) {

  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}");
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?");
  private static final Pattern ECR_HOST =
      Pattern.compile("(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

  /**
   * Parses an image reference.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static ImageRef parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an image reference is empty");
    }
    if (text.length() > 512 || !text.equals(text.strip())) {
      throw new IllegalArgumentException("'" + text + "' is not a valid image reference");
    }
    String rest = text;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw new IllegalArgumentException(
            "'" + text + "' has an invalid digest; expected @sha256:<64 hex digits>");
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' has an invalid tag '"
                + tag
                + "'; tags are letters, digits, '_', '.' and '-' (at most 128)");
      }
    }
    String registry = null;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        rest = rest.substring(slash + 1);
        if (!HOST.matcher(registry).matches()) {
          throw new IllegalArgumentException(
              "'" + text + "' has an invalid registry '" + registry + "'");
        }
      }
    }
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' names no repository");
    }
    for (String component : rest.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not a valid image reference: repository names are lower-case letters, digits and separators ('.', '_', '-'), e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.2");
      }
    }
    return new ImageRef(registry, rest, tag, digest);
  }

  /** Whether the registry is Amazon ECR. */
  public boolean isEcr() {
    return registry != null && ECR_HOST.matcher(registry).matches();
  }

  /** The ECR registry's AWS account id, or null when not ECR. */
  public String ecrAccount() {
    if (registry == null) {
      return null;
    }
    Matcher m = ECR_HOST.matcher(registry);
    return m.matches() ? m.group(1) : null;
  }

  /** The tag, {@code latest} when neither tag nor digest is given. */
  public String effectiveTag() {
    return tag == null && digest == null ? "latest" : tag;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    if (registry != null) {
      b.append(registry).append('/');
    }
    b.append(repository);
    if (tag != null) {
      b.append(':').append(tag);
    }
    if (digest != null) {
      b.append('@').append(digest);
    }
    return b.toString();
  }
}
