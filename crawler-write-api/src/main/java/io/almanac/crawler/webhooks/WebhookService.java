package io.almanac.crawler.webhooks;

import io.almanac.crawler.Json;
import io.almanac.crawler.generated.DgsConstants.CREATEWEBHOOKINPUT;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.types.CreateWebhookInput;
import io.almanac.crawler.generated.types.WebhookEvent;
import io.almanac.crawler.releases.ReleaseRepository;
import io.almanac.crawler.runs.IngestionRun;
import io.almanac.crawler.series.SeriesRegistry;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Ids;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Role;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Webhooks: registration (checked against {@code almanac.webhooks.allowed-hosts}) and the events put in
 * their outbox. Events are enqueued by the transaction that records what happened (a batch DONE, a run
 * finished), so a committed event is delivered even if the process stops right after;
 * {@link WebhookWorker} sends them.
 *
 * <p>The secret is stored as given to the client, in {@code crawler.webhooks}: a hash would not do, as
 * every delivery is signed with it. It proves to a receiver that a delivery comes from this Almanac and
 * grants nothing within Almanac, so whoever can read the crawler schema (or a backup of it) could forge
 * deliveries to receivers, not read or write data; encrypting it with a key held by the same process
 * would add a key to manage for little more.
 */
@Service
public class WebhookService {

  private static final int MAX_URL = 2_000;
  private static final int MAX_SERIES = 1_000;

  /** What one upload wrote of one series. */
  public record SeriesWrite(SortedSet<LocalDate> vintageDates, int points) {}

  private final WebhookRepository webhooks;
  private final WebhookSettings settings;
  private final SeriesRegistry registry;
  private final ReleaseRepository releases;

  public WebhookService(WebhookRepository webhooks, WebhookSettings settings, SeriesRegistry registry,
      ReleaseRepository releases) {
    this.webhooks = webhooks;
    this.settings = settings;
    this.registry = registry;
    this.releases = releases;
  }

  /** A new webhook and its secret (shown once). */
  public record Created(Webhook webhook, String secret) {}

  /**
   * @throws AlmanacGraphQLException BAD_USER_INPUT naming {@code input.url} (not http(s), over 2,000
   *     characters, a port outside 1 to 65535, a host not allowed),
   *     {@code input.events} (empty), {@code input.seriesIds} (over 1,000,
   *     or an unknown series), {@code input.releaseId}, {@code input.providerId} (unknown)
   */
  public Created create(Caller caller, CreateWebhookInput input) {
    String prefix = MUTATION.CREATEWEBHOOK_INPUT_ARGUMENT.Input + ".";
    String url = input.getUrl().strip();
    checkUrl(url, prefix + CREATEWEBHOOKINPUT.Url);
    Set<String> events = new LinkedHashSet<>();
    input.getEvents().forEach(e -> events.add(e.name()));
    if (events.isEmpty()) {
      throw AlmanacGraphQLException.badInput(prefix + CREATEWEBHOOKINPUT.Events, "Name at least one event");
    }
    Long[] seriesIds = null;
    if (input.getSeriesIds() != null) {
      if (input.getSeriesIds().size() > MAX_SERIES) {
        throw AlmanacGraphQLException.badInput(prefix + CREATEWEBHOOKINPUT.SeriesIds,
            "At most " + MAX_SERIES + " series per webhook");
      }
      Set<Long> ids = new LinkedHashSet<>();
      for (String id : input.getSeriesIds()) {
        Long parsed = Ids.parse(id);
        if (parsed == null) {
          throw AlmanacGraphQLException.badInput(prefix + CREATEWEBHOOKINPUT.SeriesIds, "No series with id '" + id + "'");
        }
        ids.add(parsed);
      }
      Set<Long> known = registry.existing(ids).keySet();
      for (Long id : ids) {
        if (!known.contains(id)) {
          throw AlmanacGraphQLException.badInput(prefix + CREATEWEBHOOKINPUT.SeriesIds, "No series with id '" + id + "'");
        }
      }
      seriesIds = ids.toArray(Long[]::new);
    }
    Long releaseId = null;
    if (input.getReleaseId() != null) {
      releaseId = Ids.parse(input.getReleaseId());
      if (releaseId == null || releases.find(releaseId).isEmpty()) {
        throw AlmanacGraphQLException.badInput(prefix + CREATEWEBHOOKINPUT.ReleaseId,
            "No release with id '" + input.getReleaseId() + "'");
      }
    }
    Long providerId = null;
    if (input.getProviderId() != null) {
      providerId = Ids.parse(input.getProviderId());
      if (providerId == null || registry.existingProviders(List.of(providerId)).isEmpty()) {
        throw AlmanacGraphQLException.badInput(prefix + CREATEWEBHOOKINPUT.ProviderId,
            "No provider with id '" + input.getProviderId() + "'");
      }
    }
    String secret = WebhookSigner.newSecret();
    Webhook webhook = webhooks.create(url, List.copyOf(events), seriesIds, releaseId, providerId, secret,
        owner(caller));
    return new Created(webhook, secret);
  }

