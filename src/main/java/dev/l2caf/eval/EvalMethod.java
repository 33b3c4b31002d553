package dev.l2caf.eval;

import dev.l2caf.engine.ExplainOptions;
import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import dev.l2caf.method.Method;
import dev.l2caf.method.SolverKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One row of an evaluation: a method and, for L2-CAF, the loss, solver and heatmap finalization it runs with.
 * Labels read {@code cam}, {@code gradcam}, {@code random} or {@code l2caf:<loss>:<solver>:<heat>}.
 */
public record EvalMethod(Method method, Loss loss, SolverKind solver, Heat heat) {

  public EvalMethod {
    if (method != Method.L2CAF) {
      loss = null;
      solver = null;
      heat = null;
    }
  }

  public static EvalMethod baseline(Method method) {
    return new EvalMethod(method, null, null, null);
  }

  public String label() {
    return method != Method.L2CAF ? method.label()
        : String.join(":", method.label(), loss.label(), solver.label(), heat.label());
  }

  /** {@code base} explained by this row's method (and its loss, solver and heat for L2-CAF). */
  public ExplainOptions options(ExplainOptions base) {
    ExplainOptions o = base.withMethod(method);
    return method == Method.L2CAF ? o.withLoss(loss).withSolver(solver).withHeat(heat) : o;
  }

  /**
   * The rows for a method list. An entry is {@code l2caf}, {@code l2caf:LOSS}, {@code l2caf:LOSS:SOLVER} or
   * {@code l2caf:LOSS:SOLVER:HEAT}, or a baseline ({@code cam}, {@code gradcam}, {@code random}); each part
   * left out stands for every one of {@code losses}, {@code solvers} or {@code heats}. The exact solver is left
   * out for losses it cannot solve (not linear), unless asked for by name.
   *
   * @throws IllegalArgumentException naming an entry that is not a method, loss, solver or heat
   */
  public static List<EvalMethod> parse(List<String> entries, List<Loss> losses, List<SolverKind> solvers,
      List<Heat> heats) {
    Set<EvalMethod> rows = new LinkedHashSet<>();
    for (String entry : entries) {
      String[] parts = entry.trim().toLowerCase(Locale.ROOT).split(":", -1);
      Method method = Method.parse(parts[0]);
      if (method != Method.L2CAF) {
        if (parts.length > 1) {
          throw new IllegalArgumentException("'" + entry + "': only l2caf takes a loss and a solver");
        }
        rows.add(baseline(method));
        continue;
      }
      if (parts.length > 4) {
        throw new IllegalArgumentException("'" + entry + "': expected l2caf[:LOSS[:SOLVER[:HEAT]]]");
      }
      List<Loss> rowLosses = parts.length > 1 ? List.of(Loss.parse(parts[1])) : losses;
      boolean named = parts.length > 2;
      List<SolverKind> rowSolvers = named ? List.of(SolverKind.parse(parts[2])) : solvers;
      List<Heat> rowHeats = parts.length > 3 ? List.of(Heat.parse(parts[3])) : heats;
      for (Loss loss : rowLosses) {
        for (SolverKind solver : rowSolvers) {
          for (Heat heat : rowHeats) {
            if (named || solver != SolverKind.EXACT || loss.linear()) {
              rows.add(new EvalMethod(Method.L2CAF, loss, solver, heat));
            }
          }
        }
      }
    }
    return new ArrayList<>(rows);
  }
}
