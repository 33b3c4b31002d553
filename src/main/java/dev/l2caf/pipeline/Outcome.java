package dev.l2caf.pipeline;

import dev.l2caf.engine.ClassExplanation;
import dev.l2caf.engine.ImageExplanation;
import dev.l2caf.image.RgbImage;
import java.util.List;
import java.util.Map;

/** What the engine made of one job: files to store, or the error to answer with. */
public sealed interface Outcome {
  Job job();

  /** @param original the full-size image when the request asked for an overlay, else null */
  record Explained(Job job, ImageExplanation result, RgbImage original, long computeNanos) implements Outcome {}

  record Failed(Job job, RequestError error) implements Outcome {}

  /** The files of one explained class; {@code folder} is the class id, or "oblivious". */
  record RenderedClass(ClassExplanation explanation, String folder, Map<OutputKind, byte[]> files) {}

  /** Everything rendered for one explained job; {@code thumbnail} is a small overlay for status pages, or null. */
  record Rendered(List<RenderedClass> classes, byte[] thumbnail) {}
}
