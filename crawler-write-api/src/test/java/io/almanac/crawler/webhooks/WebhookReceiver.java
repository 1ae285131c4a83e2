package io.almanac.crawler.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on loopback for tests: records every request per path and answers each path with
 * the statuses it was given in turn (the last one repeated; 200 by default). {@link #HANG} as a status holds
 * that request unanswered until the receiver closes (a receiver that hangs past the sender's timeout);
 * {@link #STALL} sends the headers and part of the body, then holds it.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** A request as received. */
  public record Received(String path, String deliveryId, String event, String signature, String timestamp,
      byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the signature is the hex HMAC-SHA256 of the body under {@code secret}, computed here. */
    public boolean signedWith(String secret) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return ("sha256=" + HexFormat.of().formatHex(mac.doFinal(body))).equals(signature);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A "status" that never answers: the request is held until {@link #close}. */
  public static final int HANG = 0;
  /**
   * A "status" that answers 200 with {@code Content-Length: 1000}, sends 3 bytes of the body and then
   * nothing until {@link #close} (a receiver stalled mid-body).
   */
  public static final int STALL = -1;

  private final HttpServer server;
  private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
  private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
  private final Map<String, List<Integer>> statuses = new ConcurrentHashMap<>();

  public WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      var h = exchange.getRequestHeaders();
      List<Received> list = received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>());
      list.add(new Received(path, h.getFirst("X-Almanac-Delivery"), h.getFirst("X-Almanac-Event"),
          h.getFirst("X-Almanac-Signature"), h.getFirst("X-Almanac-Timestamp"), body));
      List<Integer> answers = statuses.getOrDefault(path, List.of(200));
      int status = answers.get(Math.min(list.size() - 1, answers.size() - 1));
      if (status == HANG) {
        try {
          closing.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.close();
        return;
      }
      if (status == STALL) {
        exchange.sendResponseHeaders(200, 1000);
        exchange.getResponseBody().write("abc".getBytes(StandardCharsets.UTF_8));
        exchange.getResponseBody().flush();
        try {
          closing.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.close();
        return;
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    // A thread per request: a held request must not stop the others.
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  /** The URL of {@code path} on this receiver. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** {@code path} answers these statuses in turn, then the last one. */
  public void answer(String path, Integer... inTurn) {
    statuses.put(path, List.of(inTurn));
  }

  public List<Received> received(String path) {
    return new ArrayList<>(received.getOrDefault(path, List.of()));
  }

  /** Waits for {@code condition} up to {@code timeout}; false when it never held. */
  public static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20); // polling interval of the wait, not a synchronization: the condition decides
    }
    return condition.getAsBoolean();
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
  }
}
