package dev.l2caf.pipeline;

import dev.l2caf.engine.ExplainException;
import dev.l2caf.image.ImageException;
import dev.l2caf.model.ModelException;
import dev.l2caf.store.ObjectStoreException;
import java.util.concurrent.CompletionException;
import org.tensorflow.exceptions.TensorFlowException;

/** Maps the failures of the layers below to the contract's error codes. */
public final class ErrorCodes {
  private ErrorCodes() {}

  public static RequestError of(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (t instanceof RequestError e) {
      return e;
    }
    if (t instanceof ImageException e) {
      return new RequestError(switch (e.code()) {
        case TOO_MANY_BYTES, TOO_MANY_PIXELS -> ErrorCode.IMAGE_TOO_LARGE;
        case UNSUPPORTED_FORMAT -> ErrorCode.IMAGE_UNSUPPORTED;
        case EMPTY, CORRUPT -> ErrorCode.IMAGE_CORRUPT;
      }, e.getMessage());
    }
    if (t instanceof ModelException e) {
      return new RequestError(switch (e.kind()) {
        case NOT_FOUND -> ErrorCode.UNKNOWN_MODEL;
        case UNKNOWN_LAYER -> ErrorCode.UNKNOWN_LAYER;
        case INVALID -> ErrorCode.MODEL_ERROR;
      }, e.getMessage());
    }
    if (t instanceof ExplainException e) {
      return new RequestError(e.code() == ExplainException.Code.UNKNOWN_CLASS ? ErrorCode.UNKNOWN_CLASS
          : ErrorCode.INVALID_OPTION, e.getMessage());
    }
    if (t instanceof ObjectStoreException e) {
      return new RequestError(switch (e.code()) {
        case NOT_FOUND -> ErrorCode.IMAGE_NOT_FOUND;
        case ACCESS_DENIED -> ErrorCode.IMAGE_ACCESS_DENIED;
        case UNAVAILABLE, REJECTED -> ErrorCode.STORAGE_UNAVAILABLE;
      }, e.getMessage());
    }
    // TensorFlow Java's invalid-argument and unimplemented errors do not extend TensorFlowException.
    if (t instanceof TensorFlowException || t.getClass().getName().startsWith("org.tensorflow.exceptions.")) {
      return new RequestError(ErrorCode.MODEL_ERROR, "TensorFlow failed: " + t.getMessage());
    }
    return new RequestError(ErrorCode.INTERNAL, String.valueOf(t));
  }
}
