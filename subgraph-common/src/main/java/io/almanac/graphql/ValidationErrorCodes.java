package io.almanac.graphql;

import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
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
    if (errors.stream().allMatch(ValidationErrorCodes::hasCode)) {
      return CompletableFuture.completedFuture(result);
    }
    Request request = new Request(parameters.getQuery());
    List<GraphQLError> coded = new ArrayList<>(errors.size());
    for (GraphQLError error : errors) {
      coded.add(hasCode(error) ? error : code(error, request));
    }
    return CompletableFuture.completedFuture(result.transform(builder -> builder.errors(coded)));
  }

  private static boolean hasCode(GraphQLError error) {
    Map<String, Object> extensions = error.getExtensions();
    return extensions != null && extensions.get("code") != null;
  }

  static GraphQLError code(GraphQLError error, Request request) {
    ErrorClassification type = error.getErrorType();
    String message = error.getMessage() == null ? "" : error.getMessage();
    if (error instanceof ValidationError validation) {
      ValidationErrorClassification kind = validation.getValidationErrorType();
      if (kind == ValidationErrorType.WrongType || kind == ValidationErrorType.NullValueForNonNullArgument) {
        return literal(error, message, request);
      }
      return rebuild(error, message, Map.of("code", VALIDATION_FAILED));
    }
    if (type == ErrorType.InvalidSyntax) {
      return rebuild(error, message, Map.of("code", PARSE_FAILED));
    }
    if (type == ErrorType.ValidationError) {
      // Variable coercion (CoercingParseValueException, NonNullableValueCoercedAsNullException, ...): the
      // error is located at the variable's definition.
      return variable(error, message, request);
    }
    return error;
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
    GraphqlErrorBuilder<?> builder = GraphqlErrorBuilder.newError()
        .message(message)
        .errorType(error.getErrorType())
        .extensions(extensions);
    if (error.getLocations() != null) {
      builder.locations(error.getLocations());
    }
    if (error.getPath() != null) {
      builder.path(error.getPath());
    }
    return builder.build();
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
