package io.almanac.graphql.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogFormatTest {

  private static final String STRUCTURED = "logging.structured.format.console";

  @Test
  void textByDefaultJsonOnRequest() {
    assertThat(LogFormat.defaults("text")).doesNotContainKey(STRUCTURED)
        .containsEntry("logging.pattern.correlation", LogFormat.CORRELATION_PATTERN);
    assertThat(LogFormat.defaults("")).doesNotContainKey(STRUCTURED);
    assertThat(LogFormat.defaults("json")).containsEntry(STRUCTURED, "logstash");
    assertThat(LogFormat.defaults(" JSON ")).containsEntry(STRUCTURED, "logstash");
    assertThat(LogFormat.defaults("ecs")).containsEntry(STRUCTURED, "ecs");
    assertThat(LogFormat.defaults("gelf")).containsEntry(STRUCTURED, "gelf");
    assertThatThrownBy(() -> LogFormat.defaults("xml")).hasMessageContaining("ALMANAC_LOG_FORMAT")
        .hasMessageContaining("xml");
  }
}
