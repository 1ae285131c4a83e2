package io.almanac.crawler.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.crawler.Json;
import io.almanac.crawler.generated.types.InputError;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * UIS documents against schema/uis.schema.json and Almanac's own rules: valid examples pass, each
 * broken one is reported at its exact JSON pointer, YAML reads as JSON does, literal credentials are
 * refused.
 */
class ProviderSpecsTest {

  private static String resource(String name) throws IOException {
    try (InputStream in = ProviderSpecsTest.class.getResourceAsStream("/uis/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ObjectNode valid() throws IOException {
    return (ObjectNode) ProviderSpecs.readYaml(resource("polygon-stocks.uis.yaml"));
  }

  /** (pointer, code) of each error, in the validator's order (by pointer). */
  private static List<List<String>> faults(JsonNode spec) {
    return ProviderSpecs.validate(spec).stream().map(e -> List.of(e.getField(), e.getCode())).toList();
  }

  @Test
  void theExamplesAreValidAndYamlReadsAsTheSameJson() throws IOException {
    ObjectNode fromYaml = valid();
    assertThat(ProviderSpecs.validate(fromYaml)).isEmpty();
    assertThat(ProviderSpecs.validate(Json.MAPPER.readTree(resource("postgres-rates.uis.json")))).isEmpty();
    // The same document written as JSON by hand (not by the YAML reader) is the same tree.
    JsonNode handWritten = Json.MAPPER.readTree("""
        {"name":"polygon-stocks","version":"1.1","type":"api","runtime":"spark","schedule":"30 22 * * 1-5",
         "source":{"type":"http","baseUrl":"https://api.polygon.io","rateLimit":{"requestsPerSecond":5},
           "authentication":{"type":"api_key","header":"Authorization","secret":"secret:POLYGON_API_KEY"},
           "endpoints":[{"path":"/v2/aggs/ticker/{ticker}/range/1/day/{from}/{to}","method":"GET","params":[
             {"name":"ticker","source":"config"},{"name":"apiKey","source":"secret:POLYGON_API_KEY"},
             {"name":"adjusted","value":true}]}]},
         "transform":[{"name":"to-observations","type":"sql","script":"SELECT ticker, t AS date, c AS value FROM raw",
           "owner":"markets-team"}],
         "sink":{"type":"iceberg","catalog":"almanac","database":"raw","table":"polygon_aggs","partitionBy":["date"],
           "mode":"incremental","stateTable":"polygon_state"}}""");
    assertThat(fromYaml).isEqualTo(handWritten);
    // The JSON scalar's maps and lists make the same tree.
    assertThat(ProviderSpecs.tree(Json.MAPPER.treeToValue(handWritten, Map.class))).isEqualTo(handWritten);
  }

  @Test
  void brokenPartsAreNamedByTheirJsonPointer() throws IOException {
    ObjectNode spec = valid();
    spec.remove("version");
    spec.put("runtme", "spark");
    spec.put("type", "API");
    ObjectNode source = (ObjectNode) spec.get("source");
    source.put("baseUrl", "ftp://api.polygon.io");
    ((ObjectNode) source.get("rateLimit")).put("requestsPerSecond", 0);
    ObjectNode endpoint = (ObjectNode) source.get("endpoints").get(0);
    endpoint.put("method", "DELETE");
    ((ArrayNode) endpoint.get("params")).addObject().put("source", "config");
    ((ObjectNode) spec.get("sink")).put("mode", "upsert");
    spec.put("schedule", "every day");

    assertThat(faults(spec)).containsExactly(
        List.of("/runtme", "UNKNOWN_FIELD"),
        List.of("/schedule", "INVALID_CRON"),
        List.of("/sink/mode", "INVALID_VALUE"),
        List.of("/source/baseUrl", "INVALID_VALUE"),
        List.of("/source/endpoints/0/method", "INVALID_VALUE"),
        List.of("/source/endpoints/0/params/3/name", "REQUIRED"),
        List.of("/source/rateLimit/requestsPerSecond", "INVALID_VALUE"),
        List.of("/type", "INVALID_VALUE"),
        List.of("/version", "REQUIRED"));
  }

  @Test
  void literalCredentialsAreRefusedWhereverTheyAre() throws IOException {
    ObjectNode spec = valid();
    ObjectNode source = (ObjectNode) spec.get("source");
    ObjectNode apiKey = (ObjectNode) source.get("endpoints").get(0).get("params").get(1);
    apiKey.remove("source");
    apiKey.put("value", "pk_live_123");
    ((ObjectNode) source.get("authentication")).put("secret", "hunter2");
    ((ObjectNode) spec.get("transform").get(0)).put("access_token", "abc");

    assertThat(faults(spec)).containsExactly(
        List.of("/source/authentication/secret", "LITERAL_CREDENTIAL"),
        List.of("/source/endpoints/0/params/1/value", "LITERAL_CREDENTIAL"),
        List.of("/transform/0/access_token", "LITERAL_CREDENTIAL"));

    // A credential parameter read from the provider's config is still a stored credential.
    ObjectNode fromConfig = valid();
    ((ObjectNode) fromConfig.get("source").get("endpoints").get(0).get("params").get(1)).put("source", "config");
    assertThat(faults(fromConfig)).containsExactly(List.of("/source/endpoints/0/params/1/source", "INVALID_VALUE"));
  }

  @Test
  void credentialsInUrlsInQueryParametersAndUnderMoreNamesAreRefused() throws IOException {
    ObjectNode spec = valid();
    ObjectNode source = (ObjectNode) spec.get("source");
    source.put("baseUrl", "https://user:hunter2@api.example.com/?token=LIVE123");
    ObjectNode endpoint = (ObjectNode) source.get("endpoints").get(0);
    endpoint.put("path", "/x?api_key=sk_live_999");
    ArrayNode params = (ArrayNode) endpoint.get("params");
    params.addObject().put("name", "Authorization").put("value", "Bearer sk_live_abc");
    params.addObject().put("name", "access_key").put("value", "AKIA123");
    ObjectNode authentication = (ObjectNode) source.get("authentication");
    authentication.put("passwd", "pw");
    authentication.putObject("credentials").put("user", "u");
    ((ObjectNode) spec.get("transform").get(0)).putArray("apiKey").add("sk_live_LIST");
    int last = params.size() - 1;

    assertThat(faults(spec)).containsExactlyInAnyOrder(
        List.of("/source/authentication/credentials", "LITERAL_CREDENTIAL"),
        List.of("/source/authentication/passwd", "LITERAL_CREDENTIAL"),
        List.of("/source/baseUrl", "LITERAL_CREDENTIAL"),
        List.of("/source/endpoints/0/params/" + (last - 1) + "/value", "LITERAL_CREDENTIAL"),
        List.of("/source/endpoints/0/params/" + last + "/value", "LITERAL_CREDENTIAL"),
        List.of("/source/endpoints/0/path", "LITERAL_CREDENTIAL"),
        List.of("/transform/0/apiKey", "LITERAL_CREDENTIAL"));

    // References pass wherever a credential is named.
    ObjectNode referenced = valid();
    ((ObjectNode) referenced.get("source").get("endpoints").get(0)).put("path", "/x?api_key=secret:KEY&page=2");
    ((ObjectNode) referenced.get("source").get("authentication")).put("secret", "secret:OTHER");
    assertThat(faults(referenced)).isEmpty();
  }

  @Test
  void notAnObjectAndNotYamlAreOneErrorAtTheRoot() {
    assertThat(faults(Json.MAPPER.readTree("[1, 2]"))).containsExactly(List.of("", "NOT_AN_OBJECT"));
    assertThatThrownBy(() -> ProviderSpecs.readYaml("name: [unclosed\nversion: 1"))
        .isInstanceOfSatisfying(ProviderSpecs.SpecException.class, e -> {
          InputError error = e.errors().get(0);
          assertThat(error.getField()).isEmpty();
          assertThat(error.getCode()).isEqualTo("INVALID_YAML");
          assertThat(error.getMessage()).contains("line 2");
        });
  }

  @Test
  void specsOverTheSizeBoundAreRefusedUnreadAndLimitsAreWordedPlainly() throws IOException {
    // Valid but for its size: a 300,000-character description (the schema allows any description).
    String description = "x".repeat(300_000);
    ObjectNode large = valid();
    large.put("description", description);
    assertThat(ProviderSpecs.validate(large)).isEmpty();
    Map<String, Object> asJson = Json.MAPPER.convertValue(large, Map.class);
    String yaml = resource("polygon-stocks.uis.yaml") + "\ndescription: " + description + "\n";
    for (Map<String, Object> input : List.of(Map.<String, Object>of("spec", asJson), Map.<String, Object>of("specYaml", yaml))) {
      String argument = "input." + input.keySet().iterator().next();
      assertThatThrownBy(() -> ProviderService.spec(input))
          .isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_USER_INPUT);
            assertThat(e.extensions()).containsEntry("argument", argument).doesNotContainKey("errors");
            assertThat(e.getMessage()).contains("at most 262,144 characters");
          });
    }
    // Just within the bound, it is read and checked as usual.
    String fits = resource("polygon-stocks.uis.yaml");
    fits += "\ndescription: " + "y".repeat(ProviderSpecs.MAX_CHARS - fits.length() - 15) + "\n";
    assertThat(fits.length()).isLessThanOrEqualTo(ProviderSpecs.MAX_CHARS);
    assertThat(ProviderService.spec(Map.of("specYaml", fits))).isPresent();

    String deep = "a: " + "[".repeat(2_000) + "]".repeat(2_000);
    assertThatThrownBy(() -> ProviderSpecs.readYaml(deep))
        .isInstanceOfSatisfying(ProviderSpecs.SpecException.class, e -> {
          InputError error = e.errors().get(0);
          assertThat(error.getCode()).isEqualTo("INVALID_YAML");
          assertThat(error.getMessage()).contains("nesting depth").doesNotContain("StreamReadConstraints", "()", "`");
        });
  }
}
