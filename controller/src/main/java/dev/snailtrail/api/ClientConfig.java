package dev.snailtrail.api;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Where the CLI finds the controller and its token. Each setting comes from the first place that
 * has it: a command-line flag, the environment ({@code SNAILTRAIL_SERVER}, {@code
 * SNAILTRAIL_TOKEN}), then {@code ~/.config/snailtrail/config.yaml} ({@code server:}, {@code
 * token:} or {@code tokenFile:}).
 *
 * @param token the bearer token, or null to send none
 */
public record ClientConfig(URI server, String token) {
  public static final URI DEFAULT_SERVER = URI.create("http://127.0.0.1:8080");
  public static final String SERVER_ENV = "SNAILTRAIL_SERVER";
  public static final String TOKEN_ENV = "SNAILTRAIL_TOKEN";

  /** A setting that cannot be used; the message says which and why. */
  public static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Invalid(String message) {
      super(message);
    }
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "ClientConfig[server=" + server + ", token=" + (token == null ? "none" : "(set)") + "]";
  }

  /** The config file under a home directory. */
  public static Path defaultFile(Path home) {
    return home.resolve(".config").resolve("snailtrail").resolve("config.yaml");
  }

  /**
   * @param serverFlag {@code --server}, or null
   * @param tokenFlag {@code --token}, or null
   * @param env the environment
   * @param file the config file (need not exist)
   */
  public static ClientConfig resolve(
      String serverFlag, String tokenFlag, Map<String, String> env, Path file) {
    Map<String, Object> fromFile = read(file);
    String server = first(serverFlag, env.get(SERVER_ENV), string(fromFile, "server", file));
    String token = first(tokenFlag, env.get(TOKEN_ENV), string(fromFile, "token", file));
    if (token == null) {
      String tokenFile = string(fromFile, "tokenFile", file);
      if (tokenFile != null) {
        token = readToken(file.toAbsolutePath().getParent().resolve(tokenFile));
      }
    }
    return new ClientConfig(server == null ? DEFAULT_SERVER : uri(server), token);
  }

  private static URI uri(String text) {
    String s = text.strip();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    try {
      URI u = new URI(s);
      if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
        throw new Invalid("server '" + text + "' is not an http(s) URL like " + DEFAULT_SERVER);
      }
      return u;
    } catch (URISyntaxException e) {
      throw new Invalid("server '" + text + "' is not a URL: " + e.getReason());
    }
  }

  private static String readToken(Path path) {
    try {
      String t = Files.readString(path, StandardCharsets.UTF_8).strip();
      if (t.isEmpty()) {
        throw new Invalid("token file " + path + " is empty");
      }
      return t;
    } catch (NoSuchFileException e) {
      throw new Invalid("token file " + path + " does not exist");
    } catch (IOException e) {
      throw new Invalid("cannot read token file " + path + ": " + e.getMessage());
    }
  }

  private static Map<String, Object> read(Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      return Map.of();
    }
    Object doc;
    try {
      doc =
          new Load(LoadSettings.builder().setLabel(file.toString()).build())
              .loadFromString(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | YamlEngineException e) {
      throw new Invalid("cannot read " + file + ": " + e.getMessage());
    }
    if (doc == null) {
      return Map.of();
    }
    if (!(doc instanceof Map<?, ?> m)) {
      throw new Invalid(file + " is a mapping with server:, token: or tokenFile:");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) m;
    return map;
  }

  private static String string(Map<String, Object> m, String key, Path file) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new Invalid(file + ": '" + key + "' is a string");
    }
    return s;
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
