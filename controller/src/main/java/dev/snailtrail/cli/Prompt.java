package dev.snailtrail.cli;

import java.io.Console;

/** A person who can be asked a question on a terminal, when there is one. */
interface Prompt {

  /** Whether someone can be asked: standard input and output are a terminal. */
  boolean interactive();

  /**
   * Shows {@code question} and returns the line typed, or null at the end of input. Only called
   * when {@link #interactive()}.
   */
  String ask(String question);

  /** The terminal this process runs on, if it runs on one. */
  static Prompt console() {
    return new Prompt() {
      @Override
      public boolean interactive() {
        return Terminal.isInteractive();
      }

      @Override
      public String ask(String question) {
        Console console = System.console();
        return console == null ? null : console.readLine("%s", question);
      }
    };
  }
}
