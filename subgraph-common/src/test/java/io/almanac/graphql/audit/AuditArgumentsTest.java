package io.almanac.graphql.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditArgumentsTest {

  @Test
  void secretsAreRedactedAtAnyDepthAndIdsKept() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("url", "https://example.com");
    config.put("apiToken", "t1");
    config.put("clientSecret", "s1");
    config.put("signingKey", "k1");
    config.put("keyId", "7");
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("id", "3");
    arguments.put("password", "p1");
    arguments.put("key", "k2");
    arguments.put("input", Map.of("config", config, "name", "n"));

    Map<String, Object> kept = AuditArguments.redact(arguments);

    assertThat(kept).containsEntry("id", "3").containsEntry("password", "[redacted]").containsEntry("key", "[redacted]");
    @SuppressWarnings("unchecked")
    Map<String, Object> keptConfig = (Map<String, Object>) ((Map<String, Object>) kept.get("input")).get("config");
    assertThat(keptConfig).containsExactlyInAnyOrderEntriesOf(Map.of("url", "https://example.com",
        "apiToken", "[redacted]", "clientSecret", "[redacted]", "signingKey", "[redacted]", "keyId", "7"));
    assertThat(config).containsEntry("apiToken", "t1");
  }

  @Test
  void longListsBecomeTheirCountAndOtherValuesTheirText() {
    List<Object> points = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      points.add(Map.of("date", LocalDate.of(2024, 1, 1).plusDays(i)));
    }
    Map<String, Object> kept = AuditArguments.redact(Map.of("points", points,
        "few", List.of(Map.of("date", LocalDate.of(2024, 5, 1)))));
    assertThat(kept.get("points")).isEqualTo(Map.of("count", 21));
    assertThat(kept.get("few")).isEqualTo(List.of(Map.of("date", "2024-05-01")));
  }

  @Test
  void textIsKeptStorable() {
    assertThat(AuditArguments.storable("4\u00002")).isEqualTo("4\uFFFD2");
    assertThat(AuditArguments.storable("a\uD800b\uDC00c")).isEqualTo("a\uFFFDb\uFFFDc");
    assertThat(AuditArguments.storable("\uD83D\uDE00")).isEqualTo("\uD83D\uDE00"); // a pair stays
    String longText = "x".repeat(5_000);
    assertThat(AuditArguments.storable(longText)).isEqualTo("x".repeat(1_000) + "... (5000 characters)");
    // A cut never splits a pair: 999 x then a pair straddling the 1,000th character.
    assertThat(AuditArguments.storable("x".repeat(999) + "\uD83D\uDE00" + "y".repeat(10)))
        .isEqualTo("x".repeat(999) + "... (1011 characters)");
    assertThat(AuditArguments.redact(java.util.Map.of("reason", "r\u0000", "points", java.util.List.of("v\u0000"))))
        .isEqualTo(java.util.Map.of("reason", "r\uFFFD", "points", java.util.List.of("v\uFFFD")));
  }

  @Test
  void targetIsTheIdArgumentElseTheResultsIdElseAnotherIdArgument() {
    assertThat(AuditInstrumentation.target(Map.of("id", "5", "userId", "9"), null)).isEqualTo("5");
    assertThat(AuditInstrumentation.target(Map.of("input", Map.of("batchId", "b-1")), null)).isEqualTo("b-1");
    record Key(String getId) {}
    record Created(Key getApiKey, String getSecret) {}
    assertThat(AuditInstrumentation.target(Map.of("userId", "9"), new Created(new Key("12"), "s"))).isEqualTo("12");
    record Result(String batchId) {}
    assertThat(AuditInstrumentation.target(Map.of(), new Result("b-2"))).isEqualTo("b-2");
    assertThat(AuditInstrumentation.target(Map.of("seriesId", "4"), Map.of("ok", true))).isEqualTo("4");
  }
}
