package dev.snailtrail.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {
  @TempDir Path home;

  private Path configFile(String text) throws Exception {
    Path f = ClientConfig.defaultFile(home);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return f;
  }

  @Test
  void withNothingSetItIsTheLocalControllerWithoutAToken() {
    ClientConfig c = ClientConfig.resolve(null, null, Map.of(), ClientConfig.defaultFile(home));
    assertThat(c.server()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(c.token()).isNull();
  }

  @Test
  void flagsBeatTheEnvironmentWhichBeatsTheFile() throws Exception {
    Path f = configFile("server: http://from-file:1\ntoken: file-token\n");
    Map<String, String> env =
        Map.of("SNAILTRAIL_SERVER", "http://from-env:2", "SNAILTRAIL_TOKEN", "env-token");
    assertThat(ClientConfig.resolve("http://flag:3/", "flag-token", env, f))
        .isEqualTo(new ClientConfig(URI.create("http://flag:3"), "flag-token"));
    assertThat(ClientConfig.resolve(null, null, env, f))
        .isEqualTo(new ClientConfig(URI.create("http://from-env:2"), "env-token"));
    assertThat(ClientConfig.resolve(null, null, Map.of(), f))
        .isEqualTo(new ClientConfig(URI.create("http://from-file:1"), "file-token"));
  }

  @Test
  void aTokenFileIsReadRelativeToTheConfigFile() throws Exception {
    Path f = configFile("tokenFile: api.token\n");
    Files.writeString(f.getParent().resolve("api.token"), "  from-token-file\n");
    assertThat(ClientConfig.resolve(null, null, Map.of(), f).token()).isEqualTo("from-token-file");
  }

  @Test
  void unusableSettingsSayWhich() throws Exception {
    assertThatThrownBy(() -> ClientConfig.resolve("ftp://x", null, Map.of(), null))
        .isInstanceOf(ClientConfig.Invalid.class)
        .hasMessageContaining("not an http(s) URL");
    Path f = configFile("tokenFile: missing.token\n");
    assertThatThrownBy(() -> ClientConfig.resolve(null, null, Map.of(), f))
        .isInstanceOf(ClientConfig.Invalid.class)
        .hasMessageContaining("missing.token does not exist");
    Path list = configFile("- server\n");
    assertThatThrownBy(() -> ClientConfig.resolve(null, null, Map.of(), list))
        .isInstanceOf(ClientConfig.Invalid.class)
        .hasMessageContaining("is a mapping");
  }

  @Test
  void theTokenNeverShowsInToString() {
    assertThat(new ClientConfig(URI.create("http://x:1"), "secret").toString())
        .doesNotContain("secret");
  }
}
