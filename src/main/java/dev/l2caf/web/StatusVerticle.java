package dev.l2caf.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.l2caf.config.HttpSettings;
import dev.l2caf.model.ModelCache;
import dev.l2caf.web.StatusSnapshot.ModelCacheSummary;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front end: the status page ({@code /}), its data as JSON ({@code /api/status}),
 * Prometheus metrics ({@code /metrics}) and the liveness and readiness probes. GET only. With a
 * bearer token in the settings, every route but the probes requires it.
 */
public final class StatusVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(StatusVerticle.class);

  /** The Prometheus text exposition format, which every scraper understands. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON_TYPE = "application/json";

  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));

  private final HttpSettings settings;
  private final StatusBoard board;
  private final PrometheusMeterRegistry registry;
  private final ModelCache cache;
  private final StatusPage page = new StatusPage();
  private HttpServer server;
  private volatile int actualPort = -1;

  /** @param cache the model cache whose figures the page shows, or null for none */
  public StatusVerticle(HttpSettings settings, StatusBoard board, PrometheusMeterRegistry registry,
      ModelCache cache) {
    this.settings = settings;
    this.board = board;
    this.registry = registry;
    this.cache = cache;
  }

  /** The port the server listens on once started (useful with port 0), or -1 before that. */
  public int actualPort() {
    return actualPort;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(this::getOnly);
    // The probes stay open: orchestrators call them without credentials.
    router.get("/health/live").handler(this::liveness);
    router.get("/health/ready").handler(this::readiness);
    settings.bearerToken().ifPresent(token -> router.route().handler(new BearerTokenHandler(token)));
    router.get("/").handler(this::statusPage);
    router.get("/api/status").handler(this::statusJson);
    router.get("/metrics").handler(this::metrics);
    router.errorHandler(500, this::internalError);
    // HTTP/1.1 only: a page and a few small JSON/text endpoints gain nothing from h2c upgrades, which
    // some clients attempt and mishandle.
    return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(false))
        .requestHandler(router)
        .listen(settings.port(), settings.host())
        .onSuccess(listening -> {
          server = listening;
          actualPort = listening.actualPort();
          log.info("status page on http://{}:{}/ (bearer token {})", settings.host(), actualPort,
              settings.bearerToken().isPresent() ? "required" : "not required");
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void getOnly(RoutingContext context) {
    if (context.request().method() != HttpMethod.GET) {
      context.response()
          .setStatusCode(405)
          .putHeader(HttpHeaders.ALLOW, "GET")
          .end();
      return;
    }
    // Status is live data: never cache it, and never let a browser guess another content type.
    context.response()
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Content-Type-Options", "nosniff");
    context.next();
  }

  private void liveness(RoutingContext context) {
    sendJson(context, 200, Map.of("status", "UP"));
  }

  private void readiness(RoutingContext context) {
    StatusSnapshot status = board.snapshot();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status.ready() ? "UP" : "DOWN");
    body.put("modelReady", status.modelReady());
    body.put("partitionsAssigned", status.partitionsAssigned());
    sendJson(context, status.ready() ? 200 : 503, body);
  }

  private void statusPage(RoutingContext context) {
    context.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", page.contentSecurityPolicy())
        .putHeader("Referrer-Policy", "no-referrer")
        .end(page.render(snapshot()));
  }

  private void statusJson(RoutingContext context) {
    sendJson(context, 200, snapshot());
  }

  private void metrics(RoutingContext context) {
    context.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT)
        .end(registry.scrape(PROMETHEUS_TEXT));
  }

  private void internalError(RoutingContext context) {
    log.error("status request {} {} failed", context.request().method(), context.request().path(),
        context.failure());
    if (!context.response().ended()) {
      context.response().setStatusCode(500).end();
    }
  }

  private StatusSnapshot snapshot() {
    StatusSnapshot status = board.snapshot();
    if (cache == null) {
      return status;
    }
    CacheStats stats = cache.stats();
    return status.withModelCache(
        new ModelCacheSummary(cache.size(), stats.hitCount(), stats.missCount(), stats.hitRate()));
  }

  private static void sendJson(RoutingContext context, int status, Object body) {
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      context.fail(e);
      return;
    }
    context.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE)
        .end(json);
  }
}
