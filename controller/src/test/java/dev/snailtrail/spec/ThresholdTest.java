package dev.snailtrail.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThresholdTest {

  @Test
  void parsesOperatorsAndComparesValues() {
    assertThat(Threshold.parse("< 0.2").test(0.1)).isTrue();
    assertThat(Threshold.parse("< 0.2").test(0.2)).isFalse();
    assertThat(Threshold.parse(">= 99.5").test(99.5)).isTrue();
    assertThat(Threshold.parse("!=0").test(1)).isTrue();
    assertThat(Threshold.parse("< 0.2").test(Double.NaN)).isFalse();
    assertThat(Threshold.parse(">= 99.5")).hasToString(">= 99.5");
  }

  @Test
  void rejectsThresholdsWithoutOperatorOrNumber() {
    assertThatThrownBy(() -> Threshold.parse("0.2")).hasMessageContaining("\"< 0.2\"");
    assertThatThrownBy(() -> Threshold.parse("< fast")).hasMessageContaining("not a threshold");
  }

  @Test
  void parsesAndFormatsDurations() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.format(Duration.ofSeconds(5430))).isEqualTo("1h30m30s");
    assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageContaining("e.g. 30s");
    assertThatThrownBy(() -> Durations.parse("m5")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesImageReferences() {
    ImageRef ecr =
        ImageRef.parse("396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:simple");
    assertThat(ecr.isEcr()).isTrue();
    assertThat(ecr.ecrAccount()).isEqualTo("396608803476");
    assertThat(ecr.repository()).isEqualTo("shine-api-gateway");
    assertThat(ecr.tag()).isEqualTo("simple");
    assertThat(ImageRef.parse("nginx").effectiveTag()).isEqualTo("latest");
    assertThat(ImageRef.parse("localhost:5000/a/b:1")).hasToString("localhost:5000/a/b:1");
    assertThatThrownBy(() -> ImageRef.parse("Shine:API"))
        .hasMessageContaining("not a valid image reference");
    assertThatThrownBy(() -> ImageRef.parse("app:bad tag"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
