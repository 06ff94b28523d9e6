package dev.snailtrail.spec.load;

import static java.util.Collections.singletonList;
import static java.util.Collections.singletonMap;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Whatever a file holds, the loader answers with rollouts or with located problems: never another
 * exception, never a problem without a place. Valid examples are mutated at random, structurally
 * (keys deleted, renamed, retyped, values replaced) and as text (truncated, lines duplicated or
 * dropped, characters inserted, alias bombs).
 */
class SpecLoaderFuzzTest {
  private static final Path DIR = SpecExamplesTest.root().resolve("spec-examples");
  private static final List<String> EXAMPLES =
      List.of(
          read("snail-trail.yaml"),
          read("minimal.yaml"),
          read("reference.yaml"),
          read("existing-service.yaml"));
  private static final DumpSettings DUMP =
      DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build();
  private static final Object[] SCALARS = {
    0,
    -1,
    70000,
    3.5,
    true,
    false,
    "",
    "x",
    "10s",
    "< 0.2",
    "[",
    "{a: b}",
    "*x",
    "&a",
    "!!int",
    "ecsTasks",
    "first-steps",
    "http://",
    "${HOME}",
    "\t",
    "é∑🐌",
    "2147483648",
    null
  };

  private static String read(String name) {
    try {
      return Files.readString(DIR.resolve(name));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Property(tries = 5000)
  void structuralMutationsAreAnsweredWithRolloutsOrLocatedProblems(
      @ForAll @IntRange(min = 0, max = 3) int example,
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 4) int mutations) {
    Random random = new Random(seed);
    Object tree = new Load(LoadSettings.builder().build()).loadFromString(EXAMPLES.get(example));
    for (int i = 0; i < mutations; i++) {
      tree = mutate(tree, random, 0);
    }
    assertAnswered(new Dump(DUMP).dumpToString(tree));
  }

  @Property(tries = 5000)
  void textMutationsAreAnsweredWithRolloutsOrLocatedProblems(
      @ForAll @IntRange(min = 0, max = 3) int example,
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 3) int mutations) {
    Random random = new Random(seed);
    String text = EXAMPLES.get(example);
    for (int i = 0; i < mutations; i++) {
      text = mutateText(text, random);
    }
    assertAnswered(text);
  }

  private static void assertAnswered(String text) {
    try {
      assertThat(new SpecLoader().parse(text, "fuzz.yaml", DIR)).isNotEmpty();
    } catch (SpecException e) {
      assertThat(e.problems())
          .isNotEmpty()
          .allSatisfy(
              p -> {
                assertThat(p.line()).isPositive();
                assertThat(p.column()).isPositive();
                assertThat(p.source()).isEqualTo("fuzz.yaml");
                assertThat(p.message()).isNotBlank().doesNotContain("internal error");
              });
    }
  }

  @SuppressWarnings("unchecked")
  private static Object mutate(Object node, Random random, int depth) {
    if (node instanceof Map<?, ?> m && !m.isEmpty() && (depth < 2 || random.nextInt(4) != 0)) {
      Map<Object, Object> copy = new LinkedHashMap<>((Map<Object, Object>) m);
      List<Object> keys = new ArrayList<>(copy.keySet());
      Object key = keys.get(random.nextInt(keys.size()));
      switch (random.nextInt(6)) {
        case 0 -> copy.remove(key);
        case 1 -> {
          Object v = copy.remove(key);
          copy.put(String.valueOf(key) + (char) ('a' + random.nextInt(26)), v);
        }
        case 2 -> copy.put(key, scalar(random));
        case 3 -> copy.put(key, singletonList(copy.get(key)));
        default -> copy.put(key, mutate(copy.get(key), random, depth + 1));
      }
      return copy;
    }
    if (node instanceof List<?> l && !l.isEmpty() && (depth < 2 || random.nextInt(4) != 0)) {
      List<Object> copy = new ArrayList<>(l);
      int i = random.nextInt(copy.size());
      switch (random.nextInt(5)) {
        case 0 -> copy.remove(i);
        case 1 -> copy.add(copy.get(i));
        case 2 -> copy.set(i, scalar(random));
        default -> copy.set(i, mutate(copy.get(i), random, depth + 1));
      }
      return copy;
    }
    return random.nextBoolean() ? scalar(random) : singletonMap("k", scalar(random));
  }

  private static Object scalar(Random random) {
    return SCALARS[random.nextInt(SCALARS.length)];
  }

  private static String mutateText(String text, Random random) {
    List<String> lines = new ArrayList<>(text.lines().toList());
    int at = lines.isEmpty() ? 0 : random.nextInt(lines.size());
    switch (random.nextInt(7)) {
      case 0 -> {
        return text.substring(0, random.nextInt(text.length() + 1));
      }
      case 1 -> {
        if (!lines.isEmpty()) {
          lines.add(at, lines.get(at));
        }
      }
      case 2 -> {
        if (!lines.isEmpty()) {
          lines.remove(at);
        }
      }
      case 3 -> {
        int pos = random.nextInt(text.length() + 1);
        String noise = String.valueOf(":-[]{}&*!|>'\"#%@` \t\n?,".charAt(random.nextInt(22)));
        return text.substring(0, pos) + noise + text.substring(pos);
      }
      case 4 -> lines.add(at, "bomb0: &b0 [x, x, x, x, x, x, x, x, x]");
      case 5 -> {
        StringBuilder b = new StringBuilder("bomb: &b [");
        b.append("*b0, ".repeat(random.nextInt(80))).append("x]");
        lines.add(Math.min(at + 1, lines.size()), b.toString());
      }
      default -> {
        if (!lines.isEmpty()) {
          String line = lines.get(at);
          lines.set(at, line.replaceFirst("^( *)", "$1" + " ".repeat(random.nextInt(3))));
        }
      }
    }
    return String.join("\n", lines) + "\n";
  }
}
