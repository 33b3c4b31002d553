package dev.l2caf.model.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import dev.l2caf.engine.ClassExplanation;
import dev.l2caf.engine.ExplainOptions;
import dev.l2caf.engine.Explainer;
import dev.l2caf.image.ImageLimits;
import dev.l2caf.image.ImagePipeline;
import dev.l2caf.image.PreparedImage;
import dev.l2caf.method.Method;
import dev.l2caf.model.GraphIndex;
import dev.l2caf.model.HeadReplay;
import dev.l2caf.model.LoadedModel;
import dev.l2caf.model.ModelException;
import dev.l2caf.model.ModelLoader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.NodeDef;

/**
 * The shared MobileNet V2 .tflite, converted on load, against the float frozen graph made from the same
 * file by an independent converter (../shared/models/mobilenet_v2_100_224_tf2_ptq), both through the
 * project's own image pipeline; and that frozen graph against the results its SOURCE.md publishes.
 */
class TfliteMobileNetTest {
  static final String TFLITE_FILE = "tf2_mobilenet_v2_1.0_224_ptq.tflite";
  private static final List<String> PHOTOS =
      List.of("dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg", "person.jpg", "scream.jpg");
  private static final String INPUT = """
      input: {tensor: input, width: 224, height: 224, channel-order: RGB, scale: 0.007843137, offset: -1.0,
              resize: squash}
      labels: {file: labels.txt}
      """;

  @TempDir static Path temp;
  private static LoadedModel tflite;
  private static LoadedModel frozen;
  private static ImagePipeline pipeline;

  @BeforeAll
  static void load() throws IOException {
    // No logits or layers: the converted graph must let the loader detect them.
    tflite = ModelLoader.load(modelFolder("tflite", TFLITE_FILE, "name: v2-tflite\nformat: tflite\ngraph: model.tflite\n"
        + INPUT, "model.tflite"));
    frozen = ModelLoader.load(modelFolder("frozen", "frozen_graph.pb", "name: v2-frozen\ngraph: frozen_graph.pb\n"
        + INPUT + "logits: MobileNetV2/top/SpatialSqueeze/Reshape\n", "frozen_graph.pb"));
    pipeline = new ImagePipeline(tflite.inputSpec(), ImageLimits.defaults());
  }

  @AfterAll
  static void close() {
    pipeline.close();
    tflite.close();
    frozen.close();
  }

  /** A model folder of a model.yaml and links to the shared model file and labels. */
  static Path modelFolder(String name, String sharedFile, String manifest, String graphFile) throws IOException {
    Path dir = Files.createDirectories(temp.resolve(name));
    Files.createSymbolicLink(dir.resolve(graphFile), TestAssets.SHARED_V2.resolve(sharedFile).toAbsolutePath());
    Files.createSymbolicLink(dir.resolve("labels.txt"), TestAssets.SHARED_V2.resolve("labels.txt").toAbsolutePath());
    Files.writeString(dir.resolve("model.yaml"), manifest);
    return dir;
  }

  private static double[] probabilities(LoadedModel model, String photo) {
    return probabilities(model, pipeline.prepare(photo, TestAssets.sampleBytes(photo), false).modelInput());
  }

  private static double[] probabilities(LoadedModel model, float[] input) {
    float[] logits = model.logits(List.of(input))[0];
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    double[] p = new double[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private static int[] top(double[] p, int k) {
    return IntStream.range(0, p.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -p[i]))
        .limit(k).mapToInt(Integer::intValue).toArray();
  }

  @Test
  void convertedGraphAgreesWithTheFrozenGraphOnThePhotos() {
    for (String photo : PHOTOS) {
      double[] converted = probabilities(tflite, photo);
      double[] reference = probabilities(frozen, photo);
      assertEquals(1001, converted.length);
      double maxDiff = 0;
      for (int i = 0; i < converted.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(converted[i] - reference[i]));
      }
      System.out.printf("%s: top-5 %s, max |dp| %.2e%n", photo, java.util.Arrays.toString(top(converted, 5)), maxDiff);
      assertArrayEquals(top(reference, 5), top(converted, 5), photo + ": top-5 classes");
      assertTrue(maxDiff < 1e-3, photo + ": max probability difference " + maxDiff);
    }
  }

