package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.controller.ControlPlane;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.Problem;
import dev.snailtrail.spec.load.SpecException;
import dev.snailtrail.spec.load.SpecLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code snailtrail apply -f FILE}: sends rollout specs to the controller. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Create or update rollouts on the controller from spec files.",
      "Every file is validated here first; if any has a problem, each is printed as"
          + " FILE:LINE:COLUMN: FIELD.PATH: MESSAGE and nothing is sent. Applying an unchanged"
          + " spec changes nothing (the generation stays).",
      "What is sent is the effective spec, with a template.fromFile read here and its task"
          + " definition inline: the controller needs no file, so this works from any directory"
          + " and any machine. Editing the file later changes nothing until it is applied again.",
    },
    footer = {
      "",
      "Examples:",
      "  snailtrail apply -f spec-examples/snail-trail.yaml",
      "  snailtrail apply -f a.yaml -f b.yaml --server http://controller:8080",
      "",
      ApiCommand.EXIT_CODES,
    })
final class ApplyCommand extends ApiCommand {

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      required = true,
      description = "A rollout YAML (or JSON) file; repeat for several.")
  List<Path> files;

  @Override
  int run(ApiClient client) throws IOException {
    SpecLoader loader = new SpecLoader();
    boolean valid = true;
    List<List<Rollout>> loaded = new ArrayList<>();
    for (Path file : files) {
      try {
        loaded.add(loader.load(file));
      } catch (SpecException e) {
        valid = false;
        for (Problem p : e.problems()) {
          err.println(p.format());
        }
      }
    }
    if (!valid) {
      err.println("nothing applied: fix the problems above");
      return REFUSED;
    }
    for (int i = 0; i < files.size(); i++) {
      Path name = files.get(i).getFileName();
      for (ControlPlane.Applied a :
          client.apply(name == null ? files.get(i).toString() : name.toString(), loaded.get(i))) {
        out.println(
            "rollout/"
                + a.name()
                + (a.changed() ? " configured" : " unchanged")
                + " (generation "
                + a.generation()
                + ")");
      }
    }
    return OK;
  }
}
