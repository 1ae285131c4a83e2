package io.almanac.graphql.observability;

import graphql.ExecutionResult;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import graphql.language.OperationDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code almanac_graphql_request_seconds}: the time of each GraphQL request a subgraph executes (parse,
 * validation and execution, until the result is complete), a histogram with tags {@code operation} (the
 * operation's name, see {@link #operationTag}), {@code type} (query, mutation, subscription, or unknown when
 * the document was refused before an operation was chosen) and {@code outcome} ({@code ok}, or {@code error}
 * when the result has any error). The service is the {@code application} tag every meter carries.
 */
@Component
public class OperationMetrics extends SimplePerformantInstrumentation {

  /** Operation names kept as tag values; later new names are counted as {@value #OTHER}. */
  static final int MAX_OPERATIONS = 200;
  static final int MAX_NAME_LENGTH = 64;
  static final String ANONYMOUS = "anonymous";
  static final String OTHER = "other";
  private static final String NAME_KEY = OperationMetrics.class.getName() + ".name";
  private static final String TYPE_KEY = OperationMetrics.class.getName() + ".type";
  static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10)};

  private final MeterRegistry registry;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  public OperationMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecution(InstrumentationExecutionParameters parameters,
      InstrumentationState state) {
    long started = System.nanoTime();
    return SimpleInstrumentationContext.whenCompleted((result, failure) -> {
      String name = parameters.getGraphQLContext().get(NAME_KEY);
      String type = parameters.getGraphQLContext().getOrDefault(TYPE_KEY, "unknown");
      boolean ok = failure == null && result != null && result.getErrors().isEmpty();
      Timer.builder("almanac.graphql.request").description("GraphQL requests executed by this subgraph")
          .tags("operation", operationTag(name == null ? parameters.getOperation() : name), "type", type,
              "outcome", ok ? "ok" : "error")
          .serviceLevelObjectives(BUCKETS).register(registry).record(Duration.ofNanos(System.nanoTime() - started));
    });
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    OperationDefinition operation = parameters.getExecutionContext().getOperationDefinition();
    var context = parameters.getExecutionContext().getGraphQLContext();
    if (operation.getName() != null) {
      context.put(NAME_KEY, operation.getName());
    }
    context.put(TYPE_KEY, operation.getOperation().name().toLowerCase(Locale.ROOT));
    return SimpleInstrumentationContext.noOp();
  }

  /**
   * The tag value of an operation name: {@value #ANONYMOUS} for none, the name cut to
   * {@value #MAX_NAME_LENGTH} characters (GraphQL names are ASCII letters, digits and underscores; an
   * operationName that is not one, which graphql-java refuses, is {@value #OTHER}), and {@value #OTHER}
   * once {@value #MAX_OPERATIONS} distinct names have been seen, so a client inventing names cannot grow
   * the number of series without bound.
   */
  String operationTag(String name) {
    if (name == null || name.isEmpty()) {
      return ANONYMOUS;
    }
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      return OTHER;
    }
    String cut = name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH) : name;
    if (seen.contains(cut)) {
      return cut;
    }
    synchronized (seen) {
      if (seen.size() >= MAX_OPERATIONS) {
        return OTHER;
      }
      seen.add(cut);
      return cut;
    }
  }
}
