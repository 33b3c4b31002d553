package dev.l2caf.method;

import java.util.Locale;

/**
 * Which solver computes an L2-CAF filter; {@code AUTO} picks exact where it applies. The baselines
 * report themselves as their own solver kind.
 */
public enum SolverKind {
  AUTO, EXACT, ITERATIVE, CAM, GRADCAM, RANDOM;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A solver a user may ask for: auto, exact or iterative. */
  public static SolverKind parse(String name) {
    for (SolverKind kind : new SolverKind[] {AUTO, EXACT, ITERATIVE}) {
      if (kind.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown solver '" + name + "' (auto, exact or iterative)");
  }
}
