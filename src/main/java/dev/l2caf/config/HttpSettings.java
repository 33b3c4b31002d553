package dev.l2caf.config;

import static dev.l2caf.config.ConfigDef.Type.INT;
import static dev.l2caf.config.ConfigDef.Type.STRING;
import static dev.l2caf.config.Validators.nonBlank;

import java.util.Optional;

/**
 * The HTTP front end. {@code bearerToken}, when present, is required on requests; it comes only
 * from the environment variable {@value #BEARER_TOKEN_ENV}.
 */
public record HttpSettings(String host, int port, Optional<Secret> bearerToken) {
  public static final String HOST = "http.host";
  public static final String PORT = "http.port";
  public static final String BEARER_TOKEN_ENV = "L2CAF_HTTP_BEARER_TOKEN";

  static void define(ConfigDef def) {
    def.define(HOST, STRING, "127.0.0.1", nonBlank(),
            "Address the HTTP server binds to.")
        .define(PORT, INT, 8080, Validators.port(),
            "Port the HTTP server listens on; 0 picks a free one.");
  }

  static HttpSettings from(ConfigDef.Values values, Optional<Secret> bearerToken) {
    return new HttpSettings(values.string(HOST), values.intValue(PORT), bearerToken);
  }
}
