package dev.snailtrail.gate;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * URLs as gate messages may show them: messages land in status, the trail and webhooks, so
 * credentials written into a URL (user info, token-like query parameters) must not travel with
 * them.
 */
final class Redaction {

  private static final Pattern SECRET_PARAM =
      Pattern.compile(
          "(?i)([?&][^=&]*(?:token|key|secret|password|passwd|signature|auth|credential)[^=&]*=)[^&]*");

  private Redaction() {}

  static String url(URI uri) {
    String s = uri.toString();
    if (uri.getRawUserInfo() != null) {
      s = s.replace(uri.getRawUserInfo() + "@", "***@");
    }
    return SECRET_PARAM.matcher(s).replaceAll("$1***");
  }
}
