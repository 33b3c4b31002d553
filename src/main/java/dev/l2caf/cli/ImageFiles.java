package dev.l2caf.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** The image files named on a command line: files as given, directories searched for images. */
final class ImageFiles {
  private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png");

  private ImageFiles() {}

  static List<Path> expand(List<Path> arguments) {
    List<Path> files = new ArrayList<>();
    for (Path arg : arguments) {
      if (Files.isDirectory(arg)) {
        try (Stream<Path> walk = Files.walk(arg)) {
          walk.filter(Files::isRegularFile).filter(ImageFiles::looksLikeImage).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + arg, e);
        }
      } else if (Files.exists(arg)) {
        files.add(arg); // named explicitly: try it whatever its extension, so bad files get a clear error
      } else {
        throw new ErrorHandler.UsageException("no such file or directory: " + arg);
      }
    }
    return files;
  }

  static boolean containsDirectory(List<Path> arguments) {
    return arguments.stream().anyMatch(Files::isDirectory);
  }

  private static boolean looksLikeImage(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
