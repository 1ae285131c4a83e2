import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The containers' HEALTHCHECK: exit 0 when the URL answers 200 within 3 s, else 1. Compiled into the image
 * (the JRE image has neither curl nor wget we can count on), run as {@code java -cp /app HealthCheck URL}.
 */
public final class HealthCheck {

  public static void main(String[] args) {
    try {
      HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
          .send(HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(3)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      System.exit(response.statusCode() == 200 ? 0 : 1);
    } catch (Exception e) {
      System.exit(1);
    }
  }
}
