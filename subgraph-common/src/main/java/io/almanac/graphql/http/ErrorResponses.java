package io.almanac.graphql.http;

import io.almanac.graphql.AlmanacGraphQLException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;

/**
 * Refusals written by servlet filters, before Spring MVC chooses a handler (so before
 * {@link io.almanac.graphql.HttpErrorHandler} can answer), in the same shape and with Retry-After.
 */
public final class ErrorResponses {

  private ErrorResponses() {}

  /** Writes the GraphQL error shape: {@code {"errors":[{"message":...,"extensions":{...}}]}}. */
  public static void write(HttpServletResponse response, int status, AlmanacGraphQLException refusal) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    refusal.retryAfterSeconds().ifPresent(s -> response.setHeader(HttpHeaders.RETRY_AFTER, s.toString()));
    StringBuilder json = new StringBuilder("{\"errors\":[{\"message\":");
    string(json, refusal.getMessage());
    json.append(",\"extensions\":{");
    boolean first = true;
    for (var entry : refusal.extensions().entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      string(json, entry.getKey());
      json.append(':');
      if (entry.getValue() instanceof Number n) {
        json.append(n);
      } else {
        string(json, String.valueOf(entry.getValue()));
      }
    }
    json.append("}}]}");
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  private static void string(StringBuilder json, String text) {
    json.append('"');
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    json.append('"');
  }
}
