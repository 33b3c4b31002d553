package dev.l2caf.model.tflite;

/** A file whose bytes do not hold a well-formed TFLite model: offsets outside the file, bad indices. */
final class MalformedTfliteException extends RuntimeException {
  MalformedTfliteException(String message) {
    super(message);
  }
}
