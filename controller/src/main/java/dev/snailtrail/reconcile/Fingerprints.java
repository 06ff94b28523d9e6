package dev.snailtrail.reconcile;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Stable hashes of spec values, equal across JVMs (map order does not leak in), so a restarted
 * controller can tell which phases a new spec changed.
 */
final class Fingerprints {
  private Fingerprints() {}

  static String of(Object... parts) {
    return of(UnaryOperator.identity(), parts);
  }

  /**
   * The fingerprint of {@code parts}, each value in them (at any depth) first passed through {@code
   * asBefore}: lets a changed default be written as it was, so a stored rollout that never named it
   * keeps its fingerprints.
   */
  static String of(UnaryOperator<Object> asBefore, Object... parts) {
    StringBuilder b = new StringBuilder();
    for (Object part : parts) {
      write(b, part, asBefore);
      b.append('\u0000');
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * Spec fields added after rollouts were first stored. Left out while empty, so a stored rollout
   * that does not use them keeps its fingerprints and a new spec does not look changed.
   */
  private static final java.util.Set<String> ADDED_LATER =
      java.util.Set.of("secrets", "templateUses", "traffic");

  /**
   * Left out always: which template gave a phase's gates and with which arguments. The gates they
   * gave, and their names in status, are in the phase; so a template change (or a use's arguments)
   * changes a phase only when it changes its gates.
   */
  private static final java.util.Set<String> NOT_THE_GATES =
      java.util.Set.of("TemplateUse.template", "TemplateUse.args");

  private static boolean isEmpty(Object v) {
    return v == null
        || (v instanceof Map<?, ?> m && m.isEmpty())
        || (v instanceof Collection<?> c && c.isEmpty());
  }

  private static void write(StringBuilder b, Object given, UnaryOperator<Object> asBefore) {
    Object value = asBefore.apply(given);
    if (value == null) {
      b.append("null");
    } else if (value instanceof Record r) {
      b.append(r.getClass().getSimpleName()).append('(');
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        Object v;
        try {
          v = c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new IllegalStateException("cannot read " + c, e);
        }
        if (ADDED_LATER.contains(c.getName()) && isEmpty(v)) {
          continue; // absent from older fingerprints: leaving it out keeps them equal
        }
        if (NOT_THE_GATES.contains(r.getClass().getSimpleName() + "." + c.getName())) {
          continue;
        }
        b.append(c.getName()).append('=');
        write(b, v, asBefore);
        b.append(',');
      }
      b.append(')');
    } else if (value instanceof Map<?, ?> m) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      m.forEach((k, v) -> sorted.put(String.valueOf(k), v));
      b.append('{');
      sorted.forEach(
          (k, v) -> {
            b.append(k).append(':');
            write(b, v, asBefore);
            b.append(',');
          });
      b.append('}');
    } else if (value instanceof Collection<?> c) {
      b.append('[');
      for (Object o : c) {
        write(b, o, asBefore);
        b.append(',');
      }
      b.append(']');
    } else {
      b.append(value);
    }
  }
}
