package dev.l2caf.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import dev.l2caf.method.SolverKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvalMethodTest {
  private static List<String> labels(List<String> entries, List<Loss> losses, List<SolverKind> solvers) {
    return EvalMethod.parse(entries, losses, solvers, List.of(Heat.ABS)).stream().map(EvalMethod::label).toList();
  }

  @Test
  void aPlainL2cafIsEveryLossWithEverySolverThatAppliesToIt() {
    assertEquals(List.of("l2caf:reference:exact:abs", "l2caf:reference:iterative:abs", "l2caf:mean-others:exact:abs",
            "l2caf:mean-others:iterative:abs", "l2caf:softmax:iterative:abs", "cam"),
        labels(List.of("l2caf", "cam"), List.of(Loss.REFERENCE, Loss.MEAN_OTHERS, Loss.SOFTMAX),
            List.of(SolverKind.EXACT, SolverKind.ITERATIVE)));
  }

  @Test
  void namedRowsAreKeptAsAskedAndRepeatsOnce() {
    assertEquals(List.of("l2caf:softmax:exact:abs", "l2caf:mean-others:auto:abs", "gradcam"),
        labels(List.of("l2caf:softmax:exact:abs", "l2caf:mean-others", "gradcam", "GradCAM"), List.of(Loss.REFERENCE),
            List.of(SolverKind.AUTO)));
  }

  @Test
  void eachHeatIsARowAndANamedHeatIsKept() {
    assertEquals(List.of("l2caf:softmax:iterative:abs", "l2caf:softmax:iterative:positive", "l2caf:reference:exact:positive"),
        EvalMethod.parse(List.of("l2caf:softmax:iterative", "l2caf:reference:exact:positive"), List.of(), List.of(),
            List.of(Heat.ABS, Heat.POSITIVE)).stream().map(EvalMethod::label).toList());
  }

  @Test
  void badEntriesNameThemselves() {
    assertThrows(IllegalArgumentException.class, () -> EvalMethod.parse(List.of("cam:softmax"), List.of(), List.of(), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> EvalMethod.parse(List.of("l2caf:hinge"), List.of(Loss.REFERENCE), List.of(SolverKind.AUTO), List.of(Heat.ABS)));
    assertThrows(IllegalArgumentException.class,
        () -> EvalMethod.parse(List.of("l2caf:softmax:exact:abs:x"), List.of(), List.of(), List.of()));
  }
}
