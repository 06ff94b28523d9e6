package dev.snailtrail.spec.load;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** The shapes of names and identifiers a spec refers to, checked before AWS sees them. */
final class Formats {
  private Formats() {}

  static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
  static final Pattern ECS_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
  static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
  static final Pattern TARGET_GROUP_ARN =
      Pattern.compile(
          "arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{1,32}");
  static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8,17}");
  static final Pattern SECURITY_GROUP = Pattern.compile("sg-[0-9a-f]{8,17}");

  /** A DNS label (rollout and phase names), with the message when it is not one. */
  static String dnsLabelProblem(String name) {
    if (DNS_LABEL.matcher(name).matches()) {
      return null;
    }
    return "'"
        + name
        + "' is not a valid name: use at most 63 lower-case letters, digits and '-', starting and"
        + " ending with a letter or digit";
  }

  /**
   * An absolute http(s) URL.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static URI httpUrl(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an absolute http(s) URL, e.g. http://my-alb.example.com");
    }
    return uri;
  }
}
