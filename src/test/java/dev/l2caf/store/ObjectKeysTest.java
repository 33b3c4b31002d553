package dev.l2caf.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {
  @Test
  void laysOutResultKeys() {
    assertEquals("results/mobilenet-v1-050-224/req-42/281/heatmap.png",
        ObjectKeys.forResult("results", "mobilenet-v1-050-224", "req-42", "281", "heatmap.png"));
    assertEquals("team/a/results/m/id_1.x/c/f",
        ObjectKeys.forResult("team/a/results", "m", "id_1.x", "c", "f"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "a/b", "..", ".", "", "id with space", "id\u0000"})
  void refusesRequestIdsThatAreNotPlainNames(String requestId) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> ObjectKeys.forResult("results", "m", requestId, "c", "f.png"));

    assertTrue(error.getMessage().startsWith("request id "), error.getMessage());
  }

  @Test
  void refusesOverlongRequestIds() {
    assertThrows(IllegalArgumentException.class,
        () -> ObjectKeys.forResult("results", "m", "x".repeat(200), "c", "f.png"));
    assertEquals(128 + 12, ObjectKeys.forResult("r", "m", "x".repeat(128), "c", "f.png").length());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/results", "results/", "a//b", "a/../b"})
  void refusesMalformedPrefixes(String prefix) {
    assertThrows(IllegalArgumentException.class,
        () -> ObjectKeys.forResult(prefix, "m", "id", "c", "f.png"));
  }

  @Test
  void refusesTraversalInEveryPart() {
    assertThrows(IllegalArgumentException.class,
        () -> ObjectKeys.forResult("results", "..", "id", "c", "f.png"));
    assertThrows(IllegalArgumentException.class,
        () -> ObjectKeys.forResult("results", "m", "id", "../c", "f.png"));
    assertThrows(IllegalArgumentException.class,
        () -> ObjectKeys.forResult("results", "m", "id", "c", "../../etc/passwd"));
  }
}
