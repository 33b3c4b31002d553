package dev.l2caf.method;

import static dev.l2caf.TestAssets.cosine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import dev.l2caf.model.FeatureMap;
import dev.l2caf.model.Forward;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;

/** CAM, Grad-CAM and the random map on the shipped MobileNet, against values derived independently. */
class BaselineTest {
  private static final LoadedModel MODEL = TestAssets.model();
  private static final String LAST = MODEL.layerTensor("last");
  /** The classifier's 1x1 conv weights [1, 1, C, 1001]: the filter of the one Conv2D whose output has 1001 channels. */
  private static final String CLASSIFIER_WEIGHTS = classifierWeights();

  private static String classifierWeights() {
    return MODEL.graph().toGraphDef().getNodeList().stream()
        .filter(n -> n.getOp().equals("Conv2D"))
        .filter(n -> MODEL.graph().outputOrThrow(n.getName()).shape().get(3) == MODEL.numClasses())
        .map(n -> n.getInput(1)).reduce((a, b) -> {
          throw new AssertionError("two classifier convolutions: " + a + ", " + b);
        }).orElseThrow();
  }

  private static FilterProblem problem(Forward f, int[] classes) {
    float[][] objectives = new float[classes.length][];
    int[] rows = new int[classes.length];
    for (int r = 0; r < classes.length; r++) {
      rows[r] = r % f.logits().length;
      objectives[r] = Loss.REFERENCE.objective(classes[r], f.logits()[rows[r]]);
    }
    return new FilterProblem(MODEL.head(LAST), f.features().rows(rows), objectives, Loss.REFERENCE,
        FilterType.L2NORM, 3, Heat.ABS);
  }

  @Test
  void camIsTheClassifierWeightsAppliedToTheLastFeatureMap() {
    Forward f = MODEL.forward(List.of(TestAssets.sample("dog.jpg").modelInput()), LAST);
    float[] weights;
    try (Result r = MODEL.session().runner().fetch(CLASSIFIER_WEIGHTS).run()) {
      weights = Tensors.values(r.get(0));
    }
    FeatureMap a = f.features();
    for (int target : new int[] {251, 444}) {
      float[] expected = new float[49];
      for (int cell = 0; cell < 49; cell++) {
        double sum = 0;
        for (int c = 0; c < a.channels(); c++) {
          sum += a.values()[cell * a.channels() + c] * weights[c * 1001 + target];
        }
        expected[cell] = (float) sum;
      }
      float[] cam = new CamSolver().solve(MODEL, problem(f, new int[] {target})).get(0).heatmap();
      assertTrue(cosine(expected, cam) > 0.9999, "class " + target + ": cosine " + cosine(expected, cam));
    }
  }

  @Test
  void gradCamIsTheReluOfCamUpToAPositiveFactorForThisLinearHead() {
    // With global average pooling and a linear classifier, dz_t/dA[h,w,c] = W[c,t]/(HW) everywhere, so
    // Grad-CAM's channel weights are W[c,t]/(HW) and Grad-CAM = ReLU(sum_c W[c,t] A) / (HW) = ReLU(CAM) / (HW).
    Forward f = MODEL.forward(List.of(TestAssets.sample("dog.jpg").modelInput(),
        TestAssets.sample("giraffe.jpg").modelInput()), LAST);
    FilterProblem p = problem(f, new int[] {251, 341, 444, 9});
    List<FilterSolution> cam = new CamSolver().solve(MODEL, p);
    List<FilterSolution> gradCam = new GradCamSolver().solve(MODEL, p);
    for (int r = 0; r < 4; r++) {
      float[] reluCam = FilterSolution.unitNorm(relu(cam.get(r).heatmap()));
      float[] g = gradCam.get(r).heatmap();
      for (int i = 0; i < g.length; i++) {
        assertEquals(reluCam[i], g[i], 1e-5, "row " + r + " cell " + i);
      }
      assertEquals(SolverKind.GRADCAM, gradCam.get(r).solver());
      assertTrue(Float.isNaN(gradCam.get(r).loss()), "baselines minimize nothing");
    }
  }

  @Test
  void gradCamWorksAtAnyLayerAndCamNeedsALinearHead() {
    String middle = MODEL.layerTensor("expand14");
    Forward f = MODEL.forward(List.of(TestAssets.sample("dog.jpg").modelInput()), middle);
    FilterProblem p = new FilterProblem(MODEL.head(middle), f.features(),
        new float[][] {Loss.REFERENCE.objective(251, f.logits()[0])}, Loss.REFERENCE,
        FilterType.L2NORM, 0, Heat.ABS);
    FilterSolution g = new GradCamSolver().solve(MODEL, p).get(0);
    assertEquals(14 * 14, g.heatmap().length);
    for (float v : g.heatmap()) {
      assertTrue(v >= 0 && Float.isFinite(v));
    }
    assertTrue(!CamSolver.applies(MODEL.head(middle)));
  }

  @Test
  void randomMapsAreSeededAndDifferPerRow() {
    Forward f = MODEL.forward(List.of(TestAssets.sample("dog.jpg").modelInput()), LAST);
    FilterProblem p = problem(f, new int[] {251, 251});
    List<FilterSolution> a = new RandomSolver().solve(MODEL, p);
    List<FilterSolution> b = new RandomSolver().solve(MODEL, p);
    assertEquals(a.get(0).heatmap()[5], b.get(0).heatmap()[5], "same seed, same map");
    assertNotEquals(a.get(0).heatmap()[5], a.get(1).heatmap()[5]);
  }

  @Test
  void gradientBaselinesRefuseClassObliviousRows() {
    Forward f = MODEL.forward(List.of(TestAssets.sample("dog.jpg").modelInput()), LAST);
    FilterProblem oblivious = new FilterProblem(MODEL.head(LAST), f.features(),
        new float[][] {Loss.KEEP_OUTPUT.objective(0, f.logits()[0])}, Loss.KEEP_OUTPUT, FilterType.L2NORM, 0,
        Heat.ABS);
    assertThrows(IllegalArgumentException.class, () -> new GradCamSolver().solve(MODEL, oblivious));
  }

  private static float[] relu(float[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Math.max(0, values[i]);
    }
    return out;
  }
}
