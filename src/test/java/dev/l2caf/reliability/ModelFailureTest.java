package dev.l2caf.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import dev.l2caf.image.ImageLimits;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that cannot load, and one on which TensorFlow fails at run time, answer their batches with
 * MODEL_ERROR; the same worker goes on to explain the next batch with a good model.
 */
class ModelFailureTest {
  private static final RequestParser PARSER = new RequestParser(new RequestParser.Limits(10_000_000, 10));

  @TempDir Path models;

  private static Job job(String id, String model) {
    String json = "{\"id\":\"" + id + "\",\"image\":{\"base64\":\""
        + java.util.Base64.getEncoder().encodeToString(TestAssets.sampleBytes("eagle.jpg")) + "\"}"
        + (model == null ? "" : ",\"model\":\"" + model + "\"") + ",\"outputs\":[\"raw_json\"]}";
    ExplainRequest r = ((ParseResult.Accepted) PARSER.parse(json.getBytes())).request();
    return new Job(r, new RecordRef("t", 0, 0), TestAssets.sampleBytes("eagle.jpg"), System.nanoTime(), 1);
  }

  private static void copyModel(Path target, String manifestEdit) throws Exception {
    Files.createDirectories(target);
    for (String file : List.of("quantized_graph.pb", "labels.txt", "NOTICE")) {
      Files.copy(TestAssets.SMALL_MODEL_DIR.resolve(file), target.resolve(file));
    }
    String manifest = Files.readString(TestAssets.SMALL_MODEL_DIR.resolve("model.yaml"));
    Files.writeString(target.resolve("model.yaml"), manifest.replace("width: 224", manifestEdit.isEmpty() ? "width: 224" : manifestEdit));
  }

  @Test
  void brokenModelsFailTheirBatchAndTheWorkerGoesOn() throws Exception {
    Path good = models.resolve("good");
    copyModel(good, "");
    // Unreadable graph: loading fails.
    copyModel(models.resolve("corrupt-graph"), "");
    Files.write(models.resolve("corrupt-graph/quantized_graph.pb"), new byte[] {1, 2, 3, 4, 5});
    // Inputs of 100 x 100: the graph loads, but its 7x7 average pool fails at run time on 4x4 maps.
    copyModel(models.resolve("runtime-error"), "width: 100");
    Files.writeString(models.resolve("runtime-error/model.yaml"),
        Files.readString(models.resolve("runtime-error/model.yaml")).replace("height: 224", "height: 100"));

    try (ModelCache cache = new ModelCache(3);
         BatchProcessor processor = new BatchProcessor(cache, good, new ModelStore(models, List.of(), ModelCatalog.shipped()), ImageLimits.defaults())) {
      for (String broken : List.of("corrupt-graph", "runtime-error")) {
        List<Job> jobs = List.of(job(broken + "-1", broken), job(broken + "-2", broken));
        List<Outcome> outcomes = processor.process(BatchKey.of(jobs.get(0).request()), jobs);
        assertEquals(2, outcomes.size());
        for (Outcome o : outcomes) {
          Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, o, broken);
          assertEquals(ErrorCode.MODEL_ERROR, failed.error().code(), broken + ": " + failed.error().getMessage());
        }
      }
      List<Job> next = List.of(job("after-1", null), job("after-2", null));
      List<Outcome> outcomes = processor.process(BatchKey.of(next.get(0).request()), next);
      assertTrue(outcomes.stream().allMatch(o -> o instanceof Outcome.Explained), "the next batch is explained");
    }
  }
}
