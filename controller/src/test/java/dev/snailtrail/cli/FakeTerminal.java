package dev.snailtrail.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A terminal with a person who gives the answers written down in advance, in order. */
final class FakeTerminal implements Prompt {
  final List<String> asked = new ArrayList<>();
  private final Deque<String> answers;
  private final boolean interactive;

  private FakeTerminal(boolean interactive, List<String> answers) {
    this.interactive = interactive;
    this.answers = new ArrayDeque<>(answers);
  }

  /** A person who answers each question with the next of {@code answers} (then end of input). */
  static FakeTerminal answering(String... answers) {
    return new FakeTerminal(true, List.of(answers));
  }

  /** No terminal: output and input are redirected, nobody can be asked. */
  static FakeTerminal none() {
    return new FakeTerminal(false, List.of());
  }

  @Override
  public boolean interactive() {
    return interactive;
  }

  @Override
  public String ask(String question) {
    if (!interactive) {
      throw new AssertionError("asked without a terminal: " + question);
    }
    asked.add(question);
    return answers.poll();
  }
}
