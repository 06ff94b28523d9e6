package dev.snailtrail.cli;

import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.Problem;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.SpecWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snailtrail validate FILE...}: checks rollout specs without touching AWS. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check rollout spec files without applying them or calling AWS.",
      "Every problem is reported at once as FILE:LINE:COLUMN: FIELD.PATH: MESSAGE, the form"
          + " editors and CI annotate. A file with any problem is invalid as a whole.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail validate spec-examples/snail-trail.yaml",
      "  snailtrail validate rollouts/*.yaml",
      "  snailtrail validate --show-defaults spec-examples/minimal.yaml > effective.yaml",
      "",
      "Exit status: 0 every file is valid, 1 a file is invalid or missing, 2 usage error.",
    })
final class ValidateCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Rollout YAML files.")
  List<Path> files;

  @Option(
      names = "--show-defaults",
      description =
          "Print each valid rollout as the controller will run it, every default filled in and"
              + " a template.fromFile inline as taskDefinition, as YAML on standard output (the"
              + " per-file verdicts then go to standard error).")
  boolean showDefaults;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter verdicts = showDefaults ? err : out;
    SpecLoader loader = new SpecLoader();
    boolean allValid = true;
    boolean firstDocument = true;
    for (Path file : files) {
      try {
        List<Rollout> rollouts = loader.load(file);
        verdicts.println(file + ": valid (" + count(rollouts.size()) + ")");
        if (showDefaults) {
          for (Rollout r : rollouts) {
            if (!firstDocument) {
              out.println("---");
            }
            out.print(SpecWriter.toYaml(r));
            firstDocument = false;
          }
        }
      } catch (SpecException e) {
        allValid = false;
        for (Problem p : e.problems()) {
          err.println(p.format());
        }
      }
    }
    out.flush();
    err.flush();
    return allValid ? 0 : 1;
  }

  private static String count(int n) {
    return n == 1 ? "1 rollout" : n + " rollouts";
  }
}
