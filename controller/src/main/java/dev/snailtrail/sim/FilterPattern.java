package dev.snailtrail.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The term subset of CloudWatch Logs filter patterns: space-separated terms that must all occur,
 * {@code ?term} terms of which at least one must occur, {@code -term} terms that must not occur,
 * and {@code "quoted phrases"} as single terms. Matching is case-sensitive; an empty pattern
 * matches every event. JSON ({@code { $.x = 1 }}) and space-delimited ({@code [a, b]}) patterns are
 * not supported.
 */
final class FilterPattern {
  private final List<String> all;
  private final List<String> any;
  private final List<String> none;

  private FilterPattern(List<String> all, List<String> any, List<String> none) {
    this.all = List.copyOf(all);
    this.any = List.copyOf(any);
    this.none = List.copyOf(none);
  }

  /**
   * Parses a pattern.
   *
   * @throws IllegalArgumentException for unsupported forms and unbalanced quotes
   */
  static FilterPattern parse(String pattern) {
    List<String> all = new ArrayList<>();
    List<String> any = new ArrayList<>();
    List<String> none = new ArrayList<>();
    String p = pattern == null ? "" : pattern.strip();
    if (p.startsWith("{") || p.startsWith("[")) {
      throw new IllegalArgumentException(
          "the simulator supports term filter patterns only, not JSON or space-delimited ones: "
              + pattern);
    }
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      List<String> into = all;
      if (c == '?') {
        into = any;
        i++;
      } else if (c == '-' && i + 1 < p.length() && !Character.isWhitespace(p.charAt(i + 1))) {
        into = none;
        i++;
      }
      String term;
      if (i < p.length() && p.charAt(i) == '"') {
        int close = p.indexOf('"', i + 1);
        if (close < 0) {
          throw new IllegalArgumentException("unbalanced quote in filter pattern: " + pattern);
        }
        term = p.substring(i + 1, close);
        i = close + 1;
      } else {
        int end = i;
        while (end < p.length() && !Character.isWhitespace(p.charAt(end))) {
          end++;
        }
        term = p.substring(i, end);
        i = end;
      }
      if (!term.isEmpty()) {
        into.add(term);
      }
    }
    return new FilterPattern(all, any, none);
  }

  /** Whether the message matches. */
  boolean matches(String message) {
    for (String t : all) {
      if (!message.contains(t)) {
        return false;
      }
    }
    for (String t : none) {
      if (message.contains(t)) {
        return false;
      }
    }
    if (any.isEmpty()) {
      return true;
    }
    for (String t : any) {
      if (message.contains(t)) {
        return true;
      }
    }
    return false;
  }
}
