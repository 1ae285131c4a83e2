package io.almanac.financial.cost;

import graphql.execution.AbortExecutionException;
import graphql.execution.CoercedVariables;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.normalized.ExecutableNormalizedOperation;
import graphql.normalized.ExecutableNormalizedOperationFactory;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import io.almanac.financial.observations.ObservationHistories;
import io.almanac.financial.observations.ResponseLimit;
import io.almanac.financial.search.SearchDataFetcher;
import io.almanac.financial.series.SeriesCatalog;
import io.almanac.graphql.AlmanacGraphQLException;
import io.almanac.graphql.ErrorCode;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Refuses an operation whose estimated points ({@link PointEstimator}) pass
 * {@code almanac.financial.max-response-points}, before its first root field runs: so before any storage read.
 * Estimated once per request; every root field of a refused request answers the same {@code LIMIT_EXCEEDED}
 * (extensions {@code limit} and {@code estimate}). Runs inside the auth gate (ordered first, so its wrapper
 * is the innermost): a caller who may not read gets {@code UNAUTHENTICATED}, not an estimate.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class PointCostInstrumentation extends SimplePerformantInstrumentation {

  /** Extension of a refusal: the estimated points. */
  public static final String ESTIMATE = "estimate";

  private static final String CONTEXT_KEY = PointCostInstrumentation.class.getName();

  private final PointEstimator estimator;
  private final long maxPoints;
  private final boolean enabled;

  /**
   * @param unknownStart {@code almanac.financial.estimate.unknown-start}: where an open range of a series
   *     not in the cache is taken to start (ISO date, default 1900-01-01)
   * @param enabled {@code almanac.financial.estimate.enabled} (default true); off leaves only the exact
   *     per-field check, for its own tests
   */
  public PointCostInstrumentation(SeriesCatalog catalog, SearchDataFetcher search, ObservationHistories histories,
      ResponseLimit limit,
      @Value("${almanac.financial.estimate.unknown-start:1900-01-01}") String unknownStart,
      @Value("${almanac.financial.estimate.enabled:true}") boolean enabled) {
    Clock clock = Clock.systemUTC();
    // The view last loaded: the estimate costs no catalog round trip (the fetchers refresh it right after).
    this.estimator = new PointEstimator(catalog.lastLoaded(), search::pageOf, histories::cachedRecently, LocalDate.parse(unknownStart),
        () -> LocalDate.now(clock));
    this.maxPoints = limit.maxPoints();
    this.enabled = enabled;
  }

  @Override
  public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> fetcher, InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    DataFetchingEnvironment env = parameters.getEnvironment();
    String field = env.getField().getName();
    if (!enabled || env.getExecutionStepInfo().getPath().getLevel() != 1 || field.startsWith("__")
        || field.equals("_service")) {
      return fetcher;
    }
    return e -> {
      check(e);
      return fetcher.get(e);
    };
  }

  private void check(DataFetchingEnvironment env) {
    long estimate = env.getGraphQlContext().computeIfAbsent(CONTEXT_KEY, key -> estimate(env));
    if (estimate > maxPoints) {
      throw new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED, String.format(
          "This query may return %,d points (estimated before reading, from its ranges, frequencies, pages, "
              + "series and aliases); the limit is %,d (almanac.financial.max-response-points): ask for a "
              + "narrower range or fewer series, vintages or aliases", estimate, maxPoints),
          Map.of(ResponseLimit.LIMIT, maxPoints, ESTIMATE, estimate));
    }
  }

  private long estimate(DataFetchingEnvironment env) {
    ExecutableNormalizedOperation operation;
    try {
      operation = ExecutableNormalizedOperationFactory.createExecutableNormalizedOperation(env.getGraphQLSchema(),
          env.getOperationDefinition(), env.getFragmentsByName(), CoercedVariables.of(env.getVariables()));
    } catch (AbortExecutionException tooManyFields) {
      // graphql-java's bound on the fields an operation expands to (fragments multiply them).
      throw new AlmanacGraphQLException(ErrorCode.LIMIT_EXCEEDED,
          "This query expands to too many fields to be estimated: " + tooManyFields.getMessage());
    }
    return estimator.estimate(operation.getTopLevelFields());
  }
}
