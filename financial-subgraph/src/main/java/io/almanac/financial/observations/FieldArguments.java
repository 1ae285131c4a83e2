package io.almanac.financial.observations;

import graphql.schema.DataFetchingEnvironment;
import io.almanac.financial.generated.types.Frequency;
import io.almanac.financial.series.Series;
import io.almanac.graphql.AlmanacGraphQLException;
import java.time.LocalDate;

/** How the fields of {@code Series} read their arguments and their source series: one place for every fetcher. */
public final class FieldArguments {

  private FieldArguments() {}

  /** An enum argument, null when absent: graphql-java gives an SDL enum's value as its name. */
  public static <E extends Enum<E>> E enumArgument(DataFetchingEnvironment env, String name, Class<E> type) {
    Object value = env.getArgument(name);
    if (value == null || type.isInstance(value)) {
      return type.cast(value);
    }
    return Enum.valueOf(type, value.toString());
  }

  /** The source series' own frequency: what aggregation starts from and what a transform's n is of. */
  public static Frequency ownFrequency(DataFetchingEnvironment env) {
    return Frequency.valueOf(((Series) env.getSource()).frequency());
  }

  /**
   * Refuses a range whose start, argument {@code startArgument}, is after its end.
   *
   * @throws AlmanacGraphQLException BAD_USER_INPUT naming {@code startArgument}
   */
  public static void checkRange(String startArgument, LocalDate start, String endArgument, LocalDate end) {
    if (start != null && end != null && start.isAfter(end)) {
      throw AlmanacGraphQLException.badInput(startArgument,
          startArgument + " (" + start + ") is after " + endArgument + " (" + end + ")");
    }
  }
}
