package dev.l2caf.method;

import static dev.l2caf.TestAssets.cosine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import dev.l2caf.model.FeatureMap;
import dev.l2caf.model.Forward;
import dev.l2caf.model.HeadReplay;
import dev.l2caf.model.LoadedModel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The solvers on the shipped MobileNet, against the method's own definitions (losses, optimality). */
class SolverTest {
  static final LoadedModel MODEL = TestAssets.model();
  static final String LAST = MODEL.layerTensor("last");
  private static final String MIDDLE = MODEL.layerTensor("expand14");
  private static final ReplaySolver FAST = new ReplaySolver(AdamSettings.reference(Mode.FAST.tolerance()));

  static Forward forward(String layer, String... images) {
    return MODEL.forward(Arrays.stream(images).map(i -> TestAssets.sample(i).modelInput()).toList(), layer);
  }

  static FilterProblem problem(String layer, Forward f, int[] rowImages, int[] classes, Loss loss,
      FilterType filter) {
    return problem(layer, f, rowImages, classes, loss, filter, Heat.ABS);
  }

  static FilterProblem problem(String layer, Forward f, int[] rowImages, int[] classes, Loss loss,
      FilterType filter, Heat heat) {
    float[][] objectives = new float[rowImages.length][];
    for (int r = 0; r < rowImages.length; r++) {
      objectives[r] = loss.objective(classes[r], f.logits()[rowImages[r]]);
    }
    return new FilterProblem(MODEL.head(layer), f.features().rows(rowImages), objectives, loss, filter, 7, heat);
  }

  private static float[] uniform(FilterProblem p) {
    FeatureMap f = p.features();
    float[] u = new float[f.batch() * f.height() * f.width()];
    Arrays.fill(u, (float) (1 / Math.sqrt(f.height() * f.width())));
    return u;
  }

  private static float[] repeat(float[] row, int times) {
    float[] out = new float[row.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(row, 0, out, i * row.length, row.length);
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"REFERENCE", "MEAN_OTHERS"})
  void exactAndIterativeAgreeOnThreeClassesOfTwoImages(Loss loss) {
    Forward f = forward(LAST, "dog.jpg", "eagle.jpg");
    int[] images = {0, 0, 0, 1, 1, 1};
    int[] classes = {251, 250, 249, 23, 22, 24};
    FilterProblem p = problem(LAST, f, images, classes, loss, FilterType.L2NORM);
    List<FilterSolution> exact = new ExactSolver().solve(MODEL, p);
    List<FilterSolution> iterative = FAST.solve(MODEL, p);
    for (int r = 0; r < images.length; r++) {
      FilterSolution e = exact.get(r);
      FilterSolution i = iterative.get(r);
      assertTrue(cosine(e.heatmap(), i.heatmap()) >= 0.999, "row " + r + ": cosine " + cosine(e.heatmap(), i.heatmap()));
      assertTrue(Math.abs(i.loss() - e.loss()) <= 0.01 * Math.abs(e.loss()), "row " + r + ": " + i.loss() + " vs " + e.loss());
      assertEquals(SolverKind.EXACT, e.solver());
      assertEquals(SolverKind.REPLAY, i.solver());
      assertTrue(i.iterations() > 0 && i.iterations() <= 1000);
    }
  }

