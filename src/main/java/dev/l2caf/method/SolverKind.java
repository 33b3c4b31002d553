package dev.l2caf.method;

import java.util.Locale;

/**
 * Which solver computes an L2-CAF filter. A user asks for {@code AUTO} (exact where it applies, else
 * iterative), {@code EXACT}, {@code ITERATIVE} (the reference schedule: collapsed where the head is linear,
 * else replayed), or one iterative path explicitly: {@code COLLAPSED} or {@code REPLAY}. Solutions report
 * the solver that ran (exact, collapsed or replay); the baselines report themselves as their own kind.
 */
public enum SolverKind {
  AUTO, EXACT, ITERATIVE, COLLAPSED, REPLAY, CAM, GRADCAM, RANDOM;

  private static final SolverKind[] REQUESTABLE = {AUTO, EXACT, ITERATIVE, COLLAPSED, REPLAY};

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A solver a user may ask for: auto, exact, iterative, collapsed or replay. */
  public static SolverKind parse(String name) {
    for (SolverKind kind : REQUESTABLE) {
      if (kind.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown solver '" + name + "' (auto, exact, iterative, collapsed or replay)");
  }
}
