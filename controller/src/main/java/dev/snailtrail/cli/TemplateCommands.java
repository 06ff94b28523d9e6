package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.ApiException;
import dev.snailtrail.api.Resources;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The AnalysisTemplates stored on the controller (which {@code apply -f} puts there), as kinds of
 * {@code get}, {@code list} and {@code delete}: {@code snailtrail get analysistemplates [NAME]} and
 * {@code snailtrail delete analysistemplate NAME}. The word after the verb names the kind, so a
 * rollout called {@code analysistemplates} itself is reached after {@code --}.
 */
final class TemplateCommands {
  private TemplateCommands() {}

  /** The command that lists them, for messages that send people there. */
  static final String LIST = "snailtrail get analysistemplates";

  /** A table's USED BY cell names this many rollouts, then says how many more. */
  private static final int USERS_SHOWN = 3;

  /** {@code get analysistemplates [NAME]} (and {@code list analysistemplates}). */
  @Command(
      name = "analysistemplates",
      aliases = "analysistemplate",
      mixinStandardHelpOptions = true,
      description = {
        "List the AnalysisTemplates stored on the controller, or show one.",
        "The table has NAME GENERATION USED BY UPDATED: USED BY names the stored rollouts whose"
            + " gates came from the template when they were applied (they keep those gates until"
            + " applied again), UPDATED when it last changed (UTC). -o yaml prints each template"
            + " as it was applied, ready to apply again; -o json what the API returns; -o name"
            + " analysistemplate/NAME.",
        "The name and options go after the word analysistemplates. Reading templates needs the"
            + " API token even where rollouts can be read without it: their gates may hold"
            + " credentials.",
      },
      footer = {
        "",
        "Examples:",
        "  snailtrail get analysistemplates",
        "  snailtrail get analysistemplate ml-ready -o yaml",
        "  snailtrail get analysistemplates -o yaml > templates.yaml   # to apply later",
        "",
        ApiCommand.EXIT_CODES,
      })
  static final class Get extends ApiCommand {

