package dev.snailtrail;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CallableDeclaration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Classes that fit on a screen or two: no main source file over {@value #MAX_FILE_LINES} lines, no
 * method or constructor over {@value #MAX_METHOD_LINES}. A unit that grows past these is asking to
 * be split along one of its concerns.
 */
class SourceSizeTest {
  static final int MAX_FILE_LINES = 400;
  static final int MAX_METHOD_LINES = 80;

  private static List<Path> mainSources() throws IOException {
    Path main = Path.of("src/main/java");
    try (Stream<Path> files = Files.walk(main)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
  }

  @Test
  void noMainSourceFileIsOverTheLimit() throws IOException {
    List<String> tooLong = new ArrayList<>();
    for (Path f : mainSources()) {
      long lines = Files.readAllLines(f).size();
      if (lines > MAX_FILE_LINES) {
        tooLong.add(f + ": " + lines + " lines");
      }
    }
    assertThat(tooLong).as("files over %d lines", MAX_FILE_LINES).isEmpty();
  }

  @Test
  void noMethodIsOverTheLimit() throws IOException {
    StaticJavaParser.getParserConfiguration()
        .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_21);
    List<String> tooLong = new ArrayList<>();
    for (Path f : mainSources()) {
      CompilationUnit unit = StaticJavaParser.parse(f);
      for (CallableDeclaration<?> m : unit.findAll(CallableDeclaration.class)) {
        int lines = lines(m);
        if (lines > MAX_METHOD_LINES) {
          tooLong.add(f + ": " + m.getNameAsString() + " is " + lines + " lines");
        }
      }
    }
    assertThat(tooLong).as("methods over %d lines", MAX_METHOD_LINES).isEmpty();
  }

  private static int lines(Node n) {
    return n.getRange().map(r -> r.end.line - r.begin.line + 1).orElse(0);
  }
}
