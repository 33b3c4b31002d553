package dev.l2caf.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Class names by model output index. Lines are either plain names or {@code index:name}; line i names
 * output {@code i + offset} (ImageNet labels of 1000 lines for a 1001-output model have offset 1).
 */
public final class Labels {
  private static final Pattern INDEXED = Pattern.compile("^\\d+:(.*)$");

  private final List<String> names;
  private final int offset;

  Labels(List<String> names, int offset) {
    this.names = List.copyOf(names);
    this.offset = offset;
  }

  static Labels read(Path file, int offset) {
    try {
      List<String> names =
          Files.readAllLines(file, StandardCharsets.UTF_8).stream()
              .filter(line -> !line.isBlank())
              .map(line -> {
                var m = INDEXED.matcher(line.strip());
                return m.matches() ? m.group(1).strip() : line.strip();
              })
              .toList();
      return new Labels(names, offset);
    } catch (IOException e) {
      throw new ModelException("cannot read labels file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The name of a model output, or {@code "class <id>"} where the file has none. */
  public String name(int classId) {
    int line = classId - offset;
    return line >= 0 && line < names.size() ? names.get(line) : "class " + classId;
  }
}