  /** Whether {@code url} may be sent to now: http(s) on an allowed host, its port (if given) 1 to 65535. */
  boolean allowed(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String host = uri.getHost();
      if (host == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getRawUserInfo() != null
          || uri.getPort() == 0 || uri.getPort() > 65_535) {
        return false;
      }
      host = host.toLowerCase(Locale.ROOT);
      String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      return settings.allowedHosts().contains(host) || settings.allowedHosts().contains(bare);
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private void checkUrl(String url, String argument) {
    if (url.length() > MAX_URL) {
      throw AlmanacGraphQLException.badInput(argument, "url must be at most " + MAX_URL + " characters");
    }
    if (!allowed(url)) {
      throw AlmanacGraphQLException.badInput(argument, "url must be http or https, without credentials,"
          + " with a port from 1 to 65535 if any, on a host"
          + " the administrator allowed (almanac.webhooks.allowed-hosts: "
          + (settings.allowedHosts().isEmpty() ? "none" : String.join(", ", settings.allowedHosts())) + ")");
    }
  }

  /** Deletes a webhook the caller made (an ADMIN: any); false when there was none it may delete. */
  public boolean delete(Caller caller, String id) {
    Long numeric = Ids.parse(id);
    return numeric != null && webhooks.delete(numeric, scope(caller));
  }

  /** Who made a webhook: the user, else the caller's subject (a key without a user). */
  static String owner(Caller caller) {
    return caller.userId() == null ? caller.subject() : String.valueOf(caller.userId());
  }

  /**
   * Whose webhooks the caller sees and deletes: its own (a CRAWLER), or null for all (an ADMIN). A
   * webhook's URL and deliveries are its maker's business: another crawler's key must not read or remove them.
   */
  static String scope(Caller caller) {
    return caller.has(Role.ADMIN) ? null : owner(caller);
  }

  /**
   * Enqueues a SERIES_REVISED delivery for every enabled webhook that matches some of the written series;
   * call in the transaction that records the batch.
   *
   * @param releaseId the release the upload named, or null
   */
  public void seriesRevised(String batchId, Long releaseId, Map<Long, SeriesWrite> written) {
    revised(batchId, releaseId, written, false);
  }

  /**
   * Enqueues a SERIES_REVISED delivery with {@code "retracted": true} for every enabled webhook that
   * matches some of the series a retracted batch had written (each listed with no vintage dates and 0
   * points: the retraction removed rows, it wrote none); call in the transaction that finishes the retraction.
   */
  public void seriesRetracted(String batchId, Collection<Long> seriesIds) {
    Map<Long, SeriesWrite> none = new LinkedHashMap<>();
    seriesIds.forEach(id -> none.put(id, new SeriesWrite(new TreeSet<>(), 0)));
    revised(batchId, null, none, true);
  }

  private void revised(String batchId, Long releaseId, Map<Long, SeriesWrite> written, boolean retracted) {
    List<Webhook> subscribed = webhooks.subscribed(WebhookEvent.SERIES_REVISED.name());
    if (subscribed.isEmpty() || written.isEmpty()) {
      return;
    }
    Map<Long, WebhookRepository.SeriesFacts> facts = webhooks.seriesFacts(written.keySet());
    String occurredAt = now();
    for (Webhook webhook : subscribed) {
      List<Map<String, Object>> series = new ArrayList<>();
      written.forEach((seriesId, write) -> {
        WebhookRepository.SeriesFacts fact = facts.get(seriesId);
        if (fact != null && matches(webhook, seriesId, fact, releaseId)) {
          Map<String, Object> item = new LinkedHashMap<>();
          item.put("id", String.valueOf(seriesId));
          item.put("providerId", String.valueOf(fact.providerId()));
          item.put("releaseId", fact.releaseId() == null ? null : String.valueOf(fact.releaseId()));
          item.put("vintageDates", write.vintageDates().stream().map(LocalDate::toString).toList());
          item.put("points", write.points());
          series.add(item);
        }
      });
      if (series.isEmpty()) {
        continue;
      }
      Map<String, Object> body = header(WebhookEvent.SERIES_REVISED, webhook, occurredAt);
      body.put("batchId", batchId);
      body.put("retracted", retracted);
      body.put("releaseId", releaseId == null ? null : String.valueOf(releaseId));
      body.put("series", series);
      enqueue(webhook, WebhookEvent.SERIES_REVISED, body);
    }
  }

  /** Enqueues a RUN_FINISHED delivery for every enabled webhook of the run's provider (or of all); in the run's transaction. */
  public void runFinished(IngestionRun run) {
    String occurredAt = now();
    for (Webhook webhook : webhooks.subscribed(WebhookEvent.RUN_FINISHED.name())) {
      if (webhook.providerId() != null && !webhook.providerId().equals(String.valueOf(run.providerId()))) {
        continue;
      }
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("id", run.id());
      item.put("providerId", String.valueOf(run.providerId()));
      item.put("status", run.status());
      item.put("startedAt", run.startedAt() == null ? null : run.startedAt().toString());
      item.put("completedAt", run.completedAt() == null ? null : run.completedAt().toString());
      item.put("durationMs", run.durationMs());
      item.put("recordsIngested", run.recordsIngested());
      item.put("recordsFailed", run.recordsFailed());
      item.put("errorMessage", run.errorMessage());
      Map<String, Object> body = header(WebhookEvent.RUN_FINISHED, webhook, occurredAt);
      body.put("run", item);
      enqueue(webhook, WebhookEvent.RUN_FINISHED, body);
    }
  }

  /** Filters given must all match; {@code seriesIds} any of its ids; {@code releaseId} the series' or the upload's release. */
  private static boolean matches(Webhook webhook, long seriesId, WebhookRepository.SeriesFacts fact, Long uploadRelease) {
    if (webhook.seriesIds() != null && !webhook.seriesIds().contains(String.valueOf(seriesId))) {
      return false;
    }
    if (webhook.providerId() != null && !webhook.providerId().equals(String.valueOf(fact.providerId()))) {
      return false;
    }
    if (webhook.releaseId() != null) {
      long wanted = Long.parseLong(webhook.releaseId());
      return (fact.releaseId() != null && fact.releaseId() == wanted)
          || (uploadRelease != null && uploadRelease == wanted);
    }
    return true;
  }

  private static Map<String, Object> header(WebhookEvent event, Webhook webhook, String occurredAt) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", event.name());
    body.put("webhookId", webhook.id());
    body.put("occurredAt", occurredAt);
    return body;
  }

  private void enqueue(Webhook webhook, WebhookEvent event, Map<String, Object> body) {
    UUID deliveryId = UUID.randomUUID();
    body.put("deliveryId", deliveryId.toString());
    webhooks.enqueue(webhook.numericId(), deliveryId, event.name(), Json.MAPPER.writeValueAsString(body));
  }

  private static String now() {
    return OffsetDateTime.now(ZoneOffset.UTC).toString();
  }
}
