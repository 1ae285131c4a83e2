package io.almanac.graphql;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;

/**
 * Almanac's scalars. {@code Date} is ISO {@code yyyy-MM-dd}, {@code DateTime} ISO-8601 with offset,
 * {@code Decimal} an exact number written as a JSON string.
 */
public final class Scalars {

  public static final GraphQLScalarType DATE = strict("Date", "ISO-8601 date, yyyy-MM-dd",
      LocalDate.class, Scalars::parseDate, LocalDate::toString);

  public static final GraphQLScalarType DATE_TIME = strict("DateTime", "ISO-8601 date-time with offset",
      OffsetDateTime.class, OffsetDateTime::parse,
      t -> t.withOffsetSameInstant(ZoneOffset.UTC).toString());

  public static final GraphQLScalarType DECIMAL = strict("Decimal", "Exact decimal number as a string",
      BigDecimal.class, Scalars::parseDecimal, BigDecimal::toPlainString);

  /**
   * Input-only variants for upload payloads: they keep the text as sent, so that a malformed date or
   * value in one point is reported against that point (and archived) instead of failing the request.
   */
  public static final GraphQLScalarType RAW_DATE = raw("Date", "ISO-8601 date, yyyy-MM-dd", false);

  /**
   * Keeps a string as sent; a JSON number (literal or variable) becomes a {@link DecimalNumber} so that the
   * upload can refuse one that a JSON parser may have rounded (see {@link #MAX_NUMBER_DIGITS}).
   */
  public static final GraphQLScalarType RAW_DECIMAL = raw("Decimal", "Exact decimal number as a string", true);

  /**
   * Most significant digits of a {@code Decimal} given as a JSON number rather than a string. A double
   * holds every decimal of up to 15 significant digits exactly (it reads back as the same text), not more;
   * the gateway, like most JSON parsers, reads numbers as doubles before Almanac sees them, so a number with
   * more digits may already have been rounded (1234567890.1234567891 arrives as 1234567890.1234567) and is
   * refused rather than stored rounded. Strings of any stored precision are exact.
   */
  public static final int MAX_NUMBER_DIGITS = 15;

  /**
   * A {@code Decimal} input given as a JSON number: its text as received (a double's shortest text).
   *
   * @param text the number's decimal text, e.g. {@code 1234567890.1234567}
   */
  public record DecimalNumber(String text) {
    /** Whether the number may have been rounded on the way: more than {@link #MAX_NUMBER_DIGITS} digits. */
    public boolean mayBeRounded() {
      return significantDigits(text) > MAX_NUMBER_DIGITS;
    }
  }

  /** What a client is told when a {@code Decimal} number has too many digits to be exact. */
  public static String numberTooPrecise(String text) {
    return "Decimal " + text + " was sent as a JSON number with " + significantDigits(text)
        + " significant digits: JSON parsers (the gateway's too) read numbers as doubles, exact to "
        + MAX_NUMBER_DIGITS + " digits only; send decimals as strings, e.g. \"" + text + "\"";
  }

  /** Significant digits of a decimal number's text (leading and trailing zeros do not count); -1 if none. */
  static int significantDigits(String text) {
    try {
      BigDecimal value = new BigDecimal(text.trim());
      return value.signum() == 0 ? 1 : value.stripTrailingZeros().precision();
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code 1.2345678901234567E9} as {@code 1234567890.1234567}; NaN and infinities as they are. */
  private static String plain(String text) {
    try {
      return new BigDecimal(text).toPlainString();
    } catch (NumberFormatException e) {
      return text;
    }
  }

  /** A JSON number's decimal text: the token's text when the parser kept it, a double's shortest text. */
  static String numberText(Number number) {
    if (number instanceof Double d) {
      return plain(tools.jackson.core.io.NumberOutput.toString(d, true));
    }
    if (number instanceof Float f) {
      return plain(tools.jackson.core.io.NumberOutput.toString(f, true));
    }
    if (number instanceof BigDecimal b) {
      return b.toString();
    }
    return number.toString();
  }

  /** Any JSON value: objects become maps, arrays lists; serialized as is. */
  public static final GraphQLScalarType JSON = GraphQLScalarType.newScalar()
      .name("JSON").description("Any JSON value")
      .coercing(new Coercing<Object, Object>() {
        @Override
        public Object serialize(Object value, GraphQLContext context, Locale locale) {
          return value;
        }

        @Override
        public Object parseValue(Object input, GraphQLContext context, Locale locale) {
          return input;
        }

        @Override
        public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
          return jsonLiteral(input, variables);
        }
      })
      .build();

  private Scalars() {}

  private static Object jsonLiteral(Value<?> input, CoercedVariables variables) {
    if (input instanceof graphql.language.ObjectValue object) {
      java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
      object.getObjectFields().forEach(f -> map.put(f.getName(), jsonLiteral(f.getValue(), variables)));
      return map;
    }
    if (input instanceof graphql.language.ArrayValue array) {
      return array.getValues().stream().map(v -> jsonLiteral(v, variables)).toList();
    }
    if (input instanceof graphql.language.VariableReference ref) {
      return variables.get(ref.getName());
    }
    if (input instanceof graphql.language.NullValue) {
      return null;
    }
    if (input instanceof graphql.language.IntValue i) {
      return i.getValue();
    }
    if (input instanceof graphql.language.FloatValue f) {
      return f.getValue();
    }
    if (input instanceof graphql.language.BooleanValue b) {
      return b.isValue();
    }
    if (input instanceof graphql.language.EnumValue e) {
      return e.getName();
    }
    return literalText(input);
  }

