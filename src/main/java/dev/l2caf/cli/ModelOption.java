package dev.l2caf.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shipped default model is: under the working directory, else next to the jar's folder. */
final class ModelOption {
  static final String DEFAULT = "models/mobilenet-v1-050-224";

  private ModelOption() {}

  static Path resolve(Path given) {
    if (given != null) {
      return given;
    }
    Path local = Path.of(DEFAULT);
    if (Files.isDirectory(local)) {
      return local;
    }
    try {
      Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path besideJar = jar.getParent().getParent().resolve(DEFAULT);
      return Files.isDirectory(besideJar) ? besideJar : local;
    } catch (URISyntaxException | RuntimeException e) {
      return local;
    }
  }
}
