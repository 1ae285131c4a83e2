package io.almanac.financial.exports;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The response stream as a format library's writer sees it: closing it only flushes, because the servlet
 * container owns the stream and ends the response itself.
 */
final class KeepOpenOutputStream extends FilterOutputStream {

  KeepOpenOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length); // FilterOutputStream's own writes byte by byte
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
