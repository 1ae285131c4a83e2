package io.almanac.graphql.http;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** A request whose body is read from another stream than the container's (the body filters' wrappers). */
class ReplacedBodyRequest extends HttpServletRequestWrapper {

  private final ServletInputStream body;

  ReplacedBodyRequest(HttpServletRequest request, ServletInputStream body) {
    super(request);
    this.body = body;
  }

  @Override
  public ServletInputStream getInputStream() {
    return body;
  }

  @Override
  public BufferedReader getReader() {
    String encoding = getCharacterEncoding();
    Charset charset = StandardCharsets.UTF_8;
    try {
      charset = encoding == null ? charset : Charset.forName(encoding);
    } catch (IllegalArgumentException e) {
      // An unknown charset in the Content-Type: read as UTF-8, the handler refuses what it cannot use.
    }
    return new BufferedReader(new InputStreamReader(body, charset));
  }
}
