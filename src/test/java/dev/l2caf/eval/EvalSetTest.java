package dev.l2caf.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.image.Box;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Checks the shipped evaluation set (evalset/) is complete and consistent, so a broken edit fails here, not mid-eval. */
class EvalSetTest {
  private static final Path DIR = Path.of("evalset");
  private static final GroundTruth TRUTH = GroundTruth.read(DIR.resolve("boxes.json"));

  @Test
  void everyBoxLiesInsideItsImage() throws IOException {
    for (Map.Entry<String, List<GroundTruth.LabeledBox>> image : TRUTH.boxesByImage().entrySet()) {
      Path file = DIR.resolve(image.getKey());
      assertTrue(Files.isRegularFile(file), "listed in boxes.json but missing: " + file);
      BufferedImage pixels = ImageIO.read(file.toFile());
      assertNotNull(pixels, "not a readable image: " + file);
      assertTrue(!image.getValue().isEmpty(), "no boxes for " + file);
      for (GroundTruth.LabeledBox labeled : image.getValue()) {
        Box b = labeled.box();
        assertTrue(b.x1() <= pixels.getWidth() && b.y1() <= pixels.getHeight(),
            file + ": box " + b + " outside the " + pixels.getWidth() + "x" + pixels.getHeight() + " image");
      }
    }
  }

  @Test
  void holdsEnoughPairsAndMultiClassPhotos() {
    int pairs = TRUTH.boxesByImage().keySet().stream().mapToInt(image -> TRUTH.classes(image).size()).sum();
    long multiClass = TRUTH.boxesByImage().keySet().stream().filter(image -> TRUTH.classes(image).size() >= 2).count();
    assertTrue(pairs >= 30, "only " + pairs + " (image, class) pairs");
    assertTrue(multiClass >= 10, "only " + multiClass + " photos with two or more classes");
  }

  @Test
  void everyImageInTheFolderHasBoxesAndASource() throws IOException {
    Set<String> images;
    try (Stream<Path> files = Files.list(DIR)) {
      images = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("(?i).*\\.(jpe?g|png)"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(new TreeSet<>(TRUTH.boxesByImage().keySet()), images, "image files vs boxes.json entries");
    String source = Files.readString(DIR.resolve("SOURCE.md"));
    for (String image : images) {
      assertTrue(source.contains("| " + image + " |"), image + " has no row in SOURCE.md's file table");
    }
  }
}
