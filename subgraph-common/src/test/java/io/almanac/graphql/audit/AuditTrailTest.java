package io.almanac.graphql.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Role;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class AuditTrailTest {

  @Test
  void aTrailThatCannotBeWrittenDoesNotFailTheChange() {
    // A real database failure: nothing listens on port 1.
    PGSimpleDataSource nowhere = new PGSimpleDataSource();
    nowhere.setURL("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1");
    AuditEntries unreachable = new AuditEntries(DSL.using(nowhere, SQLDialect.POSTGRES));
    AuditTrail trail = new AuditTrail(unreachable, "test");
    assertThatCode(() -> trail.record(new Caller(1L, 2L, Role.ADMIN), "createProvider", "3", Map.of("id", "3"),
        AuditTrail.OK, null)).doesNotThrowAnyException();
  }

  @Test
  void outcomesAreTheCodesCallersGet() {
    assertThat(AuditTrail.outcome(null)).isEqualTo("OK");
    assertThat(AuditTrail.outcome(new CompletionException(AlmanacGraphQLException.badInput("id", "bad"))))
        .isEqualTo("BAD_USER_INPUT");
    assertThat(AuditTrail.outcome(new IllegalStateException("bug"))).isEqualTo("INTERNAL");
  }
}
