package dev.snailtrail.sim;

import dev.snailtrail.provider.Images.ImageInfo;
import dev.snailtrail.provider.ProviderException;
import dev.snailtrail.spec.Gate.Severity;
import dev.snailtrail.spec.ImageRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Simulated ECR repositories, keyed by region and repository name. */
final class Ecr {
  private final Map<String, List<Image>> repositories = new HashMap<>();

  /** One pushed image. */
  record Image(
      String digest, List<String> tags, Instant pushedAt, Map<Severity, Integer> findings) {
    ImageInfo info() {
      return new ImageInfo(digest, tags, pushedAt, findings);
    }
  }

  void createRepository(String region, String repository) {
    repositories.computeIfAbsent(region + "|" + repository, k -> new ArrayList<>());
  }

  boolean repositoryExists(String region, String repository) {
    return repositories.containsKey(region + "|" + repository);
  }

  /** Pushes the image's tag (creating the repository), moving the tag if it existed. */
  Image push(String region, ImageRef ref, Instant at, Map<Severity, Integer> findings) {
    createRepository(region, ref.repository());
    List<Image> images = repositories.get(region + "|" + ref.repository());
    String tag = ref.effectiveTag();
    String digest = ref.digest() != null ? ref.digest() : digestOf(ref.repository() + ":" + tag);
    images.removeIf(i -> i.digest().equals(digest));
    List<Image> moved = new ArrayList<>();
    for (Image i : images) {
      if (tag != null && i.tags().contains(tag)) {
        List<String> rest = new ArrayList<>(i.tags());
        rest.remove(tag);
        moved.add(new Image(i.digest(), List.copyOf(rest), i.pushedAt(), i.findings()));
      } else {
        moved.add(i);
      }
    }
    images.clear();
    images.addAll(moved);
    Image image =
        new Image(digest, tag == null ? List.of() : List.of(tag), at, Map.copyOf(findings));
    images.add(image);
    return image;
  }

  /** Deletes the image a tag or digest names; whether there was one. */
  boolean remove(String region, ImageRef ref) {
    List<Image> images = repositories.get(region + "|" + ref.repository());
    if (images == null) {
      return false;
    }
    Optional<Image> found = find(images, ref);
    found.ifPresent(images::remove);
    return found.isPresent();
  }

  /** Deletes the image from the repository of that name in every region; how many went. */
  int removeEverywhere(ImageRef ref) {
    int removed = 0;
    for (var e : repositories.entrySet()) {
      if (e.getKey().endsWith("|" + ref.repository())) {
        Optional<Image> found = find(e.getValue(), ref);
        if (found.isPresent()) {
          e.getValue().remove(found.get());
          removed++;
        }
      }
    }
    return removed;
  }

  Optional<ImageInfo> describe(String region, ImageRef ref) {
    List<Image> images = repositories.get(region + "|" + ref.repository());
    if (images == null) {
      throw new ProviderException(
          ProviderException.Kind.NOT_FOUND,
          "ecr",
          "DescribeImages",
          "RepositoryNotFoundException: The repository with name '"
              + ref.repository()
              + "' does not exist in the registry with id '"
              + World.ACCOUNT
              + "'");
    }
    return find(images, ref).map(Image::info);
  }

  /**
   * Whether a task could pull the image: true unless the repository is known here and the image is
   * not (images from registries the simulator was never told about are assumed present).
   */
  boolean pullable(String region, ImageRef ref) {
    List<Image> images = repositories.get(region + "|" + ref.repository());
    return images == null || find(images, ref).isPresent();
  }

  private static Optional<Image> find(List<Image> images, ImageRef ref) {
    if (ref.digest() != null) {
      return images.stream().filter(i -> i.digest().equals(ref.digest())).findFirst();
    }
    String tag = ref.effectiveTag();
    return images.stream().filter(i -> i.tags().contains(tag)).findFirst();
  }

  static String digestOf(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
