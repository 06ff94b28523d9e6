package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.controller.ControlPlane;
import dev.snailtrail.spec.AnalysisTemplate;
import dev.snailtrail.spec.Metadata;
import dev.snailtrail.spec.load.Documents;
import dev.snailtrail.spec.load.Problem;
import dev.snailtrail.spec.load.SpecLoader;
import dev.snailtrail.spec.load.TemplateCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code snailtrail apply -f FILE}: sends rollout and AnalysisTemplate specs to the controller. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Create or update rollouts and AnalysisTemplates on the controller from spec files.",
      "Every file is validated here first; if any has a problem, each is printed as"
          + " FILE:LINE:COLUMN: FIELD.PATH: MESSAGE and nothing is sent. Applying an unchanged"
          + " spec changes nothing (the generation stays).",
      "What is sent is the effective spec, with a template.fromFile read here and its task"
          + " definition inline: the controller needs no file, so this works from any directory"
          + " and any machine. Editing the file later changes nothing until it is applied again.",
      "A rollout's '- template: NAME' is filled in here from the AnalysisTemplates of the files"
          + " given, else the controller's; the rollout keeps those gates until applied again.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail apply -f spec-examples/snail-trail.yaml",
      "  snailtrail apply -f a.yaml -f b.yaml --server http://controller:8080",
      "  snailtrail apply -f spec-examples/templates/ml-ready.yaml",
      "",
      ApiCommand.EXIT_CODES,
    })
final class ApplyCommand extends ApiCommand {

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      required = true,
      description = "A rollout or AnalysisTemplate YAML (or JSON) file; repeat for several.")
  List<Path> files;

  @Override
  int run(ApiClient client) throws IOException {
    Documents loaded = new SpecLoader().loadAll(files, controllerTemplates(client));
    if (!loaded.problems().isEmpty()) {
      for (Problem p : loaded.problems()) {
        err.println(p.format());
      }
      err.println("nothing applied: fix the problems above");
      return REFUSED;
    }
    String source =
        files.stream()
            .map(f -> f.getFileName() == null ? f.toString() : f.getFileName().toString())
            .collect(Collectors.joining(" + "));
    // One request: the controller stores all of it or, when it refuses any, none.
    for (ControlPlane.Applied a : client.apply(source, loaded.templates(), loaded.rollouts())) {
      out.println(
          (AnalysisTemplate.KIND.equals(a.kind()) ? "analysistemplate/" : "rollout/")
              + a.name()
              + (a.changed() ? " configured" : " unchanged")
              + " (generation "
              + a.generation()
              + ")");
    }
    return OK;
  }

  /**
   * The controller's templates, for a use that names none of the files': asked for only then, so
   * applying rollouts that use no stored template needs nothing more than before.
   */
  private static TemplateCatalog controllerTemplates(ApiClient client) {
    return TemplateCatalog.lazy(
        () ->
            client.templates().stream()
                .map(
                    i ->
                        new AnalysisTemplate(
                            new Metadata(i.name(), Map.of()), i.args(), i.gates(), i.document()))
                .toList(),
        "in the files given or on the controller",
        "apply the file that defines it with this one: snailtrail apply -f TEMPLATES.yaml -f"
            + " ROLLOUT.yaml");
  }
}
