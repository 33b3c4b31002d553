package dev.l2caf.web;

import static dev.l2caf.web.Html.escape;

import dev.l2caf.web.StatusSnapshot.BatchSizeBucket;
import dev.l2caf.web.StatusSnapshot.ModelCacheSummary;
import dev.l2caf.web.StatusSnapshot.RecentError;
import dev.l2caf.web.StatusSnapshot.RecentResult;
import dev.l2caf.web.StatusSnapshot.StageTime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status page for people: one self-contained HTML document (inline CSS, script and thumbnails;
 * nothing from other hosts) that refreshes itself. Every string that came with a request is
 * escaped, and the page's Content-Security-Policy allows only its own inline style and script.
 */
final class StatusPage {
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final int BAR_CHART_WIDTH = 420;
  private static final int BAR_ROW_HEIGHT = 22;

  private final String style = resource("/web/status.css");
  private final String script = resource("/web/status.js");
  private final String contentSecurityPolicy = "default-src 'none'; img-src data:; "
      + "style-src " + sha256Source(style) + "; script-src " + sha256Source(script) + "; "
      + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** The policy to send with {@link #render}'s page. */
  String contentSecurityPolicy() {
    return contentSecurityPolicy;
  }

  String render(StatusSnapshot status) {
    StringBuilder html = new StringBuilder(16_384);
    html.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>l2caf status</title>\n")
        .append("<noscript><meta http-equiv=\"refresh\" content=\"5\"></noscript>\n")
        .append("<style>").append(style).append("</style>\n</head>\n<body>\n");
    header(html, status);
    html.append("<main id=\"main\">\n");
    cards(html, status);
    html.append("<div class=\"columns\">\n");
    batchSizes(html, status.batchSizes());
    consumerLag(html, status.lagByPartition());
    html.append("</div>\n");
    stages(html, status.stages());
    recentResults(html, status.recentResults());
    recentErrors(html, status.recentErrors());
    html.append("</main>\n<script>").append(script).append("</script>\n</body>\n</html>\n");
    return html.toString();
  }

  private static void header(StringBuilder html, StatusSnapshot status) {
    html.append("<header>\n<h1>l2caf</h1>\n<span id=\"summary\">");
    if (status.ready()) {
      html.append("<span class=\"badge ok\">ready</span>");
    } else {
      String why = !status.modelReady() && !status.partitionsAssigned()
          ? "model loading, no partitions"
          : !status.modelReady() ? "model loading" : "no partitions assigned";
      html.append("<span class=\"badge bad\">not ready: ").append(why).append("</span>");
    }
    if (status.paused()) {
      html.append(" <span class=\"badge warn\">consumer paused</span>");
    }
    html.append(" <span class=\"updated\">updated ").append(DATE_TIME.format(status.takenAt()))
        .append("</span></span>\n<span id=\"live\"></span>\n</header>\n");
  }

  private static void cards(StringBuilder html, StatusSnapshot status) {
    var throughput = status.throughput();
    html.append("<div class=\"cards\">\n");
    card(html, "Uptime", uptime(status.uptimeSeconds()),
        "since " + DATE_TIME.format(status.startedAt()));
    card(html, "Requests done", count(status.requests().succeeded()),
        count(status.requests().received()) + " received");
    card(html, "Failed", count(status.requests().failed()), "errors and DLQ");
    card(html, "Throughput 1 min", rate(throughput.perSecondLastMinute()),
        count(throughput.lastMinute()) + " ended in the last minute");
    card(html, "Throughput 5 min", rate(throughput.perSecondLastFiveMinutes()),
        count(throughput.lastFiveMinutes()) + " ended in the last 5 minutes");
    card(html, "In flight", count(status.inFlight()),
        status.paused() ? "consumer paused" : "consumer running");
    ModelCacheSummary cache = status.modelCache();
    if (cache == null) {
      card(html, "Model cache", "\u2014", "not available");
    } else {
      long lookups = cache.hits() + cache.misses();
      String hitRatio = lookups == 0
          ? "no lookups yet"
          : String.format(Locale.ROOT, "%.1f%% hits of %s", 100 * cache.hitRatio(), count(lookups));
      card(html, "Model cache", count(cache.entries()) + (cache.entries() == 1 ? " model" : " models"),
          hitRatio);
    }
    html.append("</div>\n");
  }

  private static void card(StringBuilder html, String label, String value, String sub) {
    html.append("<div class=\"card\"><div class=\"label\">").append(escape(label))
        .append("</div><div class=\"value\">").append(escape(value))
        .append("</div><div class=\"sub\">").append(escape(sub)).append("</div></div>\n");
  }

  /** Horizontal bars in SVG, sized by attributes so the page needs no inline style. */
  private static void batchSizes(StringBuilder html, List<BatchSizeBucket> buckets) {
    long total = buckets.stream().mapToLong(BatchSizeBucket::batches).sum();
    long largest = buckets.stream().mapToLong(BatchSizeBucket::batches).max().orElse(0);
    html.append("<section>\n<h2>Batch sizes <span class=\"meta\">(")
        .append(count(total)).append(total == 1 ? " batch" : " batches").append(")</span></h2>\n");
    int labelWidth = 56;
    int countWidth = 64;
    int barSpace = BAR_CHART_WIDTH - labelWidth - countWidth;
    int height = buckets.size() * BAR_ROW_HEIGHT;
    html.append("<svg class=\"bars\" viewBox=\"0 0 ").append(BAR_CHART_WIDTH).append(' ')
        .append(height).append("\" role=\"img\" aria-label=\"Batches per batch size\">\n");
    for (int i = 0; i < buckets.size(); i++) {
      BatchSizeBucket bucket = buckets.get(i);
      int y = i * BAR_ROW_HEIGHT;
      long barWidth = largest == 0 ? 0 : Math.round((double) barSpace * bucket.batches() / largest);
      int textY = y + 15;
      html.append("<text x=\"0\" y=\"").append(textY).append("\">").append(escape(bucket.label()))
          .append("</text>")
          .append("<rect class=\"track\" x=\"").append(labelWidth).append("\" y=\"").append(y + 4)
          .append("\" width=\"").append(barSpace).append("\" height=\"14\" rx=\"3\"/>")
          .append("<rect class=\"bar\" x=\"").append(labelWidth).append("\" y=\"").append(y + 4)
          .append("\" width=\"").append(barWidth).append("\" height=\"14\" rx=\"3\"/>")
          .append("<text class=\"count\" x=\"").append(BAR_CHART_WIDTH).append("\" y=\"")
          .append(textY).append("\" text-anchor=\"end\">").append(count(bucket.batches()))
          .append("</text>\n");
    }
    html.append("</svg>\n</section>\n");
  }

  private static void consumerLag(StringBuilder html, Map<String, Long> lagByPartition) {
    long total = lagByPartition.values().stream().mapToLong(Long::longValue).sum();
    html.append("<section>\n<h2>Consumer lag <span class=\"meta\">(")
        .append(count(total)).append(" records behind)</span></h2>\n");
    if (lagByPartition.isEmpty()) {
      html.append("<p class=\"empty\">No partitions assigned.</p>\n</section>\n");
      return;
    }
    html.append("<table>\n<thead><tr><th>Partition</th><th class=\"num\">Lag</th></tr></thead>\n<tbody>\n");
    lagByPartition.forEach((partition, lag) -> html
        .append("<tr><td class=\"mono\">").append(escape(partition))
        .append("</td><td class=\"num\">").append(count(lag)).append("</td></tr>\n"));
    html.append("</tbody>\n</table>\n</section>\n");
  }

  /** Where the time goes: each stage's runs, mean and share of all stages' time. */
  private static void stages(StringBuilder html, List<StageTime> stages) {
    html.append("<section>\n<h2>Where the time goes <span class=\"meta\">(per stage since start)</span></h2>\n");
    if (stages.isEmpty()) {
      html.append("<p class=\"empty\">Nothing measured yet.</p>\n</section>\n");
      return;
    }
    double total = stages.stream().mapToDouble(StageTime::totalMs).sum();
    html.append("<table>\n<thead><tr><th>Stage</th><th class=\"num\">Runs</th><th class=\"num\">Mean</th>")
        .append("<th class=\"num\">Share</th></tr></thead>\n<tbody>\n");
    for (StageTime stage : stages) {
      html.append("<tr><td class=\"mono\">").append(escape(stage.stage()))
          .append("</td><td class=\"num\">").append(count(stage.count()))
          .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.1f ms", stage.meanMs()))
          .append("</td><td class=\"num\">")
          .append(String.format(Locale.ROOT, "%.0f%%", total > 0 ? 100 * stage.totalMs() / total : 0))
          .append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n</section>\n");
  }

  private static void recentResults(StringBuilder html, List<RecentResult> results) {
    html.append("<section>\n<h2>Last ").append(StatusBoard.RECENT_LIMIT).append(" results</h2>\n");
    if (results.isEmpty()) {
      html.append("<p class=\"empty\">No results yet.</p>\n</section>\n");
      return;
    }
    html.append("<table>\n<thead><tr><th>Overlay</th><th>Request</th><th>Classes</th>")
        .append("<th class=\"num\">Total</th><th>Finished</th></tr></thead>\n<tbody>\n");
    for (RecentResult result : results) {
      html.append("<tr><td>");
      if (result.overlayThumbnail() == null) {
        html.append("<div class=\"nothumb\"></div>");
      } else {
        html.append("<img class=\"thumb\" src=\"data:image/png;base64,")
            .append(escape(result.overlayThumbnail())).append("\" alt=\"overlay of ")
            .append(escape(result.id())).append("\">");
      }
      html.append("</td><td><div class=\"mono\">").append(escape(result.id())).append("</div>")
          .append("<div class=\"meta\">").append(escape(result.model())).append("</div>");
      if (result.overlayUri() != null) {
        html.append("<code>").append(escape(result.overlayUri())).append("</code>");
      }
      html.append("</td><td><div class=\"classes\">");
      for (String label : result.classes()) {
        html.append("<span class=\"class\">").append(escape(label)).append("</span>");
      }
      html.append("</div></td><td class=\"num\">")
          .append(String.format(Locale.ROOT, "%.0f ms", result.totalMs()))
          .append("</td><td>").append(time(result.finishedAt())).append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n</section>\n");
  }

  private static void recentErrors(StringBuilder html, List<RecentError> errors) {
    html.append("<section>\n<h2>Last ").append(StatusBoard.RECENT_LIMIT).append(" errors</h2>\n");
    if (errors.isEmpty()) {
      html.append("<p class=\"empty\">No errors.</p>\n</section>\n");
      return;
    }
    html.append("<table>\n<thead><tr><th>Time</th><th>Request</th><th>Code</th><th>Message</th>")
        .append("</tr></thead>\n<tbody>\n");
    for (RecentError error : errors) {
      html.append("<tr><td>").append(time(error.time())).append("</td><td class=\"mono\">")
          .append(error.id() == null ? "(to DLQ)" : escape(error.id()))
          .append("</td><td class=\"error-code\">").append(escape(error.code()))
          .append("</td><td class=\"message\">").append(escape(error.message()))
          .append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n</section>\n");
  }

  static String uptime(long seconds) {
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3600;
    long minutes = seconds % 3600 / 60;
    long secs = seconds % 60;
    if (days > 0) {
      return String.format(Locale.ROOT, "%dd %dh %02dm", days, hours, minutes);
    }
    if (hours > 0) {
      return String.format(Locale.ROOT, "%dh %02dm", hours, minutes);
    }
    return minutes > 0 ? String.format(Locale.ROOT, "%dm %02ds", minutes, secs) : secs + "s";
  }

  private static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%.2f/s", perSecond);
  }

  private static String time(Instant instant) {
    return TIME.format(instant);
  }

  private static String resource(String path) {
    try (InputStream in = StatusPage.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + path, e);
    }
  }

  /** A CSP source that allows exactly this inline text. */
  private static String sha256Source(String inline) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(inline.getBytes(StandardCharsets.UTF_8));
      return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