  @Test
  void exactOptimumBeatsEveryOtherUnitFilter() {
    // Independent of the closed form: no unit-norm filter may have a lower class-specific loss.
    Forward f = forward(LAST, "dog.jpg");
    FilterProblem one = problem(LAST, f, new int[] {0}, new int[] {251}, Loss.REFERENCE, FilterType.L2NORM);
    float optimum = new ExactSolver().solve(MODEL, one).get(0).loss();
    int trials = 64;
    FilterProblem many = problem(LAST, f, new int[trials], new int[trials], Loss.REFERENCE, FilterType.L2NORM);
    many = new FilterProblem(many.head(), many.features(), repeatRows(one.objectives()[0], trials), many.loss(),
        many.filter(), 0, Heat.ABS);
    Random random = new Random(1);
    float[] u = new float[trials * 49];
    for (int t = 0; t < trials; t++) {
      double norm = 0;
      for (int i = 0; i < 49; i++) {
        u[t * 49 + i] = (float) random.nextGaussian();
        norm += u[t * 49 + i] * u[t * 49 + i];
      }
      for (int i = 0; i < 49; i++) {
        u[t * 49 + i] /= (float) Math.sqrt(norm);
      }
    }
    float[] losses = FilterLoss.evaluate(MODEL, many, u);
    for (float loss : losses) {
      assertTrue(optimum <= loss + 1e-4, "a random unit filter has loss " + loss + " below the optimum " + optimum);
    }
    float uniformLoss = FilterLoss.evaluate(MODEL, one, uniform(one))[0];
    assertTrue(optimum < uniformLoss);
  }