  @Test
  void layersUnderTheirTfliteNamesHoldTheFrozenGraphsFeatureMaps() {
    List<float[]> inputs = List.of(pipeline.prepare("dog.jpg", TestAssets.sampleBytes("dog.jpg"), false).modelInput());
    Map<String, String> tfliteToFrozen = Map.of(
        "MobileNetV2/Conv2d_18_1/relu6/Relu6", "MobileNetV2/Conv2d_18_1/Relu6",
        "MobileNetV2/expanded_conv_14/expand/relu6/Relu6", "MobileNetV2/expanded_conv_14/expand/Relu6",
        "MobileNetV2/expanded_conv_13/add/add", "MobileNetV2/expanded_conv_13/add/add");
    tfliteToFrozen.forEach((converted, reference) -> {
      float[] a = tflite.forward(inputs, converted).features().values();
      float[] b = frozen.forward(inputs, reference).features().values();
      assertEquals(b.length, a.length, converted);
      double maxDiff = 0;
      for (int i = 0; i < a.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
      }
      System.out.printf("%s vs %s: max |diff| %.2e%n", converted, reference, maxDiff);
      assertTrue(maxDiff < 1e-4, converted + ": max difference " + maxDiff);
    });
  }

  @Test
  void explanationsOfTheConvertedModelAreTheFrozenGraphs() {
    PreparedImage dog = pipeline.prepare("dog.jpg", TestAssets.sampleBytes("dog.jpg"), false);
    // Fast mode on the last layer (the exact solver), and Grad-CAM on a 14 x 14 layer (a gradient through
    // the non-linear rest of the network).
    List<ExplainOptions[]> cases = List.of(
        new ExplainOptions[] {ExplainOptions.defaults(), ExplainOptions.defaults()},
        new ExplainOptions[] {
            ExplainOptions.defaults().withMethod(Method.GRADCAM).withLayer("MobileNetV2/expanded_conv_13/add/add"),
            ExplainOptions.defaults().withMethod(Method.GRADCAM).withLayer("MobileNetV2/expanded_conv_13/add/add")});
    for (ExplainOptions[] options : cases) {
      ClassExplanation converted = Explainer.explain(tflite, List.of(dog), options[0]).get(0).explanations().get(0);
      ClassExplanation reference = Explainer.explain(frozen, List.of(dog), options[1]).get(0).explanations().get(0);
      assertEquals(reference.classId(), converted.classId());
      assertEquals(reference.gridHeight(), converted.gridHeight());
      double cosine = TestAssets.cosine(reference.heatmap(), converted.heatmap());
      System.out.printf("%s on %s: %s, %dx%d heatmap, cosine %.6f%n", options[0].method(), options[0].layer(),
          converted.solver(), converted.gridHeight(), converted.gridWidth(), cosine);
      assertTrue(cosine > 0.9999, options[0].method() + ": cosine " + cosine);
    }
  }

  /** SOURCE.md's "Top-5 on ../../images" lines: photo -> (label, probability) in order. */
  private static Map<String, List<Map.Entry<String, Double>>> publishedTop5() throws IOException {
    Pattern line = Pattern.compile("^\\s*- (\\w+\\.jpg): (.+)$");
    Pattern entry = Pattern.compile("(.+) (\\d\\.\\d+)");
    Map<String, List<Map.Entry<String, Double>>> published = new LinkedHashMap<>();
    // A list item may wrap after a comma onto an indented line.
    String source = Files.readString(TestAssets.SHARED_V2.resolve("SOURCE.md")).replaceAll(",[ \\t]*\\n[ \\t]+", ", ");
    for (String text : source.lines().toList()) {
      Matcher m = line.matcher(text);
      if (m.matches()) {
        List<Map.Entry<String, Double>> entries = new ArrayList<>();
        for (String item : m.group(2).split(", ")) {
          Matcher e = entry.matcher(item.strip());
          assertTrue(e.matches(), "SOURCE.md entry '" + item + "'");
          entries.add(Map.entry(e.group(1), Double.parseDouble(e.group(2))));
        }
        published.put(m.group(1), entries);
      }
    }
    return published;
  }

