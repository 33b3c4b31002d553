package dev.l2caf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models list / pull / import} as a user types them, on a fresh store. */
class ModelsCommandTest {
  private static final String SMALL = "mobilenet-v1-050-224";

  @TempDir Path temp;

  private static String rowOf(String listing, String name) {
    return listing.lines().filter(l -> l.startsWith(name + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + name + ":\n" + listing));
  }

  @Test
  void pullShowsProgressAndListShowsWhatIsVerified() {
    String store = temp.resolve("store").toString();
    CliRun before = CliRun.of("models", "list", "--models", store);
    assertEquals(0, before.exit(), before.err());
    assertTrue(before.out().contains("model store: " + store), before.out());
    assertTrue(rowOf(before.out(), SMALL).contains(" missing "), before.out());
    assertTrue(rowOf(before.out(), TestAssets.MODEL_NAME).contains(" missing "), before.out());

    CliRun pull = CliRun.of("models", "pull", "--models", store, "--mirror", TestAssets.SHARED_MODELS.toString(), SMALL);
    assertEquals(0, pull.exit(), pull.err());
    assertTrue(pull.out().contains(SMALL + ": verified in " + Path.of(store).resolve(SMALL)), pull.out());
    assertTrue(pull.err().contains("quantized_graph.pb <- "), "names each file's source: " + pull.err());

    CliRun after = CliRun.of("models", "list", "--models", store);
    assertTrue(rowOf(after.out(), SMALL).contains(" verified "), after.out());
    assertTrue(rowOf(after.out(), SMALL).contains("Apache-2.0"), after.out());
  }

  @Test
  void importTakesTheFilesOfAnOfflineCopy() throws Exception {
    Path stick = Files.createDirectories(temp.resolve("stick"));
    for (String file : new String[] {"quantized_graph.pb", "labels.txt"}) {
      Files.copy(TestAssets.SMALL_MODEL_DIR.resolve(file), stick.resolve(file));
    }
    String store = temp.resolve("store").toString();
    CliRun run = CliRun.of("models", "import", stick.toString(), "--name", SMALL, "--models", store);
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().startsWith(SMALL + ": imported "), run.out());
    assertTrue(rowOf(CliRun.of("models", "list", "--models", store).out(), SMALL).contains(" verified "));

    CliRun unknown = CliRun.of("models", "pull", "--models", store, "no-such-net");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("not in the catalog"), unknown.err());
  }
}
