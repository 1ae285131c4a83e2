package io.almanac.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.almanac.graphql.auth.AuthSettings;
import io.almanac.graphql.auth.CallerAuthenticator;
import io.almanac.graphql.auth.HttpCallers;
import io.almanac.graphql.auth.Role;
import io.almanac.graphql.limits.RateLimitSettings;
import io.almanac.graphql.limits.RateLimiter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP twin of the GraphQL error mapper and the HTTP side of authentication, on a plain controller. */
class HttpErrorHandlerTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RestController
  static class Endpoints {
    private final HttpCallers callers;

    Endpoints(HttpCallers callers) {
      this.callers = callers;
    }

    @GetMapping("/refuse/{code}")
    String refuse(@PathVariable String code) {
      throw new AlmanacGraphQLException(ErrorCode.valueOf(code), "refused as " + code, Map.of("argument", "x"));
    }

    @GetMapping("/busy")
    String busy() {
      throw AlmanacGraphQLException.limitExceeded("slow down", Duration.ofMillis(1500));
    }

    @GetMapping("/fail")
    String fail() {
      throw new IllegalStateException("SELECT secret FROM crawler.providers");
    }

    @GetMapping("/half")
    void half(HttpServletResponse response) throws IOException {
      response.getOutputStream().write("date,value\r\n".getBytes(StandardCharsets.UTF_8));
      response.flushBuffer();
      throw new IllegalStateException("failed mid-stream");
    }

    @GetMapping("/flag")
    String flag(@RequestParam boolean on) {
      return "on=" + on;
    }

    @PostMapping(path = "/echo", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> echo(@RequestBody Map<String, Object> body) {
      return body;
    }

    @PostMapping("/write")
    String write(HttpServletRequest request) {
      return "role " + callers.require(request, Role.CRAWLER).role();
    }

    @GetMapping("/read")
    String read(HttpServletRequest request) {
      return "anonymous " + callers.reader(request).isAnonymous();
    }
  }

  /** Keys are never looked up here: no header means anonymous, and a non-Bearer header is refused as such. */
  private static MockMvc mvc(boolean anonymousReads) {
    AuthSettings settings = new AuthSettings(anonymousReads, null);
    HttpCallers callers = new HttpCallers(new CallerAuthenticator(null, settings, null), settings,
        new RateLimiter(new RateLimitSettings(false, null, null, null, null, 0)));
    return MockMvcBuilders.standaloneSetup(new Endpoints(callers)).setControllerAdvice(new HttpErrorHandler()).build();
  }

  private static MockHttpServletResponse send(MockMvc mvc, MockHttpServletRequestBuilder request) throws Exception {
    return mvc.perform(request).andReturn().getResponse();
  }

  private static JsonNode error(MockHttpServletResponse response) throws Exception {
    JsonNode errors = JSON.readTree(response.getContentAsString()).path("errors");
    assertThat(errors.size()).isEqualTo(1);
    return errors.get(0);
  }

  @Test
  void refusalsAnswerTheirCodesStatusInTheGraphQLErrorShape() throws Exception {
    MockMvc mvc = mvc(false);
    Map<String, Integer> expected = Map.of("UNAUTHENTICATED", 401, "FORBIDDEN", 403, "BAD_USER_INPUT", 400,
        "NOT_FOUND", 404, "CONFLICT", 409, "LIMIT_EXCEEDED", 429);
    for (var entry : expected.entrySet()) {
      MockHttpServletResponse response = send(mvc, get("/refuse/" + entry.getKey()));
      assertThat(response.getStatus()).as(entry.getKey()).isEqualTo(entry.getValue());
      assertThat(response.getContentType()).startsWith("application/json");
      JsonNode error = error(response);
      assertThat(error.path("message").asString()).isEqualTo("refused as " + entry.getKey());
      assertThat(error.path("extensions").path("code").asString()).isEqualTo(entry.getKey());
      assertThat(error.path("extensions").path("argument").asString()).isEqualTo("x");
      assertThat(response.getHeader("Retry-After")).isNull();
    }
  }

  @Test
  void retryAfterIsSentWhenTheRefusalCarriesIt() throws Exception {
    MockHttpServletResponse response = send(mvc(false), get("/busy"));
    assertThat(response.getStatus()).isEqualTo(429);
    assertThat(response.getHeader("Retry-After")).isEqualTo("2");
    assertThat(error(response).path("extensions").path("retryAfter").asLong()).isEqualTo(2);
  }

  @Test
  void unexpectedFailuresAre500WithOnlyALogReference() throws Exception {
    MockHttpServletResponse response = send(mvc(false), get("/fail"));
    assertThat(response.getStatus()).isEqualTo(500);
    assertThat(response.getContentAsString()).doesNotContain("SELECT", "IllegalStateException", "secret");
    JsonNode error = error(response);
    String reference = error.path("extensions").path("reference").asString();
    assertThat(reference).matches("[0-9a-f-]{36}");
    assertThat(error.path("extensions").path("code").asString()).isEqualTo("INTERNAL");
    assertThat(error.path("message").asString()).isEqualTo("Internal error; reference " + reference);
  }

  @Test
  void aFailureAfterTheResponseIsCommittedGoesToTheContainerWithNoErrorBodyAppended() throws Exception {
    AuthSettings settings = new AuthSettings(false, null);
    HttpCallers callers = new HttpCallers(new CallerAuthenticator(null, settings, null), settings,
        new RateLimiter(new RateLimitSettings(false, null, null, null, null, 0)));
    MockHttpServletResponse[] sent = new MockHttpServletResponse[1];
    MockMvc mvc = MockMvcBuilders.standaloneSetup(new Endpoints(callers)).setControllerAdvice(new HttpErrorHandler())
        .addFilter((request, response, chain) -> {
          sent[0] = (MockHttpServletResponse) response;
          chain.doFilter(request, response);
        }).build();
    // Left to the container, which closes the connection: the client sees a truncated transfer.
    assertThatThrownBy(() -> mvc.perform(get("/half")))
        .rootCause().isInstanceOf(IllegalStateException.class).hasMessage("failed mid-stream");
    assertThat(sent[0].getContentAsString()).isEqualTo("date,value\r\n");
  }

  @Test
  void badParametersAndBodiesAreBadUserInput() throws Exception {
    MockMvc mvc = mvc(false);
    assertThat(send(mvc, get("/flag").param("on", "true")).getContentAsString()).isEqualTo("on=true");

    MockHttpServletResponse mistyped = send(mvc, get("/flag").param("on", "maybe"));
    assertThat(mistyped.getStatus()).isEqualTo(400);
    assertThat(error(mistyped).path("extensions").path("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(error(mistyped).path("extensions").path("argument").asString()).isEqualTo("on");
    assertThat(error(mistyped).path("message").asString()).contains("maybe");

    MockHttpServletResponse missing = send(mvc, get("/flag"));
    assertThat(missing.getStatus()).isEqualTo(400);
    assertThat(error(missing).path("extensions").path("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(error(missing).path("message").asString()).contains("on");

    MockHttpServletResponse unreadable = send(mvc, post("/echo").contentType(MediaType.APPLICATION_JSON).content("{not json"));
    assertThat(unreadable.getStatus()).isEqualTo(400);
    assertThat(error(unreadable).path("extensions").path("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(error(unreadable).path("extensions").path("argument").asString()).isEqualTo("body");
  }

  @Test
  void writesNeedAKeyAndReadsFollowTheAnonymousReadsSetting() throws Exception {
    for (boolean anonymousReads : new boolean[] {false, true}) {
      MockMvc mvc = mvc(anonymousReads);
      MockHttpServletResponse anonymousWrite = send(mvc, post("/write"));
      assertThat(anonymousWrite.getStatus()).isEqualTo(401);
      assertThat(error(anonymousWrite).path("extensions").path("code").asString()).isEqualTo("UNAUTHENTICATED");

      MockHttpServletResponse notBearer = send(mvc, post("/write").header("Authorization", "Basic dXNlcjpwYXNz"));
      assertThat(notBearer.getStatus()).isEqualTo(401);
      assertThat(error(notBearer).path("message").asString()).isEqualTo("Authorization must be 'Bearer <api key>'");

      MockHttpServletResponse badKey = send(mvc, get("/read").header("Authorization", "Bearer not-a-key"));
      assertThat(badKey.getStatus()).isEqualTo(401);
      assertThat(error(badKey).path("message").asString()).isEqualTo("Invalid API key");

      MockHttpServletResponse anonymousRead = send(mvc, get("/read"));
      if (anonymousReads) {
        assertThat(anonymousRead.getStatus()).isEqualTo(200);
        assertThat(anonymousRead.getContentAsString()).isEqualTo("anonymous true");
      } else {
        assertThat(anonymousRead.getStatus()).isEqualTo(401);
        assertThat(error(anonymousRead).path("extensions").path("code").asString()).isEqualTo("UNAUTHENTICATED");
      }
    }
  }
}
