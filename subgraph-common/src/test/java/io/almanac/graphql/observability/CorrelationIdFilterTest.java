package io.almanac.graphql.observability;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.FilterChain;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class CorrelationIdFilterTest {

  private static final String UUID_SHAPE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private final CorrelationIdFilter filter = new CorrelationIdFilter();

  /** The id in the MDC while the request ran, and the response's header. */
  private List<String> run(String sent) throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", "/graphql");
    if (sent != null) {
      request.addHeader("X-Correlation-Id", sent);
    }
    MockHttpServletResponse response = new MockHttpServletResponse();
    List<String> seen = new ArrayList<>();
    FilterChain chain = (req, res) -> seen.add(MDC.get("correlationId"));
    filter.doFilter(request, response, chain);
    assertThat(MDC.get("correlationId")).as("MDC cleared after the request").isNull();
    seen.add(response.getHeader("X-Correlation-Id"));
    return seen;
  }

  @Test
  void anAcceptableIdIsKeptInTheMdcAndReturned() throws Exception {
    assertThat(run("crawler-7.run:42_a")).containsExactly("crawler-7.run:42_a", "crawler-7.run:42_a");
    String longest = "a".repeat(64);
    assertThat(run(longest)).containsExactly(longest, longest);
  }

  @Test
  void anIdIsMadeWhenNoneOrAnUnacceptableOneIsSent() throws Exception {
    for (String sent : new String[] {null, "", "a".repeat(65), "x\nlevel=ERROR", "two words", "é", "a;b", "a\tb"}) {
      List<String> seen = run(sent);
      assertThat(seen.get(0)).as("for %s", sent).matches(UUID_SHAPE).isEqualTo(seen.get(1));
    }
    assertThat(run(null).get(0)).isNotEqualTo(run(null).get(0));
  }
}
