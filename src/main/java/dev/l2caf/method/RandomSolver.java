package dev.l2caf.method;

import dev.l2caf.model.FeatureMap;
import dev.l2caf.model.LoadedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The floor every real method must beat: a uniformly random map per row, from the problem's seed. */
public final class RandomSolver implements Solver {
  @Override
  public List<FilterSolution> solve(LoadedModel model, FilterProblem problem) {
    FeatureMap f = problem.features();
    List<FilterSolution> out = new ArrayList<>();
    for (int r = 0; r < problem.rows(); r++) {
      Random random = new Random(problem.seed() * 1_000_003L + r);
      float[] map = new float[f.height() * f.width()];
      for (int i = 0; i < map.length; i++) {
        map[i] = random.nextFloat();
      }
      out.add(new FilterSolution(FilterSolution.unitNorm(map), f.height(), f.width(), Float.NaN, 0,
          SolverKind.RANDOM));
    }
    return out;
  }
}
