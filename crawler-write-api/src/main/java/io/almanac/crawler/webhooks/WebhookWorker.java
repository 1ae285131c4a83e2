package io.almanac.crawler.webhooks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends the outbox's due deliveries: claims a few ({@link WebhookRepository#claimDue}, leased so that
 * several processes share the work and a crash's claims are retried), POSTs each (no redirects followed,
 * {@code almanac.webhooks.timeout} to connect and to answer), records the outcome, and waits for the next
 * commit ({@link #wake}) or {@code poll-interval}. At least once: a process stopped after a receiver got a
 * delivery but before the outcome was recorded sends it again after the lease, with the same
 * {@code X-Almanac-Delivery} id; receivers drop ids they have seen.
 */
@Component
public class WebhookWorker implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WebhookWorker.class);
  private static final int CLAIM = 16;
  private static final int SENDERS = 4;
  private static final int MAX_ERROR = 500;

  private final WebhookRepository webhooks;
  private final WebhookService service;
  private final WebhookSettings settings;
  private final HttpClient http;
  private final Semaphore wakeups = new Semaphore(0);
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
      try {
        List<WebhookRepository.Delivery> due = webhooks.claimDue(CLAIM, settings.lease());
        List<Future<?>> sent = new ArrayList<>(due.size());
        for (WebhookRepository.Delivery delivery : due) {
          sent.add(senders.submit(() -> send(delivery)));
        }
        for (Future<?> f : sent) {
          f.get();
        }
        if (due.size() < CLAIM) {
          wakeups.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
          wakeups.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // The database away: claims made are retried once their lease runs out.
        log.warn("Webhook deliveries not sent this round: {}", e.toString());
        try {
          Thread.sleep(settings.pollInterval().toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void send(WebhookRepository.Delivery delivery) {
    Optional<WebhookRepository.Target> target = webhooks.target(delivery.webhookId());
    if (target.isEmpty()) {
      return; // deleted meanwhile: its deliveries went with it
    }
    String url = target.get().webhook().url();
    Integer status = null;
    String error;
    if (!service.allowed(url)) {
      error = "host no longer in almanac.webhooks.allowed-hosts";
    } else {
      byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
      HttpRequest request = HttpRequest.newBuilder(URI.create(url))
          .timeout(settings.timeout())
          .header("Content-Type", "application/json")
          .header("User-Agent", "Almanac-Webhooks/1")
          .header("X-Almanac-Event", delivery.event())
          .header("X-Almanac-Delivery", delivery.id().toString())
          .header("X-Almanac-Timestamp", String.valueOf(Instant.now().getEpochSecond()))
          .header("X-Almanac-Signature", WebhookSigner.signature(target.get().secret(), body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
      try {
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        status = response.statusCode();
        if (status >= 200 && status < 300) {
          webhooks.delivered(delivery.seq(), status);
          return;
        }
        error = status >= 300 && status < 400 ? "redirect not followed (HTTP " + status + ")" : "HTTP " + status;
      } catch (IOException e) {
        error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // stopping: the lease runs out and another attempt follows
      }
    }
    int attempts = delivery.attempts() + 1;
    Duration retryAfter = attempts >= settings.maxAttempts() ? null : settings.backoffAfter(attempts);
    if (error.length() > MAX_ERROR) {
      error = error.substring(0, MAX_ERROR);
    }
    if (webhooks.failed(delivery.seq(), delivery.webhookId(), status, error, retryAfter, settings.disableAfter())) {
      log.warn("Webhook {} disabled after {} consecutive failed deliveries (last: {})", delivery.webhookId(),
          settings.disableAfter(), error);
    }
  }
}
