package dev.snailtrail.aws;

import java.util.Objects;

/**
 * A role the adapters act as, assumed through STS with the configured credentials.
 *
 * @param roleArn the role
 * @param externalId sent with every AssumeRole when the role's trust policy asks for {@code
 *     sts:ExternalId} (null: none)
 * @param sessionName the role session's name, which CloudTrail shows beside every call the role
 *     makes: {@link #forRollout} names the rollout
 */
public record AssumedRole(String roleArn, String externalId, String sessionName) {

  /** STS's longest role session name. */
  static final int MAX_SESSION_NAME = 64;

  /** The session name when no rollout is named. */
  static final String DEFAULT_SESSION = "snailtrail";

  public AssumedRole {
    Objects.requireNonNull(roleArn, "roleArn");
    Objects.requireNonNull(sessionName, "sessionName");
  }

  /**
   * The role a rollout's calls act as: its {@code target.roleArn} and {@code target.externalId}, in
   * a session named {@code snailtrail-ROLLOUT}; null when the rollout names no role.
   */
  public static AssumedRole forRollout(String roleArn, String externalId, String rollout) {
    if (roleArn == null || roleArn.isBlank()) {
      return null;
    }
    return new AssumedRole(roleArn, externalId, sessionName(rollout));
  }

  /** The role in the session {@value #DEFAULT_SESSION}, without an external id. */
  public static AssumedRole of(String roleArn) {
    return roleArn == null || roleArn.isBlank()
        ? null
        : new AssumedRole(roleArn, null, DEFAULT_SESSION);
  }

  /**
   * {@code snailtrail-} and the rollout's name, in the characters STS allows ({@code [\w+=,.@-]},
   * anything else becomes {@code -}) and cut to its 64.
   */
  static String sessionName(String rollout) {
    if (rollout == null || rollout.isBlank()) {
      return DEFAULT_SESSION;
    }
    String name = DEFAULT_SESSION + "-" + rollout.replaceAll("[^\\w+=,.@-]", "-");
    return name.length() <= MAX_SESSION_NAME ? name : name.substring(0, MAX_SESSION_NAME);
  }
}
