package dev.l2caf.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.cli.CliRun;
import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFAULT_ROW = "l2caf:" + Loss.DEFAULT.label() + ":auto:" + Heat.DEFAULT.label();

  @TempDir Path temp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void evaluatesTwoMethodsOnTwoImagesIntoJsonAndAPlot() throws IOException {
    Path images = Files.createDirectory(temp.resolve("images"));
    Files.copy(Path.of("samples/dog.jpg"), images.resolve("dog.jpg")); // 3 boxed objects
    Files.copy(Path.of("samples/scream.jpg"), images.resolve("scream.jpg")); // no boxes: top-1 class
    Path out = temp.resolve("out");

    CliRun r = run("eval", images.toString(), "--boxes", "samples/boxes.json", "--methods", "l2caf,random", "--json",
        "--batch-size", "2", "--out", out.toString());

    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("eagle.jpg"), "boxes of images not evaluated are named: " + r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(1, lines.size(), "one JSON object on stdout");
    JsonNode node = JSON.readTree(lines.get(0));
    assertEquals(JSON.readTree(out.resolve("eval.json").toFile()), node, "stdout and eval.json agree");
    assertEquals(2, node.get("n_images").asInt());
    assertEquals(4, node.get("n_pairs").asInt());
    assertEquals(3, node.get("n_pairs_with_boxes").asInt());
    assertEquals(List.of(0.15, 0.2, 0.3), JSON.convertValue(node.get("protocol").get("box_thresholds"), List.class));

    JsonNode methods = node.get("methods");
    assertEquals(List.of(DEFAULT_ROW, "random"), List.of(methods.get(0).get("method").asText(),
        methods.get(1).get("method").asText()));
    for (JsonNode m : methods) {
      assertEquals(4, m.get("n").asInt());
      assertEquals(3, m.get("n_with_boxes").asInt());
      double pointing = m.get("pointing_accuracy").asDouble();
      assertTrue(pointing >= 0 && pointing <= 1);
      assertEquals(3, m.get("localization_accuracy").size());
      assertEquals(0.15, m.get("localization_accuracy").get(0).get("threshold").asDouble());
      assertTrue(m.get("deletion_auc").isNumber() && m.get("insertion_auc").isNumber());
      assertEquals(17, m.get("mean_deletion_curve").size());
      assertEquals(17, m.get("mean_insertion_curve").size());
      JsonNode pointingInterval = m.get("intervals").get("pointing_accuracy");
      assertEquals(3, pointingInterval.get("n").asInt());
      assertTrue(pointingInterval.get("low").asDouble() <= pointing && pointing <= pointingInterval.get("high").asDouble());
      assertEquals(1, m.get("intervals").get("class_cosine").get("n").asInt(), "only dog.jpg has several classes");
    }
    assertEquals(1, node.get("n_images_with_several_classes").asInt());

    JsonNode pairs = node.get("pairs");
    assertEquals(List.of("dog.jpg:251", "dog.jpg:672", "dog.jpg:718"), List.of(key(pairs.get(0)), key(pairs.get(1)),
        key(pairs.get(2))));
    JsonNode scream = pairs.get(3);
    assertEquals("scream.jpg", scream.get("image").asText());
    assertEquals(0, scream.get("boxes").size());
    JsonNode screamScore = scream.get("scores").get(DEFAULT_ROW);
    assertTrue(screamScore.get("pointing_hit").isNull(), "no boxes, no pointing game");
    assertEquals(0, screamScore.get("localization").size());
    JsonNode dogScore = pairs.get(0).get("scores").get(DEFAULT_ROW);
    assertTrue(dogScore.get("pointing_hit").isBoolean());
    assertEquals(3, dogScore.get("localization").size());
    JsonNode deletion = dogScore.get("deletion_curve");
    assertEquals(17, deletion.size());
    assertEquals(pairs.get(0).get("probability").asDouble(), deletion.get(0).asDouble(), 1e-3,
        "deletion starts at the unperturbed probability");
    assertEquals(deletion.get(16).asDouble(), dogScore.get("insertion_curve").get(0).asDouble(), 1e-4,
        "deletion ends and insertion starts at the fully blurred input");

    for (JsonNode m : methods) {
      String method = m.get("method").asText();
      assertEquals(classCosine(pairs, method), m.get("class_cosine").asDouble(), 1e-3,
          method + ": the mean cosine of the dog.jpg maps of its three classes");
    }

    BufferedImage plot = ImageIO.read(out.resolve("eval-curves.png").toFile());
    assertTrue(plot.getWidth() >= 800 && plot.getHeight() >= 400, plot.getWidth() + "x" + plot.getHeight());
  }

  @Test
  void everyLossAndSolverIsARowAndExactMatchesIterative() throws IOException {
    Path images = Files.createDirectory(temp.resolve("images"));
    Files.copy(Path.of("samples/dog.jpg"), images.resolve("dog.jpg"));
    Path out = temp.resolve("out");

    CliRun r = run("eval", images.toString(), "--boxes", "samples/boxes.json", "--methods", "l2caf,gradcam", "--loss",
        "reference,softmax", "--solvers", "exact,iterative", "--heat", "abs", "--json", "--out", out.toString());

    assertEquals(0, r.exit(), r.err());
    JsonNode node = JSON.readTree(r.out());
    List<String> rows = node.get("methods").findValuesAsText("method");
    // softmax is not linear: no exact row for it
    assertEquals(List.of("l2caf:reference:exact:abs", "l2caf:reference:iterative:abs", "l2caf:softmax:iterative:abs", "gradcam"),
        rows);
    JsonNode methods = node.get("methods");
    assertEquals("softmax", methods.get(2).get("loss").asText());
    assertEquals("iterative", methods.get(2).get("solver").asText());
    assertEquals(methods.get(0).get("class_cosine").asDouble(), methods.get(1).get("class_cosine").asDouble(), 1e-3,
        "exact and iterative find the same maps");
    assertEquals(classCosine(node.get("pairs"), "l2caf:softmax:iterative:abs"), methods.get(2).get("class_cosine").asDouble(),
        1e-3);
  }

  @Test
  void aLayerWhereCamDoesNotApplyIsRefusedBeforeAnyWork() {
    CliRun r = run("eval", "samples", "--boxes", "samples/boxes.json", "--layer", "expand14", "--methods", "cam",
        "--out", temp.resolve("out").toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().toLowerCase().contains("cam"), r.err());
  }

  @Test
  void anUnknownMethodIsAUsageError() {
    CliRun r = run("eval", "samples", "--methods", "l2caf,lime", "--out", temp.resolve("out").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("unknown method 'lime'"), r.err());
  }

  /** The mean over dog.jpg's three class pairs of the cosine of the min-max scaled maps, from eval.json's maps. */
  private static double classCosine(JsonNode pairs, String method) {
    List<double[]> maps = new java.util.ArrayList<>();
    for (JsonNode pair : pairs) {
      if (pair.get("image").asText().equals("dog.jpg")) {
        List<Double> cells = new java.util.ArrayList<>();
        pair.get("scores").get(method).get("map").forEach(row -> row.forEach(v -> cells.add(v.asDouble())));
        double min = cells.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = cells.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        maps.add(cells.stream().mapToDouble(v -> (v - min) / (max - min)).toArray());
      }
    }
    assertEquals(3, maps.size());
    double sum = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = i + 1; j < 3; j++) {
        sum += cosine(maps.get(i), maps.get(j));
      }
    }
    return sum / 3;
  }

  private static double cosine(double[] a, double[] b) {
    double dot = 0;
    double aa = 0;
    double bb = 0;
    for (int k = 0; k < a.length; k++) {
      dot += a[k] * b[k];
      aa += a[k] * a[k];
      bb += b[k] * b[k];
    }
    return dot / Math.sqrt(aa * bb);
  }

  private static String key(JsonNode pair) {
    return pair.get("image").asText() + ":" + pair.get("class").asInt();
  }
}
