package io.almanac.crawler.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Schedules are cron expressions, configuration is a JSON object, and when an active provider runs next. */
class ProviderRulesTest {

  /** Saturday 2024-01-06: the next weekday 06:15 UTC is Monday 2024-01-08. */
  private static final ZonedDateTime SATURDAY = ZonedDateTime.parse("2024-01-06T00:00:00Z");
  private static final ZonedDateTime MONDAY_0615 = ZonedDateTime.parse("2024-01-08T06:15:00Z");

  private static Provider provider(String status, String schedule) {
    return new Provider("1", "Bureau", "API", status, null, Map.of(), schedule, null, null);
  }

  private static void refused(ThrowingCallable call, String argument) {
    assertThatThrownBy(call).isInstanceOfSatisfying(AlmanacGraphQLException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.BAD_USER_INPUT);
      assertThat(e.extensions()).containsEntry("argument", argument);
    });
  }

  @Test
  void schedulesAreFiveFieldOrSixFieldCron() {
    assertThat(ProviderService.cron("15 6 * * 1-5").next(SATURDAY)).isEqualTo(MONDAY_0615);
    assertThat(ProviderService.cron("0 15 6 * * 1-5").next(SATURDAY)).isEqualTo(MONDAY_0615);
    assertThat(ProviderService.schedule("  15 6 * * 1-5 ")).isEqualTo("15 6 * * 1-5");
    assertThat(ProviderService.schedule(null)).isNull();
    for (String bad : List.of("every day", "61 * * * *", "* * *", "0 0 0 0 0 0 0")) {
      refused(() -> ProviderService.schedule(bad), "input.schedule");
    }
  }

  @Test
  void configurationIsAJsonObject() {
    Map<String, Object> config = Map.of("base", "https://x", "pages", 3);
    assertThat(ProviderService.config(config)).isSameAs(config);
    for (Object bad : new Object[] {List.of(1, 2), "text", 3, null}) {
      refused(() -> ProviderService.config(bad), "input.config");
    }
  }

  @Test
  void onlyActiveProvidersWithAScheduleHaveANextRun() {
    assertThat(ProviderService.nextRun(provider("ACTIVE", "15 6 * * 1-5"), SATURDAY)).isEqualTo(MONDAY_0615);
    assertThat(ProviderService.nextRun(provider("PAUSED", "15 6 * * 1-5"), SATURDAY)).isNull();
    assertThat(ProviderService.nextRun(provider("ACTIVE", null), SATURDAY)).isNull();
  }
}
