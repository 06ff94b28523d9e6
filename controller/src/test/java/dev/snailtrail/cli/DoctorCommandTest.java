package dev.snailtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
