package io.almanac.graphql.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.graphql.auth.AuthSchemaMigration;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The audit table on a real PostgreSQL: the migration, filters, keyset pages and deletion by age. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditEntriesTest {

  private static EmbeddedPostgres postgres;
  private static DataSource dataSource;
  private static AuditEntries entries;

  @BeforeAll
  static void migrate() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    dataSource = postgres.getPostgresDatabase();
    new AuthSchemaMigration(dataSource); // auth.identities links token subjects to users
    new AuditSchemaMigration(dataSource);
    new AuditSchemaMigration(dataSource); // a second subgraph starting: nothing to do
    entries = new AuditEntries(DSL.using(dataSource, SQLDialect.POSTGRES));
    for (int i = 1; i <= 7; i++) {
      entries.insert(i % 2 == 0 ? 20L : 10L, null, null, i % 3 == 0 ? "createUser" : "createProvider", "t" + i,
          "{\"n\": " + i + "}", i == 7 ? "FORBIDDEN" : AuditTrail.OK, "test", null);
    }
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("UPDATE audit.audit_log SET at = now() - interval '500 days' WHERE target = 't1'");
      statement.execute("UPDATE audit.audit_log SET at = now() - interval '10 days' WHERE target = 't2'");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  private static List<String> targets(List<AuditEntry> page) {
    return page.stream().map(AuditEntry::target).toList();
  }

  @Test
  @Order(1)
  void pagesNewestFirstByFilter() {
    AuditEntries.Filter all = new AuditEntries.Filter(null, null, null, null, null);
    assertThat(targets(entries.page(all, null, 3))).containsExactly("t7", "t6", "t5");
    long fifth = entries.page(all, null, 3).get(2).id();
    assertThat(targets(entries.page(all, fifth, 3))).containsExactly("t4", "t3", "t2");
    assertThat(entries.count(all)).isEqualTo(7);

    AuditEntries.Filter actor = new AuditEntries.Filter(20L, null, null, null, null);
    assertThat(targets(entries.page(actor, null, 10))).containsExactly("t6", "t4", "t2");
    AuditEntries.Filter action = new AuditEntries.Filter(10L, null, "createUser", null, null);
    assertThat(targets(entries.page(action, null, 10))).containsExactly("t3");
    assertThat(entries.page(new AuditEntries.Filter(null, null, null, null, null), null, 1).get(0).outcome())
        .isEqualTo("FORBIDDEN");

    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    AuditEntries.Filter old = new AuditEntries.Filter(null, null, null, null, now.minusDays(1));
    assertThat(targets(entries.page(old, null, 10))).containsExactly("t2", "t1");
    AuditEntries.Filter window = new AuditEntries.Filter(null, null, null, now.minusDays(11), now.minusDays(9));
    assertThat(targets(entries.page(window, null, 10))).containsExactly("t2");
    assertThat(entries.count(window)).isEqualTo(1);
  }

  @Test
  @Order(2)
  void retentionDeletesOnlyOlderEntries() {
    int deleted = entries.deleteBefore(OffsetDateTime.now(ZoneOffset.UTC).minus(Duration.ofDays(400)));
    assertThat(deleted).isEqualTo(1);
    assertThat(targets(entries.page(new AuditEntries.Filter(null, null, null, null, null), null, 10)))
        .containsExactly("t7", "t6", "t5", "t4", "t3", "t2");
  }

  /** A signed-in caller no user is linked to yet is recorded by subject, and shown as its user once linked. */
  @Test
  @Order(3)
  void tokenSubjectsBecomeTheirUserOnceLinked() throws Exception {
    entries.insert(null, "alice-sub", null, "createProvider", "s1", null, AuditTrail.OK, "test", null);
    AuditEntries.Filter bySubject = new AuditEntries.Filter(null, "alice-sub", null, null, null);
    assertThat(entries.page(bySubject, null, 10)).extracting(AuditEntry::actorId).containsExactly("subject:alice-sub");
    AuditEntries.Filter user30 = new AuditEntries.Filter(30L, null, null, null, null);
    assertThat(entries.page(user30, null, 10)).isEmpty();

    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO auth.identities (issuer, subject, user_id) VALUES ('https://idp', 'alice-sub', 30)");
    }
    entries.insert(30L, null, null, "createProvider", "s2", null, AuditTrail.OK, "test", null);
    assertThat(entries.page(user30, null, 10)).extracting(AuditEntry::target, AuditEntry::actorId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("s2", "30"), org.assertj.core.groups.Tuple.tuple("s1", "30"));
    assertThat(entries.count(user30)).isEqualTo(2);
  }

  /** Whatever a client sent (U+0000, a lone surrogate, a megabyte), the entry is written, and small. */
  @Test
  @Order(4)
  void hostileArgumentsAreStored() throws Exception {
    String json = new tools.jackson.databind.json.JsonMapper().writeValueAsString(AuditArguments.redact(
        java.util.Map.of("reason", "nul\u0000 lone\uD800 " + "x".repeat(1_000_000))));
    entries.insert(40L, null, null, "retractBatch", AuditArguments.storable("t\u0000"), json, "BAD_USER_INPUT", "test", null);
    AuditEntry stored = entries.page(new AuditEntries.Filter(40L, null, null, null, null), null, 1).get(0);
    assertThat(stored.target()).isEqualTo("t\uFFFD");
    assertThat(stored.arguments()).contains("nul\uFFFD lone\uFFFD").contains("(1000011 characters)").hasSizeLessThan(1_200);
  }
}
