package dev.l2caf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2caf.TestAssets;
import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void jsonOutputHasTheDocumentedFieldsAndTheFilesExist() throws IOException {
    Path out = temp.resolve("out");
    CliRun r = run("explain", "samples/dog.jpg", "--class", "251", "--class", "444", "--json", "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(1, lines.size(), "one JSON object per image on stdout");
    JsonNode node = JSON.readTree(lines.get(0));
    assertEquals("samples/dog.jpg", node.get("image").asText());
    assertEquals(TestAssets.MODEL_NAME, node.get("model").asText());
    assertEquals("last", node.get("layer").asText());
    assertEquals("fast", node.get("mode").asText());
    assertEquals(5, node.get("predictions").size());
    assertTrue(node.get("predictions").get(0).has("label"));
    JsonNode explanations = node.get("explanations");
    assertEquals(List.of(251, 444), List.of(explanations.get(0).get("class").asInt(), explanations.get(1).get("class").asInt()));
    for (JsonNode e : explanations) {
      assertEquals(Loss.DEFAULT.linear() ? "exact" : "collapsed", e.get("solver").asText());
      assertEquals(Loss.DEFAULT.label(), e.get("loss_function").asText());
      assertEquals(Heat.DEFAULT.label(), e.get("heat").asText());
      JsonNode heatmap = e.get("heatmap");
      assertEquals(7, heatmap.size());
      double squares = 0;
      for (JsonNode row : heatmap) {
        assertEquals(7, row.size());
        for (JsonNode v : row) {
          squares += v.asDouble() * v.asDouble();
        }
      }
      assertEquals(1.0, squares, 1e-3, "the raw heatmap has unit L2 norm");
      assertEquals(4, e.get("box").size());
      for (String kind : List.of("heatmap", "overlay")) {
        BufferedImage png = ImageIO.read(Path.of(e.get("files").get(kind).asText()).toFile());
        assertEquals(768, png.getWidth());
        assertEquals(576, png.getHeight());
      }
    }
    assertTrue(node.get("timings_ms").has("decode") && node.get("timings_ms").has("solve"));
  }

  @Test
  void theLossAndHeatAskedForAreTheOnesReported() throws IOException {
    CliRun r = run("explain", "samples/dog.jpg", "--class", "672", "--loss", "softmax", "--heat", "positive", "--json",
        "--out", temp.resolve("l2caf").toString());
    assertEquals(0, r.exit(), r.err());
    JsonNode e = JSON.readTree(r.out()).get("explanations").get(0);
    assertEquals("softmax", e.get("loss_function").asText());
    assertEquals("positive", e.get("heat").asText());
    assertEquals("collapsed", e.get("solver").asText(), "softmax is not linear: the iterative schedule, collapsed");
    e.get("heatmap").forEach(row -> row.forEach(v -> assertTrue(v.asDouble() >= 0)));

    CliRun cam = run("explain", "samples/dog.jpg", "--class", "672", "--method", "cam", "--json", "--out",
        temp.resolve("cam").toString());
    assertEquals(0, cam.exit(), cam.err());
    JsonNode c = JSON.readTree(cam.out()).get("explanations").get(0);
    assertTrue(c.get("loss_function").isNull() && c.get("heat").isNull(), "a baseline optimizes no loss: " + c);
  }

  @Test
  void aFolderIsExplainedImageByImageWithProgressOnStderr() throws IOException {
    CliRun r = run("explain", "samples", "--json", "--top-k", "2", "--batch-size", "4", "--out", temp.toString());
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(6, lines.size());
    for (String line : lines) {
      assertEquals(2, JSON.readTree(line).get("explanations").size());
    }
    assertTrue(r.err().contains("explain"), "progress bar on stderr");
  }

  @Test
  void badInputsGiveClearMessagesAndANonZeroExit() throws IOException {
    Path empty = Files.write(temp.resolve("empty.jpg"), new byte[0]);
    byte[] dog = TestAssets.sampleBytes("dog.jpg");
    Path truncated = Files.write(temp.resolve("truncated.jpg"), Arrays.copyOf(dog, dog.length / 2));
    Path text = Files.writeString(temp.resolve("notes.txt"), "this is not an image\n");
    Path huge = Files.write(temp.resolve("huge.png"), pngHeader(50_000, 50_000));
    String out = temp.resolve("out").toString();

    assertFailure(run("explain", empty.toString(), "--out", out), "empty.jpg");
    assertFailure(run("explain", truncated.toString(), "--out", out), "truncated.jpg");
    assertFailure(run("explain", text.toString(), "--out", out), "notes.txt");
    assertFailure(run("explain", huge.toString(), "--out", out), "huge.png");
    assertFailure(run("explain", "samples/dog.jpg", "--class", "5000", "--out", out), "class 5000");
    assertFailure(run("explain", "samples/dog.jpg", "--layer", "conv99", "--out", out), "unknown layer 'conv99'");
    assertFailure(run("explain", "samples/dog.jpg", "--model", temp.resolve("no-model").toString()), "does not exist");
    assertFailure(run("explain", temp.resolve("missing.jpg").toString()), "no such file");
  }

  @Test
  void oneBadImageInABatchDoesNotStopTheOthers() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("mixed"));
    Files.copy(Path.of("samples/dog.jpg"), folder.resolve("a-dog.jpg"));
    Files.write(folder.resolve("b-broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3});
    Files.copy(Path.of("samples/eagle.jpg"), folder.resolve("c-eagle.jpg"));
    CliRun r = run("explain", folder.toString(), "--json", "--out", temp.resolve("out").toString());
    assertEquals(1, r.exit(), "some images failed");
    List<JsonNode> nodes = r.out().lines().map(ExplainCommandTest::parse).toList();
    assertEquals(3, nodes.size());
    assertEquals(2, nodes.stream().filter(n -> n.has("explanations")).count());
    JsonNode failure = nodes.stream().filter(n -> n.has("error")).findFirst().orElseThrow();
    assertTrue(failure.get("image").asText().endsWith("b-broken.jpg"));
    assertEquals("CORRUPT", failure.get("error").get("code").asText());
  }

  @Test
  void everyCommandHasHelpWithExamples() {
    for (String command : List.of("explain", "demo", "worker", "submit", "bench")) {
      CliRun r = run(command, "--help");
      assertEquals(0, r.exit());
      assertTrue(r.out().contains("Examples:"), command + " --help:\n" + r.out());
    }
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"help", "explain"})) {
      CliRun r = run(args);
      assertEquals(0, r.exit());
      assertTrue(r.out().contains("Examples:"), String.join(" ", args) + ":\n" + r.out());
    }
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  private static void assertFailure(CliRun r, String expected) {
    assertNotEquals(0, r.exit(), "exit code for: " + expected);
    assertTrue(r.err().contains(expected), "stderr should mention '" + expected + "': " + r.err());
    assertTrue(!r.err().contains("Exception"), "no stack trace for a known failure: " + r.err());
  }

  /** A PNG signature and an IHDR chunk claiming width x height, with a valid CRC and no pixel data. */
  static byte[] pngHeader(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(17);
    ihdr.put("IHDR".getBytes()).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    png.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
    png.writeBytes(ihdr.array());
    png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    return png.toByteArray();
  }
}
