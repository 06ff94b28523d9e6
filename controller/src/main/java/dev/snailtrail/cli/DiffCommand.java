package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.ApiException;
import dev.snailtrail.api.Resources;
import dev.snailtrail.rollout.RolloutStatus;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.spec.Phase;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.Problem;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.SpecWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code snailtrail diff -f FILE}: what applying a file would change on the running service. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Show what applying a spec file would change on the live service now: the task definition"
          + " and desired count of the rollout's current phase, as the controller has it, against"
          + " the same phase in the file.",
      "Changes to later phases take effect when the rollout reaches them; they are mentioned but"
          + " are not a difference to the running service.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail diff -f spec-examples/snail-trail.yaml",
      "  snailtrail diff -f rollout.yaml && echo 'nothing to apply'",
      "",
      "Exit codes: 0 no difference, 1 a difference (or the controller said no), 2 usage or an"
          + " invalid file, 3 cannot reach the controller.",
    })
final class DiffCommand extends ApiCommand {
  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      required = true,
      description = "The rollout YAML to compare with the controller's.")
  Path file;

  @Override
  int run(ApiClient client) {
    List<Rollout> local;
    try {
      local = new SpecLoader().load(file);
    } catch (SpecException e) {
      e.problems().forEach(p -> err.println(p.format()));
      return USAGE;
    }
    boolean differs = false;
    for (Rollout wanted : local) {
      differs |= diff(client, wanted);
    }
    return differs ? REFUSED : OK;
  }

  /** Prints the differences for one rollout; whether there were any. */
  private boolean diff(ApiClient client, Rollout wanted) {
    String name = wanted.name();
    Resources.Detail d;
    try {
      d = client.get(name);
    } catch (ApiException e) {
      if (e.status() != 404) {
        throw e;
      }
      out.println("rollout/" + name + ": not on the controller; apply creates it");
      return true;
    }
    Rollout stored;
    try {
      stored = new SpecLoader().parse(d.spec(), "controller:" + name, Path.of("")).get(0);
    } catch (SpecException e) {
      throw new ApiException(
          0,
          "cannot read the controller's spec of "
              + name
              + ": "
              + e.problems().stream().map(Problem::format).findFirst().orElse(""),
          List.of());
    }
    RolloutStatus s = d.status();
    List<Phase> storedPhases = stored.spec().phases();
    int index = Math.min(Math.max(0, s.currentPhase().index()), storedPhases.size() - 1);
    Phase running = storedPhases.get(index);
    int wantedIndex = indexOf(wanted.spec().phases(), running.name());
    if (wantedIndex < 0) {
      out.println(
          "rollout/"
              + name
              + ": the current phase "
              + running.name()
              + " is not in "
              + file
              + "; applying restarts the rollout from the first changed phase");
      return true;
    }
    Phase target = wanted.spec().phases().get(wantedIndex);
    List<String> changes =
        TaskDefinitionDiff.between(
            TaskDefinitions.forPhase(stored, index),
            running.desiredCount(),
            TaskDefinitions.forPhase(wanted, wantedIndex),
            target.desiredCount());
    String revision = s.revisions().getOrDefault(running.name(), "no revision registered yet");
    boolean elsewhere = !SpecWriter.toYaml(stored).equals(SpecWriter.toYaml(wanted));
    if (changes.isEmpty()) {
      out.println(
          "rollout/" + name + ": no change to the running service (phase " + running.name() + ")");
    } else {
      out.println("rollout/" + name + " phase " + running.name() + " (running " + revision + "):");
      changes.forEach(c -> out.println("  " + c));
    }
    if (elsewhere && changes.isEmpty()) {
      out.println(
          "  the spec changes elsewhere (other phases, gates or settings): apply records"
              + " them without touching the service now");
    }
    return !changes.isEmpty();
  }

  private static int indexOf(List<Phase> phases, String name) {
    for (int i = 0; i < phases.size(); i++) {
      if (phases.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
