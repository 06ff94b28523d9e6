package dev.snailtrail.spec;

import java.util.Map;

/**
 * Identity of a rollout.
 *
 * @param name unique name: lower-case letters, digits and '-', at most 63 characters
 * @param labels free-form labels, copied into trail events
 */
public record Metadata(String name, Map<String, String> labels) {
  public Metadata {
    labels = Map.copyOf(labels);
  }
}
