package dev.snailtrail.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snailtrail.moto.MotoServer;
import dev.snailtrail.provider.Images;
import dev.snailtrail.provider.Images.ImageInfo;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.spec.ImageRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecr.EcrClient;

@ExtendWith(MotoServer.Extension.class)
class AwsImagesIT {

  private static final String REGION = MotoServer.REGION;
  private static final String REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  private static final String MANIFEST =
      """
      {"schemaVersion": 2,
       "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
       "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023,
                  "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},
       "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                   "size": 32654,
                   "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"}]}
      """;
  private static AwsProviders aws;
  private static Images images;

  @BeforeAll
  static void open() {
    aws = AwsProviders.open(MotoServer.get().settings());
    images = aws.providers().images();
  }

  @AfterAll
  static void close() {
    aws.close();
  }

  @Test
  void findsAPushedImageByTagAndByDigest(MotoServer moto) {
    EcrClient sdk = moto.client(EcrClient.class, EcrClient::builder);
    sdk.createRepository(r -> r.repositoryName("shine-api-gateway"));
    String digest =
        sdk.putImage(
                r ->
                    r.repositoryName("shine-api-gateway")
                        .imageManifest(MANIFEST)
                        .imageTag("simple"))
            .image()
            .imageId()
            .imageDigest();

    ImageInfo byTag =
        images
            .describeImage(REGION, ImageRef.parse(REGISTRY + "/shine-api-gateway:simple"))
            .orElseThrow();
    ImageInfo byDigest =
        images
            .describeImage(REGION, ImageRef.parse(REGISTRY + "/shine-api-gateway@" + digest))
            .orElseThrow();

    assertThat(byTag.digest()).isEqualTo(digest);
    assertThat(byTag.tags()).containsExactly("simple");
    assertThat(byTag.pushedAt()).isNotNull();
    assertThat(byTag.scanFindings()).isEmpty();
    assertThat(byDigest.digest()).isEqualTo(digest);
  }

  @Test
  void aMissingTagIsEmptyAndAMissingRepositoryIsNotFound(MotoServer moto) {
    EcrClient sdk = moto.client(EcrClient.class, EcrClient::builder);
    sdk.createRepository(r -> r.repositoryName("shine-api-gateway"));

    assertThat(images.describeImage(REGION, ImageRef.parse(REGISTRY + "/shine-api-gateway:full")))
        .isEmpty();
    assertThatThrownBy(
            () -> images.describeImage(REGION, ImageRef.parse(REGISTRY + "/no-such-repo:simple")))
        .isInstanceOfSatisfying(
            ProviderException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
              assertThat(e.getMessage()).contains("RepositoryNotFoundException");
            });
  }
}
