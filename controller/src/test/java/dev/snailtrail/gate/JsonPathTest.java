package dev.snailtrail.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JsonPathTest {

  private static final JsonNode DOC =
      JsonMapper.builder()
          .build()
          .readTree(
              """
              {"ml": {"state": "ready", "model.version": "2.1"},
               "models": [{"name": "a"}, {"name": "b", "ok": true}],
               "count": 2}
              """);

  private static String find(String path) {
    return JsonPath.compile(path).find(DOC).map(JsonNode::toString).orElse("<none>");
  }

  @Test
  void readsMembersIndexesAndBracketedNames() {
    assertThat(find("$.ml.state")).isEqualTo("\"ready\"");
    assertThat(find("$['ml']['model.version']")).isEqualTo("\"2.1\"");
    assertThat(find("$.models[1].name")).isEqualTo("\"b\"");
    assertThat(find("$.count")).isEqualTo("2");
    assertThat(find("$")).startsWith("{\"ml\"");
  }

  @Test
  void aWildcardGivesTheFirstElementThatHasTheRestOfThePath() {
    assertThat(find("$.models[*].ok")).isEqualTo("true");
    assertThat(find("$.models[*].name")).isEqualTo("\"a\"");
    assertThat(find("$.ml.*")).isEqualTo("\"ready\"");
  }

  @Test
  void aPathThatLeadsNowhereFindsNothing() {
    assertThat(find("$.ml.missing")).isEqualTo("<none>");
    assertThat(find("$.models[5].name")).isEqualTo("<none>");
    assertThat(find("$.count[0]")).isEqualTo("<none>");
    assertThat(find("$.ml[0]")).isEqualTo("<none>");
  }

  @Test
  void unsupportedSyntaxIsRejectedSayingWhatIsSupported() {
    assertThatThrownBy(() -> JsonPath.compile("ml.state")).hasMessageContaining("starts with $");
    assertThatThrownBy(() -> JsonPath.compile("$.models[?(@.ok)]"))
        .hasMessageContaining("position 9")
        .hasMessageContaining("supported: $, .name, ['name'], [n], [*]");
    assertThatThrownBy(() -> JsonPath.compile("$..state")).hasMessageContaining("member name");
    assertThatThrownBy(() -> JsonPath.compile("$['ml'")).hasMessageContaining("expected ']'");
    assertThatThrownBy(() -> JsonPath.compile("$['ml")).hasMessageContaining("unclosed quote");
  }
}
