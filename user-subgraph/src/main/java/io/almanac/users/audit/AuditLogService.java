package io.almanac.users.audit;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.Connection;
import io.almanac.graphql.Cursors;
import io.almanac.graphql.Ids;
import io.almanac.graphql.audit.AuditEntries;
import io.almanac.graphql.audit.AuditEntry;
import io.almanac.graphql.auth.Caller;
import io.almanac.graphql.auth.Callers;
import io.almanac.graphql.auth.Role;
import io.almanac.users.generated.DgsConstants.AUDITFILTER;
import io.almanac.users.generated.DgsConstants.QUERY;
import io.almanac.users.generated.types.AuditFilter;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Reads the audit trail (all subgraphs' entries) for admins: filtered, newest first, keyset-paged by id. */
@Service
public class AuditLogService {

  private static final String CURSOR_KIND = "audit";
  private static final int DEFAULT_PAGE = 20;
  private static final int MAX_PAGE = 1000;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final AuditEntries entries;

  public AuditLogService(AuditEntries entries) {
    this.entries = entries;
  }

  /**
   * A page of entries matching {@code filter}, newest first.
   *
   * @param first page size, null for 20; {@code BAD_USER_INPUT} below 1, {@code LIMIT_EXCEEDED} above 1000
   * @param after a cursor from a previous page of this list (stable: entries written since don't shift it)
   * @throws AlmanacGraphQLException {@code FORBIDDEN} for anyone but an admin; {@code BAD_USER_INPUT} for an
   *     {@code actorId} that is no user id ({@code argument: filter.actorId}) or {@code since} after
   *     {@code until} ({@code argument: filter.until})
   */
  public Connection<io.almanac.users.generated.types.AuditEntry> page(Caller caller, AuditFilter filter,
      Integer first, String after) {
    Callers.require(caller, Role.ADMIN);
    int size = Cursors.pageSize(first, DEFAULT_PAGE, MAX_PAGE);
    Long beforeId = after == null ? null : Cursors.decodeLong(CURSOR_KIND, after);
    AuditEntries.Filter query = filter(filter);
    List<io.almanac.users.generated.types.AuditEntry> nodes = new ArrayList<>();
    for (AuditEntry entry : entries.page(query, beforeId, size + 1)) {
      nodes.add(node(entry));
    }
    return Connection.of(nodes, size, after != null, e -> Cursors.encode(CURSOR_KIND, e.getId()),
        entries.count(query));
  }

  private static AuditEntries.Filter filter(AuditFilter filter) {
    if (filter == null) {
      return new AuditEntries.Filter(null, null, null, null, null);
    }
    Long actor = null;
    String subject = null;
    if (filter.getActorId() != null && filter.getActorId().startsWith(AuditEntry.SUBJECT_PREFIX)
        && filter.getActorId().length() > AuditEntry.SUBJECT_PREFIX.length()) {
      subject = filter.getActorId().substring(AuditEntry.SUBJECT_PREFIX.length());
    } else if (filter.getActorId() != null) {
      actor = Ids.parse(filter.getActorId());
      if (actor == null) {
        throw AlmanacGraphQLException.badInput(argument(AUDITFILTER.ActorId), "actorId must be a user id or "
            + AuditEntry.SUBJECT_PREFIX + "<token subject>, got '" + filter.getActorId() + "'");
      }
    }
    if (filter.getSince() != null && filter.getUntil() != null && filter.getSince().isAfter(filter.getUntil())) {
      throw AlmanacGraphQLException.badInput(argument(AUDITFILTER.Until),
          "until (" + filter.getUntil() + ") is before since (" + filter.getSince() + ")");
    }
    return new AuditEntries.Filter(actor, subject, filter.getAction(), filter.getSince(), filter.getUntil());
  }

  private static String argument(String field) {
    return QUERY.AUDITLOG_INPUT_ARGUMENT.Filter + "." + field;
  }

  private static io.almanac.users.generated.types.AuditEntry node(AuditEntry entry) {
    return io.almanac.users.generated.types.AuditEntry.newBuilder()
        .id(String.valueOf(entry.id()))
        .at(entry.at())
        .actorId(entry.actorId())
        .action(entry.action())
        .target(entry.target())
        .arguments(entry.arguments() == null ? null : parse(entry.arguments()))
        .outcome(entry.outcome())
        .build();
  }

  private static Object parse(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (JacksonException e) {
      throw new IllegalStateException("Stored audit arguments are not JSON", e);
    }
  }
}
