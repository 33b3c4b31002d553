package dev.l2caf.method;

import static dev.l2caf.TestAssets.cosine;
import static dev.l2caf.method.SolverTest.LAST;
import static dev.l2caf.method.SolverTest.MODEL;
import static dev.l2caf.method.SolverTest.forward;
import static dev.l2caf.method.SolverTest.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import dev.l2caf.model.Forward;
import dev.l2caf.model.HeadReplay;
import dev.l2caf.model.LoadedModel;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The collapsed solver against the replay solver, which runs the same schedule through the real head. */
class CollapsedSolverTest {
  private static final AdamSettings SETTINGS = AdamSettings.reference(Mode.FAST.tolerance()).withUnroll(10);
  private static final ReplaySolver REPLAY = new ReplaySolver(SETTINGS);
  private static final CollapsedSolver COLLAPSED = new CollapsedSolver(SETTINGS);

  @ParameterizedTest
  @EnumSource(Loss.class)
  void collapsedEqualsReplayForEveryFilterType(Loss loss) {
    Forward f = forward(LAST, "dog.jpg", "eagle.jpg");
    int[] images = {0, 1};
    int[] classes = {251, 23};
    for (FilterType filter : FilterType.values()) {
      FilterProblem p = problem(LAST, f, images, classes, loss, filter);
      List<FilterSolution> replay = REPLAY.solve(MODEL, p);
      List<FilterSolution> collapsed = COLLAPSED.solve(MODEL, p);
      for (int r = 0; r < images.length; r++) {
        FilterSolution e = replay.get(r);
        FilterSolution c = collapsed.get(r);
        String row = loss.label() + " " + filter + " row " + r + ": ";
        double cos = cosine(e.heatmap(), c.heatmap());
        assertTrue(cos >= 0.9999, row + "cosine " + cos);
        assertTrue(Math.abs(c.loss() - e.loss()) <= 1e-4 * Math.abs(e.loss()), row + c.loss() + " vs " + e.loss());
        // Rounding may move a convergence decision by one check, no more.
        assertTrue(Math.abs(c.iterations() - e.iterations()) <= SETTINGS.checkEvery(),
            row + c.iterations() + " vs " + e.iterations() + " iterations");
        assertEquals(SolverKind.COLLAPSED, c.solver());
        assertEquals(SolverKind.REPLAY, e.solver());
      }
    }
  }

  @Test
  void batchedRowsEqualRowsSolvedAlone() {
    Forward f = forward(LAST, "dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg");
    int[] images = {0, 1, 2, 3, 0};
    int[] classes = {251, 23, 341, 340, 444};
    for (Loss loss : List.of(Loss.SOFTMAX, Loss.KEEP_OUTPUT)) {
      for (FilterType filter : List.of(FilterType.L2NORM, FilterType.SOFTMAX)) {
        List<FilterSolution> batched = COLLAPSED.solve(MODEL, problem(LAST, f, images, classes, loss, filter));
        for (int r = 0; r < images.length; r++) {
          FilterSolution alone = COLLAPSED.solve(MODEL,
              problem(LAST, f, new int[] {images[r]}, new int[] {classes[r]}, loss, filter)).get(0);
          String row = loss.label() + " " + filter + " row " + r;
          assertTrue(cosine(alone.heatmap(), batched.get(r).heatmap()) >= 0.9999, row);
          assertEquals(alone.iterations(), batched.get(r).iterations(), row);
        }
      }
    }
  }

  @Test
  void cellsThroughThePooledHeadEqualMaskedMaps() {
    Forward f = forward(LAST, "dog.jpg", "eagle.jpg", "giraffe.jpg");
    HeadReplay head = MODEL.head(LAST);
    assertTrue(head.poolsFirst(), head.opTypes().toString());
    float[][] pooled = CollapsedSolver.collapse(MODEL, head, f.features(), true);
    float[][] masked = CollapsedSolver.collapse(MODEL, head, f.features(), false);
    assertEquals(masked[0].length, pooled[0].length);
    assertCloseRelative(masked[1], pooled[1], "b");
    assertCloseRelative(masked[0], pooled[0], "G");
  }

  @Test
  void averagePoolHeadsKeepTheMaskedMaps() {
    // MobileNet v1 pools with a 7x7 VALID AvgPool, which refuses a 1x1 map: the masked G must be used.
    LoadedModel small = TestAssets.smallModel();
    String last = small.layerTensor("last");
    HeadReplay head = small.head(last);
    assertTrue(head.isAffine() && !head.poolsFirst(), head.opTypes().toString());
    assertTrue(!MODEL.head(MODEL.layerTensor("expand14")).poolsFirst());
    Forward f = small.forward(List.of(TestAssets.sample("dog.jpg").modelInput()), last);
    float[][] objectives = {Loss.SOFTMAX.objective(251, f.logits()[0])};
    FilterProblem p = new FilterProblem(head, f.features(), objectives, Loss.SOFTMAX, FilterType.L2NORM, 7, Heat.ABS);
    FilterSolution collapsed = COLLAPSED.solve(small, p).get(0);
    FilterSolution replay = REPLAY.solve(small, p).get(0);
    assertTrue(cosine(replay.heatmap(), collapsed.heatmap()) >= 0.9999);
    assertTrue(Math.abs(collapsed.loss() - replay.loss()) <= 1e-4 * Math.abs(replay.loss()));
  }

  /** Each value within 1e-5 of the largest magnitude in {@code expected}. */
  private static void assertCloseRelative(float[] expected, float[] actual, String what) {
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(scale > 0, what + " is all zeros");
    assertTrue(worst <= 1e-5 * scale, what + ": max difference " + worst + " at scale " + scale);
  }

  @Test
  void nonLinearHeadsAreRefused() {
    String middle = MODEL.layerTensor("expand14");
    Forward f = forward(middle, "dog.jpg");
    FilterProblem p = problem(middle, f, new int[] {0}, new int[] {251}, Loss.SOFTMAX, FilterType.L2NORM);
    assertTrue(!CollapsedSolver.applies(p.head()));
    assertThrows(IllegalArgumentException.class, () -> COLLAPSED.solve(MODEL, p));
  }
}
