package dev.l2caf.method;

import java.util.Locale;

/** The explanation method: L2-CAF, or a baseline measured the same way (CAM, Grad-CAM, a random map). */
public enum Method {
  L2CAF, CAM, GRADCAM, RANDOM;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Method parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT).replace("-", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown method '" + name + "' (l2caf, cam, gradcam or random)");
    }
  }
}
