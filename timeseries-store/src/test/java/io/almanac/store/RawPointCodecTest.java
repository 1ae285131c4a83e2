package io.almanac.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Archived text must come back exactly as the crawler sent it, whatever characters it holds. */
class RawPointCodecTest {

  @Test
  void everyFieldRoundTripsIncludingNullsEmptyTextAndControlCharacters() {
    List<RawPoint> points = List.of(
        new RawPoint(0, "5", null, null, "2024-13-01", "1.0", null, "INVALID_DATE", "bad month"),
        new RawPoint(1, "", "fred\tx", "GDP\nQ", "2024-01-01\r", "\\N", "back\\slash\\", null, "tab\there"),
        new RawPoint(null, null, null, null, null, null, null, "EMPTY_BATCH", "The batch has no points"));
    String text = RawPointCodec.encode(points);
    assertThat(text.lines()).hasSize(3);
    assertThat(RawPointCodec.decode(text)).containsExactlyElementsOf(points);
    assertThat(RawPointCodec.decode(RawPointCodec.encode(List.of()))).isEmpty();
  }

  @Test
  void truncatedTextIsRefusedRatherThanMisread() {
    String text = RawPointCodec.encode(List.of(new RawPoint(0, "5", null, null, "2024-01-01", "1", null, null, null)));
    assertThatThrownBy(() -> RawPointCodec.decode(text.substring(0, text.length() - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RawPointCodec.decode("0\t5\n")).isInstanceOf(IllegalArgumentException.class);
  }
}
