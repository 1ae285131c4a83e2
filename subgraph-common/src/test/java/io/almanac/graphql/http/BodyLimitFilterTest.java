package io.almanac.graphql.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body limits on a plain controller: declared sizes over the limit answered 413 before the endpoint
 * runs, streamed paths with their own limit, and the bytes-in-flight budget answering 429 with Retry-After.
 * (Chunked bodies, which a mock request cannot send, are exercised on the real processes by the reliability
 * module's OversizedBodiesTest.)
 */
class BodyLimitFilterTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RestController
  static class Endpoints {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch inside = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @PostMapping({"/graphql", "/bulk/points"})
    String read(HttpServletRequest request) throws IOException {
      calls.incrementAndGet();
      return "read " + request.getInputStream().readAllBytes().length;
    }

    @PostMapping("/hold")
    String hold(HttpServletRequest request) throws Exception {
      inside.countDown();
      release.await(30, TimeUnit.SECONDS);
      return "held " + request.getInputStream().readAllBytes().length;
    }
  }

  private static final BodyLimitSettings SETTINGS = new BodyLimitSettings(DataSize.ofBytes(1000), List.of("/bulk/"),
      DataSize.ofBytes(5000), DataSize.ofBytes(2048), Duration.ofMillis(200));

  private final Endpoints endpoints = new Endpoints();
  private final MockMvc mvc = MockMvcBuilders.standaloneSetup(endpoints).addFilters(new BodyLimitFilter(SETTINGS))
      .build();

  private MockHttpServletResponse send(String path, int bytes) throws Exception {
    return mvc.perform(post(path).content(new byte[bytes]).contentType("application/json")).andReturn().getResponse();
  }

  private static JsonNode extensions(MockHttpServletResponse response) throws Exception {
    return JSON.readTree(response.getContentAsString()).path("errors").get(0).path("extensions");
  }

  @Test
  void declaredBodiesOverTheLimitAre413BeforeTheEndpointRuns() throws Exception {
    assertThat(send("/graphql", 1000).getContentAsString()).isEqualTo("read 1000");
    MockHttpServletResponse over = send("/graphql", 1001);
    assertThat(over.getStatus()).isEqualTo(413);
    assertThat(extensions(over).path("code").asString()).isEqualTo("LIMIT_EXCEEDED");
    assertThat(extensions(over).path("limit").asLong()).isEqualTo(1000);
    assertThat(extensions(over).path("requested").asLong()).isEqualTo(1001);
    assertThat(endpoints.calls.get()).isEqualTo(1);
  }

  @Test
  void streamedPathsHaveTheirOwnLimit() throws Exception {
    assertThat(send("/bulk/points", 5000).getContentAsString()).isEqualTo("read 5000");
    MockHttpServletResponse over = send("/bulk/points", 5001);
    assertThat(over.getStatus()).isEqualTo(413);
    assertThat(extensions(over).path("limit").asLong()).isEqualTo(5000);
  }

  /** 2 KiB in flight: a 1 KB body held inside the endpoint leaves no room for a second one for 200 ms. */
  @Test
  void bodiesBeyondTheBytesInFlightWaitThenGet429WithRetryAfter() throws Exception {
    MockMvc tight = MockMvcBuilders.standaloneSetup(endpoints).addFilters(new BodyLimitFilter(new BodyLimitSettings(
        DataSize.ofBytes(1024), List.of(), null, DataSize.ofBytes(1024), Duration.ofMillis(200)))).build();
    CompletableFuture<MockHttpServletResponse> held = CompletableFuture.supplyAsync(() -> {
      try {
        return tight.perform(post("/hold").content(new byte[1000])).andReturn().getResponse();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(endpoints.inside.await(30, TimeUnit.SECONDS)).isTrue();
    MockHttpServletResponse busy = tight.perform(post("/graphql").content(new byte[10])).andReturn().getResponse();
    assertThat(busy.getStatus()).isEqualTo(429);
    assertThat(busy.getHeader("Retry-After")).isEqualTo("1");
    assertThat(extensions(busy).path("code").asString()).isEqualTo("LIMIT_EXCEEDED");
    endpoints.release.countDown();
    assertThat(held.get(30, TimeUnit.SECONDS).getContentAsString()).isEqualTo("held 1000");
    // The room is given back: the next request goes through.
    assertThat(tight.perform(post("/graphql").content(new byte[10])).andReturn().getResponse().getContentAsString())
        .isEqualTo("read 10");
  }
}
