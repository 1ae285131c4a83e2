package io.almanac.graphql.auth;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import graphql.ExecutionResult;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/** For subgraph tests: issues real API keys and runs documents as their holders. */
public final class TestCallers {

  private final ApiKeyStore keys;
  private final DgsQueryExecutor graphql;

  public TestCallers(ApiKeyStore keys, DgsQueryExecutor graphql) {
    this.keys = keys;
    this.graphql = graphql;
  }

  /** A new key of {@code role} for user {@code userId}, as an Authorization header value. */
  public String key(long userId, Role role) {
    return "Bearer " + keys.create(userId, role, "test " + role).secret();
  }

  public ExecutionResult execute(String authorization, String document, Map<String, Object> variables) {
    HttpHeaders headers = new HttpHeaders();
    if (authorization != null) {
      headers.set(HttpHeaders.AUTHORIZATION, authorization);
    }
    return graphql.execute(document, variables, null, headers, null, null);
  }
}
