package dev.snailtrail.cli;

import dev.snailtrail.api.ApiClient;
import dev.snailtrail.api.ApiException;
import dev.snailtrail.api.ClientConfig;
import dev.snailtrail.api.ControllerUnreachable;
import dev.snailtrail.spec.load.Problem;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * A command that talks to a running controller. Turns the ways that can go wrong into the exit
 * codes every such command shares: 1 the controller said no, 2 usage, 3 cannot reach it.
 */
abstract class ApiCommand implements Callable<Integer> {
  static final int OK = 0;
  static final int REFUSED = 1;
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;

  static final String EXIT_CODES =
      "Exit codes: 0 done, 1 the controller said no (not found, refused, invalid), 2 usage,"
          + " 3 cannot reach the controller.";

  @Mixin ServerOptions server;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  PrintWriter out;
  PrintWriter err;

  /** The command's work; exceptions from the client are mapped to exit codes by the caller. */
  abstract int run(ApiClient client) throws Exception;

  /** What to do about an answer the controller refused with, in this command's terms; or null. */
  String hint(ApiException refused) {
    return null;
  }

  @Override
  public final Integer call() throws Exception {
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    try {
      return run(server.client());
    } catch (ApiException e) {
      err.println("Error from server (" + describe(e.status()) + "): " + e.getMessage());
      for (Problem p : e.problems()) {
        err.println(p.format());
      }
      String hint = hint(e);
      if (hint != null) {
        err.println(hint);
      }
      return REFUSED;
    } catch (ControllerUnreachable e) {
      err.println(e.getMessage());
      return UNREACHABLE;
    } catch (ClientConfig.Invalid e) {
      err.println("snailtrail: " + e.getMessage());
      return USAGE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static String describe(int status) {
    return switch (status) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> "Conflict";
      case 413 -> "TooLarge";
      case 415 -> "UnsupportedMediaType";
      case 503 -> "Unavailable";
      default -> Integer.toString(status);
    };
  }
}
