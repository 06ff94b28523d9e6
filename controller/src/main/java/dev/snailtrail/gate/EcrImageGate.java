package dev.snailtrail.gate;

import dev.snailtrail.provider.Images.ImageInfo;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.spec.Gate;
import dev.snailtrail.spec.Gate.Severity;
import dev.snailtrail.spec.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ecrImage}: the image exists in ECR, optionally without scan findings above a severity. */
final class EcrImageGate {

  private static final Pattern ECR_REGION =
      Pattern.compile("\\d{12}\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

  Measurement measure(Gate.EcrImage gate, GateContext ctx) {
    ImageRef image = gate.image() != null ? gate.image() : ctx.phase().image();
    if (image == null && ctx.main() != null) {
      // A phase that keeps the live image: the image its task definition runs.
      image = ImageRef.parse(ctx.main().image());
    }
    if (image == null) {
      return new Measurement.Fail(
          "the ecrImage gate has no image to check; set its image or the phase's image");
    }
    if (!image.isEcr()) {
      return new Measurement.Pass(
          image + " is not in ECR; the ecrImage check only applies to ECR images");
    }
    String region = region(image, ctx);
    String repo = image.repository() + " (" + image.ecrAccount() + ", " + region + ")";
    String name = image.repository() + ref(image);
    Optional<ImageInfo> found;
    try {
      found = ctx.providers().images().describeImage(region, image);
    } catch (ProviderException e) {
      if (e.kind() != ProviderException.Kind.NOT_FOUND) {
        throw e;
      }
      return new Measurement.Fail(
          "ECR repository "
              + repo
              + " does not exist; create it and push "
              + name
              + ", or fix the image");
    }
    if (found.isEmpty()) {
      return new Measurement.Fail(
          "image " + name + " not found in ECR repository " + repo + "; push it or fix the tag");
    }
    ImageInfo info = found.get();
    if (gate.maxSeverity() != null) {
      List<String> above = new ArrayList<>();
      for (Severity s : Severity.values()) {
        int n = info.scanFindings().getOrDefault(s, 0);
        if (s.compareTo(gate.maxSeverity()) > 0 && n > 0) {
          above.add(0, n + " " + s);
        }
      }
      if (!above.isEmpty()) {
        return new Measurement.Fail(
            "image "
                + name
                + " has scan findings above "
                + gate.maxSeverity()
                + ": "
                + String.join(", ", above)
                + "; fix them or raise maxSeverity");
      }
    }
    return new Measurement.Pass(
        "image "
            + name
            + " is in ECR ("
            + shortDigest(info.digest())
            + ")"
            + (gate.maxSeverity() == null
                ? ""
                : info.scanFindings().isEmpty()
                    ? ", no scan findings reported"
                    : ", no scan findings above " + gate.maxSeverity()));
  }

  /** The registry's region; ECR images are often pulled from the service's own region. */
  private static String region(ImageRef image, GateContext ctx) {
    Matcher m = ECR_REGION.matcher(image.registry());
    return m.matches() ? m.group(1) : ctx.service().region();
  }

  private static String ref(ImageRef image) {
    if (image.digest() != null && image.tag() == null) {
      return "@" + image.digest();
    }
    return ":" + image.effectiveTag();
  }

  private static String shortDigest(String digest) {
    if (digest == null) {
      return "no digest reported";
    }
    int colon = digest.indexOf(':');
    int end = Math.min(digest.length(), colon + 1 + 12);
    return digest.substring(0, end);
  }
}
