package dev.l2caf.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.l2caf.method.FilterType;
import dev.l2caf.method.Heat;
import dev.l2caf.method.Loss;
import dev.l2caf.method.Mode;
import dev.l2caf.method.Variant;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The request contract: the parser and docs/schema/request.schema.json agree on every case. */
class RequestParserTest {
  private static final RequestParser PARSER = new RequestParser(new RequestParser.Limits(1000, 10));

  private static ParseResult parse(String json) {
    return PARSER.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void fullRequestIsAcceptedWithEveryField() {
    String json = """
        {"id": "r-1.a_b", "image": {"uri": "s3://l2caf/in/dog.jpg"}, "model": "mobilenet-v1-050-224",
         "layer": "conv11", "mode": "slow", "solver": "iterative", "variant": "class-oblivious",
         "classes": [251, 0], "filter": "gauss", "loss": "softmax", "heat": "positive", "seed": 42, "outputs": ["raw_json"], "metadata": {"batch": 7}}
        """;
    ExplainRequest r = ((ParseResult.Accepted) parse(json)).request();
    assertEquals("r-1.a_b", r.id());
    assertEquals("s3://l2caf/in/dog.jpg", "s3://" + ((ImageSource.Stored) r.image()).uri().bucket() + "/"
        + ((ImageSource.Stored) r.image()).uri().key());
    assertEquals("conv11", r.options().layer());
    assertEquals(Mode.SLOW, r.options().mode());
    assertEquals(Variant.CLASS_OBLIVIOUS, r.options().variant());
    assertEquals(FilterType.GAUSS, r.options().filter());
    assertEquals(Loss.SOFTMAX, r.options().loss());
    assertEquals(Heat.POSITIVE, r.options().heat());
    assertEquals(List.of(251, 0), r.options().classes());
    assertEquals(42, r.options().seed());
    assertEquals(Set.of(OutputKind.RAW_JSON), r.outputs());
    assertEquals(7, r.metadata().get("batch").asInt());
    assertTrue(Schemas.check(Schemas.REQUEST, json).getValid());
  }

  @Test
  void inlineImagesMayHaveLineBreaks() {
    byte[] bytes = new byte[300];
    new java.util.Random(3).nextBytes(bytes);
    String wrapped = Base64.getMimeEncoder().encodeToString(bytes).replace("\r\n", "\\r\\n");
    String json = "{\"id\":\"x\",\"image\":{\"base64\":\"" + wrapped + "\"}}";
    assertTrue(wrapped.contains("\\n"), "MIME base64 wraps at 76 characters");
    assertArrayEquals(bytes, ((ImageSource.Inline) ((ParseResult.Accepted) parse(json)).request().image()).bytes());
  }

  @Test
  void inlineImagesAreDecodedWithinTheLimit() {
    byte[] bytes = {1, 2, 3, 4, 5};
    String json = "{\"id\":\"x\",\"image\":{\"base64\":\"" + Base64.getEncoder().encodeToString(bytes) + "\"}}";
    ExplainRequest r = ((ParseResult.Accepted) parse(json)).request();
    assertArrayEquals(bytes, ((ImageSource.Inline) r.image()).bytes());
    assertEquals(Set.of(), r.outputs(), "no files by default: the labels are in the completion event");
    String none = "{\"id\":\"x\",\"image\":{\"base64\":\"AQID\"},\"outputs\":[]}";
    assertEquals(Set.of(), ((ParseResult.Accepted) parse(none)).request().outputs(), "no files, asked for");
    String big = "{\"id\":\"x\",\"image\":{\"base64\":\"" + Base64.getEncoder().encodeToString(new byte[2000]) + "\"}}";
    assertEquals(ErrorCode.IMAGE_TOO_LARGE, ((ParseResult.Rejected) parse(big)).code());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not JSON                      | this is not json",
      "JSON array                    | [1,2]",
      "no id                         | {\"image\":{\"uri\":\"s3://bkt/k\"}}",
      "id with a slash               | {\"id\":\"a/b\",\"image\":{\"uri\":\"s3://bkt/k\"}}",
      "id climbing up                | {\"id\":\"../x\",\"image\":{\"uri\":\"s3://bkt/k\"}}",
      "id of two dots                | {\"id\":\"..\",\"image\":{\"uri\":\"s3://bkt/k\"}}",
      "numeric id                    | {\"id\":12,\"image\":{\"uri\":\"s3://bkt/k\"}}",
      "empty id                      | {\"id\":\"\",\"image\":{\"uri\":\"s3://bkt/k\"}}",
      "two ids                       | {\"id\":\"a\",\"image\":{\"uri\":\"s3://bkt/k\"},\"id\":\"b\"}",
      "the same id twice             | {\"id\":\"a\",\"id\":\"a\",\"image\":{\"uri\":\"s3://bkt/k\"}}",
      "duplicate key and no id       | {\"image\":{\"uri\":\"s3://bkt/k\",\"uri\":\"s3://bkt/j\"}}"})
  void recordsWithoutAValidIdGoToTheDeadLetterTopic(String name, String json) {
    assertInstanceOf(ParseResult.DeadLetter.class, parse(json), name);
    if (json.startsWith("{") && !name.contains("id")) {
      assertTrue(!Schemas.check(Schemas.REQUEST, json).getValid(), "the schema refuses it too: " + name);
    }
  }

