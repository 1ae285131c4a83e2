package io.almanac.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The router serves the committed supergraph, so it must be exactly what the subgraph SDL composes to. */
class CommittedSupergraphTest {

  @Test
  void committedSupergraphEqualsAFreshComposition() throws Exception {
    Path fresh = Path.of("target/supergraph.graphql");
    Path committed = Path.of("../gateway-config/supergraph.graphql");
    assertThat(fresh).as("the build composes the supergraph before tests run").exists();
    assertThat(Files.readString(committed))
        .as("gateway-config/supergraph.graphql is stale: run `node schema/compose.mjs` and commit it")
        .isEqualTo(Files.readString(fresh));
  }

  @Test
  void supergraphJoinsAllThreeSubgraphs() throws Exception {
    String supergraph = Files.readString(Path.of("target/supergraph.graphql"));
    assertThat(supergraph).contains("FINANCIAL", "CRAWLER", "USERS");
    assertThat(supergraph).contains("type Series", "type Provider", "type User");
  }
}
