package io.almanac.loader;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The crawler API as the loader uses it: {@code POST /bulk/points} for batches and {@code POST /graphql} for
 * providers and runs (the gateway does not forward {@code /bulk/points}, so both go to the crawler API). HTTP/1.1
 * (Hive Gateway and Tomcat both take the JDK client's h2c upgrade badly).
 *
 * <p>Transient refusals are retried until {@code retryFor} has passed since the batch's first attempt: an
 * unreachable server, 503, 429 (after its {@code Retry-After}) and 409 (the same batch still being written by
 * an earlier request, for example one a killed loader left behind). Other refusals end the load.
 */
final class CrawlerClient {

  static final JsonMapper JSON = JsonMapper.builder().build();

  /** An upload's answer (the bulk path's result JSON). */
  record BatchResult(String batchId, String status, boolean replayed, int total, int successful, int failed,
      List<PointError> errors) {}

  /** A point error; {@code index} null for an error about the whole batch. */
  record PointError(Integer index, String code, String message) {}

  private final HttpClient http;
  private final URI base;
  private final String authorization;
  private final Duration retryFor;

  CrawlerClient(URI base, String key, Duration retryFor) {
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    this.base = base;
    this.authorization = key.startsWith("Bearer ") ? key : "Bearer " + key;
    this.retryFor = retryFor;
  }

  /** Sends one batch as NDJSON. */
  BatchResult upload(String batchId, String runId, boolean atomic, boolean dryRun, byte[] ndjson) {
    StringBuilder query = new StringBuilder("/bulk/points?batchId=").append(encode(batchId))
        .append("&atomic=").append(atomic);
    if (runId != null) {
      query.append("&runId=").append(encode(runId));
    }
    if (dryRun) {
      query.append("&dryRun=true");
    }
    HttpRequest request = HttpRequest.newBuilder(base.resolve(query.toString()))
        .header("Authorization", authorization)
        .header("Content-Type", "application/x-ndjson")
        .timeout(Duration.ofMinutes(5))
        .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson)).build();
    JsonNode body = send(request, "batch " + batchId, retryFor);
    List<PointError> errors = new ArrayList<>();
    for (JsonNode e : body.path("errors")) {
      errors.add(new PointError(e.path("index").isNumber() ? e.path("index").asInt() : null,
          e.path("code").asString(), e.path("message").asString()));
    }
    JsonNode summary = body.path("summary");
    return new BatchResult(body.path("batchId").asString(null), body.path("status").asString(),
        body.path("replayed").asBoolean(), summary.path("totalProcessed").asInt(), summary.path("successful").asInt(),
        summary.path("failed").asInt(), errors);
  }

  /** A GraphQL request to the crawler API; its {@code data}, or a {@link LoaderException} naming the error. */
  JsonNode graphql(String document, Map<String, Object> variables) {
    return graphql(document, variables, retryFor);
  }

  /** As {@link #graphql(String, Map)}, retrying transient failures for {@code retry} (zero: not at all). */
  JsonNode graphql(String document, Map<String, Object> variables, Duration retry) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("query", document);
    payload.put("variables", variables);
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/graphql"))
        .header("Authorization", authorization)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofMinutes(1))
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(payload))).build();
    JsonNode body = send(request, "GraphQL", retry);
    JsonNode error = body.path("errors").path(0);
    if (!error.isMissingNode()) {
      String code = error.path("extensions").path("code").asString("");
      throw refusal(code, error.path("message").asString());
    }
    return body.path("data");
  }

  private JsonNode send(HttpRequest request, String what, Duration retryFor) {
    Instant deadline = Instant.now().plus(retryFor);
    Duration pause = Duration.ofMillis(200);
    while (true) {
      String transientProblem;
      Duration wait = pause;
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status == 200) {
          return JSON.readTree(response.body());
        }
        JsonNode error = errorOf(response.body());
        String code = error.path("extensions").path("code").asString("");
        String message = error.path("message").asString("HTTP " + status);
        if (status == 409 || status == 429 || status == 502 || status == 503 || status == 504) {
          transientProblem = what + ": " + message + " (HTTP " + status + ")";
          wait = response.headers().firstValue("Retry-After").map(CrawlerClient::seconds).orElse(pause);
        } else if (status == 404 || status == 405) {
          throw new LoaderException(LoadMain.EXIT_REFUSED, "HTTP " + status + " from " + request.uri()
              + ": is --url the crawler API (port 4002 under ./almanac start)? The gateway does not forward"
              + " /bulk/points.");
        } else {
          throw refusal(code.isEmpty() ? "HTTP " + status : code, message + " (HTTP " + status + ")");
        }
      } catch (ConnectException | HttpConnectTimeoutException e) {
        transientProblem = "the crawler API at " + base + " is unreachable (" + describe(e) + ")";
      } catch (HttpTimeoutException e) {
        transientProblem = "the crawler API at " + base + " did not answer " + what + " in time";
      } catch (IOException e) {
        transientProblem = "the connection to the crawler API at " + base + " failed (" + describe(e) + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LoaderException(LoadMain.EXIT_UNAVAILABLE, "Interrupted while sending " + what);
      } catch (tools.jackson.core.JacksonException e) {
        throw new LoaderException(LoadMain.EXIT_UNAVAILABLE, "The crawler API at " + base
            + " answered something other than JSON: is --url the crawler API (port 4002), not the gateway?");
      }
      if (Instant.now().plus(wait).isAfter(deadline)) {
        throw new LoaderException(LoadMain.EXIT_UNAVAILABLE, capitalize(transientProblem)
            + (retryFor.isZero() ? "." : "; gave up after " + retryFor.toSeconds() + " s."
            + " Run the same command again to send what is left."));
      }
      try {
        Thread.sleep(wait.toMillis()); // a client's back-off before its retry, not a synchronization
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LoaderException(LoadMain.EXIT_UNAVAILABLE, "Interrupted while waiting to retry " + what);
      }
      pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : pause.multipliedBy(2);
    }
  }

  private static LoaderException refusal(String code, String message) {
    String hint = switch (code) {
      case "UNAUTHENTICATED" -> "The key was refused: " + message + ". Give a valid key with --key or ALMANAC_KEY.";
      case "FORBIDDEN" -> "The key may not upload: " + message + ". Uploads need a CRAWLER or ADMIN key.";
      case "UNAVAILABLE" -> null;
      default -> "The crawler API refused the request (" + code + "): " + message;
    };
    return hint == null ? new LoaderException(LoadMain.EXIT_UNAVAILABLE, "The crawler API is unavailable: " + message)
        : new LoaderException(LoadMain.EXIT_REFUSED, hint);
  }

  private static JsonNode errorOf(String body) {
    try {
      return JSON.readTree(body).path("errors").path(0);
    } catch (RuntimeException e) {
      return JSON.missingNode();
    }
  }

  private static Duration seconds(String retryAfter) {
    try {
      return Duration.ofSeconds(Math.max(1, Long.parseLong(retryAfter.trim())));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }

  private static String describe(Exception e) {
    if (e instanceof ConnectException && (e.getMessage() == null || e.getMessage().isBlank())) {
      return "connection refused";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
