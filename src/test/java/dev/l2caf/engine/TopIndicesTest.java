package dev.l2caf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopIndicesTest {
  @Test
  void partialSelectionAgreesWithAFullSort() {
    Random random = new Random(3);
    for (int trial = 0; trial < 200; trial++) {
      float[] values = new float[1 + random.nextInt(50)];
      for (int i = 0; i < values.length; i++) {
        values[i] = random.nextInt(10); // many ties: earlier indices must come first
      }
      int k = 1 + random.nextInt(8);
      List<Integer> sorted = IntStream.range(0, values.length).boxed()
          .sorted(Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i))
          .limit(k).toList();
      assertEquals(sorted, Explainer.topIndices(values, k));
    }
  }

  @Test
  void softmaxSumsToOneAndKeepsOrder() {
    float[] p = Explainer.softmax(new float[] {1000f, 999f, -5f});
    assertEquals(1.0, p[0] + p[1] + p[2], 1e-6);
    assertEquals(1 / (1 + Math.exp(-1)), p[0], 1e-6);
  }
}