  /**
   * The model input from the photo decoded at full size: the pipeline decodes JPEGs scaled down by the
   * DCT where the photo is large enough, while SOURCE.md measured on full decodes; a PNG of the decoded
   * pixels takes the pipeline's full-size path.
   */
  private static float[] fullSizeInput(String photo) throws IOException {
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(TestAssets.sampleBytes(photo)));
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(decoded, "png", png));
    return pipeline.prepare(photo + ".png", png.toByteArray(), false).modelInput();
  }

  @Test
  void frozenGraphGivesTheTop5ThatItsSourcePublishes() throws IOException {
    Map<String, List<Map.Entry<String, Double>>> published = publishedTop5();
    assertEquals(PHOTOS, List.copyOf(published.keySet()), "SOURCE.md lists the sample photos");
    for (String photo : PHOTOS) {
      // The sample photos are the shared images (same bytes), which SOURCE.md measured.
      assertArrayEquals(Files.readAllBytes(TestAssets.SHARED_V2.resolve("../../images").resolve(photo)),
          TestAssets.sampleBytes(photo), photo);
      double[] p = probabilities(frozen, fullSizeInput(photo));
      int[] top5 = top(p, 5);
      List<Map.Entry<String, Double>> expected = published.get(photo);
      for (int rank = 0; rank < 5; rank++) {
        String label = frozen.labels().name(top5[rank]).split(",")[0];
        System.out.printf("%s rank %d: %s %.3f (SOURCE.md: %s %.3f)%n", photo, rank, label, p[top5[rank]],
            expected.get(rank).getKey(), expected.get(rank).getValue());
        assertEquals(expected.get(rank).getKey(), label, photo + " rank " + rank);
        // SOURCE.md rounds to 3 decimals, after its own JPEG decoder and resize.
        assertEquals(expected.get(rank).getValue(), p[top5[rank]], 0.02, photo + " " + label);
      }
      assertArrayEquals(top5, top(probabilities(tflite, fullSizeInput(photo)), 5), photo + ": the converted graph");
    }
  }

  @Test
  void loaderFindsTheLayersOfTheConvertedGraphUnderTheirTfliteNames() {
    GraphIndex graph = new GraphIndex(TfliteConverter.read(TestAssets.SHARED_V2.resolve(TFLITE_FILE), "v2"));
    NodeDef softmax = graph.nodes().stream().filter(n -> n.getOp().equals("Softmax")).findFirst().orElseThrow();
    assertEquals(List.of("MobileNetV2/top/SpatialSqueeze/Reshape"), softmax.getInputList(), "the logits");
    assertEquals("MobileNetV2/Conv2d_18_1/relu6/Relu6", tflite.layerTensor("last"), "detected by the loader");
    assertArrayEquals(new long[] {-1, 7, 7, 1280}, shape(tflite.layerTensor("last")));
    assertArrayEquals(new long[] {-1, 1001}, shape("MobileNetV2/top/SpatialSqueeze/Reshape"));
    assertEquals(1001, tflite.numClasses());
    for (String layer : List.of("MobileNetV2/expanded_conv_14/expand/relu6/Relu6",
        "MobileNetV2/expanded_conv_13/add/add", "MobileNetV2/expanded_conv_12/add/add")) {
      long[] shape = shape(layer);
      assertEquals(14, shape[1], layer);
      assertEquals(14, shape[2], layer);
    }
    NodeDef mean = graph.nodes().stream().filter(n -> n.getOp().equals("Mean")).findFirst().orElseThrow();
    assertTrue(mean.getAttrOrThrow("keep_dims").getB(), "MEAN keeps dims as its TFLite options say");
  }

  private static long[] shape(String tensor) {
    return tflite.graph().outputOrThrow(tensor).shape().asArray();
  }

  @Test
  void headAfterTheLastFeatureMapIsAffine() {
    HeadReplay head = tflite.head(tflite.layerTensor("last"));
    assertTrue(head.isAffine(), head.opTypes().toString());
    assertEquals(List.of("Mean", "Conv2D", "BiasAdd", "Reshape"), head.opTypes());
  }

  @Test
  void manifestNamingTheTfliteInputTensorIsToldTheInputName() throws IOException {
    Path folder = modelFolder("misnamed-input", TFLITE_FILE, "name: v2-tflite\nformat: tflite\ngraph: model.tflite\n"
        + INPUT.replace("tensor: input", "tensor: serving_default_input"), "model.tflite");
    ModelException e = assertThrows(ModelException.class, () -> ModelLoader.load(folder));
    assertTrue(e.getMessage().contains("input tensor serving_default_input of model.yaml is not in the graph; "
        + "a TFLite model's input is the placeholder 'input'"), e.getMessage());
  }

  @Test
  void batchOfPhotosGivesEachPhotosLogits() {
    List<float[]> inputs = PHOTOS.subList(0, 3).stream()
        .map(photo -> pipeline.prepare(photo, TestAssets.sampleBytes(photo), false).modelInput()).toList();
    float[][] batched = tflite.logits(inputs);
    for (int i = 0; i < inputs.size(); i++) {
      float[] alone = tflite.logits(List.of(inputs.get(i)))[0];
      for (int c = 0; c < alone.length; c++) {
        assertEquals(alone[c], batched[i][c], 1e-4, PHOTOS.get(i) + " class " + c);
      }
    }
  }
}
