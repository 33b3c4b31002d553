package dev.l2caf.pipeline;

import dev.l2caf.engine.ClassExplanation;
import dev.l2caf.engine.ImageExplanation;
import dev.l2caf.image.PreparedImage;
import java.util.List;
import java.util.Map;

/** What the engine made of one job: files to store, or the error to answer with. */
public sealed interface Outcome {
  Job job();

  /** @param image the prepared input, with its original when the request asked for overlays */
  record Explained(Job job, ImageExplanation result, PreparedImage image, long computeNanos) implements Outcome {}

  record Failed(Job job, RequestError error) implements Outcome {}

  /** The files of one explained class; {@code folder} is the class id, or "oblivious". */
  record RenderedClass(ClassExplanation explanation, String folder, Map<OutputKind, byte[]> files) {}

  /** Everything rendered for one explained job; {@code thumbnail} is a small overlay for status pages, or null. */
  record Rendered(List<RenderedClass> classes, byte[] thumbnail) {}
}
