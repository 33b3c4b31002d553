package dev.l2caf.method;

import java.util.Locale;

/**
 * How a solved unit filter u becomes the heatmap. The filter is signed: where u > 0 the gate passes the
 * features (evidence the loss wants), where u < 0 it inverts them, which is how it lowers the competing
 * classes. The reference shows |u|, so each class's map also holds the regions of the objects it suppresses;
 * {@link #POSITIVE} shows only the cells that pass evidence for the class.
 */
public enum Heat {
  /** The reference finalization: |u| / || |u| ||_2. */
  ABS,
  /** max(u, 0) / ||max(u, 0)||_2: the evidence for the class; all zero when no cell passes any. */
  POSITIVE;

  /** The finalization used when none is asked for; see the README for the measurements behind it. */
  public static final Heat DEFAULT = POSITIVE;
  /** {@link #DEFAULT}'s label, for option defaults. */
  public static final String DEFAULT_LABEL = "positive";

  /** The heatmap of filter {@code u}, unit L2 norm. */
  public float[] apply(float[] u) {
    float[] map = new float[u.length];
    for (int i = 0; i < u.length; i++) {
      map[i] = this == ABS ? Math.abs(u[i]) : Math.max(u[i], 0f);
    }
    return FilterSolution.unitNorm(map);
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Heat parse(String name) {
    for (Heat heat : values()) {
      if (heat.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return heat;
      }
    }
    throw new IllegalArgumentException("unknown heat '" + name + "' (abs or positive)");
  }
}
