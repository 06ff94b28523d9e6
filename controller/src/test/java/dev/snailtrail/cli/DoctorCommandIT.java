package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.moto.MotoServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snailtrail doctor --provider aws} over the wire: a check AWS could not answer is "could
 * not check" with the reason, and doctor exits 3, never 0.
 */
// The refused endpoint costs each call its retries until the circuit breakers open.
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@ExtendWith(MotoServer.Extension.class)
class DoctorCommandIT {
  @TempDir Path dir;
  private MotoServer moto;
  private MotoWorld world;

  @BeforeEach
  void world(MotoServer server) throws Exception {
    moto = server;
    world = MotoWorld.create(server, dir);
  }

  private Invocation doctor(URI endpoint) {
    List<String> args =
        new ArrayList<>(List.of("-f", world.spec.toString(), "--plain", "--provider", "aws"));
    args.addAll(List.of("--endpoint", endpoint.toString()));
    return Invocation.of(new DoctorCommand(), args.toArray(String[]::new));
  }

  @Test
  void aWorldThatAnswersPassesAndExitsZero() {
    Invocation r = doctor(moto.endpoint());

    assertThat(r.exit()).as(r.printed()).isZero();
    assertThat(r.out()).doesNotContain("could not").contains(" 0 failed, ");
  }

  @Test
  void credentialsMotoRefusesAreCouldNotCheckAndExitThree() throws Exception {
    Invocation r;
    enforceAuthentication(true);
    try {
      r = doctor(moto.endpoint());
    } finally {
      enforceAuthentication(false);
    }

    assertThat(r.exit()).as(r.printed()).isEqualTo(DoctorCommand.COULD_NOT_CHECK).isEqualTo(3);
    assertThat(r.out())
        .contains(
            "  [NOT CHECKED] Service exists: could not check: ecs DescribeServices:"
                + " ACCESS_DENIED - HTTP 403: ")
        .contains(
            "      fix:  Check the credentials this runs with (aws sts get-caller-identity) and that"
                + " they allow ecs:DescribeServices, then run doctor again.")
        .contains("could not be checked")
        .contains("so this is not a pass")
        .doesNotContain("[FAIL]");
    assertThat(r.out().lines().filter(l -> l.contains("[PASS]")))
        .as("only what needs no AWS answer passes")
        .containsExactly(
            "  [PASS] Secrets readable: no container takes secrets",
            "  [PASS] Secrets readable: no container takes secrets",
            "  [PASS] Rollback ready: rolls back to phase first-steps (registered from the spec;"
                + " images in ECR)");
  }

  @Test
  void anEndpointThatRefusesConnectionsIsCouldNotCheckAndExitsThree() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }

    Invocation r = doctor(URI.create("http://127.0.0.1:" + closed));

    assertThat(r.exit()).as(r.printed()).isEqualTo(3);
    assertThat(r.out())
        .containsPattern(
            "\\[NOT CHECKED\\] Service exists: could not check: ecs DescribeServices:"
                + " (TRANSIENT|UNAVAILABLE) - ")
        .contains("endpoint is reachable from here")
        .contains("8 could not be checked")
        .doesNotContain("[FAIL]");
  }

  /**
   * Turns moto's IAM authentication on (every request must be signed by a user moto knows; the
   * test's keys are not one) or back off.
   */
  private void enforceAuthentication(boolean on) throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(moto.endpoint().resolve("/moto-api/reset-auth"))
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(on ? "0" : "inf"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
  }
}
