package dev.snailtrail.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client's input as an error message may repeat it: cut short, so a name of a million characters
 * costs the answer a hundred.
 */
final class Echo {
  static final int MAX = 100;
  private static final String ELLIPSIS = "…";

  /** Quoted input in a message that was built elsewhere ({@code no rollout named '...'}). */
  private static final Pattern QUOTED = Pattern.compile("'([^']{" + (MAX + 1) + ",})'");

  /** A whole message (a located problem's, say) that may repeat input without quotes. */
  private static final int MAX_MESSAGE = 1000;

  private Echo() {}

  /** The input, or its first {@value #MAX} characters and an ellipsis. */
  static String of(String input) {
    if (input == null) {
      return "";
    }
    return input.length() <= MAX ? input : input.substring(0, MAX) + ELLIPSIS;
  }

  /**
   * A message with every quoted run of over {@value #MAX} characters cut short, and the whole of it
   * kept to {@value #MAX_MESSAGE} characters.
   */
  static String in(String message) {
    if (message == null) {
      return null;
    }
    Matcher m = QUOTED.matcher(message);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement("'" + of(m.group(1)) + "'"));
    }
    m.appendTail(b);
    String s = b.toString();
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + ELLIPSIS;
  }
}
