package dev.l2caf.pipeline;

import dev.l2caf.store.S3Uri;

/** Where a request's image is: an object in an allowed bucket, or inline bytes. Never a URL to fetch. */
public sealed interface ImageSource {
  record Stored(S3Uri uri) implements ImageSource {}

  record Inline(byte[] bytes) implements ImageSource {}
}
