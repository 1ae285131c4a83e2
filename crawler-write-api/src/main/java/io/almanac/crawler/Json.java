package io.almanac.crawler;

import java.util.Map;
import org.jooq.JSONB;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** JSON values between GraphQL ({@code Map}s) and PostgreSQL ({@code jsonb}). */
public final class Json {

  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  public static JSONB jsonb(Object value) {
    return value == null ? null : JSONB.valueOf(MAPPER.writeValueAsString(value));
  }

  public static Object value(JSONB jsonb) {
    return jsonb == null ? null : MAPPER.readValue(jsonb.data(), Object.class);
  }

  public static Map<String, Object> object(JSONB jsonb) {
    return jsonb == null ? Map.of() : MAPPER.readValue(jsonb.data(), new TypeReference<Map<String, Object>>() {});
  }
}
