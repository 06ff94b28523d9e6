package dev.snailtrail.spec.load;

import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.provider.TaskDefinitionSpec.ContainerDefinition;
import dev.snailtrail.spec.ImageRef;
import dev.snailtrail.spec.Template.HealthCheck;
import dev.snailtrail.spec.Template.Sidecar;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The template's containers beyond the main one: its health check and the sidecars. */
final class ContainerBinder {
  private ContainerBinder() {}

  /** Every container name of the task, and those with a health check (gates check them). */
  static void collect(
      String container,
      HealthCheck health,
      List<Sidecar> sidecars,
      TaskDefinitionSpec file,
      Set<String> containers,
      Set<String> healthChecked) {
    if (container != null) {
      containers.add(container);
      if (health != null) {
        healthChecked.add(container);
      }
    }
    for (Sidecar s : sidecars) {
      containers.add(s.name());
      ContainerDefinition def = file == null ? null : file.container(s.name());
      if (def != null && def.healthCheck() != null) {
        healthChecked.add(s.name());
      }
    }
  }

  static HealthCheck healthCheck(Value value, ContainerDefinition main) {
    if (value == null) {
      var hc = main == null ? null : main.healthCheck();
      return hc == null
          ? null
          : new HealthCheck(
              hc.command(), hc.interval(), hc.timeout(), hc.retries(), hc.startPeriod());
    }
    Fields f = value.fields(TemplateBinder.HEALTH_CHECK_KEYS);
    if (f == null) {
      return null;
    }
    Value commandValue = f.require("command");
    List<String> command = commandValue == null ? null : commandValue.strings();
    if (command != null
        && (command.isEmpty()
            || !List.of("CMD", "CMD-SHELL", "NONE").contains(command.get(0))
            || (command.size() < 2 && !command.get(0).equals("NONE")))) {
      commandValue.problem(
          "a health check command starts with CMD or CMD-SHELL and then the command, e.g."
              + " [CMD-SHELL, \"curl -f http://localhost:5000/health || exit 1\"]");
    }
    return new HealthCheck(
        command == null ? List.of() : command,
        seconds(f, "interval", 5, 300, Defaults.HEALTH_CHECK_INTERVAL),
        seconds(f, "timeout", 2, 120, Defaults.HEALTH_CHECK_TIMEOUT),
        seconds(f, "retries", 1, 10, Defaults.HEALTH_CHECK_RETRIES),
        seconds(f, "startPeriod", 0, 300, Defaults.HEALTH_CHECK_START_PERIOD));
  }

  /** ECS health check numbers, within the ranges ECS accepts. */
  private static int seconds(Fields f, String key, int min, int max, int fallback) {
    Integer n = f.integer(key);
    if (n != null && (n < min || n > max)) {
      f.problem(key, key + " must be between " + min + " and " + max + " (ECS refuses others)");
      n = null;
    }
    return n != null ? n : fallback;
  }

  static List<Sidecar> sidecars(Value value, TaskDefinitionSpec file, String main) {
    List<Sidecar> out = new ArrayList<>();
    if (value == null) {
      if (file != null) {
        for (ContainerDefinition c : file.containers()) {
          if (!c.name().equals(main)) {
            ImageRef image = parseOrNull(c.image());
            if (image != null) {
              out.add(new Sidecar(c.name(), image, c.essential()));
            }
          }
        }
      }
      return out;
    }
    List<Value> items = value.items();
    if (items == null) {
      return out;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (Value item : items) {
      Fields f = item.fields(TemplateBinder.SIDECAR_KEYS);
      if (f == null) {
        continue;
      }
      String name = TemplateBinder.name(f, "name", null, false);
      Value imageValue = f.require("image");
      ImageRef image = imageValue == null ? null : imageValue.parsed(ImageRef::parse);
      Boolean essential = f.bool("essential");
      if (name != null && (name.equals(main) || !seen.add(name))) {
        f.problem("name", "container name '" + name + "' is used twice in the task");
      }
      if (name != null && image != null) {
        out.add(
            new Sidecar(name, image, essential != null ? essential : Defaults.SIDECAR_ESSENTIAL));
      }
    }
    return out;
  }

  private static ImageRef parseOrNull(String image) {
    try {
      return ImageRef.parse(image);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