  @Test
  void idsOf200CharactersAreRefused() {
    String id = "a".repeat(200);
    assertInstanceOf(ParseResult.DeadLetter.class, parse("{\"id\":\"" + id + "\",\"image\":{\"uri\":\"s3://bkt/k\"}}"));
    assertInstanceOf(ParseResult.Accepted.class,
        parse("{\"id\":\"" + "a".repeat(128) + "\",\"image\":{\"uri\":\"s3://bkt/k\"}}"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "image.uri twice     | /image/uri         | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\",\"uri\":\"s3://bkt/j\"}}",
      "top_k twice         | /top_k             | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"top_k\":1,\"top_k\":2,\"metadata\":{\"b\":7}}",
      "metadata key twice  | /metadata/note     | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"metadata\":{\"note\":1,\"note\":2}}",
      "id twice, nested    | /metadata/a/id     | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"metadata\":{\"a\":{\"id\":1,\"id\":2}}}",
      "before the id       | /image/base64      | {\"image\":{\"base64\":\"AA==\",\"base64\":\"AQ==\"},\"id\":\"x\"}"})
  void duplicateKeysAreInvalidRequestsNamingTheKey(String name, String pointer, String json) {
    ParseResult.Rejected rejected = assertInstanceOf(ParseResult.Rejected.class, parse(json), name);
    assertEquals(ErrorCode.INVALID_REQUEST, rejected.code(), name);
    assertEquals("x", rejected.id());
    String key = pointer.substring(pointer.lastIndexOf('/') + 1);
    assertEquals("duplicate key '" + key + "' at " + pointer, rejected.message(), name);
    assertEquals(json.contains("metadata") && !pointer.startsWith("/metadata/"), rejected.metadata() != null,
        "metadata is echoed unless it holds the duplicate");
  }

  @Test
  void nestingDepthAndStringLengthHaveLimits() {
    String request = "{\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"metadata\":%s}";
    // The request object is depth 1, so metadata may nest MAX_NESTING_DEPTH - 1 levels.
    int metadataDepth = RequestParser.MAX_NESTING_DEPTH - 1;
    String deepest = "{\"a\":".repeat(metadataDepth - 1) + "{}" + "}".repeat(metadataDepth - 1);
    assertInstanceOf(ParseResult.Accepted.class, parse(request.formatted(deepest)));
    String tooDeep = "{\"a\":".repeat(metadataDepth) + "{}" + "}".repeat(metadataDepth);
    ParseResult.DeadLetter deep = assertInstanceOf(ParseResult.DeadLetter.class, parse(request.formatted(tooDeep)));
    assertTrue(deep.reason().contains("nesting depth"), deep.reason());

    String longest = "\"" + "a".repeat(RequestParser.MAX_STRING_LENGTH) + "\"";
    assertInstanceOf(ParseResult.Accepted.class, parse(request.formatted("{\"note\":" + longest + "}")));
    String tooLong = "{\"note\":\"a" + longest.substring(1) + "}";
    ParseResult.DeadLetter string = assertInstanceOf(ParseResult.DeadLetter.class, parse(request.formatted(tooLong)));
    assertTrue(string.reason().contains("String value length"), string.reason());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown field          | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"colour\":1}",
      "no image               | INVALID_REQUEST | {\"id\":\"x\"}",
      "both uri and base64    | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\",\"base64\":\"AA==\"}}",
      "http URL (no SSRF)     | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"http://169.254.169.254/\"}}",
      "file URL               | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"file:///etc/passwd\"}}",
      "invalid base64         | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"base64\":\"@@@@\"}}",
      "wrong type of classes  | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"classes\":\"251\"}",
      "negative class         | UNKNOWN_CLASS   | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"classes\":[-1]}",
      "too many classes       | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"classes\":[1,2,3,4,5,6,7,8,9,10,11]}",
      "negative top_k         | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"top_k\":-1}",
      "classes and top_k      | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"classes\":[1],\"top_k\":2}",
      "unknown filter         | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"filter\":\"box\"}",
      "unknown heat           | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"heat\":\"negative\"}",
      "unknown loss           | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"loss\":\"hinge\"}",
      "unknown solver         | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"solver\":\"magic\"}",
      "unknown mode           | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"mode\":\"medium\"}",
      "model climbing up      | UNKNOWN_MODEL   | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"model\":\"..\"}",
      "unknown output         | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"outputs\":[\"pdf\"]}",
      "metadata not an object | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"metadata\":[1]}",
      "seed not an integer    | INVALID_REQUEST | {\"id\":\"x\",\"image\":{\"uri\":\"s3://bkt/k\"},\"seed\":1.5}"})
  void invalidFieldsGetNamedErrors(String name, ErrorCode code, String json) {
    ParseResult result = parse(json);
    ParseResult.Rejected rejected = assertInstanceOf(ParseResult.Rejected.class, result, name);
    assertEquals(code, rejected.code(), name + ": " + rejected.message());
    assertEquals("x", rejected.id());
    if (!name.startsWith("invalid base64") && !name.startsWith("too many") && !name.startsWith("model climbing")) {
      assertTrue(!Schemas.check(Schemas.REQUEST, json).getValid(), "the schema refuses it too: " + name);
    }
  }
}