  private static float[][] repeatRows(float[] row, int times) {
    float[][] out = new float[times][];
    Arrays.fill(out, row);
    return out;
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"REFERENCE", "MEAN_OTHERS", "SOFTMAX"})
  void batchedRowsEqualRowsSolvedAlone(Loss loss) {
    Forward f = forward(LAST, "dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg", "person.jpg", "scream.jpg");
    int[] images = {0, 1, 2, 3, 4, 5, 0, 2};
    int[] classes = {251, 23, 341, 340, 160, 918, 444, 353};
    FilterProblem batch = problem(LAST, f, images, classes, loss, FilterType.L2NORM);
    List<FilterSolution> batched = FAST.solve(MODEL, batch);
    List<FilterSolution> exactBatched = loss.linear() ? new ExactSolver().solve(MODEL, batch) : null;
    for (int r = 0; r < images.length; r++) {
      FilterProblem alone = problem(LAST, f, new int[] {images[r]}, new int[] {classes[r]}, loss, FilterType.L2NORM);
      FilterSolution single = FAST.solve(MODEL, alone).get(0);
      assertTrue(cosine(single.heatmap(), batched.get(r).heatmap()) >= 0.9999, "row " + r);
      assertEquals(single.iterations(), batched.get(r).iterations(), "row " + r);
      if (exactBatched != null) {
        FilterSolution exactSingle = new ExactSolver().solve(MODEL, alone).get(0);
        assertTrue(cosine(exactSingle.heatmap(), exactBatched.get(r).heatmap()) >= 0.9999, "exact row " + r);
      }
    }
  }

  /**
   * The signed exact filter of each row, rebuilt from its two finalizations: |u| gives the magnitudes, max(u, 0)
   * says which cells are positive.
   */
  private static float[] signedExactFilters(FilterProblem abs, FilterProblem positive) {
    List<FilterSolution> magnitudes = new ExactSolver().solve(MODEL, abs);
    List<FilterSolution> positives = new ExactSolver().solve(MODEL, positive);
    int cells = magnitudes.get(0).heatmap().length;
    float[] u = new float[abs.rows() * cells];
    for (int r = 0; r < abs.rows(); r++) {
      for (int i = 0; i < cells; i++) {
        float m = magnitudes.get(r).heatmap()[i];
        u[r * cells + i] = positives.get(r).heatmap()[i] > 0 ? m : -m;
      }
    }
    return u;
  }

  @Test
  void thePositiveHeatIsThePositivePartOfTheSignedOptimum() {
    Forward f = forward(LAST, "dog.jpg", "person.jpg");
    int[] images = {0, 0, 1};
    int[] classes = {251, 672, 340};
    FilterProblem abs = problem(LAST, f, images, classes, Loss.MEAN_OTHERS, FilterType.L2NORM, Heat.ABS);
    FilterProblem positive = problem(LAST, f, images, classes, Loss.MEAN_OTHERS, FilterType.L2NORM, Heat.POSITIVE);
    float[] u = signedExactFilters(abs, positive);
    List<FilterSolution> exact = new ExactSolver().solve(MODEL, abs);
    // Independent of the solver: the model's own head gives the reported optimum at the rebuilt signed filter,
    // and a higher loss at |u| (so the signs are real and both kinds of cell occur).
    float[] atSigned = FilterLoss.evaluate(MODEL, abs, u);
    float[] magnitudes = new float[u.length];
    for (int i = 0; i < u.length; i++) {
      magnitudes[i] = Math.abs(u[i]);
    }
    float[] atAbs = FilterLoss.evaluate(MODEL, abs, magnitudes);
    List<FilterSolution> positives = new ExactSolver().solve(MODEL, positive);
    for (int r = 0; r < images.length; r++) {
      float optimum = exact.get(r).loss();
      assertEquals(optimum, atSigned[r], 1e-4 * Math.abs(optimum) + 1e-5, "row " + r);
      assertTrue(atAbs[r] > optimum + 1e-3, "row " + r + ": " + atAbs[r] + " vs " + optimum);
      float[] p = positives.get(r).heatmap();
      double norm = 0;
      for (float v : p) {
        norm += (double) v * v;
      }
      assertEquals(1.0, norm, 1e-5, "unit norm");
    }
  }

  @Test
  void theSoftmaxLossOptimumBeatsTheReferenceOptimumUnderTheSoftmaxLoss() {
    Forward f = forward(LAST, "dog.jpg", "person.jpg");
    int[] images = {0, 0, 0, 1, 1};
    int[] classes = {251, 672, 718, 251, 340};
    float[] referenceOptimum = signedExactFilters(
        problem(LAST, f, images, classes, Loss.REFERENCE, FilterType.L2NORM, Heat.ABS),
        problem(LAST, f, images, classes, Loss.REFERENCE, FilterType.L2NORM, Heat.POSITIVE));
    FilterProblem softmax = problem(LAST, f, images, classes, Loss.SOFTMAX, FilterType.L2NORM);
    List<FilterSolution> solved = FAST.solve(MODEL, softmax);
    float[] softmaxLossOfReference = FilterLoss.evaluate(MODEL, softmax, referenceOptimum);
    for (int r = 0; r < images.length; r++) {
      assertTrue(solved.get(r).loss() <= softmaxLossOfReference[r] + 1e-4,
          "row " + r + ": softmax optimum " + solved.get(r).loss() + " vs the reference optimum's "
              + softmaxLossOfReference[r]);
    }
  }

  @Test
  void convergenceIsPerImage() {
    // Softmax filters of these rows converge at different checks; each must stop on its own, as if alone.
    Forward f = forward(LAST, "dog.jpg", "eagle.jpg", "giraffe.jpg");
    int[] images = {0, 1, 2};
    int[] classes = {250, 22, 294}; // top-1 of each photo
    List<FilterSolution> batched = FAST.solve(MODEL,
        problem(LAST, f, images, classes, Loss.REFERENCE, FilterType.SOFTMAX));
    for (int r = 0; r < images.length; r++) {
      FilterSolution alone = FAST.solve(MODEL, problem(LAST, f, new int[] {images[r]}, new int[] {classes[r]},
          Loss.REFERENCE, FilterType.SOFTMAX)).get(0);
      assertEquals(alone.iterations(), batched.get(r).iterations(), "row " + r);
      assertTrue(cosine(alone.heatmap(), batched.get(r).heatmap()) >= 0.9999, "row " + r);
    }
    assertTrue(batched.stream().map(FilterSolution::iterations).distinct().count() > 1,
        "rows should converge at different iterations: " + batched.stream().map(FilterSolution::iterations).toList());
  }

  @Test
  void slowModeAtA14x14LayerEndsBelowUniformAndStartingLoss() {
    Forward f = forward(MIDDLE, "dog.jpg");
    assertEquals(14, f.features().height());
    FilterProblem p = problem(MIDDLE, f, new int[] {0}, new int[] {251}, Loss.REFERENCE, FilterType.L2NORM);
    assertTrue(!p.head().isAffine(), "the head after expand14 has ReLUs");
    FilterSolution s = new ReplaySolver(AdamSettings.reference(Mode.SLOW.tolerance()).withUnroll(25)).solve(MODEL, p).get(0);
    assertEquals(14 * 14, s.heatmap().length);
    float uniform = FilterLoss.evaluate(MODEL, p, uniform(p))[0];
    float start = FilterLoss.evaluate(MODEL, p, FilterLoss.initialMap(p))[0];
    assertTrue(s.loss() < uniform, s.loss() + " vs uniform " + uniform);
    assertTrue(s.loss() < start, s.loss() + " vs start " + start);
  }

  @Test
  void classObliviousAtLastEndsBelowUniformAndStartingLoss() {
    Forward f = forward(LAST, "dog.jpg", "horses.jpg");
    FilterProblem p = problem(LAST, f, new int[] {0, 1}, new int[] {0, 0}, Loss.KEEP_OUTPUT, FilterType.L2NORM);
    List<FilterSolution> s = FAST.solve(MODEL, p);
    float[] uniform = FilterLoss.evaluate(MODEL, p, uniform(p));
    float[] start = FilterLoss.evaluate(MODEL, p, repeat(FilterLoss.initialMap(p), 2));
    for (int r = 0; r < 2; r++) {
      assertTrue(s.get(r).loss() < uniform[r], s.get(r).loss() + " vs uniform " + uniform[r]);
      assertTrue(s.get(r).loss() < start[r], s.get(r).loss() + " vs start " + start[r]);
    }
  }

  @Test
  void filterOffKeepsTheModelsLogitsExactly() {
    // With u = 1 the filtered head must reproduce the logits bit for bit: the class-oblivious loss is then 0.
    Forward f = forward(LAST, "dog.jpg", "eagle.jpg");
    FilterProblem p = problem(LAST, f, new int[] {0, 1}, new int[] {0, 0}, Loss.KEEP_OUTPUT, FilterType.L2NORM);
    float[] ones = new float[2 * 49];
    Arrays.fill(ones, 1f);
    float[] loss = FilterLoss.evaluate(MODEL, p, ones);
    assertEquals(0f, loss[0]);
    assertEquals(0f, loss[1]);
  }

  @Test
  void softmaxAndGaussFiltersGiveFiniteHeatmapsOfTheLayersShape() {
    Forward f = forward(LAST, "dog.jpg");
    Forward f11 = forward(MIDDLE, "dog.jpg");
    for (FilterType type : List.of(FilterType.SOFTMAX, FilterType.GAUSS)) {
      FilterSolution s = FAST.solve(MODEL,
          problem(LAST, f, new int[] {0}, new int[] {251}, Loss.REFERENCE, type)).get(0);
      assertHeatmap(s, 7, 7);
    }
    // Gauss generalized beyond the reference's fixed 7x7.
    FilterSolution g = new ReplaySolver(AdamSettings.reference(Mode.SLOW.tolerance()).withUnroll(25)).solve(MODEL,
        problem(MIDDLE, f11, new int[] {0}, new int[] {251}, Loss.REFERENCE, FilterType.GAUSS)).get(0);
    assertHeatmap(g, 14, 14);
  }

  private static void assertHeatmap(FilterSolution s, int h, int w) {
    assertEquals(h, s.height());
    assertEquals(w, s.width());
    assertEquals(h * w, s.heatmap().length);
    double sum = 0;
    for (float v : s.heatmap()) {
      assertTrue(Float.isFinite(v) && v >= 0, "heatmap value " + v);
      sum += v * v;
    }
    assertEquals(1.0, sum, 1e-4, "finalized heatmaps have unit L2 norm");
    assertTrue(Float.isFinite(s.loss()));
  }
}
