package dev.l2caf.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2caf.engine.ExplainOptions;
import dev.l2caf.method.FilterType;
import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import dev.l2caf.method.Method;
import dev.l2caf.method.Mode;
import dev.l2caf.method.SolverKind;
import dev.l2caf.method.Variant;
import dev.l2caf.store.S3Uri;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads request records (JSON, see docs/schema/request.schema.json) into validated requests. Validation is
 * strict (unknown fields and duplicate keys are errors) so that a typo is reported instead of silently ignored,
 * and no two JSON parsers can read one record as two different requests.
 */
public final class RequestParser {
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Set<String> FIELDS = Set.of("id", "image", "model", "layer", "mode", "solver", "variant", "loss",
      "classes", "top_k", "filter", "seed", "outputs", "metadata", "method", "heat");
  /** Jackson's own defaults, fixed here so that a library upgrade cannot change what a request may be. */
  public static final int MAX_NESTING_DEPTH = 1000;
  public static final int MAX_STRING_LENGTH = 20_000_000;
  private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
      .maxNestingDepth(MAX_NESTING_DEPTH).maxStringLength(MAX_STRING_LENGTH).build();
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(CONSTRAINTS).enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  /** Only to find the id of a record refused for a duplicate key, so that the refusal can be answered. */
  private static final ObjectMapper LENIENT = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(CONSTRAINTS).build());

  /** Limits a request must respect. */
  public record Limits(long maxImageBytes, int maxClassesPerRequest) {}

  private final Limits limits;

  public RequestParser(Limits limits) {
    this.limits = limits;
  }

  public ParseResult parse(byte[] value) {
    JsonNode root;
    try {
      root = value == null ? null : JSON.readTree(value);
    } catch (StreamReadException e) {
      String duplicate = duplicateKey(e);
      return duplicate == null ? new ParseResult.DeadLetter("not JSON: " + firstLine(e)) : refuseDuplicate(value, duplicate);
    } catch (IOException e) {
      return new ParseResult.DeadLetter("not JSON: " + firstLine(e));
    }
    if (root == null || !root.isObject()) {
      return new ParseResult.DeadLetter("not a JSON object");
    }
    JsonNode id = root.get("id");
    if (id == null || !id.isTextual() || !validId(id.asText())) {
      return new ParseResult.DeadLetter("no valid id (1-128 characters of A-Z a-z 0-9 . _ -, not . or ..)");
    }
    ObjectNode metadata = root.get("metadata") instanceof ObjectNode m ? m : null;
    try {
      return new ParseResult.Accepted(request((ObjectNode) root, id.asText(), metadata));
    } catch (RequestError e) {
      return new ParseResult.Rejected(id.asText(), e.code(), e.getMessage(), metadata);
    }
  }

  /** The JSON pointer of the key Jackson's duplicate detection stopped at, or null for any other error. */
  private static String duplicateKey(StreamReadException e) {
    boolean duplicate = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field");
    JsonParser parser = e.getProcessor();
    return duplicate && parser != null ? parser.getParsingContext().pathAsPointer().toString() : null;
  }

  /**
   * A duplicate top-level id makes the record unattributable (each reader may pick another id): dead letter.
   * Any other duplicate is an error answered to the (then unambiguous) id.
   */
  private static ParseResult refuseDuplicate(byte[] value, String pointer) {
    if (pointer.equals("/id")) {
      return new ParseResult.DeadLetter("duplicate key 'id': the record cannot be attributed to one request");
    }
    JsonNode root;
    try {
      root = LENIENT.readTree(value);
    } catch (IOException e) {
      return new ParseResult.DeadLetter("not JSON: " + firstLine(e));
    }
    JsonNode id = root.get("id");
    if (id == null || !id.isTextual() || !validId(id.asText())) {
      return new ParseResult.DeadLetter("duplicate key at " + pointer + " and no valid id");
    }
    // Metadata holding the duplicate is as ambiguous as the key: echo it only when it is not.
    ObjectNode metadata = root.get("metadata") instanceof ObjectNode m && !pointer.startsWith("/metadata/") ? m : null;
    String key = pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
    return new ParseResult.Rejected(id.asText(), ErrorCode.INVALID_REQUEST,
        "duplicate key '" + key + "' at " + pointer, metadata);
  }

  public static boolean validId(String id) {
    return ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
  }

  private ExplainRequest request(ObjectNode root, String id, ObjectNode metadata) {
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw invalid("unknown field '" + name + "'");
      }
    }
    if (root.has("metadata") && metadata == null) {
      throw invalid("metadata must be a JSON object");
    }
    ImageSource image = image(root.get("image"));
    String model = root.has("model") ? text(root, "model") : null;
    if (model != null && !validId(model)) {
      throw new RequestError(ErrorCode.UNKNOWN_MODEL, "model must be a model folder name, got '" + model + "'");
    }
    ExplainOptions options = ExplainOptions.defaults();
    if (root.has("layer")) {
      options = options.withLayer(text(root, "layer"));
    }
    if (root.has("mode")) {
      options = options.withMode(parsed(root, "mode", Mode::parse));
    }
    if (root.has("solver")) {
      options = options.withSolver(parsed(root, "solver", SolverKind::parse));
    }
    if (root.has("variant")) {
      options = options.withVariant(parsed(root, "variant", Variant::parse));
    }
    if (root.has("loss")) {
      options = options.withLoss(parsed(root, "loss", Loss::parse));
    }
    if (root.has("heat")) {
      options = options.withHeat(parsed(root, "heat", Heat::parse));
    }
    if (root.has("method")) {
      options = options.withMethod(parsed(root, "method", Method::parse));
    }
    if (root.has("filter")) {
      options = options.withFilter(parsed(root, "filter", FilterType::parse));
    }
    if (root.has("seed")) {
      JsonNode seed = root.get("seed");
      if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
        throw invalid("seed must be an integer");
      }
      options = options.withSeed(seed.asLong());
    }
    if (root.has("classes") && root.has("top_k")) {
      throw invalid("give either classes or top_k, not both");
    }
    if (root.has("classes")) {
      options = options.withClasses(classes(root.get("classes")));
    }
    if (root.has("top_k")) {
      JsonNode k = root.get("top_k");
      if (!k.isInt() || k.asInt() < 1 || k.asInt() > limits.maxClassesPerRequest()) {
        throw invalid("top_k must be an integer from 1 to " + limits.maxClassesPerRequest());
      }
      options = options.withTopK(k.asInt());
    }
    return new ExplainRequest(id, image, model, options, outputs(root.get("outputs")), metadata);
  }

  private ImageSource image(JsonNode image) {
    if (image == null || !image.isObject()) {
      throw invalid("image must be an object with exactly one of uri or base64");
    }
    boolean hasUri = image.has("uri");
    boolean hasBase64 = image.has("base64");
    if (hasUri == hasBase64 || image.size() != 1) {
      throw invalid("image must have exactly one of uri or base64");
    }
    if (hasUri) {
      try {
        return new ImageSource.Stored(S3Uri.parse(text(image, "uri")));
      } catch (IllegalArgumentException e) {
        throw invalid("image.uri: " + e.getMessage());
      }
    }
    String base64 = text(image, "base64");
    // Reject by the encoded length first so an oversized payload is never decoded.
    if ((long) base64.length() / 4 * 3 > limits.maxImageBytes() + 3) {
      throw new RequestError(ErrorCode.IMAGE_TOO_LARGE,
          "image.base64 decodes to more than the limit of " + limits.maxImageBytes() + " bytes");
    }
    byte[] bytes;
    try {
      // Strict, apart from line breaks: a lenient decoder would turn garbage into a few wrong bytes. Most
      // payloads have none, and the regex over a photo's worth of text cost more than the decode.
      bytes = decodeStrict(base64);
    } catch (IllegalArgumentException e) {
      throw invalid("image.base64 is not valid base64: " + e.getMessage());
    }
    if (bytes.length > limits.maxImageBytes()) {
      throw new RequestError(ErrorCode.IMAGE_TOO_LARGE,
          "image is " + bytes.length + " bytes, over the limit of " + limits.maxImageBytes());
    }
    return new ImageSource.Inline(bytes);
  }

  private List<Integer> classes(JsonNode node) {
    if (!node.isArray() || node.isEmpty()) {
      throw invalid("classes must be a non-empty array of class ids");
    }
    if (node.size() > limits.maxClassesPerRequest()) {
      throw invalid("at most " + limits.maxClassesPerRequest() + " classes per request, got " + node.size());
    }
    List<Integer> classes = new ArrayList<>();
    for (JsonNode c : node) {
      if (!c.isInt()) {
        throw invalid("classes must be integers (model output indices), got " + c);
      }
      if (c.asInt() < 0) {
        throw new RequestError(ErrorCode.UNKNOWN_CLASS, "class " + c.asInt() + " is negative");
      }
      classes.add(c.asInt());
    }
    return classes;
  }

  private static Set<OutputKind> outputs(JsonNode node) {
    Set<OutputKind> outputs = EnumSet.noneOf(OutputKind.class);
    if (node == null) {
      outputs.addAll(OutputKind.DEFAULTS);
      return outputs;
    }
    if (!node.isArray()) {
      throw invalid("outputs must be an array of heatmap_png, overlay_png, overlay_jpg, raw_json (empty: no files)");
    }
    for (JsonNode o : node) {
      OutputKind kind = null;
      for (OutputKind k : OutputKind.values()) {
        if (k.wireName().equals(o.asText())) {
          kind = k;
        }
      }
      if (kind == null || !o.isTextual()) {
        throw invalid("unknown output " + o + " (heatmap_png, overlay_png, overlay_jpg or raw_json)");
      }
      outputs.add(kind);
    }
    return outputs;
  }

  private static byte[] decodeStrict(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
    }
  }

  private static <T> T parsed(JsonNode root, String field, Function<String, T> parse) {
    try {
      return parse.apply(text(root, field));
    } catch (IllegalArgumentException e) {
      throw invalid(field + ": " + e.getMessage());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (!value.isTextual()) {
      throw invalid(field + " must be a string");
    }
    return value.asText();
  }

  private static RequestError invalid(String message) {
    return new RequestError(ErrorCode.INVALID_REQUEST, message);
  }

  private static String firstLine(JsonProcessingException e) {
    return e.getOriginalMessage();
  }

  private static String firstLine(IOException e) {
    return e instanceof JsonProcessingException j ? firstLine(j) : String.valueOf(e.getMessage());
  }
}
