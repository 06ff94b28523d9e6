package dev.snailtrail.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard output is a terminal a person watches, so redrawing in place makes sense. */
final class Terminal {
  static final String CLEAR = "\033[H\033[2J";

  private Terminal() {}

  static boolean isInteractive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    // From JDK 22 a Console exists even when output is redirected, and isTerminal() tells; the
    // build targets 21, where that method is missing and a console means a terminal.
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
