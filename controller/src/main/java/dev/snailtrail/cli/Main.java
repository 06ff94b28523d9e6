package dev.snailtrail.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code snailtrail} command line. */
@Command(
    name = "snailtrail",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description =
        "Rolls Amazon ECS services forward through declarative phases and back by itself.",
    subcommands = {
      RunCommand.class,
      ControllerCommand.class,
      ValidateCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code: 0 success, 1 the command's failure, 2 usage. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing a command; see the list below.");
  }
}
