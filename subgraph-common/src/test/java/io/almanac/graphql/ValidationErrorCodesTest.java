package io.almanac.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * graphql-java's refusals of variables and literals, through a real {@link GraphQL} with Almanac's
 * scalars and {@link ValidationErrorCodes}: each gets a code, the argument at fault, and a message free of
 * AST class names.
 */
class ValidationErrorCodesTest {

  private static final String SDL = """
      scalar Date
      scalar Decimal
      scalar RawDate
      enum Frequency { DAILY MONTHLY }
      input Range { from: Date, to: Date }
      type Query {
        echo(from: Date, asOf: Date, frequency: Frequency, range: Range, id: ID!, value: Decimal, raw: RawDate): String
      }
      """;

  private static final GraphQL GRAPHQL = graphql();

  private static GraphQL graphql() {
    RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
        .scalar(Scalars.DATE)
        .scalar(Scalars.DECIMAL)
        .scalar(Scalars.RAW_DATE.transform(b -> b.name("RawDate")))
        .type("Query", t -> t.dataFetcher("echo", env -> String.valueOf(env.getArguments())))
        .build();
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(SDL), wiring);
    return GraphQL.newGraphQL(schema).instrumentation(new ValidationErrorCodes()).build();
  }

  private static ExecutionResult run(String query, Map<String, Object> variables) {
    return GRAPHQL.execute(ExecutionInput.newExecutionInput(query).variables(variables).build());
  }

  private static GraphQLError onlyError(String query, Map<String, Object> variables) {
    ExecutionResult result = run(query, variables);
    assertThat(result.getErrors()).hasSize(1);
    return result.getErrors().get(0);
  }

  @Test
  void invalidDateVariableIsBadUserInputNamingTheArgumentThatUsesIt() {
    GraphQLError error = onlyError("query($d: Date) { echo(id: 1, from: $d) }", Map.of("d", "2024-13-45"));
    assertThat(error.getExtensions()).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "from")
        .containsEntry("variable", "d");
    assertThat(error.getMessage()).contains("'from'").contains("2024-13-45");
  }

  @Test
  void numberForADateVariableIsBadUserInput() {
    GraphQLError error = onlyError("query($when: Date) { echo(id: 1, asOf: $when) }", Map.of("when", 20240101));
    assertThat(error.getExtensions()).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "asOf");
  }

  @Test
  void variableInsideAnInputObjectNamesTheTopLevelArgument() {
    GraphQLError error = onlyError("query($d: Date) { echo(id: 1, range: {from: $d}) }", Map.of("d", "1900-02-29"));
    assertThat(error.getExtensions()).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "range");
  }

  @Test
  void variableGivenAsAWholeInputObjectIsBadUserInput() {
    GraphQLError error = onlyError("query($r: Range) { echo(id: 1, range: $r) }",
        Map.of("r", Map.of("from", "2024-02-30")));
    assertThat(error.getExtensions()).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "range")
        .containsEntry("variable", "r");
  }

  @Test
  void invalidDateLiteralIsBadUserInputWithoutAstClassNames() {
    GraphQLError error = onlyError("{ echo(id: 1, asOf: \"1900-02-29\") }", Map.of());
    assertThat(error.getExtensions()).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "asOf");
    assertThat(error.getMessage()).contains("1900-02-29").doesNotContain("StringValue").doesNotContain("{");
  }

  @Test
  void numberLiteralForADateAndUnknownEnumLiteralAreBadUserInput() {
    for (String query : List.of("{ echo(id: 1, from: 20240101) }", "{ echo(id: 1, frequency: HOURLY) }",
        "{ echo(id: 1, value: \"1.2.3\") }", "{ echo(id: 1, range: {from: \"2024-00-01\"}) }")) {
      GraphQLError error = onlyError(query, Map.of());
      assertThat(error.getExtensions()).as(query).containsEntry("code", "BAD_USER_INPUT").containsKey("argument");
      assertThat(error.getMessage()).as(query).doesNotContainPattern("[A-Z][a-zA-Z]+Value\\{");
    }
  }

  @Test
  void nullForANonNullArgumentIsBadUserInput() {
    // graphql-java reports this one twice (two rules); both must be coded.
    List<GraphQLError> errors = run("{ echo(id: null) }", Map.of()).getErrors();
    assertThat(errors).isNotEmpty().allSatisfy(error -> {
      assertThat(error.getExtensions()).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "id");
      assertThat(error.getMessage()).isEqualTo("Invalid value for argument 'id': must not be null");
    });
    Map<String, Object> nullId = new HashMap<>();
    nullId.put("i", null);
    GraphQLError variable = onlyError("query($i: ID!) { echo(id: $i) }", nullId);
    assertThat(variable.getExtensions()).containsEntry("code", "BAD_USER_INPUT").containsEntry("argument", "id");
  }

  @Test
  void otherValidationErrorsAndSyntaxErrorsGetTheGatewaysCodes() {
    assertThat(onlyError("{ echo(id: 1) nope }", Map.of()).getExtensions())
        .containsEntry("code", ValidationErrorCodes.VALIDATION_FAILED);
    assertThat(onlyError("{ echo(id: 1, ", Map.of()).getExtensions())
        .containsEntry("code", ValidationErrorCodes.PARSE_FAILED);
  }

  @Test
  void rawScalarsNeverRefuseSoPointsKeepTheirText() {
    ExecutionResult result = run("{ echo(id: 1, raw: \"2024-02-30\") }", Map.of());
    assertThat(result.getErrors()).isEmpty();
    assertThat(result.<Map<String, Object>>getData().get("echo").toString()).contains("raw=2024-02-30");
  }

  @Test
  void codedErrorsLoseDgsTypeFieldsAndClassificationButKeepTheirCode() {
    GraphQLError dgsShaped = GraphqlErrorBuilder.newError().message("No key")
        .extensions(Map.of("code", "UNAUTHENTICATED", "errorType", "UNAVAILABLE", "errorDetail", "SERVICE_ERROR"))
        .build();
    GraphQLError coded = ValidationErrorCodes.code(dgsShaped, new ValidationErrorCodes.Request("{ a }"));
    assertThat(coded.getMessage()).isEqualTo("No key");
    assertThat(coded.toSpecification().get("extensions")).isEqualTo(Map.of("code", "UNAUTHENTICATED"));
  }

  /** As DGS hands them on: its typed error keeps graphql-java's message and classification only. */
  @Test
  void errorsAlreadyConvertedByDgsAreCodedFromTheirClassification() {
    GraphQLError literal = GraphqlErrorBuilder.newError()
        .message("Validation error (WrongType@[series/data]) : argument 'to' with value 'IntValue{value=20240101}' "
            + "is not a valid 'Date' - Date must be a string literal, got IntValue{value=20240101}")
        .extensions(Map.of("classification", "ValidationError", "errorType", "BAD_REQUEST")).build();
    GraphQLError coded = ValidationErrorCodes.code(literal, new ValidationErrorCodes.Request("{ a }"));
    assertThat(coded.getExtensions()).isEqualTo(Map.of("code", "BAD_USER_INPUT", "argument", "to"));
    assertThat(coded.getMessage())
        .isEqualTo("Invalid value for argument 'to': Date must be a string literal, got 20240101");
    GraphQLError variable = GraphqlErrorBuilder.newError()
        .message("Variable 'd' has an invalid value: Invalid Date '2024-13-45'")
        .extensions(Map.of("classification", "ValidationError")).build();
    assertThat(ValidationErrorCodes.code(variable, new ValidationErrorCodes.Request("query($d: Date) { a(from: $d) }"))
        .getExtensions()).isEqualTo(Map.of("code", "BAD_USER_INPUT", "argument", "from", "variable", "d"));
  }

  @Test
  void validRequestsAreUntouched() {
    ExecutionResult result = run("query($d: Date) { echo(id: 1, from: $d, asOf: \"2024-02-29\") }",
        Map.of("d", "2024-01-31"));
    assertThat(result.getErrors()).isEmpty();
  }
}
