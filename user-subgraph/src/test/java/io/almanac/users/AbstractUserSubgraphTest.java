package io.almanac.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.graphql.dgs.DgsQueryExecutor;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.graphql.auth.TestCallers;
import io.almanac.graphql.auth.TestDatabases;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The subgraph through DGS against a real PostgreSQL and a real series table. The feature tests extending it share
 * one application context (and database): the annotation and the property source are this class's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "almanac.auth.cache-ttl=0s",
    "almanac.bootstrap-admin-key=" + AbstractUserSubgraphTest.BOOTSTRAP_KEY})
public abstract class AbstractUserSubgraphTest {

  protected static final String BOOTSTRAP_KEY = "alm_0badc0de_" + "0123456789abcdef0123456789abcdef0123456789abcdef";

  @Autowired protected DgsQueryExecutor graphql;
  @Autowired protected ApiKeyStore keys;

  protected TestCallers callers;
  protected String admin;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabases.register(registry);
  }

  @BeforeEach
  void callersAndAdmin() {
    callers = new TestCallers(keys, graphql);
    admin = "Bearer " + BOOTSTRAP_KEY;
  }

  protected Map<String, Object> ok(String auth, String query, Map<String, Object> variables) {
    return callers.data(auth, query, variables);
  }

  protected String code(String auth, String query, Map<String, Object> variables) {
    return (String) callers.errorExtensions(auth, query, variables).get("code");
  }

  @SuppressWarnings("unchecked")
  protected String createUser(String email) {
    Map<String, Object> user = (Map<String, Object>) ok(admin,
        "mutation($e: String!) { createUser(input: {email: $e, role: CRAWLER}) { id role } }", Map.of("e", email))
        .get("createUser");
    assertThat(user).containsEntry("role", "CRAWLER");
    return (String) user.get("id");
  }
}
