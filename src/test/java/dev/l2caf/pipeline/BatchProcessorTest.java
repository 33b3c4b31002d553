package dev.l2caf.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.TestAssets;
import dev.l2caf.engine.ClassExplanation;
import dev.l2caf.engine.ExplainOptions;
import dev.l2caf.engine.Explainer;
import dev.l2caf.engine.ImageExplanation;
import dev.l2caf.engine.Prediction;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.model.ModelCache;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One batch through the real engine and the real model, without Kafka: bad jobs fail alone with the contract's
 * codes, the good ones in the same batch get the explanations they would get alone.
 */
class BatchProcessorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RequestParser PARSER = new RequestParser(new RequestParser.Limits(10_485_760, 10));

  private static ModelCache models;
  private static BatchProcessor processor;

  @BeforeAll
  static void start() {
    models = new ModelCache(2);
    processor = new BatchProcessor(models, TestAssets.MODEL_DIR, TestAssets.modelStore(), ImageLimits.defaults());
  }

  @AfterAll
  static void stop() {
    processor.close();
    models.close();
  }

  /** A request as it would arrive from Kafka: JSON bytes, parsed; the image inline. */
  private static ExplainRequest parse(String id, byte[] image, Map<String, Object> fields) throws Exception {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("id", id);
    request.put("image", Map.of("base64", Base64.getEncoder().encodeToString(image)));
    request.putAll(fields);
    ParseResult parsed = PARSER.parse(JSON.writeValueAsBytes(request));
    return assertInstanceOf(ParseResult.Accepted.class, parsed, "request " + id + " parses").request();
  }

  private static List<Job> jobs(List<ExplainRequest> requests) {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      ExplainRequest r = requests.get(i);
      jobs.add(new Job(r, new RecordRef("t", 0, i), ((ImageSource.Inline) r.image()).bytes(), System.nanoTime(), 1));
    }
    return jobs;
  }

  private static BatchKey sharedKey(List<ExplainRequest> requests) {
    BatchKey key = BatchKey.of(requests.get(0));
    for (ExplainRequest r : requests) {
      assertEquals(key, BatchKey.of(r), "every request of the batch has the same key: " + r.id());
    }
    return key;
  }

  private static Map<String, Outcome> byId(List<Outcome> outcomes) {
    return outcomes.stream().collect(Collectors.toMap(o -> o.job().request().id(), Function.identity(),
        (a, b) -> {
          throw new AssertionError("two outcomes for " + a.job().request().id());
        }, HashMap::new));
  }

  private static void assertFailed(Outcome outcome, ErrorCode code) {
    assertNotNull(outcome);
    Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome, "outcome of " + outcome.job().request().id());
    assertEquals(code, failed.error().code(), failed.error().getMessage());
    assertTrue(failed.error().getMessage() != null && !failed.error().getMessage().isBlank(), "a message for people");
  }

  @Test
  void badJobsFailAloneAndTheGoodOnesGetTheSameExplanationsAsAlone() throws Exception {
    byte[] dog = TestAssets.sampleBytes("dog.jpg");
    byte[] eagle = TestAssets.sampleBytes("eagle.jpg");
    byte[] truncated = Arrays.copyOf(dog, 1000);
    List<ExplainRequest> requests = List.of(
        parse("dog", dog, Map.of("metadata", Map.of("n", 0), "outputs", List.of("overlay_png"))),
        parse("unknown-class", dog, Map.of("classes", List.of(5000))),
        parse("truncated", truncated, Map.of()),
        parse("eagle", eagle, Map.of("outputs", List.of("overlay_jpg"))));
    List<Job> jobs = jobs(requests);

    List<Outcome> outcomes = processor.process(sharedKey(requests), jobs);

    assertEquals(4, outcomes.size(), "one outcome per job: " + outcomes);
    Map<String, Outcome> byId = byId(outcomes);
    assertEquals(2, outcomes.stream().filter(o -> o instanceof Outcome.Explained).count());
    assertEquals(2, outcomes.stream().filter(o -> o instanceof Outcome.Failed).count());
    assertFailed(byId.get("unknown-class"), ErrorCode.UNKNOWN_CLASS);
    assertFailed(byId.get("truncated"), ErrorCode.IMAGE_CORRUPT);
    assertSame(jobs.get(1), byId.get("unknown-class").job(), "a failure carries its own job");
    assertSame(jobs.get(2), byId.get("truncated").job(), "a failure carries its own job");

    Map<String, String> samples = Map.of("dog", "dog.jpg", "eagle", "eagle.jpg");
    for (Map.Entry<String, String> entry : samples.entrySet()) {
      Outcome.Explained explained = assertInstanceOf(Outcome.Explained.class, byId.get(entry.getKey()));
      ImageExplanation alone = Explainer.explain(TestAssets.model(), List.of(TestAssets.sample(entry.getValue())),
          ExplainOptions.defaults()).get(0);
      ImageExplanation inBatch = explained.result();
      assertEquals(alone.width(), inBatch.width());
      assertEquals(alone.height(), inBatch.height());
      assertEquals(alone.width(), explained.original().width(), "the original is the request's");
      assertEquals(TestAssets.MODEL_NAME, inBatch.model());
      assertEquals(alone.predictions().stream().map(Prediction::classId).toList(),
          inBatch.predictions().stream().map(Prediction::classId).toList(), entry.getKey() + ": same top-5");
      assertEquals(1, inBatch.explanations().size());
      ClassExplanation a = alone.explanations().get(0);
      ClassExplanation b = inBatch.explanations().get(0);
      assertEquals(a.classId(), b.classId(), entry.getKey() + ": same target class");
      assertEquals(a.gridHeight(), b.gridHeight());
      assertEquals(a.gridWidth(), b.gridWidth());
      double cosine = TestAssets.cosine(a.heatmap(), b.heatmap());
      assertTrue(cosine >= 0.9999, entry.getKey() + ": heatmap cosine " + cosine);
      assertTrue(explained.computeNanos() > 0);
      assertNotNull(explained.original(), "an overlay was asked for");
    }
    assertEquals(0, ((Outcome.Explained) byId.get("dog")).job().request().metadata().get("n").asInt());
    // Different images get different explanations (the batch rows are not mixed up).
    double across = TestAssets.cosine(
        ((Outcome.Explained) byId.get("dog")).result().explanations().get(0).heatmap(),
        ((Outcome.Explained) byId.get("eagle")).result().explanations().get(0).heatmap());
    assertTrue(across < 0.99, "dog and eagle heatmaps differ: cosine " + across);
    assertEquals(1, models.size(), "one model loaded for the whole batch");
  }

  @Test
  void otherUnreadableImagesGetTheirOwnCodes() throws Exception {
    List<ExplainRequest> requests = List.of(
        parse("text", "this is not an image\n".getBytes(StandardCharsets.UTF_8), Map.of()),
        parse("empty", new byte[0], Map.of()),
        parse("giraffe", TestAssets.sampleBytes("giraffe.jpg"), Map.of("outputs", List.of("raw_json"))));
    Map<String, Outcome> byId = byId(processor.process(sharedKey(requests), jobs(requests)));
    assertEquals(3, byId.size());
    assertFailed(byId.get("text"), ErrorCode.IMAGE_UNSUPPORTED);
    assertFailed(byId.get("empty"), ErrorCode.IMAGE_CORRUPT);
    Outcome.Explained giraffe = assertInstanceOf(Outcome.Explained.class, byId.get("giraffe"));
    assertNull(giraffe.original(), "no original kept when no overlay is asked for");
  }

  @Test
  void anUnknownModelFailsEveryJobOfTheBatch() throws Exception {
    List<ExplainRequest> requests = List.of(
        parse("m-1", TestAssets.sampleBytes("dog.jpg"), Map.of("model", "no-such-model")),
        parse("m-2", TestAssets.sampleBytes("eagle.jpg"), Map.of("model", "no-such-model")),
        parse("m-3", Arrays.copyOf(TestAssets.sampleBytes("dog.jpg"), 1000), Map.of("model", "no-such-model")));
    BatchKey key = sharedKey(requests);
    assertEquals("no-such-model", key.model());
    List<Outcome> outcomes = processor.process(key, jobs(requests));
    assertEquals(3, outcomes.size(), outcomes.toString());
    for (Outcome o : outcomes) {
      assertFailed(o, ErrorCode.UNKNOWN_MODEL);
      assertTrue(((Outcome.Failed) o).error().getMessage().contains("no-such-model"),
          ((Outcome.Failed) o).error().getMessage());
    }
    assertEquals(Map.of("m-1", 1, "m-2", 1, "m-3", 1),
        outcomes.stream().collect(Collectors.toMap(o -> o.job().request().id(), o -> 1)), "each job answered once");
  }

  @Test
  void aLayerTheModelDoesNotHaveFailsWithUnknownLayer() throws Exception {
    List<ExplainRequest> requests = List.of(
        parse("l-1", TestAssets.sampleBytes("dog.jpg"), Map.of("layer", "no_such_layer")),
        parse("l-2", TestAssets.sampleBytes("eagle.jpg"), Map.of("layer", "no_such_layer")));
    List<Outcome> outcomes = processor.process(sharedKey(requests), jobs(requests));
    assertEquals(2, outcomes.size(), outcomes.toString());
    for (Outcome o : outcomes) {
      assertFailed(o, ErrorCode.UNKNOWN_LAYER);
      assertTrue(((Outcome.Failed) o).error().getMessage().contains("no_such_layer"),
          ((Outcome.Failed) o).error().getMessage());
    }
  }
}
