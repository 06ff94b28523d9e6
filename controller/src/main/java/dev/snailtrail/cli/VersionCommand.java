package dev.snailtrail.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code snailtrail version}. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the version and exit.")
final class VersionCommand implements Runnable {

  @Override
  public void run() {
    System.out.println("snailtrail " + version());
  }

  static String version() {
    Properties p = new Properties();
    try (InputStream in =
        VersionCommand.class.getResourceAsStream("/dev/snailtrail/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version", "unknown");
  }

  /** Feeds {@code --version}. */
  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"snailtrail " + version()};
    }
  }
}
