package dev.snailtrail.spec.load;

import java.util.Collection;
import java.util.Locale;

/** Suggestions for misspelled names, by edit distance. */
final class Hints {
  private Hints() {}

  /** {@code "; did you mean 'desiredCount'?"}, or a list of the known names when none is close. */
  static String didYouMean(String name, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d =
          distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT), bestDistance);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.max(2, best.length() / 3)) {
      return "; did you mean '" + best + "'?";
    }
    return "; expected one of: " + String.join(", ", known.stream().sorted().toList());
  }

  /** Levenshtein distance, giving up (returning {@code limit}) once it cannot beat it. */
  static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) >= limit || a.length() > 200 || b.length() > 200) {
      return limit;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
