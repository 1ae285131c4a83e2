package io.almanac.crawler.providers;

import static io.almanac.crawler.db.Tables.PROVIDER_SPEC_VERSIONS;

import io.almanac.crawler.Json;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;

/** Versions of providers' ingestion specs in PostgreSQL ({@code crawler.provider_spec_versions}). */
@Repository
public class ProviderSpecRepository {

  /** One stored version; {@code spec} is null for a version that cleared the spec. */
  public record SpecVersion(int version, Object spec, OffsetDateTime createdAt, String createdBy) {}

  private final DSLContext db;

  public ProviderSpecRepository(DSLContext db) {
    this.db = db;
  }

  /**
   * Stores {@code spec} (null: cleared) as the provider's next version, unless it equals the current one.
   * Called in the transaction that created or updated the provider's row, whose lock orders concurrent
   * updates of one provider (so version numbers never collide).
   *
   * @return whether a version was added
   */
  public boolean add(long providerId, JsonNode spec, String createdBy) {
    var latest = db.select(PROVIDER_SPEC_VERSIONS.VERSION, PROVIDER_SPEC_VERSIONS.SPEC)
        .from(PROVIDER_SPEC_VERSIONS)
        .where(PROVIDER_SPEC_VERSIONS.PROVIDER_ID.eq(providerId))
        .orderBy(PROVIDER_SPEC_VERSIONS.VERSION.desc())
        .limit(1)
        .fetchOne();
    JsonNode current = latest == null || latest.value2() == null ? null : Json.MAPPER.readTree(latest.value2().data());
    boolean cleared = spec == null || spec.isNull();
    if (latest == null ? cleared : (cleared ? current == null : spec.equals(current))) {
      return false;
    }
    db.insertInto(PROVIDER_SPEC_VERSIONS)
        .set(PROVIDER_SPEC_VERSIONS.PROVIDER_ID, providerId)
        .set(PROVIDER_SPEC_VERSIONS.VERSION, latest == null ? 1 : latest.value1() + 1)
        .set(PROVIDER_SPEC_VERSIONS.SPEC, cleared ? null : JSONB.valueOf(Json.MAPPER.writeValueAsString(spec)))
        .set(PROVIDER_SPEC_VERSIONS.CREATED_BY, createdBy)
        .execute();
    return true;
  }

  /** The current spec of each provider that has one (a JSON object as maps and lists). */
  public Map<Long, Object> current(Collection<Long> providerIds) {
    Map<Long, Object> specs = new HashMap<>();
    db.select(PROVIDER_SPEC_VERSIONS.PROVIDER_ID, PROVIDER_SPEC_VERSIONS.SPEC)
        .distinctOn(PROVIDER_SPEC_VERSIONS.PROVIDER_ID)
        .from(PROVIDER_SPEC_VERSIONS)
        .where(PROVIDER_SPEC_VERSIONS.PROVIDER_ID.in(providerIds))
        .orderBy(PROVIDER_SPEC_VERSIONS.PROVIDER_ID, PROVIDER_SPEC_VERSIONS.VERSION.desc())
        .forEach(r -> {
          if (r.value2() != null) {
            specs.put(r.value1(), Json.value(r.value2()));
          }
        });
    return specs;
  }

  /** Every version of a provider's spec, oldest first. */
  public List<SpecVersion> versions(long providerId) {
    return db.selectFrom(PROVIDER_SPEC_VERSIONS)
        .where(PROVIDER_SPEC_VERSIONS.PROVIDER_ID.eq(providerId))
        .orderBy(PROVIDER_SPEC_VERSIONS.VERSION)
        .fetch(r -> new SpecVersion(r.getVersion(), Json.value(r.getSpec()), r.getCreatedAt(), r.getCreatedBy()));
  }

  /** The current spec of one provider, if it has one. */
  public Optional<Object> current(long providerId) {
    return Optional.ofNullable(current(List.of(providerId)).get(providerId));
  }
}
