package dev.l2caf.pipeline;

/** Why a request failed, as named in its error completion event. The names are part of the contract. */
public enum ErrorCode {
  /** A field is missing, unknown, of the wrong type or out of range. */
  INVALID_REQUEST,
  /** The s3:// image does not exist. */
  IMAGE_NOT_FOUND,
  /** The image's bucket is not one this worker may read. */
  IMAGE_ACCESS_DENIED,
  /** Too many bytes or pixels. */
  IMAGE_TOO_LARGE,
  /** Not a JPEG or PNG. */
  IMAGE_UNSUPPORTED,
  /** Empty, corrupt or truncated image data. */
  IMAGE_CORRUPT,
  UNKNOWN_MODEL,
  UNKNOWN_LAYER,
  UNKNOWN_CLASS,
  /** Options that do not go together (e.g. the exact solver with a class-oblivious explanation). */
  INVALID_OPTION,
  /** The model failed to load or TensorFlow failed on the batch. */
  MODEL_ERROR,
  /** Results could not be written to object storage. */
  STORAGE_UNAVAILABLE,
  /** A bug: anything not named above. */
  INTERNAL
}
