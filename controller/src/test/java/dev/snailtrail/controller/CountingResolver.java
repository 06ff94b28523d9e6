package dev.snailtrail.controller;

import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ProvidersResolver;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Ports per role over simulated accounts, built on the first ask for a role and kept until
 * released, as the AWS provider builds a role's clients and closes them: it counts the ports it
 * built and those it was given back, and ports given back refuse every ECS call after (as closed
 * SDK clients would), counting the calls that came too late.
 */
final class CountingResolver implements ProvidersResolver {

  /** The role of rollouts that name none: the controller's own credentials. */
  static final String OWN = "own";

  /** Ports built for one role. */
  static final class Built {
    final String role;
    final Providers ports;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger callsAfterRelease = new AtomicInteger();
    volatile boolean released;

    Built(String role, Providers world, CountingResolver owner) {
      this.role = role;
      this.ports = world.withEcs(closable(world.ecs(), owner));
    }

    private Ecs closable(Ecs real, CountingResolver owner) {
      return (Ecs)
          Proxy.newProxyInstance(
              Ecs.class.getClassLoader(),
              new Class<?>[] {Ecs.class},
              (proxy, m, args) -> {
                if (m.getDeclaringClass() == Object.class) {
                  return objectMethod(proxy, m, args);
                }
                if (released) {
                  callsAfterRelease.incrementAndGet();
                  throw new IllegalStateException(
                      "the ports of " + role + " were used after they were released");
                }
                calls.add(m.getName() + " " + serviceOf(args));
                owner.onCall.accept(role, m.getName() + " " + serviceOf(args));
                try {
                  return m.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    private Object objectMethod(Object proxy, Method m, Object[] args) {
      return switch (m.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "the ECS of " + role;
      };
    }

    private static String serviceOf(Object[] args) {
      if (args == null) {
        return "";
      }
      for (Object a : args) {
        if (a instanceof ServiceRef ref) {
          return ref.service();
        }
        if (a instanceof List<?> names) {
          return names.toString();
        }
      }
      return "";
    }

    /** The calls these ports made about {@code service} (by name or among described names). */
    long callsAbout(String operation, String service) {
      return calls.stream()
          .filter(c -> c.startsWith(operation + " "))
          .filter(c -> c.endsWith(" " + service) || c.matches(".*[\\[ ]" + service + "[,\\]].*"))
          .count();
    }

    @Override
    public String toString() {
      return "ports of " + role + (released ? " (released)" : "");
    }
  }

  private final Map<String, Simulator> accounts;
  private final Map<String, Built> live = new HashMap<>();
  final List<Built> built = new CopyOnWriteArrayList<>();
  final List<Built> released = new CopyOnWriteArrayList<>();

  /** Ports given back that were not live (never built, or given back twice). */
  final List<Providers> unexpected = new CopyOnWriteArrayList<>();

  /** Told of every ECS call before it goes to the account: the role and the call. */
  volatile BiConsumer<String, String> onCall = (role, call) -> {};

  /**
   * @param accounts the simulated account of each role ({@link #OWN} for rollouts that name none)
   */
  CountingResolver(Map<String, Simulator> accounts) {
    this.accounts = Map.copyOf(accounts);
  }

  static String roleOf(Rollout r) {
    return Objects.requireNonNullElse(r.spec().target().roleArn(), OWN);
  }

  @Override
  public synchronized Providers forRollout(Rollout rollout) {
    String role = roleOf(rollout);
    Simulator account =
        Objects.requireNonNull(accounts.get(role), () -> "no simulated account for " + role);
    return live.computeIfAbsent(
            role,
            r -> {
              Built b = new Built(r, account.providers(), this);
              built.add(b);
              return b;
            })
        .ports;
  }

  @Override
  public synchronized void released(Providers ports) {
    Built b = live.values().stream().filter(x -> x.ports == ports).findFirst().orElse(null);
    if (b == null) {
      unexpected.add(ports);
      return;
    }
    live.remove(b.role);
    b.released = true;
    released.add(b);
  }

  /** The roles whose ports are built and not released. */
  synchronized List<String> liveRoles() {
    return live.keySet().stream().sorted().toList();
  }

  /** The ports last built for {@code role}. */
  Built last(String role) {
    return built.reversed().stream()
        .filter(b -> b.role.equals(role))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ports built for " + role));
  }

  /** How many ports were built, and given back, for {@code role}. */
  long builtFor(String role) {
    return built.stream().filter(b -> b.role.equals(role)).count();
  }

  long releasedFor(String role) {
    return released.stream().filter(b -> b.role.equals(role)).count();
  }

  /** ECS calls made through ports after they were released, over every role. */
  int callsAfterRelease() {
    return built.stream().mapToInt(b -> b.callsAfterRelease.get()).sum();
  }
}
