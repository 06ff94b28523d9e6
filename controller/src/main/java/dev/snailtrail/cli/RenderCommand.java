package dev.snailtrail.cli;

import dev.snailtrail.json.Json;
import dev.snailtrail.provider.CallListener;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.provider.ServiceRef;
import dev.snailtrail.provider.TaskDefinitionSpec;
import dev.snailtrail.rollout.ContentHash;
import dev.snailtrail.rollout.TaskDefinitions;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code snailtrail render}: the exact RegisterTaskDefinition input a phase would send. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = {
      "Print the RegisterTaskDefinition input a phase would send, as JSON, without sending it:"
          + " the task definition the rollout starts from (the live service's, or the template's)"
          + " with the phase applied, tags and content hash included.",
      "A rollout without a template starts from the task definition the service runs now, read"
          + " through the provider.",
    },
    footer = {
      "",
      "Exit codes: 0 printed, 1 the live task definition could not be read or the spec does not"
          + " fit it, 2 usage or invalid spec.",
      "Examples:",
      "  snailtrail render -f spec-examples/snail-trail.yaml --phase exploration",
      "  snailtrail render -f spec-examples/existing-service.yaml --provider aws",
      "  snailtrail render -f rollout.yaml --provider aws > phase1.json",
    })
final class RenderCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      required = true,
      paramLabel = "FILE",
      description = "The rollout YAML (its first document).")
  Path file;

  @Option(
      names = "--phase",
      paramLabel = "NAME",
      description = "The phase to render (default: the first).")
  String phase;

  @Mixin ProviderOptions where;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Rollout rollout;
    try {
      rollout = new SpecLoader().load(file).get(0);
    } catch (SpecException e) {
      e.problems().forEach(p -> err.println(p.format()));
      err.flush();
      return 2;
    }
    int index = phase == null ? 0 : rollout.spec().indexOf(phase);
    if (index < 0) {
      err.println(
          "snailtrail render: rollout "
              + rollout.name()
              + " has no phase '"
              + phase
              + "'; phases: "
              + rollout.spec().phases().stream().map(p -> p.name()).toList());
      err.flush();
      return 2;
    }
    try (Ports ports =
        Ports.forRollout(where, rollout, 1, Seed.defaults(), null, CallListener.NOOP)) {
      TaskDefinitionSpec base = base(ports.providers(), rollout);
      TaskDefinitionSpec td = ContentHash.tagged(TaskDefinitions.forPhase(rollout, index, base));
      out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(td.json()));
      out.flush();
      return 0;
    } catch (UsageError e) {
      err.println("snailtrail render: " + e.getMessage());
      err.flush();
      return 2;
    } catch (ProviderException | TaskDefinitions.NotApplicable e) {
      err.println(
          "snailtrail render: "
              + (e instanceof ProviderException p ? p.describe() : e.getMessage()));
      err.flush();
      return 1;
    }
  }

  /** The declared base, or the task definition the live service runs now. */
  private static TaskDefinitionSpec base(Providers providers, Rollout rollout) {
    TaskDefinitionSpec declared = TaskDefinitions.declaredBase(rollout);
    if (declared != null) {
      return declared;
    }
    var t = rollout.spec().target();
    return TaskDefinitions.runningNow(
        providers.ecs(), new ServiceRef(t.region(), t.cluster(), t.service()));
  }
}
