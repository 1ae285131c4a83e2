package io.almanac.crawler.webhooks;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends the outbox's due deliveries: claims as many as it has free senders ({@link WebhookRepository#claimDue},
 * leased so that several processes share the work and a crash's claims are retried), POSTs each (no redirects
 * followed), records the outcome, and waits for the next commit ({@link #wake}) or {@code poll-interval}.
 *
 * <p>An attempt is bounded end to end: connecting, the answer's headers and its body (read and discarded)
 * must all come within {@code almanac.webhooks.timeout}, else the exchange is cancelled (its connection
 * abandoned) and the attempt fails. Each delivery has its own sender and the loop claims more as soon as
 * one is free, so a slow receiver holds one sender for at most the timeout and never the others'
 * deliveries. A claim is made only for a free sender, so it starts at once and ends well within its
 * lease ({@link WebhookSettings#lease}).
 *
 * <p>At least once: a process stopped after a receiver got a delivery but before the outcome was recorded
 * sends it again after the lease, with the same {@code X-Almanac-Delivery} id; receivers drop ids they
 * have seen.
 */
@Component
public class WebhookWorker implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WebhookWorker.class);
  private static final int SENDERS = 16;
  private static final int MAX_ERROR = 500;

  private final WebhookRepository webhooks;
  private final WebhookService service;
  private final WebhookSettings settings;
  private final HttpClient http;
  private final Semaphore wakeups = new Semaphore(0);
  /** Free senders: taken when a delivery is claimed, given back when its attempt is recorded. */
  private final Semaphore free = new Semaphore(SENDERS);
  private volatile boolean running;
  private Thread loop;
  private ExecutorService senders;

  public WebhookWorker(WebhookRepository webhooks, WebhookService service, WebhookSettings settings) {
    this.webhooks = webhooks;
    this.service = service;
    this.settings = settings;
    this.http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(settings.timeout())
        .build();
  }

  /** Something was enqueued: look now rather than at the next poll. */
  public void wake() {
    wakeups.release();
  }

  @Override
  public void start() {
    if (!settings.workerEnabled()) {
      return;
    }
    running = true;
    senders = Executors.newFixedThreadPool(SENDERS, r -> {
      Thread t = new Thread(r, "webhook-sender");
      t.setDaemon(true);
      return t;
    });
    loop = new Thread(this::run, "webhook-worker");
    loop.setDaemon(true);
    loop.start();
  }

  @Override
  public void stop() {
    running = false;
    if (loop != null) {
      loop.interrupt();
      senders.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void run() {
    while (running) {
      int claimable;
      try {
        free.acquire(); // at least one sender free: waits while all are busy
        claimable = 1 + free.drainPermits();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      List<WebhookRepository.Delivery> due;
      try {
        due = webhooks.claimDue(claimable, settings.lease());
      } catch (RuntimeException e) {
        // The database away: claims made are retried once their lease runs out.
        free.release(claimable);
        log.warn("Webhook deliveries not claimed this round: {}", e.toString());
        if (!pause(settings.pollInterval())) {
          return;
        }
        continue;
      }
      free.release(claimable - due.size());
      for (WebhookRepository.Delivery delivery : due) {
        try {
          senders.execute(() -> {
            try {
              attempt(delivery);
            } finally {
              free.release();
            }
          });
        } catch (RejectedExecutionException stopping) {
          return; // its lease runs out and another attempt follows
        }
      }
      if (due.size() < claimable) {
        if (!pause(settings.pollInterval())) {
          return;
        }
        wakeups.drainPermits();
      }
    }
  }

  /** Waits for a wake-up or {@code wait}; false when interrupted (stopping). */
  private boolean pause(Duration wait) {
    try {
      wakeups.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** One attempt of {@code delivery}, its outcome recorded; whatever goes wrong is a failed attempt. */
  private void attempt(WebhookRepository.Delivery delivery) {
    Integer status = null;
    String error;
    try {
      Optional<WebhookRepository.Target> target = webhooks.target(delivery.webhookId());
      if (target.isEmpty()) {
        return; // deleted meanwhile: its deliveries went with it
      }
      String url = target.get().webhook().url();
      if (!service.allowed(url)) {
        error = "URL no longer allowed (http or https on a host in almanac.webhooks.allowed-hosts, a valid port)";
      } else {
        status = post(url, target.get().secret(), delivery);
        if (status >= 200 && status < 300) {
          webhooks.delivered(delivery.seq(), status);
          return;
        }
        error = status >= 300 && status < 400 ? "redirect not followed (HTTP " + status + ")" : "HTTP " + status;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // stopping: the lease runs out and another attempt follows
    } catch (Exception e) {
      error = describe(e, settings.timeout());
    }
    try {
      int attempts = delivery.attempts() + 1;
      Duration retryAfter = attempts >= settings.maxAttempts() ? null : settings.backoffAfter(attempts);
      if (error.length() > MAX_ERROR) {
        error = error.substring(0, MAX_ERROR);
      }
      if (webhooks.failed(delivery.seq(), delivery.webhookId(), status, error, retryAfter, settings.disableAfter())) {
        log.warn("Webhook {} disabled after {} consecutive failed deliveries (last: {})", delivery.webhookId(),
            settings.disableAfter(), error);
      }
    } catch (RuntimeException e) {
      // The database away: the lease runs out and another attempt follows.
      log.warn("Webhook delivery {} attempt not recorded: {}", delivery.id(), e.toString());
    }
  }

  /**
   * POSTs the delivery and reads the whole answer (body discarded) within the timeout; returns its status.
   * Past the timeout the exchange is cancelled, which closes its connection.
   */
  private int post(String url, String secret, WebhookRepository.Delivery delivery) throws Exception {
    byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .timeout(settings.timeout())
        .header("Content-Type", "application/json")
        .header("User-Agent", "Almanac-Webhooks/1")
        .header("X-Almanac-Event", delivery.event())
        .header("X-Almanac-Delivery", delivery.id().toString())
        .header("X-Almanac-Timestamp", String.valueOf(Instant.now().getEpochSecond()))
        .header("X-Almanac-Signature", WebhookSigner.signature(secret, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    try {
      return exchange.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS).statusCode();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      exchange.cancel(true); // no-op once complete; else abandons the exchange and its connection
    }
  }

  /** Why an attempt failed, in plain words for the delivery log (no class names). */
  static String describe(Throwable failure, Duration timeout) {
    String limit = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpConnectTimeoutException) {
        return "could not connect within " + limit;
      }
      if (t instanceof TimeoutException || t instanceof HttpTimeoutException) {
        return "timed out after " + limit;
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "host not found";
      }
      if (t instanceof SSLException) {
        return "TLS handshake failed";
      }
      if (t instanceof IllegalArgumentException) {
        return "invalid URL";
      }
    }
    return failure instanceof IOException ? "connection failed before a complete answer" : "attempt failed";
  }
}
