package io.almanac.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * HTTP/1.1 over a plain socket, for what the JDK client hides: sending only the headers of a body
 * declared large, or a chunked body that keeps coming while the answer is read. The body is written
 * by its own thread, so an answer the server sends before the body ends (413) is read as it arrives;
 * a write failing because the server closed the connection after answering is expected there and only
 * recorded.
 */
final class RawHttp {

  /**
   * An answer.
   *
   * @param bodyWritten how many body bytes went out before the server stopped reading (or all of them)
   */
  record Answer(int status, Map<String, String> headers, String body, long bodyWritten) {}

  /** Yields the body in pieces; null when it ends. */
  interface Body extends Supplier<byte[]> {}

  private RawHttp() {}

  /**
   * Sends {@code POST uri} with {@code headers}; with {@code declaredLength} >= 0 as Content-Length (the
   * body may then stop early, as {@code body} decides), else chunked.
   */
  static Answer post(URI uri, Map<String, String> headers, long declaredLength, Body body) throws IOException {
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      StringBuilder head = new StringBuilder("POST " + uri.getRawPath()
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\n");
      head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append(declaredLength >= 0 ? "Content-Length: " + declaredLength : "Transfer-Encoding: chunked")
          .append("\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      boolean chunked = declaredLength < 0;
      CompletableFuture<Long> written = CompletableFuture.supplyAsync(() -> {
        long n = 0;
        try {
          byte[] piece;
          while ((piece = body.get()) != null) {
            if (chunked) {
              out.write((Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write(piece);
            if (chunked) {
              out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            n += piece.length;
          }
          if (chunked) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          }
          out.flush();
        } catch (IOException e) {
          // The server answered and closed the connection before the body ended: what a limit does.
        }
        return n;
      });
      Answer answer = read(socket.getInputStream());
      long sent;
      try {
        socket.shutdownOutput();
      } catch (IOException e) {
        // already closed by the server
      }
      sent = written.join();
      return new Answer(answer.status(), answer.headers(), answer.body(), sent);
    }
  }

  /** The pieces of {@code total} bytes of {@code text} repeated (cut at the end), {@code piece} bytes each. */
  static Body repeat(byte[] text, long total, int piece) {
    return new Body() {
      long left = total;
      int at;

      @Override
      public byte[] get() {
        if (left == 0) {
          return null;
        }
        byte[] out = new byte[(int) Math.min(piece, left)];
        for (int i = 0; i < out.length; i++) {
          out[i] = text[at];
          at = (at + 1) % text.length;
        }
        left -= out.length;
        return out;
      }
    };
  }

  /** {@code bytes} in pieces of at most {@code piece} bytes. */
  static Body of(byte[] bytes, int piece) {
    return new Body() {
      int at;

      @Override
      public byte[] get() {
        if (at == bytes.length) {
          return null;
        }
        int n = Math.min(piece, bytes.length - at);
        byte[] out = java.util.Arrays.copyOfRange(bytes, at, at + n);
        at += n;
        return out;
      }
    };
  }

  /** Nothing: the headers alone. */
  static Body none() {
    return () -> null;
  }

  private static Answer read(InputStream in) throws IOException {
    String status = line(in);
    if (status == null) {
      throw new IOException("The connection closed without an answer");
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while ((line = line(in)) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      int size;
      while ((size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0) {
        body.write(in.readNBytes(size));
        line(in);
      }
      line(in);
    } else if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else {
      body.write(in.readAllBytes());
    }
    return new Answer(code, headers, body.toString(StandardCharsets.UTF_8), -1);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      line.append((char) c);
    }
    return line.length() == 0 ? null : line.toString();
  }
}
