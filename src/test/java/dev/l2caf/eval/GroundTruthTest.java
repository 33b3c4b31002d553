package dev.l2caf.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.image.Box;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroundTruthTest {
  @TempDir Path temp;

  private GroundTruth read(String json) throws IOException {
    Path file = temp.resolve("boxes.json");
    Files.writeString(file, json);
    return GroundTruth.read(file);
  }

  @Test
  void readsClassesAndBoxesPerImage() throws IOException {
    GroundTruth truth = read("""
        {"a.jpg": [{"class": 5, "box": [1, 2, 30, 40]}, {"class": 7, "box": [0, 0, 10, 10]},
                   {"class": 5, "box": [50, 50, 60, 70]}],
         "b.jpg": []}""");
    assertEquals(List.of(5, 7), truth.classes("a.jpg"), "file order, each class once");
    assertEquals(List.of(new Box(1, 2, 30, 40), new Box(50, 50, 60, 70)), truth.boxes("a.jpg", 5));
    assertTrue(truth.hasBoxes("a.jpg"));
    assertFalse(truth.hasBoxes("b.jpg"));
    assertFalse(truth.hasBoxes("c.jpg"));
    assertEquals(Set.of(5, 7), truth.allClasses());
    assertEquals(List.of("b.jpg"), truth.imagesNotIn(Set.of("a.jpg")));
  }

  @Test
  void malformedEntriesAreRejectedWithTheImageName() {
    IllegalArgumentException noBox = assertThrows(IllegalArgumentException.class,
        () -> read("{\"a.jpg\": [{\"class\": 5}]}"));
    assertTrue(noBox.getMessage().contains("a.jpg"), noBox.getMessage());
    assertThrows(IllegalArgumentException.class, () -> read("{\"a.jpg\": [{\"class\": 5, \"box\": [1, 2, 3]}]}"));
    assertThrows(IllegalArgumentException.class, () -> read("{\"a.jpg\": [{\"class\": 5, \"box\": [1, 2, 3.5, 4]}]}"));
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> read("{\"a.jpg\": [{\"class\": 5, \"box\": [10, 2, 10, 4]}]}"));
    assertTrue(empty.getMessage().contains("not a non-empty box"), empty.getMessage());
    assertThrows(IllegalArgumentException.class, () -> read("[1, 2]"));
  }

  @Test
  void theShippedBoxesHaveDogJpgsBoxesFromItsSource() {
    GroundTruth truth = GroundTruth.read(Path.of("samples/boxes.json"));
    assertEquals(List.of(new Box(130, 220, 310, 540)), truth.boxes("dog.jpg", 251)); // dog: Siberian husky
    assertEquals(List.of(new Box(125, 130, 570, 425)), truth.boxes("dog.jpg", 672)); // bicycle: mountain bike
    assertEquals(List.of(new Box(465, 75, 690, 170)), truth.boxes("dog.jpg", 718)); // truck: pickup
  }
}
