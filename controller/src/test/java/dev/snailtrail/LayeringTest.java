package dev.snailtrail;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on the compiled classes. The allowed
 * dependencies are read from the table in that document, so the table and the code cannot drift
 * apart: change one, and this test says where the other disagrees.
 */
class LayeringTest {
  private static final String ROOT = "dev.snailtrail";

  /** Packages that own real time: the composition root and the runtimes it starts. */
  private static final Set<String> REAL_TIME_OWNERS = Set.of("cli", "controller", "run");

  private static JavaClasses classes;
  private static Map<String, Set<String>> allowed;

  @BeforeAll
  static void importClasses() throws IOException {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
    allowed = table(Path.of(System.getProperty("snailtrail.root", "..")));
  }

  /** The "Allowed dependencies" table: package (short name) to the packages it may use. */
  static Map<String, Set<String>> table(Path root) throws IOException {
    String doc = Files.readString(root.resolve("docs/architecture.md"));
    int start = doc.indexOf("## Allowed dependencies");
    assertThat(start).as("docs/architecture.md has an 'Allowed dependencies' section").isPositive();
    Map<String, Set<String>> out = new LinkedHashMap<>();
    Pattern code = Pattern.compile("`([a-z.]+)`");
    boolean inTable = false;
    for (String line : doc.substring(start).split("\n")) {
      if (line.startsWith("|---")) {
        inTable = true;
        continue;
      }
      if (inTable && !line.startsWith("|")) {
        break;
      }
      if (!inTable) {
        continue;
      }
      String[] cells = line.split("\\|");
      Set<String> uses = new TreeSet<>();
      Matcher m = code.matcher(cells[2]);
      while (m.find()) {
        uses.add(m.group(1));
      }
      boolean everything = cells[2].contains("everything");
      Matcher p = code.matcher(cells[1]);
      while (p.find()) {
        out.put(p.group(1), everything ? Set.of("*") : uses);
      }
    }
    assertThat(out).as("rows of the allowed-dependencies table").isNotEmpty();
    return out;
  }

  private static Set<String> projectPackages() {
    return classes.stream()
        .map(JavaClass::getPackageName)
        .filter(n -> n.startsWith(ROOT + "."))
        .map(n -> n.substring(ROOT.length() + 1))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void everyPackageHasARowInTheTable() {
    assertThat(allowed.keySet())
        .as("packages in docs/architecture.md's table")
        .containsAll(projectPackages());
  }

  @Test
  void packagesUseOnlyWhatTheirRowAllows() {
    List<String> violations = new ArrayList<>();
    for (JavaClass c : classes) {
      String from = shortName(c.getPackageName());
      Set<String> may = allowed.get(from);
      if (from == null || may == null || may.contains("*")) {
        continue;
      }
      c.getDirectDependenciesFromSelf().stream()
          .map(d -> d.getTargetClass())
          .map(t -> shortName(t.getPackageName()))
          .filter(to -> to != null && !to.equals(from) && !may.contains(to))
          .distinct()
          .forEach(to -> violations.add(c.getName() + " uses " + to));
    }
    assertThat(violations)
        .as("dependencies the table in docs/architecture.md does not allow")
        .isEmpty();
  }

  @Test
  void noCyclesBetweenPackages() {
    slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void awsSdkTypesStayInTheAwsPackage() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".aws")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("software.amazon.awssdk..")
        .check(classes);
  }

  @Test
  void onlyTheCompositionRootAndRuntimesReadTheSystemClockOrSleep() {
    String[] others =
        projectPackages().stream()
            .filter(p -> !REAL_TIME_OWNERS.contains(p))
            .map(p -> ROOT + "." + p)
            .toArray(String[]::new);
    noClasses()
        .that()
        .resideInAnyPackage(others)
        .should()
        .callMethod(java.time.Clock.class, "systemUTC")
        .orShould()
        .callMethod(java.time.Clock.class, "systemDefaultZone")
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(Thread.class, "sleep", long.class)
        .orShould()
        .callMethod(Thread.class, "sleep", java.time.Duration.class)
        .check(classes);
  }

  @Test
  void onlyTheTransitionTableMovesARolloutsPhaseAndStep() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(ROOT + ".reconcile.Transitions")
        .should()
        .callMethodWhere(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "Pass.move",
                call ->
                    call.getTarget().getOwner().getFullName().equals(ROOT + ".reconcile.Pass")
                        && call.getTarget().getName().equals("move")))
        .check(classes);
  }

  private static String shortName(String pkg) {
    return pkg.startsWith(ROOT + ".") ? pkg.substring(ROOT.length() + 1) : null;
  }
}
