package dev.snailtrail.spec.load;

import dev.snailtrail.spec.Analysis;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Target;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads the options of an {@code http} gate and its {@code expect} block. */
final class HttpGateBinder {
  private final Target target;

  HttpGateBinder(Target target) {
    this.target = target;
  }

  Gate.Http bind(Fields f, Analysis analysis) {
    Value pathValue = f.get("path");
    Value urlValue = f.get("url");
    String path = pathValue == null ? null : pathValue.string();
    URI url = urlValue == null ? null : urlValue.parsed(Formats::httpUrl);
    if (pathValue != null && urlValue != null) {
      f.problem(
          "url", "give either 'path' (relative to target.url) or an absolute 'url', not both");
    } else if (pathValue == null && urlValue == null) {
      f.owner()
          .problem(
              "an http gate needs 'path' (relative to target.url), e.g. path: /health, or an"
                  + " absolute 'url'");
    }
    if (path != null && !path.startsWith("/")) {
      pathValue.problem("a path starts with '/', e.g. /health");
    } else if (path != null && target != null && target.url() == null) {
      pathValue.problem(
          "a relative path needs target.url to resolve against; set target.url or give an"
              + " absolute 'url'");
    }
    Value methodValue = f.get("method");
    String method = methodValue == null ? null : methodValue.string();
    if (method != null && !GateBinder.METHODS.contains(method)) {
      methodValue.problem(
          "'" + method + "' is not an HTTP method" + Hints.didYouMean(method, GateBinder.METHODS));
      method = null;
    }
    Value timeoutValue = f.get("timeout");
    Duration timeout = timeoutValue == null ? null : timeoutValue.duration();
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      timeoutValue.problem("timeout must be longer than 0");
      timeout = null;
    }
    return new Gate.Http(
        urlValue != null && pathValue == null ? null : path,
        url,
        method != null ? method : Defaults.HTTP_METHOD,
        timeout != null ? timeout : Defaults.HTTP_TIMEOUT,
        f.stringMap("headers"),
        expect(f.get("expect")),
        analysis);
  }

  private static Gate.HttpExpect expect(Value value) {
    Fields f = value == null ? null : value.fields(GateBinder.EXPECT_KEYS);
    if (f == null) {
      return new Gate.HttpExpect(Defaults.HTTP_STATUS, null, null, List.of(), null, null);
    }
    Integer status = f.integer("status");
    if (status != null && (status < 100 || status > 599)) {
      f.problem("status", "status " + status + " is not an HTTP status (100-599)");
      status = null;
    }
    Value jsonPathValue = f.get("jsonPath");
    String jsonPath = jsonPathValue == null ? null : jsonPathValue.string();
    if (jsonPath != null && !jsonPath.startsWith("$")) {
      jsonPathValue.problem("a JSONPath starts with '$', e.g. $.ml.state");
    }
    Value equalsValue = f.get("equals");
    String equals = equalsValue == null ? null : equalsValue.scalarText();
    Value inValue = f.get("in");
    List<String> in = new ArrayList<>();
    if (inValue != null && inValue.items() instanceof List<Value> items) {
      for (Value item : items) {
        String s = item.scalarText();
        if (s != null) {
          in.add(s);
        }
      }
      if (items.isEmpty()) {
        inValue.problem("give at least one value, or leave 'in' out");
      }
    }
    if (jsonPathValue == null && (equalsValue != null || inValue != null)) {
      f.problem(
          equalsValue != null ? "equals" : "in",
          "'equals' and 'in' compare the value at 'jsonPath'; add jsonPath, e.g. $.status");
    }
    Value matchesValue = f.get("matches");
    String regex = matchesValue == null ? null : matchesValue.string();
    Pattern matches = null;
    if (regex != null) {
      try {
        matches = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        matchesValue.problem("'" + regex + "' is not a regular expression: " + e.getDescription());
      }
    }
    Value latencyValue = f.get("maxLatency");
    Duration maxLatency = latencyValue == null ? null : latencyValue.duration();
    if (maxLatency != null && (maxLatency.isZero() || maxLatency.isNegative())) {
      latencyValue.problem("maxLatency must be longer than 0");
      maxLatency = null;
    }
    return new Gate.HttpExpect(
        status != null ? status : Defaults.HTTP_STATUS, jsonPath, equals, in, matches, maxLatency);
  }
}
