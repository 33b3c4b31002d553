package dev.l2caf.method;

import java.util.Locale;

/**
 * Fast mode filters the last conv layer, where only the small head is iterated; slow mode any layer,
 * with the reference's stricter convergence tolerance. In both, the network before the filter runs once.
 */
public enum Mode {
  FAST(AdamSettings.FAST_TOLERANCE), SLOW(AdamSettings.SLOW_TOLERANCE);

  private final float tolerance;

  Mode(float tolerance) {
    this.tolerance = tolerance;
  }

  public float tolerance() {
    return tolerance;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Mode parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown mode '" + name + "' (fast or slow)");
    }
  }
}
