package dev.l2caf.model.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.l2caf.model.ModelException;
import dev.l2caf.model.ModelManifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The models l2caf knows by name ({@code models/catalog.yaml}, packaged in the jar): for each, the manifest
 * written into its store folder and the files with their sizes, SHA-256 and publishers' URLs. The catalog
 * holds no weights.
 */
public record ModelCatalog(@JsonProperty(value = "models", required = true) List<Entry> models) {
  /** Where the catalog is on the classpath. */
  public static final String RESOURCE = "/l2caf/catalog.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  public ModelCatalog {
    models = List.copyOf(models);
  }

  /** The catalog shipped with this build. */
  public static ModelCatalog shipped() {
    try (InputStream in = ModelCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the model catalog " + RESOURCE + " is missing from the classpath");
      }
      return YAML.readValue(in, ModelCatalog.class);
    } catch (IOException e) {
      throw new ModelException("invalid model catalog " + RESOURCE + ": " + e.getMessage(), e);
    }
  }

  public Optional<Entry> find(String name) {
    return models.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  public List<String> names() {
    return models.stream().map(Entry::name).toList();
  }

  /** One known model. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Entry(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty("description") String description,
      @JsonProperty(value = "licence", required = true) String licence,
      @JsonProperty(value = "attribution", required = true) String attribution,
      @JsonProperty(value = "files", required = true) List<FileEntry> files,
      @JsonProperty(value = "manifest", required = true) ModelManifest manifest) {
    public Entry {
      files = List.copyOf(files);
      if (!manifest.name().equals(name)) {
        throw new IllegalArgumentException("catalog model " + name + " has a manifest named " + manifest.name());
      }
    }

    public long totalBytes() {
      return files.stream().mapToLong(FileEntry::size).sum();
    }

    public Optional<FileEntry> file(String fileName) {
      return files.stream().filter(f -> f.name().equals(fileName)).findFirst();
    }
  }

  /** One file of a model, as its publisher serves it. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record FileEntry(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "size", required = true) long size,
      @JsonProperty(value = "sha256", required = true) String sha256,
      @JsonProperty(value = "urls", required = true) List<String> urls) {
    public FileEntry {
      urls = List.copyOf(urls);
      if (name.contains("/") || name.startsWith(".")) {
        throw new IllegalArgumentException("catalog file names are plain names, got " + name);
      }
    }
  }
}
