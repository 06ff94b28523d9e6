package dev.snailtrail.spec.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.snailtrail.spec.Rollout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The JSON Schema editors use agrees with the loader on every example and on shape errors. */
class RolloutSchemaTest {
  private static final YAMLMapper YAML = YAMLMapper.builder().build();
  private static final Schema SCHEMA = schema();

  private static Schema schema() {
    try {
      String text = Files.readString(SpecExamplesTest.root().resolve("docs/rollout.schema.json"));
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(YAML.readTree(text));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<Error> validate(String yaml) {
    List<Error> errors = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        errors.addAll(SCHEMA.validate(docs.next()));
      }
    }
    return errors;
  }

  static Stream<Path> examples() throws Exception {
    return SpecExamplesTest.examples();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleAndItsEffectiveSpecMeetTheSchema(Path file) throws Exception {
    assertThat(validate(Files.readString(file))).isEmpty();
    for (Rollout r : SpecExamplesTest.load(file).rollouts()) {
      assertThat(validate(SpecWriter.toYaml(r))).isEmpty();
    }
  }

  static Stream<BadSpecTest.Fixture> shapeErrors() throws Exception {
    List<BadSpecTest.Fixture> rejected =
        BadSpecTest.fixtures().stream().filter(BadSpecTest.Fixture::schemaRejects).toList();
    assertThat(rejected).hasSizeGreaterThanOrEqualTo(25);
    return rejected.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapeErrors")
  void theSchemaRejectsEveryShapeError(BadSpecTest.Fixture fixture) throws Exception {
    assertThat(validate(Files.readString(fixture.file()))).isNotEmpty();
  }
}
