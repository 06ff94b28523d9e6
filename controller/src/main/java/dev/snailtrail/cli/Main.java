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
      DoctorCommand.class,
      ValidateCommand.class,
      VersionCommand.class,
      ApplyCommand.class,
      GetCommand.class,
      ListCommand.class,
      StatusCommand.class,
      TrailCommand.class,
      WaitCommand.class,
      DiffCommand.class,
      RenderCommand.class,
      VerbCommands.Approve.class,
      VerbCommands.Promote.class,
      VerbCommands.Pause.class,
      VerbCommands.Resume.class,
      VerbCommands.Abort.class,
      VerbCommands.Retry.class,
      VerbCommands.Undo.class,
      NoteCommand.class,
      DeleteCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the CLI and returns its exit code: 0 success, 1 the command's failure (or the controller
   * said no; {@code diff}: a difference), 2 usage, 3 the controller cannot be reached ({@code run}:
   * stopped at a phase awaiting approval; {@code doctor}: a check could not be made; {@code diff}:
   * could not compare), 4 {@code run} stopped by a bug, 5 {@code wait} timed out, 6 {@code wait}:
   * the rollout settled elsewhere. docs/operations.md has them all in one table.
   */
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
