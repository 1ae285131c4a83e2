package io.almanac.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.execution.AsyncExecutionStrategy;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.ExecutionStrategy;
import graphql.execution.SimpleDataFetcherExceptionHandler;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The shortcut for scalar lists must answer exactly as graphql-java's general path does. */
class ScalarListExecutionStrategyTest {

  private static final String SDL = """
      scalar Date
      type Query {
        dates: [Date!]!
        values: [Float]!
        optionals: [Int]
        nullInNonNull: [Int!]
        nullInNonNullList: [Int!]!
        refused: [Date]
        nested: [[Int!]!]!
        objects: [Item!]!
      }
      type Item { n: Int! }
      """;

  private static final Map<String, DataFetcher<?>> FETCHERS = Map.of(
      "dates", env -> IntStream.range(0, 500).mapToObj(i -> LocalDate.of(2000, 1, 1).plusDays(i)).toList(),
      "values", env -> Arrays.asList(1.5, null, 2e23, -0.0, 3.0),
      "optionals", env -> List.of(Optional.of(1), Optional.empty(), 3),
      "nullInNonNull", env -> Arrays.asList(1, null, 3),
      "nullInNonNullList", env -> Arrays.asList(1, null),
      "refused", env -> List.of(LocalDate.of(2020, 1, 1), 42),
      "nested", env -> List.of(List.of(1, 2), List.of(3)),
      "objects", env -> List.of(Map.of("n", 1), Map.of("n", 2)));

  @Test
  void answersAsTheGeneralPathDoes() {
    DataFetcherExceptionHandler handler = new SimpleDataFetcherExceptionHandler();
    GraphQL general = graphQL(new AsyncExecutionStrategy(handler));
    GraphQL shortcut = graphQL(new ScalarListExecutionStrategy(handler));
    List<String> queries = List.of(
        "{ dates values optionals nested objects { n } }",
        "{ nullInNonNull }",
        "{ nullInNonNullList }",
        "{ refused }",
        "{ dates nullInNonNull refused }");
    for (String query : queries) {
      ExecutionResult expected = general.execute(query);
      ExecutionResult actual = shortcut.execute(query);
      assertThat(actual.toSpecification()).as(query).isEqualTo(expected.toSpecification());
    }
    ExecutionResult refused = shortcut.execute("{ refused }");
    assertThat(refused.getErrors()).singleElement().satisfies(e -> assertThat(e.getPath()).isEqualTo(List.of(
        "refused", 1)));
    Map<String, Object> data = shortcut.execute("{ values }").getData();
    assertThat(data.get("values")).isEqualTo(Arrays.asList(1.5, null, 2e23, -0.0, 3.0));
  }

  private static GraphQL graphQL(ExecutionStrategy strategy) {
    RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring().scalar(Scalars.DATE);
    wiring.type("Query", type -> {
      FETCHERS.forEach(type::dataFetcher);
      return type;
    });
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(SDL), wiring.build());
    return GraphQL.newGraphQL(schema).queryExecutionStrategy(strategy).build();
  }
}
