package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snailtrail.doctor.CheckResult;
import dev.snailtrail.doctor.Checklist;
import dev.snailtrail.doctor.Preflight;
import dev.snailtrail.provider.Images;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.provider.Providers;
import dev.snailtrail.sim.Seed;
import dev.snailtrail.sim.Simulator;
import dev.snailtrail.spec.Rollout;
import dev.snailtrail.spec.load.SpecLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DoctorCommandTest {
  private static final String ROLE = "arn:aws:iam::396608803476:role/ecsTaskExecutionRole";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static Path example(String name) {
    return Path.of(System.getProperty("snailtrail.root", ".."), "spec-examples", name);
  }

  /** The story's spec, which has the task execution role it needs to pull from ECR. */
  private Path storyWithRole() throws IOException {
    Path file = dir.resolve("rollout.yaml");
    Files.writeString(file, Files.readString(example("snail-trail.yaml")));
    assertThat(Files.readString(file)).contains("executionRoleArn: " + ROLE);
    return file;
  }

  /** The story's spec without its task execution role. */
  private Path storyWithoutRole() throws IOException {
    Path file = dir.resolve("no-role.yaml");
    Files.writeString(
        file,
        Files.readString(example("snail-trail.yaml"))
            .replace("    executionRoleArn: " + ROLE + "\n", ""));
    return file;
  }

  @Test
  void aHealthyWorldExitsZeroAndSaysItCheckedTheSimulator() throws IOException {
    Path file = storyWithRole();

    assertThat(run("doctor", "-f", file.toString(), "--provider", "sim")).isZero();

    assertThat(out.toString())
        .contains("checked against the simulator seeded from " + file)
        .contains("not AWS")
        .contains("Phase first-steps")
        .contains("Phase victory-lap")
        .contains(
            "  ✓ Service exists: service shine-api-gateway does not exist yet; createIfMissing creates it")
        .contains(
            "  ✓ Network bindings: awsvpc: empty networkBindings are normal; port 5000 lives on"
                + " each task's network interface")
        .contains("22 checks: 22 passed, 0 failed, 0 warnings, 0 skipped")
        .doesNotContain("✗");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void theStorySpecWithoutAnExecutionRoleFailsWithTheFix() throws IOException {
    assertThat(
            run(
                "doctor",
                "-f",
                storyWithoutRole().toString(),
                "--provider",
                "sim",
                "--phase",
                "first-steps"))
        .isEqualTo(1);

    assertThat(out.toString().lines())
        .contains(
            "  ✗ Image in ECR: the task definition has no executionRoleArn, so FARGATE tasks cannot"
                + " pull from ECR or write awslogs",
            "      fix:  Set template.executionRoleArn to a role with the"
                + " AmazonECSTaskExecutionRolePolicy.");
    assertThat(out.toString()).doesNotContain("Phase exploration");
  }

  @Test
  void aScenarioBreaksTheWorldAndPlainMarksTheFailure() throws IOException {
    Path scenario = dir.resolve("no-sg-rule.yaml");
    Files.writeString(
        scenario, "remove:\n  - securityGroupRule: {group: sg-0a1b2c3d4e5f60718, port: 5000}\n");

    int exit =
        run(
            "doctor",
            "-f",
            storyWithRole().toString(),
            "--provider",
            "sim",
            "--scenario",
            scenario.toString(),
            "--plain");

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .contains("with scenario " + scenario)
        .contains(
            "  [FAIL] Security group admits the port: security group sg-0a1b2c3d4e5f60718"
                + " (shine-api-gateway-tasks) does not admit tcp 5000 from the load balancer's"
                + " group sg-")
        .contains("      seen: sg-0a1b2c3d4e5f60718 admits: no inbound rules")
        .contains(
            "      fix:  Add the rule: aws ec2 authorize-security-group-ingress --group-id"
                + " sg-0a1b2c3d4e5f60718 --protocol tcp --port 5000 --source-group sg-")
        .contains("  [PASS] Service exists:")
        .doesNotContain("✓");
  }

  /**
   * The checks of the story on the simulator, broken by {@code scenario} (may be null), with ECR
   * refusing every request as AWS does credentials it does not accept.
   */
  private List<CheckResult> checksWithEcrDenied(String scenario) throws Exception {
    Rollout rollout = new SpecLoader().load(storyWithRole()).get(0);
    try (Simulator sim = new Simulator(Clock.systemUTC())) {
      sim.seed(rollout, Seed.defaults());
      if (scenario != null) {
        sim.applyScenario(scenario);
      }
      Providers real = sim.providers();
      Images denied =
          (region, image) -> {
            throw new ProviderException(
                ProviderException.Kind.ACCESS_DENIED,
                "ecr",
                "DescribeImages",
                "UnrecognizedClientException (HTTP 400): The security token included in the"
                    + " request is invalid.");
          };
      Providers providers =
          new Providers(
              real.name(),
              real.ecs(),
              real.loadBalancing(),
              real.cloudWatch(),
              real.logs(),
              denied,
              real.network(),
              real.endpoints(),
              real.scaling());
      return new Preflight(providers).checkAll(rollout);
    }
  }

  @Test
  void checksTheProviderCouldNotAnswerAreNeverAPass() throws Exception {
    List<CheckResult> results = checksWithEcrDenied(null);

    assertThat(results).noneMatch(CheckResult::failed);
    assertThat(Checklist.lines(results, false))
        .contains(
            "  ? Image in ECR: could not check: ecr DescribeImages: ACCESS_DENIED -"
                + " UnrecognizedClientException (HTTP 400): The security token included in the"
                + " request is invalid.",
            "      fix:  Check the credentials this runs with (aws sts get-caller-identity) and"
                + " that they allow ecr:DescribeImages, then run doctor again. This says nothing"
                + " about the check either way.");
    assertThat(DoctorCommand.exitCode(results))
        .isEqualTo(DoctorCommand.COULD_NOT_CHECK)
        .isEqualTo(3);
  }

  @Test
  void aFailedCheckKeepsItsExitCodeWhenOthersCouldNotBeMade() throws Exception {
    List<CheckResult> results =
        checksWithEcrDenied(
            "remove:\n  - securityGroupRule: {group: sg-0a1b2c3d4e5f60718, port: 5000}\n");

    assertThat(Preflight.unchecked(results)).isNotEmpty();
    assertThat(results).filteredOn(CheckResult::failed).isNotEmpty();
    assertThat(DoctorCommand.exitCode(results)).isEqualTo(1);
  }

  @Test
  void usageErrorsExitTwo() throws IOException {
    Path file = storyWithRole();
    assertThat(run("doctor", "-f", file.toString(), "--provider", "sim", "--phase", "nope"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("has no phase 'nope'; phases: [first-steps,");

    assertThat(run("doctor", "-f", file.toString(), "--provider", "gcp")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown provider 'gcp'");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, Files.readString(file).replace("port: 5000", "port: 80800"));
    assertThat(run("doctor", "-f", bad.toString(), "--provider", "sim")).isEqualTo(2);
    assertThat(err.toString()).contains("spec.template.port");

    assertThat(run("doctor", "--provider", "sim")).isEqualTo(2);
  }
}
