package dev.l2caf.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import dev.l2caf.engine.ClassExplanation;
import dev.l2caf.engine.ImageExplanation;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.image.TestImages;
import dev.l2caf.model.ModelCache;
import dev.l2caf.model.store.ModelCatalog;
import dev.l2caf.model.store.ModelStore;
import dev.l2caf.pipeline.BatchKey;
import dev.l2caf.pipeline.BatchProcessor;
import dev.l2caf.pipeline.ErrorCode;
import dev.l2caf.pipeline.ExplainRequest;
import dev.l2caf.pipeline.Job;
import dev.l2caf.pipeline.Outcome;
import dev.l2caf.pipeline.ParseResult;
import dev.l2caf.pipeline.RecordRef;
import dev.l2caf.pipeline.RequestParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * An input on which TensorFlow fails its whole batch fails alone: its batch-mates are explained as they
 * would be without it. The poison is a white image (it passes every image check) fed to a copy of the
 * shipped model whose first layer waits on an Assert that no image of the batch is all white, the way a
 * graph's CheckNumerics or shape asserts fail a batch for one row.
 */
class PoisonPillTest {
  private static final RequestParser PARSER = new RequestParser(new RequestParser.Limits(10_000_000, 10));
  private static final String INPUT = "input";

  @TempDir Path models;

  @Test
  void theCulpritsFailAloneAndTheirBatchMatesAreExplained() throws Exception {
    Path good = models.resolve("good");
    copyModel(good);
    Path poisoned = models.resolve("poisoned");
    copyModel(poisoned);
    Files.write(poisoned.resolve("quantized_graph.pb"), withWhiteImageAssert(Files.readAllBytes(good.resolve("quantized_graph.pb"))));

    byte[] white = TestImages.png(TestImages.solid(96, 64, 0xFFFFFF));
    Map<String, byte[]> inputs = new LinkedHashMap<>();
    inputs.put("dog", TestAssets.sampleBytes("dog.jpg"));
    inputs.put("white-1", white);
    inputs.put("eagle", TestAssets.sampleBytes("eagle.jpg"));
    inputs.put("giraffe", TestAssets.sampleBytes("giraffe.jpg"));
    inputs.put("white-2", white);

    try (ModelCache cache = new ModelCache(2);
         BatchProcessor processor = new BatchProcessor(cache, good, new ModelStore(models, List.of(), ModelCatalog.shipped()),
             ImageLimits.defaults())) {
      Map<String, Outcome> alone = run(processor, inputs, "good");
      alone.forEach((id, o) -> assertInstanceOf(Outcome.Explained.class, o, id + " is a valid input of the unchanged model"));

      Map<String, Outcome> poisonedBatch = run(processor, inputs, "poisoned");
      assertEquals(inputs.keySet(), poisonedBatch.keySet(), "one outcome per job");
      for (String id : inputs.keySet()) {
        if (id.startsWith("white")) {
          Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, poisonedBatch.get(id), id);
          assertEquals(ErrorCode.MODEL_ERROR, failed.error().code(), id);
          assertTrue(failed.error().getMessage().contains("assertion failed"), failed.error().getMessage());
        } else {
          Outcome.Explained explained = assertInstanceOf(Outcome.Explained.class, poisonedBatch.get(id), id);
          assertSameExplanation(((Outcome.Explained) alone.get(id)).result(), explained.result(), id);
        }
      }
    }
  }

  private static Map<String, Outcome> run(BatchProcessor processor, Map<String, byte[]> inputs, String model) {
    List<Job> jobs = new ArrayList<>();
    inputs.forEach((id, bytes) -> jobs.add(job(id, model, bytes)));
    Map<String, Outcome> byId = new HashMap<>();
    for (Outcome o : processor.process(BatchKey.of(jobs.get(0).request()), jobs)) {
      byId.put(o.job().request().id(), o);
    }
    return byId;
  }

  private static void assertSameExplanation(ImageExplanation expected, ImageExplanation actual, String id) {
    assertEquals(expected.predictions().get(0).classId(), actual.predictions().get(0).classId(), id + ": top class");
    assertEquals(expected.explanations().size(), actual.explanations().size(), id);
    for (int i = 0; i < expected.explanations().size(); i++) {
      ClassExplanation e = expected.explanations().get(i);
      ClassExplanation a = actual.explanations().get(i);
      assertEquals(e.classId(), a.classId(), id);
      assertEquals(e.box(), a.box(), id + ": box");
      assertEquals(e.loss(), a.loss(), 1e-5 * Math.max(1, Math.abs(e.loss())), id + ": loss");
    }
  }

  private static Job job(String id, String model, byte[] image) {
    String json = "{\"id\":\"" + id + "\",\"model\":\"" + model + "\",\"image\":{\"base64\":\""
        + Base64.getEncoder().encodeToString(image) + "\"},\"outputs\":[\"raw_json\"]}";
    ExplainRequest r = ((ParseResult.Accepted) PARSER.parse(json.getBytes())).request();
    return new Job(r, new RecordRef("t", 0, 0), image, System.nanoTime(), 1);
  }

  private static void copyModel(Path target) throws Exception {
    Files.createDirectories(target);
    for (String file : List.of("model.yaml", "quantized_graph.pb", "labels.txt", "NOTICE")) {
      Files.copy(TestAssets.SMALL_MODEL_DIR.resolve(file), target.resolve(file));
    }
  }

  /**
   * The frozen graph with an Assert, built with TensorFlow ops, that every image of the batch has a pixel
   * below 0.999 (white is 255 / 127.5 - 1 = 1.0), as a control input of every consumer of the input.
   */
  private static byte[] withWhiteImageAssert(byte[] frozenGraph) throws Exception {
    GraphDef check;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> input = tf.withName(INPUT).placeholder(TFloat32.class);
      Ops scope = tf.withSubScope("poison_check");
      Operand<TFloat32> darkest = scope.min(input, scope.constant(new int[] {1, 2, 3}));
      AssertThat assertion = scope.withName("no_white_image").assertThat(
          scope.all(scope.math.less(darkest, scope.constant(0.999f)), scope.constant(0)), List.of(darkest));
      check = g.toGraphDef();
      GraphDef.Builder model = GraphDef.parseFrom(frozenGraph).toBuilder();
      for (NodeDef.Builder node : model.getNodeBuilderList()) {
        if (node.getInputList().contains(INPUT)) {
          node.addInput("^" + assertion.op().name());
        }
      }
      check.getNodeList().stream().filter(n -> !n.getName().equals(INPUT)).forEach(model::addNode);
      return model.build().toByteArray();
    }
  }
}
