package dev.l2caf.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.engine.ClassExplanation;
import dev.l2caf.engine.ExplanationImages;
import dev.l2caf.engine.ImageExplanation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The files a request asked for, per explained class: pictures for people and the raw grid as JSON.
 * Pictures at full image size cost about as much as the explanation, so callers run this off the engine's
 * thread and the event loop.
 */
public final class ResultFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int THUMBNAIL_SIDE = 128;

  private ResultFiles() {}

  /** Renders the files of every explained class, each timed under its {@link Stage} on {@code clock}. */
  public static Outcome.Rendered render(Outcome.Explained e, StageClock clock) {
    ExplainRequest request = e.job().request();
    ImageExplanation result = e.result();
    List<Outcome.RenderedClass> classes = new ArrayList<>();
    byte[] thumbnail = null;
    for (ClassExplanation x : result.explanations()) {
      ExplanationImages pictures = new ExplanationImages(x, result.width(), result.height(), e.original());
      Map<OutputKind, byte[]> files = new EnumMap<>(OutputKind.class);
      for (OutputKind kind : request.outputs()) {
        files.put(kind, clock.time(Stage.rendering(kind), () -> switch (kind) {
          case HEATMAP_PNG -> pictures.heatmapPng();
          case OVERLAY_PNG -> pictures.overlayPng();
          case OVERLAY_JPG -> pictures.overlayJpg();
          case RAW_JSON -> rawJson(request.id(), result, x);
        }));
      }
      if (thumbnail == null && e.original() != null) {
        thumbnail = clock.time(Stage.THUMBNAIL, () -> pictures.overlayThumbnailPng(THUMBNAIL_SIDE));
      }
      classes.add(new Outcome.RenderedClass(x, x.classId() == null ? "oblivious" : String.valueOf(x.classId()), files));
    }
    return new Outcome.Rendered(classes, thumbnail);
  }

  private static byte[] rawJson(String id, ImageExplanation result, ClassExplanation e) {
    ObjectNode node = JSON.createObjectNode().put("id", id).put("model", result.model())
        .put("layer", result.layer()).put("mode", result.mode());
    if (e.classId() == null) {
      node.putNull("class").putNull("label");
    } else {
      node.put("class", e.classId()).put("label", e.label());
    }
    node.put("solver", e.solver().label())
        .put("loss_function", e.objective() == null ? null : e.objective().label())
        .put("heat", e.heat() == null ? null : e.heat().label()).put("iterations", e.iterations());
    CompletionJson.putLoss(node, e.loss());
    node.put("width", result.width()).put("height", result.height());
    CompletionJson.box(node.putArray("box"), e.box());
    node.set("heatmap", JSON.valueToTree(e.grid()));
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
