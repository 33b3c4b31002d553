package dev.l2caf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {
  private static final String LAST = "MobilenetV1/MobilenetV1/Conv2d_13_pointwise/Relu6";

  @TempDir Path temp;

  /** A copy of the shipped model folder whose model.yaml is {@code manifest}. */
  private Path modelWith(String manifest) throws IOException {
    Path dir = Files.createDirectories(temp.resolve("model"));
    for (String file : List.of("quantized_graph.pb", "labels.txt")) {
      Files.copy(TestAssets.SMALL_MODEL_DIR.resolve(file), dir.resolve(file));
    }
    Files.writeString(dir.resolve("model.yaml"), manifest);
    return dir;
  }

  private static final String MINIMAL = """
      name: bare
      graph: quantized_graph.pb
      input: {tensor: input, width: 224, height: 224, scale: 0.007843137, offset: -1.0}
      labels: {file: labels.txt}
      """;

  @Test
  void detectsLogitsAndLastLayerWhenTheManifestOmitsThem() throws IOException {
    try (LoadedModel model = ModelLoader.load(modelWith(MINIMAL))) {
      assertEquals(LAST, model.layerTensor("last"));
      assertEquals(1001, model.numClasses());
      assertEquals("Siberian husky", model.labels().name(251));
    }
  }

  @Test
  void fixedBatchGraphRunsBatchedWithThePerImageLogits() {
    LoadedModel model = TestAssets.smallModel();
    assertEquals(-1, model.graph().outputOrThrow("input").shape().get(0), "the batch dimension was freed");
    List<String> names = List.of("dog.jpg", "eagle.jpg", "giraffe.jpg", "scream.jpg");
    List<float[]> inputs = names.stream().map(n -> TestAssets.sample(n).modelInput()).toList();
    float[][] batched = model.logits(inputs);
    assertEquals(4, batched.length);
    for (int i = 0; i < inputs.size(); i++) {
      float[] alone = model.logits(List.of(inputs.get(i)))[0];
      double maxDiff = 0;
      for (int c = 0; c < alone.length; c++) {
        maxDiff = Math.max(maxDiff, Math.abs(alone[c] - batched[i][c]));
      }
      assertTrue(maxDiff < 1e-4, names.get(i) + ": max abs difference " + maxDiff);
    }
  }

  @Test
  void headAfterTheLastLayerIsAffineAndAfterConv11IsNot() {
    LoadedModel model = TestAssets.smallModel();
    HeadReplay last = model.head(model.layerTensor("last"));
    assertTrue(last.isAffine(), last.opTypes().toString());
    assertEquals(List.of("AvgPool", "Identity", "Conv2D", "BiasAdd", "Squeeze", "Reshape"), last.opTypes());
    HeadReplay conv11 = model.head(model.layerTensor("conv11"));
    assertFalse(conv11.isAffine());
    assertTrue(conv11.opTypes().contains("Relu6"));
  }

  @Test
  void unknownLayerNamesTheKnownOnes() {
    ModelException e = assertThrows(ModelException.class, () -> TestAssets.smallModel().layerTensor("conv99"));
    assertTrue(e.getMessage().contains("unknown layer 'conv99'") && e.getMessage().contains("conv11"), e.getMessage());
  }

  @Test
  void missingFolderAndBadManifestsGiveClearErrors() throws IOException {
    ModelException missing = assertThrows(ModelException.class, () -> ModelLoader.load(temp.resolve("nope")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    ModelException unknownKey = assertThrows(ModelException.class,
        () -> ModelLoader.load(modelWith(MINIMAL + "colour: blue\n")));
    assertTrue(unknownKey.getMessage().contains("colour"), unknownKey.getMessage());
  }

  @Test
  void unknownFormatNamesTheKnownOnes() throws IOException {
    ModelException unknown =
        assertThrows(ModelException.class, () -> ModelLoader.load(modelWith(MINIMAL + "format: onnx\n")));
    assertTrue(unknown.getMessage().contains("format 'onnx' is not supported")
        && unknown.getMessage().contains("format: frozen-graph") && unknown.getMessage().contains("format: tflite"),
        unknown.getMessage());
  }

  @Test
  void tfliteFormatReadsTheGraphFileAsAFlatbuffer() throws IOException {
    // A GraphDef read as TFLite: the flatbuffer reader names the file and what it misses.
    ModelException notTflite = assertThrows(ModelException.class,
        () -> ModelLoader.load(modelWith(MINIMAL.replace("name: bare", "name: bare\nformat: tflite"))));
    assertTrue(notTflite.getMessage().startsWith("model bare (quantized_graph.pb): not a valid TFLite model"),
        notTflite.getMessage());
  }

  @Test
  void manifestLayerThatIsNotInTheGraphIsRefused() throws IOException {
    ModelException e = assertThrows(ModelException.class,
        () -> ModelLoader.load(modelWith(MINIMAL + "layers: {conv5: Missing/Tensor}\n")));
    assertTrue(e.getMessage().contains("conv5") && e.getMessage().contains("Missing/Tensor"), e.getMessage());
  }

  @Test
  void cacheClosesAnEvictedModelOnlyAfterItsLastLease() {
    try (ModelCache cache = new ModelCache(2)) {
      LoadedModel.Lease lease = cache.lease(TestAssets.SMALL_MODEL_DIR);
      LoadedModel model = lease.model();
      try (LoadedModel.Lease again = cache.lease(TestAssets.SMALL_MODEL_DIR)) {
        assertTrue(again.model() == model, "a second lease is a cache hit");
      }
      assertEquals(1, cache.stats().hitCount());
      cache.evict(TestAssets.SMALL_MODEL_DIR);
      assertFalse(model.isFreed(), "still leased: must stay usable");
      assertEquals(1001, model.logits(List.of(TestAssets.sample("dog.jpg").modelInput()))[0].length);
      lease.close();
      assertTrue(model.isFreed(), "evicted and returned: freed");
    }
  }

  @Test
  void cacheIsBoundedAndClosesWhatItDrops() throws IOException {
    Path other = modelWith(MINIMAL);
    LoadedModel a;
    LoadedModel b;
    try (ModelCache cache = new ModelCache(1)) {
      try (LoadedModel.Lease first = cache.lease(TestAssets.SMALL_MODEL_DIR);
           LoadedModel.Lease second = cache.lease(other)) {
        a = first.model();
        b = second.model();
        assertEquals(1, cache.size());
      }
      assertTrue(a.isFreed() ^ b.isFreed(), "exactly one of the two models was dropped and closed");
    }
    assertTrue(a.isFreed() && b.isFreed(), "closing the cache closes the rest");
  }

  @Test
  void aModelPlacedOnAnExplicitDeviceComputesTheSame() {
    assertTrue(Devices.list().stream().anyMatch(d -> d.type().equals("CPU")), Devices.list().toString());
    float[] input = TestAssets.sample("dog.jpg").modelInput();
    try (LoadedModel placed = ModelLoader.load(TestAssets.SMALL_MODEL_DIR, "/device:CPU:0")) {
      assertEquals("/device:CPU:0", placed.device());
      float[] expected = TestAssets.smallModel().logits(List.of(input))[0];
      float[] actual = placed.logits(List.of(input))[0];
      for (int c = 0; c < expected.length; c++) {
        assertEquals(expected[c], actual[c], 1e-5);
      }
      assertEquals("/device:CPU:0", placed.graph().operation("input").device());
    }
  }
}
