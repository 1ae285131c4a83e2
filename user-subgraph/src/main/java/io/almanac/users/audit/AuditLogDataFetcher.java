package io.almanac.users.audit;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsDataFetchingEnvironment;
import com.netflix.graphql.dgs.DgsQuery;
import com.netflix.graphql.dgs.InputArgument;
import io.almanac.graphql.Connection;
import io.almanac.graphql.auth.Callers;
import io.almanac.users.generated.DgsConstants.QUERY;
import io.almanac.users.generated.types.AuditEntry;
import io.almanac.users.generated.types.AuditFilter;

/** {@code auditLog}, over {@link AuditLogService}. */
@DgsComponent
public class AuditLogDataFetcher {

  private final AuditLogService audit;

  public AuditLogDataFetcher(AuditLogService audit) {
    this.audit = audit;
  }

  @DgsQuery(field = QUERY.AuditLog)
  public Connection<AuditEntry> auditLog(@InputArgument(name = QUERY.AUDITLOG_INPUT_ARGUMENT.Filter) AuditFilter filter,
      @InputArgument(name = QUERY.AUDITLOG_INPUT_ARGUMENT.First) Integer first,
      @InputArgument(name = QUERY.AUDITLOG_INPUT_ARGUMENT.After) String after, DgsDataFetchingEnvironment env) {
    return audit.page(Callers.current(env), filter, first, after);
  }
}
