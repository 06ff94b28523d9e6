package dev.snailtrail.controller;

import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.TaskDefinition;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.decorate.ForwardingEcs;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts task definition registrations per family and content: a content twice is a duplicate. */
final class RegistrationCounter extends ForwardingEcs {
  private final Map<String, AtomicInteger> byContent = new ConcurrentHashMap<>();

  RegistrationCounter(Ecs real) {
    super(real);
  }

  @Override
  public TaskDefinition registerTaskDefinition(String region, TaskDefinitionSpec spec) {
    TaskDefinition td = real.registerTaskDefinition(region, spec);
    String key = spec.family() + "@" + spec.tags().get(TaskDefinitionSpec.HASH_TAG);
    byContent.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return td;
  }

  int registrations() {
    return byContent.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Registrations of a content that was registered before. */
  int duplicates() {
    return byContent.values().stream().mapToInt(n -> n.get() - 1).sum();
  }
}
