package dev.snailtrail.gate;

import static dev.snailtrail.gate.Fixtures.NOW;
import static dev.snailtrail.gate.Fixtures.RULES;
import static dev.snailtrail.gate.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.provider.Images.ImageInfo;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Gate.Severity;
import dev.snailtrail.spec.ImageRef;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EcrImageGateTest {

  private static final String DIGEST =
      "sha256:3f2a9c41e5b07d6a8c9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e";
  private final FakeProviders fake = new FakeProviders();
  private final GateEvaluator evaluator = new GateEvaluator(HttpClient.newHttpClient());

  private Measurement measure(Gate gate) {
    return evaluator.measure(gate, ctx(fake));
  }

  private void pushed(String tag, Map<Severity, Integer> findings) {
    fake.repositories
        .computeIfAbsent("shine-api-gateway", r -> new HashMap<>())
        .put(tag, new ImageInfo(DIGEST, List.of(tag), NOW.minusSeconds(3600), findings));
  }

  @Test
  void thePhasesImagePassesWithItsDigest() {
    pushed("simple", Map.of());

    assertThat(measure(new Gate.EcrImage(null, null, RULES)))
        .isEqualTo(
            new Measurement.Pass("image shine-api-gateway:simple is in ECR (sha256:3f2a9c41e5b0)"));
  }

  @Test
  void aMissingTagFailsNamingTheRepository() {
    pushed("simple", Map.of());
    ImageRef full =
        ImageRef.parse("396608803476.dkr.ecr.us-east-1.amazonaws.com/shine-api-gateway:full");

    assertThat(measure(new Gate.EcrImage(full, null, RULES)))
        .isEqualTo(
            new Measurement.Fail(
                "image shine-api-gateway:full not found in ECR repository shine-api-gateway"
                    + " (396608803476, us-east-1); push it or fix the tag"));
  }

  @Test
  void aMissingRepositoryFails() {
    assertThat(measure(new Gate.EcrImage(null, null, RULES)).message())
        .isEqualTo(
            "ECR repository shine-api-gateway (396608803476, us-east-1) does not exist; create it"
                + " and push shine-api-gateway:simple, or fix the image");
  }

  @Test
  void findingsAboveTheLimitFailWithTheirCountsWorstFirst() {
    pushed("simple", Map.of(Severity.CRITICAL, 2, Severity.HIGH, 5, Severity.MEDIUM, 9));

    assertThat(measure(new Gate.EcrImage(null, Severity.MEDIUM, RULES)))
        .isEqualTo(
            new Measurement.Fail(
                "image shine-api-gateway:simple has scan findings above MEDIUM: 2 CRITICAL, 5"
                    + " HIGH; fix them or raise maxSeverity"));
  }

  @Test
  void findingsAtOrBelowTheLimitPass() {
    pushed("simple", Map.of(Severity.MEDIUM, 9, Severity.LOW, 1));

    assertThat(measure(new Gate.EcrImage(null, Severity.MEDIUM, RULES)))
        .isInstanceOf(Measurement.Pass.class);
  }

  @Test
  void imagesOutsideEcrPassSayingTheCheckDoesNotApply() {
    assertThat(measure(new Gate.EcrImage(ImageRef.parse("nginx:1.27"), null, RULES)))
        .isEqualTo(
            new Measurement.Pass(
                "nginx:1.27 is not in ECR; the ecrImage check only applies to ECR images"));
  }
}
