package io.almanac.graphql;

import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Refuses a text argument holding U+0000 or an unpaired surrogate with BAD_USER_INPUT naming it
 * ({@code input.name}, {@code input[2].title}), before any fetcher runs: PostgreSQL's text and jsonb cannot
 * store U+0000 (a database error, INTERNAL, from whichever query met it first), and an unpaired surrogate
 * is stored as {@code ?}, so a row written with it is never found by it again. Root fields listed in {@code almanac.graphql.per-item-text-fields} are left alone: they report
 * bad text per item themselves (the crawler's {@code bulkUpsertDataPoints}, whose points get their own
 * error and are archived).
 */
@Component
public class StorableTextInstrumentation extends SimplePerformantInstrumentation {

  private final Set<String> perItemFields;

  public StorableTextInstrumentation(@Value("${almanac.graphql.per-item-text-fields:}") List<String> perItemFields) {
    this.perItemFields = Set.copyOf(perItemFields);
  }

  @Override
  public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> fetcher, InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    DataFetchingEnvironment env = parameters.getEnvironment();
    String field = env.getField().getName();
    if (env.getExecutionStepInfo().getPath().getLevel() != 1 || field.startsWith("__")
        || perItemFields.contains(field) || env.getArguments().isEmpty()) {
      return fetcher;
    }
    return e -> {
      e.getArguments().forEach(StorableTextInstrumentation::check);
      return fetcher.get(e);
    };
  }

  /** Without U+0000 and with every surrogate paired: text PostgreSQL stores and gives back unchanged. */
  static boolean storable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000') {
        return false;
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static void check(String path, Object value) {
    if (value instanceof String text && !storable(text)) {
      throw AlmanacGraphQLException.badInput(path, path
          + " holds U+0000 or an unpaired surrogate (invalid UTF-16), which stored text cannot hold");
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, item) -> check(path + "." + key, item));
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        check(path + "[" + i + "]", list.get(i));
      }
    }
  }
}
