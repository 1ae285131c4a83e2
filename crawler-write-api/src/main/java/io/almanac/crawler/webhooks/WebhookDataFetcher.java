package io.almanac.crawler.webhooks;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsData;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsMutation;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.crawler.Json;
import io.almanac.crawler.generated.DgsConstants.MUTATION;
import io.almanac.crawler.generated.DgsConstants.QUERY;
import io.almanac.crawler.generated.DgsConstants.WEBHOOK;
import io.almanac.crawler.generated.types.CreateWebhookInput;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.auth.Callers;
import io.almanac.graphql.auth.Role;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * {@code createWebhook}, {@code webhooks}, {@code deleteWebhook}, {@code Webhook.deliveries}. Mutations need
 * CRAWLER (the subgraph's policy); listing does too, as URLs and delivery payloads are a crawler's business,
 * not a reader's. A CRAWLER sees and deletes the webhooks its user made; an ADMIN, all.
 */
@DgsComponent
public class WebhookDataFetcher {

  private static final String WEBHOOK_CURSOR = "webhook";
  private static final String DELIVERY_CURSOR = "webhook-delivery";

  /** A {@code WebhookDelivery}: the payload as a JSON object. */
  public record DeliveryView(String id, String event, String status, int attempts, OffsetDateTime createdAt,
      OffsetDateTime lastAttemptAt, OffsetDateTime deliveredAt, Integer responseStatus, String error,
      Map<String, Object> payload, long seq) {}

  private final WebhookService service;
  private final WebhookRepository webhooks;

  public WebhookDataFetcher(WebhookService service, WebhookRepository webhooks) {
    this.service = service;
    this.webhooks = webhooks;
  }

  @DgsMutation(field = MUTATION.CreateWebhook)
  public WebhookService.Created createWebhook(DgsDataFetchingEnvironment env,
      @InputArgument(name = MUTATION.CREATEWEBHOOK_INPUT_ARGUMENT.Input) CreateWebhookInput input) {
    return service.create(Callers.current(env), input);
  }

  @DgsMutation(field = MUTATION.DeleteWebhook)
  public boolean deleteWebhook(DgsDataFetchingEnvironment env,
      @InputArgument(name = MUTATION.DELETEWEBHOOK_INPUT_ARGUMENT.Id) String id) {
    return service.delete(Callers.current(env), id);
  }

  @DgsQuery(field = QUERY.Webhooks)
  public Connection<Webhook> webhooks(DgsDataFetchingEnvironment env,
      @InputArgument(name = QUERY.WEBHOOKS_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = QUERY.WEBHOOKS_INPUT_ARGUMENT.After) String after) {
    Callers.require(env, Role.CRAWLER);
    String scope = WebhookService.scope(Callers.current(env));
    int size = Cursors.pageSize(first, 20, 1000);
    long afterId = after == null ? 0 : Cursors.decodeLong(WEBHOOK_CURSOR, after);
    return Connection.of(webhooks.page(afterId, size + 1, scope), size, after != null,
        w -> Cursors.encode(WEBHOOK_CURSOR, w.id()), webhooks.count(scope));
  }

  @DgsData(parentType = WEBHOOK.TYPE_NAME, field = WEBHOOK.Deliveries)
  public Connection<DeliveryView> deliveries(DgsDataFetchingEnvironment env,
      @InputArgument(name = WEBHOOK.DELIVERIES_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = WEBHOOK.DELIVERIES_INPUT_ARGUMENT.After) String after) {
    Webhook webhook = env.getSource();
    int size = Cursors.pageSize(first, 20, 1000);
    long before = after == null ? Long.MAX_VALUE : Cursors.decodeLong(DELIVERY_CURSOR, after);
    return Connection.of(webhooks.deliveries(webhook.numericId(), before, size + 1).stream().map(d ->
            new DeliveryView(d.id().toString(), d.event(), d.status(), d.attempts(), d.createdAt(), d.lastAttemptAt(),
                d.deliveredAt(), d.responseStatus(), d.error(), Json.object(org.jooq.JSONB.valueOf(d.payload())),
                d.seq())).toList(),
        size, after != null, d -> Cursors.encode(DELIVERY_CURSOR, String.valueOf(d.seq())),
        webhooks.countDeliveries(webhook.numericId()));
  }
}
