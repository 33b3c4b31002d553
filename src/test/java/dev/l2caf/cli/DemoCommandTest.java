package dev.l2caf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The README's first command, as a new user runs it (on free ports instead of the fixed defaults). */
class DemoCommandTest {
  @TempDir Path temp;

  @Test
  void demoOnceExplainsTheSamplesThroughKafkaAndS3() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute("demo", "--once", "--kafka-port", "0", "--s3-port", "0", "--http-port", "0",
        "--dir", temp.toString());
    assertEquals(0, exit, out + "\n" + err);
    assertTrue(out.toString().contains("6 submitted: 6 ok, 0 failed"), out.toString());
    assertTrue(out.toString().contains("status page: http://127.0.0.1:"), out.toString());
    List<Path> overlays;
    try (Stream<Path> files = Files.walk(temp.resolve("objects"))) {
      overlays = files.filter(p -> p.getFileName().toString().equals("overlay.png")).toList();
    }
    assertEquals(6, overlays.size(), "one overlay per sample, on disk");
    for (Path overlay : overlays) {
      assertTrue(ImageIO.read(overlay.toFile()).getWidth() > 0);
      assertTrue(out.toString().contains(overlay.toAbsolutePath().toString()), "the demo prints where it is");
    }
  }
}
