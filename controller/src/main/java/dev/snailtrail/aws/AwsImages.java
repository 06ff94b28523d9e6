package dev.snailtrail.aws;

import dev.snailtrail.provider.Images;
import dev.snailtrail.spec.Gate.Severity;
import dev.snailtrail.spec.ImageRef;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.DescribeImagesResponse;
import software.amazon.awssdk.services.ecr.model.ImageDetail;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;

/** {@link Images} on Amazon ECR. A missing repository is NOT_FOUND; a missing image is empty. */
final class AwsImages implements Images {

  private static final String ECR = "ecr";

  private final ClientCache clients;
  private final AwsCalls calls;
  private final AssumedRole role;

  AwsImages(ClientCache clients, AwsCalls calls, AssumedRole role) {
    this.clients = clients;
    this.calls = calls;
    this.role = role;
  }

  @Override
  public Optional<ImageInfo> describeImage(String region, ImageRef image) {
    EcrClient ecr = clients.ecr(region, role);
    ImageIdentifier id =
        image.digest() != null
            ? ImageIdentifier.builder().imageDigest(image.digest()).build()
            : ImageIdentifier.builder().imageTag(image.effectiveTag()).build();
    Optional<DescribeImagesResponse> response =
        calls.call(
            ECR,
            "DescribeImages",
            () -> {
              try {
                return Optional.of(
                    ecr.describeImages(
                        r ->
                            r.repositoryName(image.repository())
                                .registryId(image.ecrAccount())
                                .imageIds(id)));
              } catch (ImageNotFoundException e) {
                return Optional.empty();
              }
            });
    return response.flatMap(r -> r.imageDetails().stream().findFirst()).map(AwsImages::info);
  }

  private static ImageInfo info(ImageDetail d) {
    Map<Severity, Integer> findings = new EnumMap<>(Severity.class);
    if (d.imageScanFindingsSummary() != null) {
      d.imageScanFindingsSummary()
          .findingSeverityCountsAsStrings()
          .forEach(
              (severity, count) -> {
                // UNDEFINED findings have no place on the severity scale; leave them out.
                for (Severity s : Severity.values()) {
                  if (s.name().equals(severity) && count != null) {
                    findings.put(s, count);
                  }
                }
              });
    }
    return new ImageInfo(d.imageDigest(), d.imageTags(), d.imagePushedAt(), findings);
  }
}
