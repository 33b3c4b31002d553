package dev.l2caf.method;

import java.util.Locale;

/** Which solver computes a filter; {@code AUTO} picks exact where it applies. */
public enum SolverKind {
  AUTO, EXACT, ITERATIVE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SolverKind parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown solver '" + name + "' (auto, exact or iterative)");
    }
  }
}
