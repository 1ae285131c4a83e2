package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.almanac.local.GraphQLClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 17 item 8 through the gateway: a provider created with its ingestion spec as YAML reads back
 * as the same JSON; validateProviderSpec names broken parts by JSON pointer; an update with a literal
 * credential is refused with those errors and stores nothing; every stored version is listed.
 */
@ExtendWith(RunningAlmanac.class)
class ProviderSpecsThroughGatewayTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static final String YAML = """
      name: fred-series
      version: "1"
      type: api
      runtime: python
      schedule: "0 6 * * 1-5"
      source:
        type: http
        baseUrl: https://api.stlouisfed.org/fred
        rateLimit: {requestsPerSecond: 2}
        endpoints:
          - path: /series/observations
            params:
              - {name: series_id, source: config}
              - {name: api_key, source: "secret:FRED_API_KEY"}
              - {name: file_type, value: json}
      sink: {type: iceberg, table: fred_observations, mode: incremental}
      """;

  /** The same document as JSON, written by hand. */
  private static final String SPEC_JSON = """
      {"name":"fred-series","version":"1","type":"api","runtime":"python","schedule":"0 6 * * 1-5",
       "source":{"type":"http","baseUrl":"https://api.stlouisfed.org/fred","rateLimit":{"requestsPerSecond":2},
         "endpoints":[{"path":"/series/observations","params":[{"name":"series_id","source":"config"},
           {"name":"api_key","source":"secret:FRED_API_KEY"},{"name":"file_type","value":"json"}]}]},
       "sink":{"type":"iceberg","table":"fred_observations","mode":"incremental"}}""";

  private static List<String> faults(JsonNode errors) {
    List<String> faults = new ArrayList<>();
    errors.forEach(e -> faults.add(e.path("field").asString() + " " + e.path("code").asString()));
    return faults;
  }

  @Test
  void specsAreValidatedStoredAndVersioned() {
    GraphQLClient admin = RunningAlmanac.get().gateway();
    JsonNode spec = JSON.readTree(SPEC_JSON);
    String validate = "query($s: JSON!) { validateProviderSpec(spec: $s) { index field code message } }";
    assertThat(admin.data(validate, Map.of("s", spec)).path("validateProviderSpec")).isEmpty();

    ObjectNode broken = (ObjectNode) spec.deepCopy();
    broken.put("runtime", "spark-3");
    ((ObjectNode) broken.path("source").path("endpoints").get(0).path("params").get(1)).remove("source");
    ((ObjectNode) broken.path("source").path("endpoints").get(0).path("params").get(1)).put("value", "abcd1234");
    assertThat(faults(admin.data(validate, Map.of("s", broken)).path("validateProviderSpec")))
        .containsExactly("/runtime INVALID_VALUE", "/source/endpoints/0/params/1/value LITERAL_CREDENTIAL");

    JsonNode created = admin.data("""
        mutation($y: String!) { createProvider(input: {name: "Spec Bureau", type: API, specYaml: $y}) {
          id schedule spec } }""", Map.of("y", YAML)).path("createProvider");
    assertThat(created.path("spec")).isEqualTo(spec);
    assertThat(created.path("schedule").asString()).as("the spec's schedule is the provider's").isEqualTo("0 6 * * 1-5");
    String id = created.path("id").asString();

    JsonNode refused = admin.execute("""
        mutation($id: ID!, $s: JSON!) { updateProvider(id: $id, input: {spec: $s}) { id } }""",
        Map.of("id", id, "s", broken));
    JsonNode error = refused.path("errors").get(0);
    assertThat(error.path("extensions").path("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(error.path("extensions").path("argument").asString()).isEqualTo("input.spec");
    assertThat(faults(error.path("extensions").path("errors")))
        .containsExactly("/runtime INVALID_VALUE", "/source/endpoints/0/params/1/value LITERAL_CREDENTIAL");
    assertThat(refused.toString()).doesNotContain("abcd1234");

    ObjectNode second = (ObjectNode) spec.deepCopy();
    second.put("version", "2");
    String update = "mutation($id: ID!, $s: JSON) { updateProvider(id: $id, input: {spec: $s}) { id } }";
    admin.data(update, Map.of("id", id, "s", second));
    admin.data(update, Map.of("id", id, "s", second)); // the same again: no new version
    JsonNode provider = admin.data("""
        query($id: ID!) { provider(id: $id) { spec specVersions { version spec createdAt createdBy } } }""",
        Map.of("id", id)).path("provider");
    assertThat(provider.path("spec")).isEqualTo(second);
    JsonNode versions = provider.path("specVersions");
    assertThat(versions).hasSize(2);
    assertThat(versions.get(0).path("version").asInt()).isEqualTo(1);
    assertThat(versions.get(0).path("spec")).isEqualTo(spec);
    assertThat(versions.get(1).path("version").asInt()).isEqualTo(2);
    assertThat(versions.get(1).path("spec")).isEqualTo(second);
    assertThat(versions.get(1).path("createdBy").isNull()).as("the admin key's user").isFalse();
  }
}
