package io.almanac.graphql.audit;

import com.netflix.graphql.dgs.context.DgsContext;
import com.netflix.graphql.dgs.internal.DgsRequestData;
import graphql.GraphQLError;
import graphql.execution.DataFetcherResult;
import graphql.execution.instrumentation.FieldFetchingInstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.language.OperationDefinition;
import graphql.schema.DataFetchingEnvironment;
import io.almanac.graphql.auth.Callers;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Records every top-level mutation field of every subgraph in the audit trail ({@link AuditTrail}): who
 * (the caller the auth gate established), the action (the field's name), the target, the arguments
 * without secrets, and the outcome ({@code OK} or the error code), once the field's value (or its
 * asynchronous result) is complete. New mutations are covered without code of their own.
 *
 * <p>The target is the first of: the {@code id} or {@code batchId} argument (also inside an input
 * object); the result's {@code id} or {@code batchId} (also one level down, e.g. {@code apiKey.id});
 * the {@code runId}, {@code seriesId}, {@code providerId} or {@code userId} argument. Refusals by the
 * auth gate (FORBIDDEN for a role too low) are recorded too; callers without a valid key are not (see
 * {@link AuditTrail}).
 */
@Component
public class AuditInstrumentation extends SimplePerformantInstrumentation {

  /** Header a gateway or client may send to correlate an entry with its logs. */
  public static final String REQUEST_ID = "X-Request-Id";
  private static final List<String> PRIMARY = List.of("id", "batchId");
  private static final List<String> SECONDARY = List.of("runId", "seriesId", "providerId", "userId");

  private final AuditTrail trail;

  public AuditInstrumentation(AuditTrail trail) {
    this.trail = trail;
  }

  /**
   * Field fetching's context, not a data-fetcher wrapper: it completes (synchronously, before the field's
   * value is used) with the value or the failure of the whole instrumented fetcher, so refusals by the auth
   * gate's wrapper are seen whatever the order of instrumentations.
   */
  @Override
  public FieldFetchingInstrumentationContext beginFieldFetching(InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    DataFetchingEnvironment env = parameters.getEnvironment();
    if (env.getExecutionStepInfo().getPath().getLevel() != 1
        || env.getOperationDefinition().getOperation() != OperationDefinition.Operation.MUTATION) {
      return FieldFetchingInstrumentationContext.NOOP;
    }
    return new FieldFetchingInstrumentationContext() {
      @Override
      public void onDispatched() {}

      @Override
      public void onCompleted(Object result, Throwable failure) {
        record(env, result, failure);
      }
    };
  }

  private void record(DataFetchingEnvironment env, Object result, Throwable failure) {
    String outcome = AuditTrail.outcome(failure);
    Object value = result;
    if (result instanceof DataFetcherResult<?> wrapped) {
      value = wrapped.getData();
      if (failure == null && !wrapped.getErrors().isEmpty()) {
        outcome = errorCode(wrapped.getErrors().get(0));
      }
    }
    Map<String, Object> arguments = env.getArguments();
    trail.record(Callers.current(env), env.getField().getName(), target(arguments, value), arguments, outcome,
        requestId(env));
  }

  private static String errorCode(GraphQLError error) {
    Object code = error.getExtensions() == null ? null : error.getExtensions().get("code");
    return code == null ? "INTERNAL" : code.toString();
  }

  /** See the class comment. */
  static String target(Map<String, ?> arguments, Object result) {
    String found = named(arguments, PRIMARY);
    if (found == null) {
      for (Object argument : arguments.values()) {
        if (argument instanceof Map<?, ?> input && (found = named(input, PRIMARY)) != null) {
          return found;
        }
      }
    }
    if (found == null && result != null) {
      found = property(result, PRIMARY);
      if (found == null) {
        for (Object child : children(result)) {
          if ((found = property(child, PRIMARY)) != null) {
            break;
          }
        }
      }
    }
    return found != null ? found : named(arguments, SECONDARY);
  }

  private static String named(Map<?, ?> values, List<String> names) {
    for (String name : names) {
      Object value = values.get(name);
      if (value != null && !(value instanceof Map) && !(value instanceof List)) {
        return value.toString();
      }
    }
    return null;
  }

  /** A result's property {@code id} or {@code batchId}: a map key, a getter or a record accessor. */
  private static String property(Object object, List<String> names) {
    if (object instanceof Map<?, ?> map) {
      return named(map, names);
    }
    for (String name : names) {
      Object value = invoke(object, "get" + Character.toUpperCase(name.charAt(0)) + name.substring(1));
      if (value == null) {
        value = invoke(object, name);
      }
      if (value != null) {
        return value.toString();
      }
    }
    return null;
  }

  /** The result's object-valued properties (not lists, not plain values), one level down. */
  private static List<Object> children(Object object) {
    if (object instanceof Map<?, ?> map) {
      return map.values().stream().filter(v -> v instanceof Map).map(v -> (Object) v).toList();
    }
    return java.util.Arrays.stream(object.getClass().getMethods())
        .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())
            && m.getDeclaringClass() != Object.class && m.getName().startsWith("get"))
        .filter(m -> !isPlain(m.getReturnType()))
        .map(m -> invoke(object, m))
        .filter(v -> v != null && !isPlain(v.getClass()))
        .toList();
  }

  private static boolean isPlain(Class<?> type) {
    return type.isPrimitive() || type.isEnum() || type.isArray() || type.getName().startsWith("java.")
        || Iterable.class.isAssignableFrom(type);
  }

  private static Object invoke(Object object, String method) {
    try {
      return invoke(object, object.getClass().getMethod(method));
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static Object invoke(Object object, Method method) {
    try {
      return method.getParameterCount() == 0 ? method.invoke(object) : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static String requestId(DataFetchingEnvironment env) {
    DgsRequestData request = DgsContext.from(env).getRequestData();
    HttpHeaders headers = request == null ? null : request.getHeaders();
    return headers == null ? null : headers.getFirst(REQUEST_ID);
  }
}
