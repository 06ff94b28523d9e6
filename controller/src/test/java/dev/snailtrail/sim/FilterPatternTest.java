package dev.snailtrail.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FilterPatternTest {

  @Test
  void emptyPatternMatchesEverything() {
    assertThat(FilterPattern.parse("").matches("anything")).isTrue();
    assertThat(FilterPattern.parse("   ").matches("")).isTrue();
  }

  @Test
  void plainTermsMustAllMatchCaseSensitively() {
    FilterPattern p = FilterPattern.parse("ERROR worker");
    assertThat(p.matches("ERROR worker crashed")).isTrue();
    assertThat(p.matches("ERROR ML backend unreachable")).isFalse();
    assertThat(p.matches("error worker crashed")).isFalse();
  }

  @Test
  void questionMarkTermsMatchIfAnyDoes() {
    FilterPattern p = FilterPattern.parse("?ERROR ?Traceback");
    assertThat(p.matches("Traceback (most recent call last):")).isTrue();
    assertThat(p.matches("ERROR worker crashed")).isTrue();
    assertThat(p.matches("model loaded")).isFalse();
  }

  @Test
  void quotedPhrasesMatchAsAWhole() {
    FilterPattern p = FilterPattern.parse("\"model loaded\"");
    assertThat(p.matches("model loaded")).isTrue();
    assertThat(p.matches("model not loaded")).isFalse();
  }

  @Test
  void minusTermsExclude() {
    FilterPattern p = FilterPattern.parse("ERROR -\"ML backend\"");
    assertThat(p.matches("ERROR worker crashed")).isTrue();
    assertThat(p.matches("ERROR ML backend unreachable")).isFalse();
  }

  @Test
  void unsupportedFormsAreRejected() {
    assertThatThrownBy(() -> FilterPattern.parse("{ $.level = \"ERROR\" }"))
        .hasMessageContaining("term filter patterns only");
    assertThatThrownBy(() -> FilterPattern.parse("\"open")).hasMessageContaining("unbalanced");
  }
}
