package dev.l2caf.pipeline;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The contract's JSON Schema files (docs/schema), checked with a real validator. */
final class Schemas {
  static final Validator REQUEST = load("request.schema.json");
  static final Validator COMPLETION = load("completion.schema.json");

  private Schemas() {}

  private static Validator load(String file) {
    try {
      JsonObject schema = new JsonObject(Files.readString(Path.of("docs/schema", file)));
      return Validator.create(JsonSchema.of(schema),
          new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://l2caf.dev/schema/"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static OutputUnit check(Validator validator, String json) {
    return validator.validate(new JsonObject(json));
  }
}
