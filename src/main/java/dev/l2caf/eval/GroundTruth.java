package dev.l2caf.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.image.Box;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ground-truth boxes per image, from a JSON file mapping an image's path relative to the images folder (its
 * file name in a flat folder) to {@code [{"class": id, "box": [x0, y0, x1, y1]}, ...]} in image pixels, x1 and
 * y1 exclusive. An object may be listed several times, under different classes.
 */
public record GroundTruth(Map<String, List<LabeledBox>> boxesByImage) {

  public record LabeledBox(int classId, Box box) {}

  public GroundTruth {
    boxesByImage = Map.copyOf(boxesByImage);
  }

  public static GroundTruth none() {
    return new GroundTruth(Map.of());
  }

  /** @throws IllegalArgumentException naming the file (and entry) when it cannot be read or is not in the format above */
  public static GroundTruth read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) { // missing, unreadable or not JSON: a bad argument, reported in one line
      throw new IllegalArgumentException("cannot read boxes file " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a JSON object of image name -> list of boxes");
    }
    Map<String, List<LabeledBox>> boxes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> image : root.properties()) {
      String where = file + ": " + image.getKey();
      if (!image.getValue().isArray()) {
        throw new IllegalArgumentException(where + ": expected a list of {\"class\": id, \"box\": [x0, y0, x1, y1]}");
      }
      List<LabeledBox> list = new ArrayList<>();
      for (JsonNode entry : image.getValue()) {
        list.add(labeledBox(entry, where));
      }
      boxes.put(image.getKey(), List.copyOf(list));
    }
    return new GroundTruth(boxes);
  }

  private static LabeledBox labeledBox(JsonNode entry, String where) {
    JsonNode classId = entry.get("class");
    JsonNode box = entry.get("box");
    if (classId == null || !classId.canConvertToInt() || !classId.isIntegralNumber() || box == null
        || !box.isArray() || box.size() != 4 || !allIntegers(box)) {
      throw new IllegalArgumentException(where + ": expected {\"class\": id, \"box\": [x0, y0, x1, y1]} with integers, got "
          + entry);
    }
    try {
      return new LabeledBox(classId.asInt(), new Box(box.get(0).asInt(), box.get(1).asInt(), box.get(2).asInt(),
          box.get(3).asInt()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static boolean allIntegers(JsonNode array) {
    for (JsonNode v : array) {
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        return false;
      }
    }
    return true;
  }

  public boolean hasBoxes(String image) {
    return !boxesByImage.getOrDefault(image, List.of()).isEmpty();
  }

  /** The classes that have boxes in an image, in file order, each once. */
  public List<Integer> classes(String image) {
    return boxesByImage.getOrDefault(image, List.of()).stream().map(LabeledBox::classId).distinct().toList();
  }

  /** The boxes of one class in an image. */
  public List<Box> boxes(String image, int classId) {
    return boxesByImage.getOrDefault(image, List.of()).stream()
        .filter(b -> b.classId() == classId).map(LabeledBox::box).toList();
  }

  /** The images named in the file that are not among {@code present} (usually typos or another folder's boxes). */
  public List<String> imagesNotIn(Set<String> present) {
    return boxesByImage.keySet().stream().filter(name -> !present.contains(name)).sorted().toList();
  }

  /** Every class id in the file, to check against a model before anything runs. */
  public Set<Integer> allClasses() {
    Set<Integer> ids = new TreeSet<>();
    boxesByImage.values().forEach(list -> list.forEach(b -> ids.add(b.classId())));
    return ids;
  }
}
