package dev.snailtrail.spec.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each file under {@code src/test/resources/bad/} holds one mistake and says, in its first line,
 * where the loader must point and what it must say: {@code # expect: LINE:COL PATH: MESSAGE}. Its
 * second line says whether the JSON Schema catches the mistake too ({@code # schema: rejects}).
 */
class BadSpecTest {
  static final Path DIR = Path.of("src/test/resources/bad");
  private static final Pattern EXPECT = Pattern.compile("# expect: (\\d+):(\\d+) (.+)");
  private static final Pattern PATH_AND_MESSAGE = Pattern.compile("([^\\s:]+): (.+)");

  /** One fixture and its expectation. */
  record Fixture(Path file, int line, int column, String message, boolean schemaRejects) {
    @Override
    public String toString() {
      return file.getFileName().toString();
    }
  }

  static List<Fixture> fixtures() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      List<Fixture> all =
          files
              .filter(f -> f.toString().endsWith(".yaml"))
              .sorted()
              .map(BadSpecTest::read)
              .toList();
      assertThat(all).hasSizeGreaterThanOrEqualTo(30);
      return all;
    }
  }

  static Fixture read(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      Matcher m = EXPECT.matcher(lines.get(0));
      assertThat(m.matches()).as("%s starts with '# expect: LINE:COL message'", file).isTrue();
      return new Fixture(
          file,
          Integer.parseInt(m.group(1)),
          Integer.parseInt(m.group(2)),
          m.group(3),
          lines.get(1).equals("# schema: rejects"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void eachMistakeIsReportedWhereItIs(Fixture fixture) {
    SpecException e =
        catchThrowableOfType(SpecException.class, () -> new SpecLoader().load(fixture.file()));
    assertThat(e).as("%s must be refused", fixture).isNotNull();
    String where = fixture.file() + ":" + fixture.line() + ":" + fixture.column() + ": ";
    Matcher withPath = PATH_AND_MESSAGE.matcher(fixture.message());
    String path = withPath.matches() ? withPath.group(1) + ": " : "";
    String fragment = withPath.matches() ? withPath.group(2) : fixture.message();
    assertThat(e.problems())
        .as("problems of %s", fixture)
        .anySatisfy(
            p -> {
              assertThat(p.line()).isEqualTo(fixture.line());
              assertThat(p.column()).isEqualTo(fixture.column());
              assertThat(p.format()).startsWith(where + path);
              assertThat(p.message()).contains(fragment);
            });
    assertThat(e.problems()).allSatisfy(p -> assertThat(p.message()).doesNotContain("internal"));
    assertThat(e.getMessage()).contains(where);
  }

  @Test
  void everyProblemInAFileIsReportedAtOnce() throws Exception {
    String text =
        Files.readString(DIR.resolve("unknown-field.yaml"))
            .replace("port: 5000", "port: 0")
            .replace("kind: Rollout", "kind: Rollout\nkind: Rollout");
    SpecException e =
        catchThrowableOfType(
            SpecException.class, () -> new SpecLoader().parse(text, "many.yaml", DIR));
    assertThat(e.problems())
        .extracting(Problem::path)
        .containsExactly("kind", "spec.template.port", "spec.phases[0].desiredCont");
  }

  @Test
  void filesOverOneMebibyteAreRefusedUnread() throws Exception {
    Path big = Files.createTempFile("big", ".yaml");
    try {
      Files.writeString(big, "# " + "x".repeat(SpecLoader.MAX_BYTES) + "\n");
      assertThatThrownBy(() -> new SpecLoader().load(big))
          .isInstanceOf(SpecException.class)
          .hasMessage(
              big + ":1:1: is " + Files.size(big) + " bytes; a spec file may be at most 1 MiB");
    } finally {
      Files.delete(big);
    }
  }

  @Test
  void aliasesThatExpandPastTheNodeBudgetAreRefused() {
    // 40 aliases stay under the alias limit but expand a 3000-item list 40 times.
    StringBuilder text = new StringBuilder("apiVersion: snailtrail.dev/v1\nkind: Rollout\n");
    text.append(
        "metadata: {name: demo}\nspec:\n  target: {region: us-east-1, cluster: c, service: s}\n");
    text.append("  template: {family: f, container: c, port: 80}\n  phases:\n");
    text.append("    - name: one\n      image: app:1\n      gates:\n");
    text.append("        - cloudwatchAlarm:\n            names: &names [");
    text.append(String.join(", ", java.util.Collections.nCopies(3000, "a")));
    text.append("]\n");
    for (int i = 0; i < 40; i++) {
      text.append("        - cloudwatchAlarm: {names: *names}\n");
    }
    SpecException e =
        catchThrowableOfType(
            SpecException.class, () -> new SpecLoader().parse(text.toString(), "wide.yaml", DIR));
    assertThat(e.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("expands to more than 100000 values"))
        .satisfies(p -> assertThat(p.line()).isGreaterThan(11));
  }
}
