package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The explorer's example operations (gateway-config/examples/*.graphql) are valid against the committed
 * supergraph, variables included (gateway-config/check-examples.mjs, graphql-js's validation); no stack needed.
 */
class ExplorerExamplesTest {

  private static final Path EXAMPLES = NodeScript.HOME.resolve("gateway-config/examples");
  private static final Pattern FILE = Pattern.compile("(\\d+)-[a-z0-9-]+\\.graphql");
  private static final Pattern TITLE = Pattern.compile("\\A# ([^:\\n]+):");

  /** The example files, in collection order (their number). */
  static List<Path> files() throws IOException {
    try (Stream<Path> listed = Files.list(EXAMPLES)) {
      return listed.filter(path -> FILE.matcher(path.getFileName().toString()).matches())
          .sorted(Comparator.comparingInt(path -> number(path.getFileName().toString())))
          .toList();
    }
  }

  /** Each example's title: the words before the colon of its first comment line. */
  static List<String> titles() throws IOException {
    return files().stream().map(path -> {
      try {
        Matcher title = TITLE.matcher(Files.readString(path, StandardCharsets.UTF_8));
        assertThat(title.find()).as("%s starts with '# Title: ...'", path).isTrue();
        return title.group(1);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  private static int number(String file) {
    Matcher matcher = FILE.matcher(file);
    return matcher.matches() ? Integer.parseInt(matcher.group(1)) : Integer.MAX_VALUE;
  }

  @Test
  void everyExampleValidatesAgainstTheSupergraph() throws IOException, InterruptedException {
    List<Path> files = files();
    // The issue's five: search, as-of read, vintage panel, watchlist across subgraphs, upload (a mutation).
    assertThat(titles()).containsExactly("Search", "As-of read", "Vintage panel", "Watchlist across subgraphs", "Upload");

    String output = NodeScript.run("check-examples.mjs", "examples-check.log", Map.of(), Duration.ofSeconds(60));

    for (Path file : files) {
      assertThat(output).containsPattern("(?m)^ok " + Pattern.quote(file.getFileName().toString()) + " (query|mutation) ");
    }
    assertThat(output).contains("ok 5-upload.graphql mutation Upload").doesNotContain("FAILED");
  }
}
