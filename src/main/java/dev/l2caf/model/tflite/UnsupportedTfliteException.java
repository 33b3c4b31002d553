package dev.l2caf.model.tflite;

/** A well-formed TFLite model that uses something the converter does not translate. */
final class UnsupportedTfliteException extends RuntimeException {
  UnsupportedTfliteException(String message) {
    super(message);
  }
}
