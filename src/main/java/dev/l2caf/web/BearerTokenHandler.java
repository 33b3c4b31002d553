package dev.l2caf.web;

import dev.l2caf.config.Secret;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>}; otherwise answers 401
 * with a {@code WWW-Authenticate} challenge (RFC 6750). Tokens are compared as SHA-256 digests
 * with {@link MessageDigest#isEqual}, so the time taken tells nothing about the token, not even
 * its length.
 */
final class BearerTokenHandler implements Handler<RoutingContext> {
  private static final String SCHEME = "Bearer ";

  private final byte[] expectedDigest;

  BearerTokenHandler(Secret token) {
    this.expectedDigest = sha256(token.value());
  }

  @Override
  public void handle(RoutingContext context) {
    String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      reject(context, "Bearer realm=\"l2caf\"");
    } else if (MessageDigest.isEqual(sha256(authorization.substring(SCHEME.length()).strip()),
        expectedDigest)) {
      context.next();
    } else {
      reject(context, "Bearer realm=\"l2caf\", error=\"invalid_token\"");
    }
  }

  private static void reject(RoutingContext context, String challenge) {
    context.response()
        .setStatusCode(401)
        .putHeader("WWW-Authenticate", challenge)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end("401 Unauthorized: a bearer token is required\n");
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
