package dev.l2caf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import dev.l2caf.image.Box;
import dev.l2caf.image.PreparedImage;
import dev.l2caf.method.FilterType;
import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import dev.l2caf.method.Mode;
import dev.l2caf.method.ReplaySolver;
import dev.l2caf.method.SolverKind;
import dev.l2caf.method.Variant;
import dev.l2caf.model.LoadedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplainerTest {
  private static final LoadedModel MODEL = TestAssets.model();

  private static ImageExplanation explainOne(String image, ExplainOptions options) {
    return Explainer.explain(MODEL, List.of(TestAssets.sample(image)), options).get(0);
  }

  @Test
  void dogIsAHuskyTypeDogAndIsExplainedWithTheDefaultLossAndHeat() {
    ImageExplanation r = explainOne("dog.jpg", ExplainOptions.defaults());
    int top = r.predictions().get(0).classId();
    assertTrue(top >= 249 && top <= 251, "top-1 is " + top + " " + r.predictions().get(0).label());
    assertEquals(5, r.predictions().size());
    assertEquals(768, r.width());
    assertEquals(576, r.height());
    assertEquals("fast", r.mode());
    ClassExplanation e = r.explanations().get(0);
    assertEquals(top, e.classId());
    assertEquals(Loss.DEFAULT, e.objective());
    assertEquals(Heat.DEFAULT, e.heat());
    if (Loss.DEFAULT.linear()) {
      assertEquals(SolverKind.EXACT, e.solver(), "auto picks the closed form for this affine head");
      assertEquals(0, e.iterations());
    } else {
      assertEquals(SolverKind.COLLAPSED, e.solver(), "auto collapses this affine head for a non-linear loss");
      assertTrue(e.iterations() > 0);
    }
    assertEquals(7, e.grid().length);
    Box b = e.box();
    assertTrue(0 <= b.x0() && b.x0() < b.x1() && b.x1() <= 768 && 0 <= b.y0() && b.y0() < b.y1() && b.y1() <= 576, b.toString());
  }

  @Test
  void topKExplainsThePredictedClassesInOrder() {
    ImageExplanation r = explainOne("dog.jpg", ExplainOptions.defaults().withTopK(3));
    List<Integer> predicted = r.predictions().subList(0, 3).stream().map(Prediction::classId).toList();
    assertEquals(predicted, r.explanations().stream().map(ClassExplanation::classId).toList());
  }

  @Test
  void autoFallsBackToTheCollapsedSolverWhereExactDoesNotApplyButTheHeadIsLinear() {
    ImageExplanation oblivious = explainOne("dog.jpg", ExplainOptions.defaults().withVariant(Variant.CLASS_OBLIVIOUS));
    assertEquals(1, oblivious.explanations().size());
    assertEquals(null, oblivious.explanations().get(0).classId());
    assertEquals(SolverKind.COLLAPSED, oblivious.explanations().get(0).solver());
    ImageExplanation softmax = explainOne("dog.jpg", ExplainOptions.defaults().withFilter(FilterType.SOFTMAX));
    assertEquals(SolverKind.COLLAPSED, softmax.explanations().get(0).solver());
    ImageExplanation softmaxLoss = explainOne("dog.jpg", ExplainOptions.defaults().withLoss(Loss.SOFTMAX));
    assertEquals(SolverKind.COLLAPSED, softmaxLoss.explanations().get(0).solver());
    ImageExplanation meanOthers = explainOne("dog.jpg", ExplainOptions.defaults().withLoss(Loss.MEAN_OTHERS));
    assertEquals(SolverKind.EXACT, meanOthers.explanations().get(0).solver());
    ImageExplanation reference = explainOne("dog.jpg", ExplainOptions.defaults().withLoss(Loss.REFERENCE));
    assertEquals(SolverKind.EXACT, reference.explanations().get(0).solver());
    ImageExplanation replay = explainOne("dog.jpg", ExplainOptions.defaults().withSolver(SolverKind.REPLAY));
    assertEquals(SolverKind.REPLAY, replay.explanations().get(0).solver());
  }

  @Test
  void nonLinearHeadsKeepTheReplaySolver() {
    ExplainOptions middle = ExplainOptions.defaults().withLayer("expand14");
    assertTrue(Explainer.plan(MODEL, middle.withSolver(SolverKind.ITERATIVE)).solver() instanceof ReplaySolver);
    assertTrue(Explainer.plan(MODEL, middle).solver() instanceof ReplaySolver);
    ExplainException collapsed = assertThrows(ExplainException.class,
        () -> Explainer.plan(MODEL, middle.withSolver(SolverKind.COLLAPSED)));
    assertEquals(ExplainException.Code.INVALID_OPTION, collapsed.code());
  }

  @Test
  void slowModeIsTheDefaultAwayFromTheLastLayer() {
    ExplainOptions options = ExplainOptions.defaults().withLayer("expand14").withUnroll(25);
    Explainer.Plan plan = Explainer.plan(MODEL, options);
    assertEquals(Mode.SLOW, plan.mode());
  }

  @Test
  void badOptionsAreRefusedWithNamedCodes() {
    PreparedImage dog = TestAssets.sample("dog.jpg");
    ExplainException unknownClass = assertThrows(ExplainException.class,
        () -> Explainer.explain(MODEL, List.of(dog), ExplainOptions.defaults().withClasses(List.of(1001))));
    assertEquals(ExplainException.Code.UNKNOWN_CLASS, unknownClass.code());
    assertTrue(unknownClass.getMessage().contains("1001"));
    ExplainException fastElsewhere = assertThrows(ExplainException.class,
        () -> Explainer.plan(MODEL, ExplainOptions.defaults().withLayer("block12").withMode(Mode.FAST)));
    assertEquals(ExplainException.Code.INVALID_OPTION, fastElsewhere.code());
    ExplainException exactOblivious = assertThrows(ExplainException.class, () -> Explainer.plan(MODEL,
        ExplainOptions.defaults().withLoss(Loss.REFERENCE).withSolver(SolverKind.EXACT)
            .withVariant(Variant.CLASS_OBLIVIOUS)));
    assertEquals(ExplainException.Code.INVALID_OPTION, exactOblivious.code());
    ExplainException exactSoftmaxLoss = assertThrows(ExplainException.class, () -> Explainer.plan(MODEL,
        ExplainOptions.defaults().withSolver(SolverKind.EXACT).withLoss(Loss.SOFTMAX)));
    assertTrue(exactSoftmaxLoss.getMessage().contains("softmax"), exactSoftmaxLoss.getMessage());
    ExplainException exactNonLinear = assertThrows(ExplainException.class, () -> Explainer.plan(MODEL,
        ExplainOptions.defaults().withLoss(Loss.REFERENCE).withSolver(SolverKind.EXACT).withLayer("expand14")));
    assertTrue(exactNonLinear.getMessage().contains("Relu6"), exactNonLinear.getMessage());
  }
}
