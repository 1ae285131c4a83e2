package io.almanac.crawler.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's point-error table lists exactly the codes of {@link PointErrorCode}, each once. */
class PointErrorCodeTest {

  private static final Path README = Path.of("..", "README.md");
  private static final Pattern CODE = Pattern.compile("`([A-Z_]+)`");

  @Test
  void readmeTableListsExactlyTheEnumsCodes() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int header = lines.indexOf("| code | meaning |");
    assertThat(header).as("the README's point-error table header").isNotNegative();
    List<String> documented = new ArrayList<>();
    for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String firstCell = lines.get(i).split("\\|")[1];
      Matcher codes = CODE.matcher(firstCell);
      while (codes.find()) {
        documented.add(codes.group(1));
      }
    }
    List<String> declared = Arrays.stream(PointErrorCode.values()).map(Enum::name).toList();
    assertThat(documented).containsExactlyInAnyOrderElementsOf(declared);
    assertThat(declared).hasSize(14);
  }
}
