package io.almanac.graphql;

import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import graphql.language.Argument;
import graphql.language.Document;
import graphql.language.Node;
import graphql.language.NodeTraverser;
import graphql.language.NodeVisitorStub;
import graphql.language.SourceLocation;
import graphql.language.VariableDefinition;
import graphql.language.VariableReference;
import graphql.parser.Parser;
import graphql.util.TraversalControl;
import graphql.util.TraverserContext;
import graphql.validation.ValidationError;
import graphql.validation.ValidationErrorClassification;
import graphql.validation.ValidationErrorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Gives graphql-java's own request errors an {@code extensions.code}, which they lack (the gateway would
 * otherwise relabel them {@code DOWNSTREAM_SERVICE_ERROR}):
 * <ul>
 *   <li>a variable or a literal a scalar or enum refused ({@code "2024-13-45"} for a {@code Date}, a number
 *       for a {@code Date}, {@code 1900-02-29}), a null for a non-null argument: {@code BAD_USER_INPUT} with
 *       {@code argument} naming the argument (and {@code variable} the variable, when one was used);
 *   <li>any other validation error (unknown field, missing argument): {@code GRAPHQL_VALIDATION_FAILED};
 *   <li>a document that does not parse: {@code GRAPHQL_PARSE_FAILED}.
 * </ul>
 * Messages are rewritten as {@code Invalid value for argument 'asOf': <the scalar's reason>}, without
 * graphql-java's AST class names ({@code StringValue{value='...'}}). Errors that already have a code (all
 * of Almanac's own, from {@link AlmanacExceptionHandler}) are left as they are, and so are the crawler's
 * raw {@code Date}/{@code Decimal} inputs, whose scalars never refuse (bad points are per-point errors).
 */
@Component
public class ValidationErrorCodes extends SimplePerformantInstrumentation {

  /** Codes the gateway uses for the same classes of error, so a client sees one name for each. */
  public static final String VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED";

  public static final String PARSE_FAILED = "GRAPHQL_PARSE_FAILED";

  private static final Pattern LITERAL_MESSAGE =
      Pattern.compile("argument '([^']+)' with value .* is not a valid '([^']+)'(?: - (.*))?$", Pattern.DOTALL);
  private static final Pattern NULL_MESSAGE =
      Pattern.compile("(?:argument '[^']+' with value .* must not be null|Null value for non-null field argument)");
  private static final Pattern ARGUMENT_NAME = Pattern.compile("argument '([^']+)'");
  private static final Pattern VARIABLE_MESSAGE =
      Pattern.compile("^Variable '([^']+)' has an invalid value: ?(.*)$", Pattern.DOTALL);
  private static final Pattern VARIABLE_NAME = Pattern.compile("[Vv]ariable '([^']+)'");
  /** graphql-java's AST toString, e.g. {@code StringValue{value='x'}}, {@code EnumValue{name='FOO'}}. */
  private static final Pattern AST_VALUE = Pattern.compile("\\b[A-Z][A-Za-z]*Value\\{(?:value|name)=('?)([^{}]*?)\\1}");
  private static final Pattern CLASS_LIKE = Pattern.compile("\\b[A-Z][A-Za-z]+\\{");

  @Override
  public CompletableFuture<ExecutionResult> instrumentExecutionResult(ExecutionResult result,
      InstrumentationExecutionParameters parameters, InstrumentationState state) {
    List<GraphQLError> errors = result.getErrors();
    if (errors.stream().allMatch(ValidationErrorCodes::isFinal)) {
      return CompletableFuture.completedFuture(result);
    }
    Request request = new Request(parameters.getQuery());
    List<GraphQLError> coded = new ArrayList<>(errors.size());
    for (GraphQLError error : errors) {
      coded.add(isFinal(error) ? error : code(error, request));
    }
    return CompletableFuture.completedFuture(result.transform(builder -> builder.errors(coded)));
  }

  /** Coded, and without DGS's classification fields. */
  private static boolean isFinal(GraphQLError error) {
    Map<String, Object> extensions = error.getExtensions();
    return extensions != null && extensions.get("code") != null && !extensions.containsKey(DGS_ERROR_TYPE);
  }

  /**
   * DGS's own instrumentation (which runs before this one) turns graphql-java's errors into typed errors
   * whose extensions keep the original {@code classification} and add {@code errorType}/{@code errorDetail};
   * the latter would read like a second code ({@code errorType: UNAVAILABLE} on every refusal a fetcher
   * throws), so they are dropped: {@code code} is the one name of an error.
   */
  private static final String DGS_ERROR_TYPE = "errorType";
  private static final String DGS_ERROR_DETAIL = "errorDetail";

  static GraphQLError code(GraphQLError error, Request request) {
    Map<String, Object> extensions = error.getExtensions() == null ? Map.of() : error.getExtensions();
    if (extensions.get("code") != null) {
      Map<String, Object> kept = new LinkedHashMap<>(extensions);
      kept.remove(DGS_ERROR_TYPE);
      kept.remove(DGS_ERROR_DETAIL);
      kept.remove("classification");
      return rebuild(error, error.getMessage(), kept);
    }
    String message = error.getMessage() == null ? "" : error.getMessage();
    String classification = classification(error, extensions);
    if ("InvalidSyntax".equals(classification)) {
      return rebuild(error, message, Map.of("code", PARSE_FAILED));
    }
    if (!"ValidationError".equals(classification)) {
      return error;
    }
    if (error instanceof ValidationError validation) {
      ValidationErrorClassification kind = validation.getValidationErrorType();
      return kind == ValidationErrorType.WrongType || kind == ValidationErrorType.NullValueForNonNullArgument
          ? literal(error, message, request) : rebuild(error, message, Map.of("code", VALIDATION_FAILED));
    }
    // After DGS's conversion only the message tells the rule: "Validation error (WrongType@[...]) : ...".
    if (message.startsWith("Validation error (WrongType") || message.startsWith("Validation error (NullValueForNonNull")) {
      return literal(error, message, request);
    }
    if (message.startsWith("Validation error (")) {
      return rebuild(error, message, Map.of("code", VALIDATION_FAILED));
    }
    // Variable coercion (CoercingParseValueException, NonNullableValueCoercedAsNullException, ...): the
    // error is located at the variable's definition.
    return variable(error, message, request);
  }

  private static String classification(GraphQLError error, Map<String, Object> extensions) {
    if (extensions.get("classification") instanceof String named) {
      return named;
    }
    if (error instanceof ValidationError || error.getErrorType() == ErrorType.ValidationError) {
      return "ValidationError";
    }
    return error.getErrorType() == ErrorType.InvalidSyntax ? "InvalidSyntax" : null;
  }

  private static GraphQLError literal(GraphQLError error, String message, Request request) {
    Matcher invalid = LITERAL_MESSAGE.matcher(message);
    Matcher nulled = NULL_MESSAGE.matcher(message);
    String argument = request.argumentAt(error.getLocations())
        .or(() -> invalid.find() ? Optional.of(invalid.group(1)) : Optional.empty())
        .or(() -> {
          Matcher named = ARGUMENT_NAME.matcher(message);
          return named.find() ? Optional.of(named.group(1)) : Optional.empty();
        })
        .orElse(null);
    String reason;
    if (invalid.find(0)) {
      reason = readable(invalid.group(3)).orElse("not a valid " + invalid.group(2));
    } else if (nulled.find()) {
      reason = "must not be null";
    } else {
      reason = readable(message).orElse("not a valid value");
    }
    Map<String, Object> extensions = new LinkedHashMap<>();
    extensions.put("code", ErrorCode.BAD_USER_INPUT.name());
    if (argument != null) {
      extensions.put("argument", argument);
    }
    String text = argument == null ? "Invalid value: " + reason
        : "Invalid value for argument '" + argument + "': " + reason;
    return rebuild(error, text, extensions);
  }

  private static GraphQLError variable(GraphQLError error, String message, Request request) {
    Matcher named = VARIABLE_NAME.matcher(message);
    String variable = request.variableAt(error.getLocations())
        .or(() -> named.find() ? Optional.of(named.group(1)) : Optional.empty())
        .orElse(null);
    Matcher invalid = VARIABLE_MESSAGE.matcher(message);
    String reason = readable(invalid.matches() ? invalid.group(2) : message).orElse("not a valid value");
    Map<String, Object> extensions = new LinkedHashMap<>();
    extensions.put("code", ErrorCode.BAD_USER_INPUT.name());
    String argument = variable == null ? null : request.argumentUsing(variable).orElse(variable);
    String text;
    if (variable == null) {
      text = "Invalid variable: " + reason;
    } else {
      extensions.put("argument", argument);
      extensions.put("variable", variable);
      text = "Invalid value for argument '" + argument + "' (variable $" + variable + "): " + reason;
    }
    return rebuild(error, text, extensions);
  }

  /** {@code text} with AST values shown as the values they hold; empty when it still names Java types. */
  static Optional<String> readable(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    String plain = AST_VALUE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(2))).trim();
    return CLASS_LIKE.matcher(plain).find() ? Optional.empty() : Optional.of(plain);
  }

  private static GraphQLError rebuild(GraphQLError error, String message, Map<String, Object> extensions) {
    return new CodedError(message, error.getLocations(), error.getPath(), extensions);
  }

  /**
   * An error as a client should read it: no {@code classification} (graphql-java adds one from the error
   * type, which would be a second name beside {@code code}).
   */
  record CodedError(String message, List<SourceLocation> locations, List<Object> path,
      Map<String, Object> extensions) implements GraphQLError {

    @Override
    public String getMessage() {
      return message;
    }

    @Override
    public List<SourceLocation> getLocations() {
      return locations;
    }

    @Override
    public List<Object> getPath() {
      return path;
    }

    @Override
    public Map<String, Object> getExtensions() {
      return extensions;
    }

    @Override
    public ErrorClassification getErrorType() {
      return null;
    }
  }

  /** The request's document, parsed again only when an error needs it (errors are the rare path). */
  static final class Request {
    private final String query;
    private Document document;
    private boolean parsed;

    Request(String query) {
      this.query = query;
    }

    private Optional<Document> document() {
      if (!parsed) {
        parsed = true;
        try {
          document = query == null ? null : Parser.parse(query);
        } catch (RuntimeException e) {
          document = null;
        }
      }
      return Optional.ofNullable(document);
    }

    /** The name of the argument written at one of {@code locations}. */
    Optional<String> argumentAt(List<SourceLocation> locations) {
      return find(Argument.class, locations).map(Argument::getName);
    }

    /** The name of the variable defined at one of {@code locations}. */
    Optional<String> variableAt(List<SourceLocation> locations) {
      return find(VariableDefinition.class, locations).map(VariableDefinition::getName);
    }

    /** The first argument whose value is, or contains, {@code $variable}. */
    Optional<String> argumentUsing(String variable) {
      return document().flatMap(doc -> {
        String[] found = new String[1];
        new NodeTraverser().depthFirst(new NodeVisitorStub() {
          @Override
          public TraversalControl visitArgument(Argument node, TraverserContext<Node> context) {
            if (found[0] == null && uses(node.getValue(), variable)) {
              found[0] = node.getName();
            }
            return TraversalControl.CONTINUE;
          }
        }, doc);
        return Optional.ofNullable(found[0]);
      });
    }

    private static boolean uses(Node<?> value, String variable) {
      if (value instanceof VariableReference reference) {
        return reference.getName().equals(variable);
      }
      for (Node<?> child : value.getChildren()) {
        if (uses(child, variable)) {
          return true;
        }
      }
      return false;
    }

    private <T extends Node<?>> Optional<T> find(Class<T> type, List<SourceLocation> locations) {
      if (locations == null || locations.isEmpty()) {
        return Optional.empty();
      }
      return document().flatMap(doc -> {
        List<T> found = new ArrayList<>(1);
        new NodeTraverser().depthFirst(new NodeVisitorStub() {
          @Override
          protected TraversalControl visitNode(Node node, TraverserContext<Node> context) {
            if (found.isEmpty() && type.isInstance(node) && node.getSourceLocation() != null
                && locations.stream().anyMatch(l -> sameLocation(l, node.getSourceLocation()))) {
              found.add(type.cast(node));
            }
            return TraversalControl.CONTINUE;
          }
        }, doc);
        return found.stream().findFirst();
      });
    }

    private static boolean sameLocation(SourceLocation a, SourceLocation b) {
      return a.getLine() == b.getLine() && a.getColumn() == b.getColumn();
    }
  }
}