  /**
   * Parses a finite decimal; JSON numbers and strings are both accepted on input. {@code BigDecimal}
   * itself refuses "NaN" and "Infinity", so no separate check is needed.
   */
  public static BigDecimal parseDecimal(String text) {
    String trimmed = text.trim();
    for (int i = 0; i < trimmed.length(); i++) {
      if (trimmed.charAt(i) > 0x7F) {
        // BigDecimal reads any Unicode digit ("١٢٣" as 123): a decimal here is written in ASCII.
        throw new NumberFormatException("Not an ASCII decimal: " + text);
      }
    }
    return new BigDecimal(trimmed);
  }

  /**
   * Parses an ISO date exactly as {@link LocalDate#parse} does. The common {@code yyyy-MM-dd} form is
   * read directly: the formatter-based parse cost a fifth of an upload's CPU (a field map and a resolver
   * per date); other forms (signed years beyond 9999) still go through the formatter.
   *
   * @throws DateTimeParseException if the text is not a valid ISO date
   */
  public static LocalDate parseDate(String text) {
    if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 7);
      int day = digits(text, 8, 10);
      if (year >= 0 && month >= 0 && day >= 0) {
        try {
          return LocalDate.of(year, month, day);
        } catch (java.time.DateTimeException e) {
          throw new DateTimeParseException("Invalid date '" + text + "': " + e.getMessage(), text, 0, e);
        }
      }
    }
    return LocalDate.parse(text);
  }

  /** The number written by ASCII digits {@code text[from, to)}, or -1 if any is not a digit. */
  private static int digits(String text, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static <T> GraphQLScalarType strict(String name, String description, Class<T> type,
      Function<String, T> parse, Function<T, String> format) {
    Coercing<T, String> coercing = new Coercing<>() {
      @Override
      public String serialize(Object value, GraphQLContext context, Locale locale) {
        if (type.isInstance(value)) {
          return format.apply(type.cast(value));
        }
        if (value instanceof String s) {
          // Server-made text (the columnar data path pre-formats dates): passed through as is.
          return s;
        }
        throw new CoercingSerializeException("Expected a " + type.getSimpleName() + " for " + name + ", got " + value);
      }

      @Override
      public T parseValue(Object input, GraphQLContext context, Locale locale) {
        if (input instanceof String s) {
          return parseOrThrow(s, CoercingParseValueException::new);
        }
        if (name.equals("Decimal") && input instanceof Number n) {
          return parseNumber(numberText(n), CoercingParseValueException::new);
        }
        throw new CoercingParseValueException(name + " must be a string, got " + input);
      }

      @Override
      public T parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
        if (input instanceof StringValue s) {
          return parseOrThrow(s.getValue(), CoercingParseLiteralException::new);
        }
        if (name.equals("Decimal") && (input instanceof graphql.language.IntValue || input instanceof graphql.language.FloatValue)) {
          return parseNumber(literalText(input), CoercingParseLiteralException::new);
        }
        throw new CoercingParseLiteralException(name + " must be a string literal, got " + input);
      }

      /** A Decimal given as a number: refused past {@link #MAX_NUMBER_DIGITS} digits, as it may be rounded. */
      private <E extends RuntimeException> T parseNumber(String text, Function<String, E> error) {
        if (significantDigits(text) > MAX_NUMBER_DIGITS) {
          throw error.apply(numberTooPrecise(text));
        }
        return parseOrThrow(text, error);
      }

      private <E extends RuntimeException> T parseOrThrow(String text, Function<String, E> error) {
        try {
          return parse.apply(text);
        } catch (DateTimeParseException | NumberFormatException e) {
          throw error.apply("Invalid " + name + " '" + text + "': expected " + description);
        }
      }
    };
    return GraphQLScalarType.newScalar().name(name).description(description).coercing(coercing).build();
  }

  /** Input values as sent: Strings, or {@link DecimalNumber}s for numbers when {@code numbers} is set. */
  private static GraphQLScalarType raw(String name, String description, boolean numbers) {
    Coercing<Object, String> coercing = new Coercing<>() {
      @Override
      public String serialize(Object value, GraphQLContext context, Locale locale) {
        return String.valueOf(value);
      }

      @Override
      public Object parseValue(Object input, GraphQLContext context, Locale locale) {
        if (numbers && input instanceof Number n) {
          return new DecimalNumber(numberText(n));
        }
        return String.valueOf(input);
      }

      @Override
      public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
        if (numbers && (input instanceof graphql.language.IntValue || input instanceof graphql.language.FloatValue)) {
          return new DecimalNumber(literalText(input));
        }
        return literalText(input);
      }
    };
    return GraphQLScalarType.newScalar().name(name).description(description).coercing(coercing).build();
  }

  private static String literalText(Value<?> input) {
    if (input instanceof StringValue s) {
      return s.getValue();
    }
    if (input instanceof graphql.language.IntValue i) {
      return i.getValue().toString();
    }
    if (input instanceof graphql.language.FloatValue f) {
      return f.getValue().toString();
    }
    if (input instanceof graphql.language.BooleanValue b) {
      return String.valueOf(b.isValue());
    }
    return input.toString();
  }
}
