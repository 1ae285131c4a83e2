package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A financial subgraph whose connection breaks in the middle of an export body: the gateway cuts the client's
 * transfer off (never a file that looks complete) and keeps serving. Before, the broken body was an 'error'
 * event nobody listened to, and the gateway process exited; any reader could take the API down with one GET.
 * The subgraph here is a stand-in HTTP server (it must break a connection on cue), the gateway the real one.
 */
class ExportCutOffThroughGatewayTest {

  private static final String HEAD = "date,value\r\n2024-01-01,1\r\n";

  @Test
  void aBodyBrokenUpstreamIsCutOffAndTheGatewayKeepsServing() throws Exception {
    HttpServer financial = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    financial.createContext("/export/", exchange -> {
      // Promises 100,000 bytes, sends a few, then drops the connection.
      exchange.getResponseHeaders().add("Content-Type", "text/csv");
      exchange.sendResponseHeaders(200, 100_000);
      OutputStream body = exchange.getResponseBody();
      body.write(HEAD.getBytes(StandardCharsets.US_ASCII));
      body.flush();
      exchange.close();
    });
    financial.start();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path gatewayDir = NodeScript.HOME.resolve("gateway-config");
    Path log = Path.of("target", "export-cut-off-gateway.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder("node", gatewayDir.resolve("node_modules/.bin/hive-gateway").toString(),
        "supergraph").directory(gatewayDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("ALMANAC_GATEWAY_PORT", String.valueOf(port));
    builder.environment().put("ALMANAC_FINANCIAL_URL",
        "http://127.0.0.1:" + financial.getAddress().getPort() + "/graphql");
    Process gateway = builder.start();
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI readiness = URI.create("http://127.0.0.1:" + port + "/readiness");
      awaitReady(client, readiness, gateway, log);

      for (int attempt = 0; attempt < 3; attempt++) {
        HttpResponse<InputStream> answer = client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/export/series/1.csv")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        assertThat(answer.statusCode()).isEqualTo(200);
        byte[] received = new byte[0];
        IOException cutOff = null;
        try (InputStream body = answer.body()) {
          received = body.readAllBytes();
        } catch (IOException e) {
          cutOff = e;
        }
        // Either the read fails, or what arrived is short of a whole file: never a clean, complete-looking end.
        assertThat(cutOff != null || received.length < 100_000).as("attempt %d cut off", attempt).isTrue();
        assertThat(gateway.isAlive()).as("gateway alive after attempt %d; log:%n%s", attempt, Files.readString(log))
            .isTrue();
      }
      assertThat(client.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode()).isEqualTo(200);
      assertThat(Files.readString(log)).contains("Export body cut off");
    } finally {
      gateway.destroy();
      if (!gateway.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        gateway.destroyForcibly().waitFor();
      }
      financial.stop(0);
    }
  }

  private static void awaitReady(HttpClient client, URI readiness, Process gateway, Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      assertThat(gateway.isAlive()).as("gateway started; log:%n%s", Files.readString(log)).isTrue();
      try {
        if (client.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      gateway.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("The gateway was not ready within 90 s; log:\n" + Files.readString(log));
  }
}
