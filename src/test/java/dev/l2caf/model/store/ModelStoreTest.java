package dev.l2caf.model.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.l2caf.TestAssets;
import dev.l2caf.model.ModelException;
import dev.l2caf.model.ModelLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models pull}, {@code import} and {@code list} against a real HTTP server on the loopback that serves the
 * small catalog model's real files: whole, tampered (same size, one byte changed) or cut off mid-body.
 */
class ModelStoreTest {
  private static final String NAME = "mobilenet-v1-050-224";
  private static final ModelCatalog.Entry SHIPPED = ModelCatalog.shipped().find(NAME).orElseThrow();

  private static HttpServer server;
  private static String base;

  @TempDir Path temp;

  @BeforeAll
  static void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    Map<String, Function<byte[], byte[]>> bodies = Map.of(
        "good", bytes -> bytes,
        "tampered", bytes -> {
          byte[] copy = bytes.clone();
          copy[copy.length / 2] ^= 1;
          return copy;
        });
    bodies.forEach((kind, body) -> server.createContext("/" + kind + "/", exchange ->
        respond(exchange, body.apply(original(exchange)), false)));
    server.createContext("/cut/", exchange -> respond(exchange, original(exchange), true));
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static byte[] original(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    return Files.readAllBytes(TestAssets.SMALL_MODEL_DIR.resolve(path.substring(path.lastIndexOf('/') + 1)));
  }

  /** Sends {@code body} whole, or announces all of it and closes the connection halfway. */
  private static void respond(HttpExchange exchange, byte[] body, boolean cut) throws IOException {
    exchange.sendResponseHeaders(200, body.length);
    OutputStream out = exchange.getResponseBody();
    try {
      out.write(body, 0, cut ? body.length / 2 : body.length);
      out.flush();
    } finally {
      if (cut) {
        closeQuietly(exchange); // closes the connection: the body ends halfway
      } else {
        out.close();
      }
    }
  }

  private static void closeQuietly(HttpExchange exchange) {
    try {
      exchange.close();
    } catch (RuntimeException e) {
      // "insufficient bytes written": the point of this response
    }
  }

  /** The shipped catalog entry, its files served only from {@code kinds} in this order. */
  private static ModelCatalog catalogServedFrom(String... kinds) {
    List<ModelCatalog.FileEntry> files = SHIPPED.files().stream().map(f -> new ModelCatalog.FileEntry(f.name(),
        f.size(), f.sha256(), Stream.of(kinds).map(k -> base + "/" + k + "/" + f.name()).toList())).toList();
    return new ModelCatalog(List.of(new ModelCatalog.Entry(SHIPPED.name(), SHIPPED.description(), SHIPPED.licence(),
        SHIPPED.attribution(), files, SHIPPED.manifest())));
  }

  private ModelStore store(ModelCatalog catalog) {
    return new ModelStore(temp.resolve("store"), List.of(), catalog);
  }