    /** The forms of {@code -o}. */
    enum Output {
      table,
      json,
      yaml,
      name
    }

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        defaultValue = "table",
        description =
            "table, json, yaml (as applied) or name (analysistemplate/NAME). Default:"
                + " ${DEFAULT-VALUE}.")
    Output output;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "One template.")
    String name;

    @Override
    int run(ApiClient client) {
      optionsAfterTheKind(spec);
      List<Resources.TemplateItem> items =
          name == null ? client.templates() : List.of(client.template(name));
      switch (output) {
        case table -> {
          out.print(table(items));
          if (items.isEmpty()) {
            err.println(
                "No AnalysisTemplates are stored on the controller; `snailtrail apply -f FILE`"
                    + " stores them.");
          }
        }
        case json ->
            out.println(
                Documents.json(name == null ? new Resources.TemplateList(items) : items.get(0)));
        case yaml -> {
          for (int i = 0; i < items.size(); i++) {
            String document = items.get(i).document();
            out.print((i > 0 ? "---\n" : "") + document + (document.endsWith("\n") ? "" : "\n"));
          }
        }
        case name -> items.forEach(t -> out.println("analysistemplate/" + t.name()));
      }
      return OK;
    }

    @Override
    String hint(ApiException refused) {
      return TemplateCommands.hint(refused, name);
    }
  }

  /** {@code delete analysistemplate NAME}. */
  @Command(
      name = "analysistemplate",
      aliases = "analysistemplates",
      mixinStandardHelpOptions = true,
      description = {
        "Delete an AnalysisTemplate stored on the controller.",
        "Stored rollouts whose gates came from it keep those gates: nothing they run changes. A"
            + " warning names them, since applying one of their files again needs the template"
            + " while the file uses it: apply the template's file with theirs, or take the use"
            + " out of the file to drop those gates.",
        "The name and options go after the word analysistemplate.",
      },
      footer = {
        "",
        "Examples:",
        "  snailtrail delete analysistemplate ml-ready",
        "",
        ApiCommand.EXIT_CODES,
      })
  static final class Delete extends ApiCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The template.")
    String name;

    @Override
    int run(ApiClient client) {
      optionsAfterTheKind(spec);
      Resources.TemplateDeleted deleted = client.deleteTemplate(name);
      out.println("analysistemplate/" + name + " deleted");
      List<String> users = deleted.usedBy() == null ? List.of() : deleted.usedBy();
      if (!users.isEmpty()) {
        boolean one = users.size() == 1;
        err.println(
            "Warning: "
                + (one ? "rollout " : users.size() + " rollouts ")
                + String.join(", ", users)
                + (one ? " keeps the gates " : " keep the gates ")
                + name
                + (one ? " gave it" : " gave them")
                + " until applied again. Applying a file that still uses '- template: "
                + name
                + "' needs the template: apply its file with theirs (snailtrail apply -f"
                + " TEMPLATE.yaml -f ROLLOUT.yaml), or take the use out of the file to drop"
                + " those gates.");
      }
      return OK;
    }

    @Override
    String hint(ApiException refused) {
      return TemplateCommands.hint(refused, name);
    }
  }

  /**
   * What to do when the controller refuses a template command: a name it does not know, or a
   * request without the token that templates need even where reads are open.
   */
  private static String hint(ApiException refused, String name) {
    return switch (refused.status()) {
      case 404 -> name == null ? null : "List the stored ones with: " + LIST;
      case 401 ->
          "Give the API token with $SNAILTRAIL_TOKEN, tokenFile: in"
              + " ~/.config/snailtrail/config.yaml or --token.";
      default -> null;
    };
  }

  /**
   * Refuses what came between the verb and the kind ({@code get -o yaml analysistemplates}): there
   * it was parsed as the verb's own, for rollouts, and would be ignored here without a word.
   */
  private static void optionsAfterTheKind(CommandSpec spec) {
    CommandLine.ParseResult verb = spec.parent().commandLine().getParseResult();
    if (verb == null || verb.matchedArgs().isEmpty()) {
      return;
    }
    List<String> given = new ArrayList<>();
    for (ArgSpec a : verb.matchedArgs()) {
      given.add(
          a instanceof CommandLine.Model.OptionSpec o
              ? o.longestName()
              : String.join(" ", a.originalStringValues()));
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "'"
            + String.join(" ", given)
            + "' must come after '"
            + typed(verb, spec)
            + "' (before it, it is for rollouts): "
            + spec.qualifiedName()
            + (spec.positionalParameters().get(0).required() ? " NAME" : " [NAME]")
            + " [OPTIONS]");
  }

  /** The kind as typed, {@code analysistemplate} or {@code analysistemplates}. */
  private static String typed(CommandLine.ParseResult verb, CommandSpec kind) {
    java.util.Set<String> names = kind.names();
    return verb.originalArgs().stream().filter(names::contains).findFirst().orElse(kind.name());
  }

  static String table(List<Resources.TemplateItem> items) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "GENERATION", "USED BY", "UPDATED"});
    for (Resources.TemplateItem t : items) {
      rows.add(
          new String[] {
            t.name(), Long.toString(t.generation()), users(t.usedBy()), updated(t.updatedAt())
          });
    }
    return Tables.format(rows);
  }

  /** The rollouts, comma-separated as kubectl lists endpoints, the first few of many. */
  private static String users(List<String> usedBy) {
    if (usedBy == null || usedBy.isEmpty()) {
      return "-";
    }
    if (usedBy.size() <= USERS_SHOWN) {
      return String.join(",", usedBy);
    }
    return String.join(",", usedBy.subList(0, USERS_SHOWN))
        + " + "
        + (usedBy.size() - USERS_SHOWN)
        + " more...";
  }

  private static String updated(Instant at) {
    return at == null ? "-" : at.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
