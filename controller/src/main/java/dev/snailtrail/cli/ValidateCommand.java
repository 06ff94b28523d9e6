package dev.snailtrail.cli;

import dev.snailtrail.spec.load.Documents;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.SpecWriter;
import dev.snailtrail.spec.load.TemplateCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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
      "A rollout may use the AnalysisTemplates of any file given with it: the uses are filled in"
          + " and checked as the phase's own gates.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail validate spec-examples/snail-trail.yaml",
      "  snailtrail validate rollouts/*.yaml",
      "  snailtrail validate spec-examples/ml-gateway.yaml spec-examples/templates/ml-ready.yaml",
      "  snailtrail validate --show-defaults spec-examples/minimal.yaml > effective.yaml",
      "",
      "Exit status: 0 every file is valid, 1 a file is invalid or missing, 2 usage error.",
    })
final class ValidateCommand implements Callable<Integer> {
  /** A rollout may use the AnalysisTemplates of any file given with it. */
  static final TemplateCatalog FILES_GIVEN =
      TemplateCatalog.none(
          "in the files given",
          "give the file that defines it too: snailtrail validate ROLLOUT.yaml TEMPLATES.yaml");

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "Rollout and AnalysisTemplate YAML files.")
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
    Documents loaded = new SpecLoader().loadAll(files, FILES_GIVEN);
    boolean firstDocument = true;
    for (Documents.Part part : loaded.parts()) {
      if (!loaded.valid(part.source())) {
        loaded.problems().stream()
            .filter(p -> p.source().equals(part.source()))
            .forEach(p -> err.println(p.format()));
        continue;
      }
      verdicts.println(part.source() + ": valid (" + count(part) + ")");
      if (!showDefaults) {
        continue;
      }
      List<String> documents = new ArrayList<>();
      part.templates().forEach(t -> documents.add(t.document()));
      part.rollouts().forEach(r -> documents.add(SpecWriter.toYaml(r)));
      for (String document : documents) {
        if (!firstDocument) {
          out.println("---");
        }
        out.print(document);
        firstDocument = false;
      }
    }
    out.flush();
    err.flush();
    return loaded.problems().isEmpty() ? 0 : 1;
  }

  private static String count(Documents.Part part) {
    int rollouts = part.rollouts().size();
    int templates = part.templates().size();
    List<String> counts = new ArrayList<>();
    if (rollouts > 0 || templates == 0) {
      counts.add(rollouts == 1 ? "1 rollout" : rollouts + " rollouts");
    }
    if (templates > 0) {
      counts.add(templates == 1 ? "1 AnalysisTemplate" : templates + " AnalysisTemplates");
    }
    return String.join(", ", counts);
  }
}