  /** Every regular file under the store, relative to it. */
  private List<String> filesIn(ModelStore store) throws IOException {
    if (!Files.exists(store.root())) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(store.root())) {
      return all.filter(Files::isRegularFile).map(p -> store.root().relativize(p).toString()).sorted().toList();
    }
  }

  private static final class Recorder implements PullListener {
    final List<String> failures = new ArrayList<>();
    long bytes;

    @Override
    public void bytes(long n) {
      bytes += n;
    }

    @Override
    public void sourceFailed(ModelCatalog.FileEntry file, String source, String reason) {
      failures.add(source + " " + reason);
    }
  }

  @Test
  void pullDownloadsVerifiesAndWritesALoadableModelFolder() throws IOException {
    ModelStore store = store(catalogServedFrom("good"));
    Recorder progress = new Recorder();

    Path folder = store.pull(NAME, progress);

    assertEquals(store.root().resolve(NAME), folder);
    assertEquals(SHIPPED.totalBytes(), progress.bytes, "progress counts every byte");
    for (ModelCatalog.FileEntry file : SHIPPED.files()) {
      assertArrayEquals(Files.readAllBytes(TestAssets.SMALL_MODEL_DIR.resolve(file.name())),
          Files.readAllBytes(folder.resolve(file.name())), file.name());
    }
    assertEquals(SHIPPED.manifest(), ModelLoader.readManifest(folder), "model.yaml is the catalog's manifest");
    assertTrue(Files.readString(folder.resolve("NOTICE")).contains(SHIPPED.attribution().lines().findFirst().orElseThrow()));
    assertEquals(folder, store.resolve(NAME));
    assertEquals(ModelStore.State.VERIFIED, store.list().get(0).state());

    Recorder again = new Recorder();
    store.pull(NAME, again);
    assertEquals(0, again.bytes, "verified files are not downloaded again");
  }

  @Test
  void aChecksumMismatchIsRefusedAndLeavesNothing() throws IOException {
    ModelStore store = store(catalogServedFrom("tampered"));

    ModelException e = assertThrows(ModelException.class, () -> store.pull(NAME, PullListener.NONE));

    assertTrue(e.getMessage().contains("SHA-256 mismatch") && e.getMessage().contains("refused"), e.getMessage());
    assertEquals(List.of(), filesIn(store), "no file of a refused download anywhere in the store");
    assertThrows(ModelException.class, () -> store.resolve(NAME));
    assertEquals(ModelStore.State.INCOMPLETE, store.list().get(0).state());
  }

  @Test
  void anInterruptedDownloadLeavesNoHalfFileAndTheNextSourceIsTried() throws IOException {
    ModelStore cutOnly = store(catalogServedFrom("cut"));
    ModelException e = assertThrows(ModelException.class, () -> cutOnly.pull(NAME, PullListener.NONE));
    assertTrue(e.getMessage().contains(base + "/cut/"), e.getMessage());
    assertEquals(List.of(), filesIn(cutOnly), "no half file, not even in .incoming");

    Recorder progress = new Recorder();
    ModelStore fallback = store(catalogServedFrom("cut", "tampered", "good"));
    Path folder = fallback.pull(NAME, progress);
    assertEquals(2 * SHIPPED.files().size(), progress.failures.size(), progress.failures.toString());
    assertTrue(progress.failures.stream().anyMatch(f -> f.contains("/tampered/") && f.contains("SHA-256 mismatch")),
        progress.failures.toString());
    assertEquals(ModelStore.State.VERIFIED, fallback.list().get(0).state());
    List<String> expected = new ArrayList<>(SHIPPED.files().stream().map(f -> NAME + "/" + f.name()).toList());
    expected.add(NAME + "/NOTICE");
    expected.add(NAME + "/model.yaml");
    assertEquals(expected.stream().sorted().toList(), filesIn(fallback));
    assertEquals(folder, fallback.resolve(NAME));
  }

  @Test
  void aMirrorFolderIsSearchedBeforeTheUrls() throws IOException {
    // The URLs would fail; the shared models folder beside the checkout has the files two levels down.
    ModelStore store = new ModelStore(temp.resolve("store"), List.of(TestAssets.SHARED_MODELS.toString()),
        catalogServedFrom("tampered"));
    Recorder progress = new Recorder();
    store.pull(NAME, progress);
    assertEquals(List.of(), progress.failures);
    assertEquals(ModelStore.State.VERIFIED, store.list().get(0).state());
  }

  @Test
  void importTakesLooseFilesByChecksumAndModelFoldersWhole() throws IOException {
    ModelStore store = store(ModelCatalog.shipped());
    Path loose = Files.createDirectories(temp.resolve("usb-stick"));
    for (ModelCatalog.FileEntry file : SHIPPED.files()) {
      Files.copy(TestAssets.SMALL_MODEL_DIR.resolve(file.name()), loose.resolve("copy-of-" + file.name()));
    }

    List<ModelStore.Imported> imported = store.importFrom(loose, null);

    assertEquals(1, imported.size());
    assertEquals(NAME, imported.get(0).name());
    assertTrue(imported.get(0).complete());
    assertEquals(ModelStore.State.VERIFIED, store.list().stream().filter(l -> l.name().equals(NAME)).findFirst()
        .orElseThrow().state());

    // A model of one's own: a folder with a model.yaml, copied whole and listed as local.
    Path own = Files.createDirectories(temp.resolve("own"));
    for (ModelCatalog.FileEntry file : SHIPPED.files()) {
      Files.copy(TestAssets.SMALL_MODEL_DIR.resolve(file.name()), own.resolve(file.name()));
    }
    Files.writeString(own.resolve("model.yaml"),
        Files.readString(TestAssets.SMALL_MODEL_DIR.resolve("model.yaml")).replace("name: \"" + NAME + "\"", "name: \"my-net\""));
    store.importFrom(own, "my-net");
    ModelStore.Listing local = store.list().stream().filter(l -> l.name().equals("my-net")).findFirst().orElseThrow();
    assertEquals(ModelStore.State.LOCAL, local.state());
    assertEquals("my-net", ModelLoader.readManifest(store.resolve("my-net")).name());

    ModelException wrongName = assertThrows(ModelException.class, () -> store.importFrom(own, "other"));
    assertTrue(wrongName.getMessage().contains("my-net"), wrongName.getMessage());
    Path unrelated = Files.writeString(temp.resolve("notes.txt"), "not a model");
    ModelException nothing = assertThrows(ModelException.class, () -> store.importFrom(unrelated, null));
    assertTrue(nothing.getMessage().contains("SHA-256"), nothing.getMessage());
  }

  @Test
  void aModifiedFileIsListedAsModified() throws IOException {
    ModelStore store = store(catalogServedFrom("good"));
    Path folder = store.pull(NAME, PullListener.NONE);
    String labels = SHIPPED.files().stream().filter(f -> f.name().endsWith(".txt")).findFirst().orElseThrow().name();
    Files.writeString(folder.resolve(labels), "edited\n");
    ModelStore.Listing row = store.list().get(0);
    assertEquals(ModelStore.State.MODIFIED, row.state());
    assertTrue(row.detail().contains(labels), row.detail());
  }

  @Test
  void aMissingModelNamesTheStoreAndBothWaysToGetIt() {
    ModelStore store = store(ModelCatalog.shipped());
    ModelException known = assertThrows(ModelException.class, () -> store.resolve(NAME));
    assertEquals(ModelException.Kind.NOT_FOUND, known.kind());
    for (String part : List.of(store.root().toString(), "models pull " + NAME, "models import")) {
      assertTrue(known.getMessage().contains(part), "lacks '" + part + "': " + known.getMessage());
    }
    ModelException unknown = assertThrows(ModelException.class, () -> store.resolve("no-such-net"));
    assertTrue(unknown.getMessage().contains("not in the catalog") && unknown.getMessage().contains(NAME),
        unknown.getMessage());
    ModelException escape = assertThrows(ModelException.class, () -> store.resolve(".."));
    assertFalse(escape.getMessage().isBlank());
  }
}
