package dev.l2caf.method;

import dev.l2caf.model.LoadedModel;
import java.util.List;

/** Computes one filter per row of a problem, in one batch. */
public interface Solver {
  List<FilterSolution> solve(LoadedModel model, FilterProblem problem);
}
