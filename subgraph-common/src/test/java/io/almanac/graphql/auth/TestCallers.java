package io.almanac.graphql.auth;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import static org.assertj.core.api.Assertions.assertThat;

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

  /** The data of a document that must succeed: the test fails, showing the errors, if it answered any. */
  public Map<String, Object> data(String authorization, String document, Map<String, Object> variables) {
    ExecutionResult result = execute(authorization, document, variables);
    assertThat(result.getErrors()).isEmpty();
    return result.getData();
  }

  /** The extensions ({@code code}, {@code argument}, ...) of the one error a document must answer with. */
  public Map<String, Object> errorExtensions(String authorization, String document, Map<String, Object> variables) {
    ExecutionResult result = execute(authorization, document, variables);
    assertThat(result.getErrors()).hasSize(1);
    return result.getErrors().get(0).getExtensions();
  }
}
