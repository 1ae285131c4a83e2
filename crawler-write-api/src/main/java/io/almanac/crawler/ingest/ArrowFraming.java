package io.almanac.crawler.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.flatbuf.Message;

/**
 * An Arrow IPC stream passed through unchanged after checking each message's sizes: Arrow's reader
 * allocates a heap buffer of whatever metadata length the stream states before reading it, so eight
 * hostile bytes ({@code FFFFFFFF 7FFFFFF0}) would ask for 2 GiB and end the process with an
 * {@code OutOfMemoryError}. Here a message's metadata over 16 MiB, or a body over the batch limit, fails
 * the read with an {@link IOException} first. Messages are framed as in the Arrow format: an optional
 * {@code 0xFFFFFFFF} continuation marker, a little-endian int32 metadata length (0 ends the stream), the
 * metadata (a flatbuffer {@code Message} giving {@code bodyLength}), then the body.
 */
final class ArrowFraming extends InputStream {

  private static final int MAX_METADATA_BYTES = 16 << 20;

  private final InputStream in;
  private final long maxBodyBytes;
  private byte[] pending = new byte[0];
  private int pendingAt;
  private long bodyLeft;
  private boolean ended;
  /** A failure of the underlying stream (the connection, the body's size limit), not of the Arrow data. */
  IOException failure;

  ArrowFraming(InputStream in, long maxBodyBytes) {
    this.in = in;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (pendingAt == pending.length && bodyLeft == 0) {
      if (ended || !nextMessage()) {
        return -1;
      }
    }
    if (pendingAt < pending.length) {
      int n = Math.min(length, pending.length - pendingAt);
      System.arraycopy(pending, pendingAt, buffer, offset, n);
      pendingAt += n;
      return n;
    }
    int n = underlying(buffer, offset, (int) Math.min(length, bodyLeft));
    if (n < 0) {
      ended = true;
      bodyLeft = 0;
      return -1;
    }
    bodyLeft -= n;
    return n;
  }

  /** Reads and checks the next message's prefix and metadata into {@link #pending}; false at the end. */
  private boolean nextMessage() throws IOException {
    byte[] prefix = readUpTo(4);
    int length = prefix.length == 4 ? littleEndian(prefix, 0) : 0;
    if (prefix.length == 4 && length == -1) {
      byte[] size = readUpTo(4);
      prefix = new byte[] {prefix[0], prefix[1], prefix[2], prefix[3], 0, 0, 0, 0};
      System.arraycopy(size, 0, prefix, 4, size.length);
      if (size.length < 4) {
        prefix = java.util.Arrays.copyOf(prefix, 4 + size.length);
        length = 0;
      } else {
        length = littleEndian(size, 0);
      }
    }
    if (prefix.length == 0) {
      ended = true;
      return false;
    }
    if (length < 0 || length > MAX_METADATA_BYTES) {
      throw new IOException("an Arrow message states " + Integer.toUnsignedString(length)
          + " bytes of metadata; at most " + MAX_METADATA_BYTES + " are read");
    }
    if (length == 0 || prefix.length < 4) {
      ended = true; // end of stream (or a truncated prefix, for Arrow's reader to report)
      pending = prefix;
      pendingAt = 0;
      return true;
    }
    byte[] metadata = readUpTo(length);
    if (metadata.length == length) {
      long body;
      try {
        body = Message.getRootAsMessage(ByteBuffer.wrap(metadata).order(ByteOrder.LITTLE_ENDIAN)).bodyLength();
      } catch (RuntimeException e) {
        throw new IOException("an Arrow message's metadata is not a flatbuffer Message");
      }
      if (body < 0 || body > maxBodyBytes) {
        throw new IOException("an Arrow message states a body of " + body + " bytes; at most " + maxBodyBytes
            + " are read");
      }
      bodyLeft = body;
    } else {
      ended = true;
    }
    pending = new byte[prefix.length + metadata.length];
    System.arraycopy(prefix, 0, pending, 0, prefix.length);
    System.arraycopy(metadata, 0, pending, prefix.length, metadata.length);
    pendingAt = 0;
    return true;
  }

  private byte[] readUpTo(int n) throws IOException {
    try {
      return in.readNBytes(n);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  private int underlying(byte[] buffer, int offset, int length) throws IOException {
    try {
      return in.read(buffer, offset, length);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  private static int littleEndian(byte[] bytes, int at) {
    return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16
        | (bytes[at + 3] & 0xFF) << 24;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
