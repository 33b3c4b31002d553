package dev.l2caf.method;

import java.util.Locale;

/** What the filter is optimized for: one class (with a class-specific {@link Loss}), or the whole output. */
public enum Variant {
  /** Make the target class win, by the chosen class-specific loss. */
  CLASS_SPECIFIC,
  /** Keep the network's output: {@link Loss#KEEP_OUTPUT}. */
  CLASS_OBLIVIOUS;

  /** The loss this variant optimizes, given the class-specific loss asked for. */
  public Loss loss(Loss classSpecific) {
    return this == CLASS_SPECIFIC ? classSpecific : Loss.KEEP_OUTPUT;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Variant parse(String name) {
    for (Variant v : values()) {
      if (v.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown variant '" + name + "' (class-specific or class-oblivious)");
  }
}
