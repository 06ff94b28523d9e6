package dev.snailtrail.reconcile;

import dev.snailtrail.provider.CloudWatch;
import dev.snailtrail.provider.Ecs;
import dev.snailtrail.provider.Images;
import dev.snailtrail.provider.LoadBalancing;
import dev.snailtrail.provider.Logs;
import dev.snailtrail.provider.Network;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.Scaling;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Wraps real ports (the simulator's) to record every call by name and, when asked, to fail a share
 * of them with provider errors (throttling), the way a flaky AWS would, or one operation with an
 * exception that is no provider error, the way a bug would. A hand-written decorator, not a mock:
 * every call that is not failed reaches the real port.
 */
final class RecordingProviders {
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final Random random;
  private final double failureRate;
  private int injected;
  private volatile String buggyCall;
  private volatile String bug;

  RecordingProviders(long seed, double failureRate) {
    this.random = new Random(seed);
    this.failureRate = failureRate;
  }

  Providers wrap(Providers real) {
    return new Providers(
        real.name(),
        proxy(Ecs.class, real.ecs(), "ecs"),
        proxy(LoadBalancing.class, real.loadBalancing(), "elbv2"),
        proxy(CloudWatch.class, real.cloudWatch(), "cloudwatch"),
        proxy(Logs.class, real.logs(), "logs"),
        proxy(Images.class, real.images(), "ecr"),
        proxy(Network.class, real.network(), "ec2"),
        real.endpoints(),
        proxy(Scaling.class, real.scaling(), "application-autoscaling"));
  }

  /** Calls recorded so far, as {@code service.operation}. */
  List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  long count(String call) {
    return calls().stream().filter(call::equals).count();
  }

  int injectedFailures() {
    return injected;
  }

  /**
   * Makes every later {@code call} (as {@code service.operation}) throw an {@link
   * IllegalStateException} with {@code message}, thrown where the call is made: not a provider
   * error but what a bug in a port would throw.
   */
  void throwOn(String call, String message) {
    this.bug = message;
    this.buggyCall = call;
  }

  private <T> T proxy(Class<T> port, T target, String service) {
    Object p =
        Proxy.newProxyInstance(
            port.getClassLoader(),
            new Class<?>[] {port},
            (self, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
              }
              if (method.isDefault() && !overrides(target, method)) {
                // Default methods (describeService) go through the proxy's own abstract calls.
                return java.lang.reflect.InvocationHandler.invokeDefault(self, method, args);
              }
              String name = service + "." + method.getName();
              if (name.equals(buggyCall)) {
                calls.add(name + "!");
                throw new IllegalStateException(bug);
              }
              synchronized (this) {
                if (failureRate > 0 && random.nextDouble() < failureRate) {
                  injected++;
                  calls.add(name + "!");
                  throw new ProviderException(
                      ProviderException.Kind.THROTTLED,
                      service,
                      method.getName(),
                      "Rate exceeded (injected)");
                }
              }
              calls.add(name);
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
    return port.cast(p);
  }

  /** Whether the port's implementation has its own {@code method} (a default it replaces). */
  private static boolean overrides(Object target, java.lang.reflect.Method method) {
    try {
      return !target
          .getClass()
          .getMethod(method.getName(), method.getParameterTypes())
          .getDeclaringClass()
          .isInterface();
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
