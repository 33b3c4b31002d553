package dev.l2caf.model.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.l2caf.model.ModelException;
import dev.l2caf.model.ModelLoader;
import dev.l2caf.model.ModelManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of models by name: {@code <root>/<name>/} holds a model's files and its {@code model.yaml}. Catalog
 * models get there by {@link #pull} (download, SHA-256 checked) or {@link #importFrom} (files copied by hand);
 * any model folder with a {@code model.yaml} can be imported too.
 *
 * <p>A model folder only ever holds complete, verified files: downloads land in {@code <root>/.incoming/} and
 * are moved in once their checksum matches, and {@code model.yaml} is written last, so an interrupted pull
 * leaves nothing that {@link #resolve} would load.
 */
public final class ModelStore {
  private static final Logger log = LoggerFactory.getLogger(ModelStore.class);
  /** Model names: what a request may name, so a name never walks out of the store. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final String INCOMING = ".incoming";
  private static final String MANIFEST = "model.yaml";
  private static final String NOTICE = "NOTICE";
  private static final int MIRROR_DEPTH = 2;
  private static final ObjectMapper YAML = new ObjectMapper(
      new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final Path root;
  private final List<String> mirrors;
  private final ModelCatalog catalog;
  private final HttpClient http;

  public ModelStore(Path root, List<String> mirrors, ModelCatalog catalog) {
    this.root = root.toAbsolutePath().normalize();
    this.mirrors = List.copyOf(mirrors);
    this.catalog = catalog;
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(20)).build();
  }

  public Path root() {
    return root;
  }

  public ModelCatalog catalog() {
    return catalog;
  }

  /** Whether {@code reference} names a folder (a path) rather than a model in the store. */
  public static boolean isFolderReference(String reference) {
    return reference.contains("/") || reference.contains("\\") || reference.equals(".") || reference.equals("..");
  }

  public static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * The folder of a model given by name (in this store) or by folder path.
   *
   * @throws ModelException (NOT_FOUND) saying where it looked and how to get the model
   */
  public Path resolve(String reference) {
    if (isFolderReference(reference)) {
      Path folder = Path.of(reference);
      ModelLoader.readManifest(folder); // names what is missing
      return folder;
    }
    if (!validName(reference)) {
      throw new ModelException(ModelException.Kind.NOT_FOUND, "'" + reference + "' is not a model name"
          + " (letters, digits, '.', '_' and '-') or a folder path");
    }
    Path folder = root.resolve(reference);
    if (Files.isRegularFile(folder.resolve(MANIFEST))) {
      return folder;
    }
    throw new ModelException(ModelException.Kind.NOT_FOUND, missingMessage(reference));
  }

  /** The one message for a model that is not here: where we looked, and both ways to get it. */
  public String missingMessage(String name) {
    Optional<ModelCatalog.Entry> known = catalog.find(name);
    if (known.isEmpty()) {
      return String.format(Locale.ROOT, "model '%s' is not in the model store %s and not in the catalog (known models:"
          + " %s). Add a model folder (with a model.yaml) with: l2caf models import DIR --name %s"
          + " (choose another store with --models DIR or L2CAF_MODELS)", name, root, String.join(", ", catalog.names()),
          name);
    }
    ModelCatalog.Entry entry = known.get();
    String files = String.join(", ", entry.files().stream().map(ModelCatalog.FileEntry::name).toList());
    String state = Files.isDirectory(root.resolve(name)) ? " is incomplete in the model store " : " is not in the model store ";
    return String.format(Locale.ROOT, "model '%s'%s%s. Get it with: l2caf models pull %s (downloads %.1f MB from"
        + " its publisher and checks SHA-256), or offline: copy its files (%s) to this machine and run: l2caf models"
        + " import PATH --name %s (choose another store with --models DIR or L2CAF_MODELS)", name, state, root, name,
        entry.totalBytes() / 1e6, files, name);
  }

  // ---------------------------------------------------------------- listing

  /** How a model stands in the store. */
  public enum State {
    /** Every file present and matching the catalog's SHA-256 (or, outside the catalog, a model.yaml present). */
    VERIFIED,
    /** A model folder that is not in the catalog: its files cannot be checked. */
    LOCAL,
    /** Some catalog files missing: pull or import again. */
    INCOMPLETE,
    /** A file differs from the catalog's checksum. */
    MODIFIED,
    /** Not in the store. */
    MISSING
  }

  /** One row of {@link #list}: a catalog model, a local one, or both. */
  public record Listing(String name, Optional<ModelCatalog.Entry> catalogEntry, State state, Path folder, String detail) {}

  /** Every catalog model (present or not), then the store's other model folders. */
  public List<Listing> list() {
    List<Listing> rows = new ArrayList<>();
    for (ModelCatalog.Entry entry : catalog.models()) {
      rows.add(inspect(entry));
    }
    if (Files.isDirectory(root)) {
      try (Stream<Path> folders = Files.list(root)) {
        folders.filter(Files::isDirectory)
            .filter(f -> !f.getFileName().toString().startsWith("."))
            .filter(f -> catalog.find(f.getFileName().toString()).isEmpty())
            .filter(f -> Files.isRegularFile(f.resolve(MANIFEST)))
            .sorted()
            .forEach(f -> rows.add(new Listing(f.getFileName().toString(), Optional.empty(), State.LOCAL, f,
                "not in the catalog")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return rows;
  }

  private Listing inspect(ModelCatalog.Entry entry) {
    Path folder = root.resolve(entry.name());
    if (!Files.isDirectory(folder)) {
      return new Listing(entry.name(), Optional.of(entry), State.MISSING, folder, "");
    }
    List<String> missing = new ArrayList<>();
    List<String> modified = new ArrayList<>();
    for (ModelCatalog.FileEntry file : entry.files()) {
      Path path = folder.resolve(file.name());
      if (!Files.isRegularFile(path)) {
        missing.add(file.name());
      } else if (!verified(path, file)) {
        modified.add(file.name());
      }
    }
    if (!modified.isEmpty()) {
      return new Listing(entry.name(), Optional.of(entry), State.MODIFIED, folder,
          "checksum differs: " + String.join(", ", modified));
    }
    if (!missing.isEmpty() || !Files.isRegularFile(folder.resolve(MANIFEST))) {
      return new Listing(entry.name(), Optional.of(entry), State.INCOMPLETE, folder,
          missing.isEmpty() ? "no model.yaml" : "missing: " + String.join(", ", missing));
    }
    return new Listing(entry.name(), Optional.of(entry), State.VERIFIED, folder, "");
  }

  private static boolean verified(Path path, ModelCatalog.FileEntry file) {
    try {
      return Files.size(path) == file.size() && Checksums.sha256(path).equals(file.sha256());
    } catch (IOException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- pull

  /**
   * Downloads a catalog model into the store: each file from the first source that has it (mirrors first,
   * then the catalog's URLs), checked against its size and SHA-256 before it is moved in. Files already
   * present and verified are kept.
   *
   * @return the model's folder
   * @throws ModelException when the name is unknown or no source gives a file with the right checksum
   */
  public Path pull(String name, PullListener listener) {
    ModelCatalog.Entry entry = catalog.find(name).orElseThrow(() -> new ModelException(ModelException.Kind.NOT_FOUND,
        "model '" + name + "' is not in the catalog (known models: " + String.join(", ", catalog.names()) + ")"));
    Path folder = root.resolve(entry.name());
    try {
      Files.createDirectories(folder);
      Path incoming = incoming();
      for (ModelCatalog.FileEntry file : entry.files()) {
        Path target = folder.resolve(file.name());
        if (Files.isRegularFile(target) && verified(target, file)) {
          listener.fileDone(file, true);
          continue;
        }
        fetch(file, incoming.resolve(entry.name() + "." + file.name() + ".part"), target, listener);
        listener.fileDone(file, false);
      }
      writeManifest(entry, folder);
      log.info("model {} is in the store at {} ({} files verified)", name, folder, entry.files().size());
      return folder;
    } catch (IOException e) {
      throw new ModelException("cannot write to the model store " + root + ": " + e.getMessage(), e);
    }
  }

  private void fetch(ModelCatalog.FileEntry file, Path part, Path target, PullListener listener) throws IOException {
    List<String> failures = new ArrayList<>();
    for (String source : sources(file)) {
      listener.fileStarted(file, source);
      try {
        download(source, part, file, listener);
        moveInto(part, target);
        return;
      } catch (IOException | SourceException e) {
        Files.deleteIfExists(part);
        String reason = e.getMessage();
        failures.add(source + ": " + reason);
        listener.sourceFailed(file, source, reason);
        log.debug("model file {} from {} failed: {}", file.name(), source, reason);
      } catch (InterruptedException e) {
        Files.deleteIfExists(part);
        Thread.currentThread().interrupt();
        throw new ModelException("download of " + file.name() + " interrupted");
      }
    }
    throw new ModelException(ModelException.Kind.NOT_FOUND, "no source gave " + file.name() + " with SHA-256 "
        + file.sha256() + (failures.isEmpty() ? "" : ":\n  " + String.join("\n  ", failures)));
  }

  /** Mirror copies first (local folders, then http bases), then the publisher's URLs. */
  private List<String> sources(ModelCatalog.FileEntry file) {
    List<String> sources = new ArrayList<>();
    for (String mirror : mirrors) {
      if (isHttp(mirror)) {
        sources.add(mirror.replaceAll("/+$", "") + "/" + file.name());
      } else {
        sources.addAll(mirrorCopies(Path.of(mirror), file));
      }
    }
    sources.addAll(file.urls());
    return sources;
  }

  private static boolean isHttp(String source) {
    String lower = source.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  /** Files of the right name and size in a mirror folder, up to two levels deep. */
  private static List<String> mirrorCopies(Path mirror, ModelCatalog.FileEntry file) {
    if (!Files.isDirectory(mirror)) {
      return List.of();
    }
    try (Stream<Path> found = Files.find(mirror, MIRROR_DEPTH, (p, a) -> a.isRegularFile()
        && p.getFileName().toString().equals(file.name()) && a.size() == file.size())) {
      return found.sorted().map(p -> p.toAbsolutePath().normalize().toString()).toList();
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  private void download(String source, Path part, ModelCatalog.FileEntry file, PullListener listener)
      throws IOException, InterruptedException, SourceException {
    MessageDigest digest = Checksums.sha256();
    long received = 0;
    try (InputStream in = open(source); OutputStream out = Files.newOutputStream(part)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        received += n;
        if (received > file.size()) {
          throw new SourceException("more than the catalog's " + file.size() + " bytes");
        }
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
        listener.bytes(n);
      }
    }
    if (received != file.size()) {
      throw new SourceException("got " + received + " of " + file.size() + " bytes");
    }
    String sha = Checksums.hex(digest);
    if (!sha.equals(file.sha256())) {
      throw new SourceException("SHA-256 mismatch: got " + sha + ", the catalog says " + file.sha256() + "; refused");
    }
  }

  private InputStream open(String source) throws IOException, InterruptedException, SourceException {
    if (!isHttp(source)) {
      return Files.newInputStream(Path.of(source));
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(source)).timeout(Duration.ofMinutes(10)).GET().build();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      response.body().close();
      throw new SourceException("HTTP " + response.statusCode());
    }
    return response.body();
  }

  /** A source that answered, but not with the file the catalog describes. */
  private static final class SourceException extends Exception {
    SourceException(String message) {
      super(message);
    }
  }

  // ---------------------------------------------------------------- import

  /** What {@link #importFrom} did for one model. */
  public record Imported(String name, Path folder, List<String> files, List<String> missing) {
    public boolean complete() {
      return missing.isEmpty();
    }
  }

  /**
   * Adds files copied by hand (offline installs). {@code path} is a model folder with a {@code model.yaml}
   * (copied whole, under its manifest's name), or a file or folder of files that are recognised by their
   * SHA-256 as a catalog model's: those are copied into that model's store folder ({@code name} picks the
   * model; without it, every catalog model the files complete, else every one they belong to).
   *
   * @throws ModelException when nothing at {@code path} is a model or a catalog model's file
   */
  public List<Imported> importFrom(Path path, String name) {
    if (!Files.exists(path)) {
      throw new ModelException(ModelException.Kind.NOT_FOUND, path + " does not exist");
    }
    if (name != null && !validName(name)) {
      throw new ModelException("'" + name + "' is not a model name (letters, digits, '.', '_' and '-')");
    }
    try {
      if (Files.isDirectory(path) && Files.isRegularFile(path.resolve(MANIFEST))) {
        return List.of(importFolder(path, name));
      }
      return importCatalogFiles(path, name);
    } catch (IOException e) {
      throw new ModelException("cannot import " + path + " into the model store " + root + ": " + e.getMessage(), e);
    }
  }

  private Imported importFolder(Path source, String name) throws IOException {
    ModelManifest manifest = ModelLoader.readManifest(source);
    if (name != null && !name.equals(manifest.name())) {
      throw new ModelException(source + "/model.yaml names the model '" + manifest.name() + "'; import it as "
          + manifest.name() + " (results are stored under that name) or change its name: there");
    }
    if (!validName(manifest.name())) {
      throw new ModelException("model.yaml's name '" + manifest.name() + "' is not a model name");
    }
    Optional<ModelCatalog.Entry> known = catalog.find(manifest.name());
    List<Path> files;
    try (Stream<Path> listed = Files.list(source)) {
      files = listed.filter(Files::isRegularFile).sorted().toList();
    }
    if (known.isPresent()) {
      for (ModelCatalog.FileEntry expected : known.get().files()) {
        Path file = source.resolve(expected.name());
        if (Files.isRegularFile(file) && !verified(file, expected)) {
          throw new ModelException(file + " differs from the catalog's " + manifest.name() + " (SHA-256 "
              + expected.sha256() + "); refused");
        }
      }
    }
    Path staging = Files.createTempDirectory(incoming(), manifest.name() + ".");
    for (Path file : files) {
      Files.copy(file, staging.resolve(file.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
    }
    Path folder = root.resolve(manifest.name());
    replaceFolder(staging, folder);
    log.info("model {} imported from {} into {}", manifest.name(), source, folder);
    return new Imported(manifest.name(), folder, files.stream().map(f -> f.getFileName().toString()).toList(), List.of());
  }

  private List<Imported> importCatalogFiles(Path path, String name) throws IOException {
    Map<String, Path> bySha = new LinkedHashMap<>();
    try (Stream<Path> files = Files.isDirectory(path) ? Files.list(path) : Stream.of(path)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        bySha.putIfAbsent(Checksums.sha256(file), file);
      }
    }
    List<ModelCatalog.Entry> candidates = name != null
        ? List.of(catalog.find(name).orElseThrow(() -> new ModelException(path + " has no model.yaml and '" + name
            + "' is not a catalog model (known models: " + String.join(", ", catalog.names()) + "); import a folder"
            + " with a model.yaml for a model of your own")))
        : catalog.models();
    List<ModelCatalog.Entry> touched = candidates.stream()
        .filter(e -> e.files().stream().anyMatch(f -> bySha.containsKey(f.sha256()))).toList();
    List<ModelCatalog.Entry> completed = touched.stream()
        .filter(e -> e.files().stream().allMatch(f -> bySha.containsKey(f.sha256())
            || verified(root.resolve(e.name()).resolve(f.name()), f))).toList();
    List<ModelCatalog.Entry> targets = name != null || completed.isEmpty() ? touched : completed;
    if (targets.isEmpty()) {
      throw new ModelException(path + " holds no model.yaml and no file of " + (name != null ? "the catalog model " + name
          : "any catalog model") + " (files are recognised by their SHA-256)");
    }
    List<Imported> out = new ArrayList<>();
    for (ModelCatalog.Entry entry : targets) {
      Path folder = root.resolve(entry.name());
      Files.createDirectories(folder);
      List<String> copied = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      for (ModelCatalog.FileEntry file : entry.files()) {
        Path source = bySha.get(file.sha256());
        Path target = folder.resolve(file.name());
        if (source != null) {
          Path part = Files.createTempFile(incoming(), entry.name() + ".", ".part");
          Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
          moveInto(part, target);
          copied.add(file.name());
        } else if (!verified(target, file)) {
          missing.add(file.name());
        }
      }
      if (missing.isEmpty()) {
        writeManifest(entry, folder);
      }
      log.info("model {}: imported {} from {}{}", entry.name(), copied, path,
          missing.isEmpty() ? "" : "; still missing " + missing);
      out.add(new Imported(entry.name(), folder, copied, missing));
    }
    return out;
  }

  // ---------------------------------------------------------------- files

  private Path incoming() throws IOException {
    return Files.createDirectories(root.resolve(INCOMING));
  }

  /** The catalog's manifest and attribution, written last: a folder with a model.yaml is complete. */
  private void writeManifest(ModelCatalog.Entry entry, Path folder) throws IOException {
    Path notice = Files.createTempFile(incoming(), entry.name() + ".", ".notice");
    Files.writeString(notice, entry.description() + "\n\n" + entry.attribution() + "\n\nLicence: " + entry.licence()
        + "\n", StandardCharsets.UTF_8);
    moveInto(notice, folder.resolve(NOTICE));
    Path manifest = Files.createTempFile(incoming(), entry.name() + ".", ".yaml");
    Files.writeString(manifest, "# Written by l2caf from its model catalog; see NOTICE for origin and licence.\n"
        + YAML.writeValueAsString(entry.manifest()), StandardCharsets.UTF_8);
    moveInto(manifest, folder.resolve(MANIFEST));
  }

  private static void moveInto(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Puts a staged folder in place of {@code target}, moving the old one aside first and deleting it after. */
  private void replaceFolder(Path staged, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = Files.createTempDirectory(incoming(), target.getFileName() + ".old.");
      Files.delete(old);
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      deleteTree(old);
    }
  }

  private static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
