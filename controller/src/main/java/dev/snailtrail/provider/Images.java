package dev.snailtrail.provider;

import dev.snailtrail.spec.Gate.Severity;
import dev.snailtrail.spec.ImageRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Amazon ECR. */
public interface Images {

  /**
   * The image by tag or digest, or empty when the repository exists but the image does not.
   *
   * @throws ProviderException NOT_FOUND when the repository does not exist
   */
  Optional<ImageInfo> describeImage(String region, ImageRef image);

  /**
   * An image.
   *
   * @param scanFindings counts by severity; empty when never scanned
   */
  record ImageInfo(
      String digest, List<String> tags, Instant pushedAt, Map<Severity, Integer> scanFindings) {
    public ImageInfo {
      tags = List.copyOf(tags);
      scanFindings = Map.copyOf(scanFindings);
    }
  }
}
