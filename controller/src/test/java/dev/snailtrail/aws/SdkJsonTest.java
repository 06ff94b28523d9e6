package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.EFSVolumeConfiguration;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.MountPoint;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Ulimit;
import software.amazon.awssdk.services.ecs.model.Volume;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SdkJsonTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static RegisterTaskDefinitionRequest everyKindOfField() {
    return RegisterTaskDefinitionRequest.builder()
        .family("shine-api")
        .cpu("512")
        .memory("1024")
        .networkMode("awsvpc")
        .requiresCompatibilitiesWithStrings("FARGATE")
        .executionRoleArn("arn:aws:iam::123456789012:role/exec")
        .taskRoleArn("arn:aws:iam::123456789012:role/task")
        .runtimePlatform(r -> r.cpuArchitecture("ARM64").operatingSystemFamily("LINUX"))
        .ephemeralStorage(e -> e.sizeInGiB(30))
        .volumes(
            Volume.builder()
                .name("models")
                .efsVolumeConfiguration(
                    EFSVolumeConfiguration.builder()
                        .fileSystemId("fs-12345678")
                        .transitEncryption("ENABLED")
                        .build())
                .build())
        .containerDefinitions(
            ContainerDefinition.builder()
                .name("api")
                .image("repo/api:1")
                .essential(true)
                .secrets(
                    Secret.builder()
                        .name("DB_PASSWORD")
                        .valueFrom("arn:aws:secretsmanager:us-east-1:123456789012:secret:db")
                        .build())
                .environment(KeyValuePair.builder().name("MODE").value("full").build())
                .mountPoints(
                    MountPoint.builder().sourceVolume("models").containerPath("/models").build())
                .ulimits(Ulimit.builder().name("nofile").softLimit(1024).hardLimit(4096).build())
                .dependsOn(
                    ContainerDependency.builder()
                        .containerName("sidecar")
                        .condition("START")
                        .build())
                .logConfiguration(
                    LogConfiguration.builder()
                        .logDriver("awslogs")
                        .options(java.util.Map.of("awslogs-group", "/ecs/shine"))
                        .build())
                .dockerLabels(java.util.Map.of("team", "ml"))
                .stopTimeout(30)
                .build(),
            ContainerDefinition.builder().name("sidecar").image("repo/side:1").build())
        .tags(Tag.builder().key("team").value("ml").build())
        .build();
  }

  @Test
  void aRequestSurvivesTheRoundTripThroughJson() {
    RegisterTaskDefinitionRequest original = everyKindOfField();
    Set<String> unknown = new LinkedHashSet<>();

    JsonNode json = SdkJson.toJson(original);
    RegisterTaskDefinitionRequest back =
        SdkJson.fromJson(json, RegisterTaskDefinitionRequest::builder, unknown);

    assertThat(back).isEqualTo(original);
    assertThat(unknown).isEmpty();
  }

  @Test
  void usesTheApiFieldNames() {
    JsonNode json = SdkJson.toJson(everyKindOfField());

    assertThat(
            json.get("containerDefinitions")
                .get(0)
                .get("secrets")
                .get(0)
                .get("valueFrom")
                .asString())
        .startsWith("arn:aws:secretsmanager:");
    assertThat(
            json.get("volumes").get(0).get("efsVolumeConfiguration").get("fileSystemId").asString())
        .isEqualTo("fs-12345678");
    assertThat(json.get("requiresCompatibilities").get(0).asString()).isEqualTo("FARGATE");
    assertThat(json.has("ipcMode")).as("unset fields are left out").isFalse();
  }

  @Test
  void reportsFieldsTheModelDoesNotKnow() {
    JsonNode json =
        JSON.readTree(
            "{\"family\":\"f\",\"futureField\":1,"
                + "\"containerDefinitions\":[{\"name\":\"api\",\"image\":\"i\",\"newKnob\":true}]}");
    Set<String> unknown = new LinkedHashSet<>();

    RegisterTaskDefinitionRequest r =
        SdkJson.fromJson(json, RegisterTaskDefinitionRequest::builder, unknown);

    assertThat(r.family()).isEqualTo("f");
    assertThat(r.containerDefinitions().get(0).image()).isEqualTo("i");
    assertThat(unknown).containsExactly("futureField", "containerDefinitions[0].newKnob");
  }
}
