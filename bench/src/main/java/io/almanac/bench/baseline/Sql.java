package io.almanac.bench.baseline;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** SQL text written front to back with its parameters in the order their {@code ?} appear. */
final class Sql {

  private final StringBuilder text = new StringBuilder(512);
  private final List<Object> params = new ArrayList<>();

  Sql append(String fragment) {
    text.append(fragment);
    return this;
  }

  Sql append(int literal) {
    text.append(literal);
    return this;
  }

  /** Appends {@code ?} bound to {@code value}. */
  Sql bind(Object value) {
    text.append('?');
    params.add(value);
    return this;
  }

  /** Appends {@code ?::<type>} bound to a JDBC array of {@code values}. */
  Sql bindArray(String type, Object[] values) {
    text.append("?::").append(type).append("[]");
    params.add(new ArrayParam(type, values));
    return this;
  }

  String text() {
    return text.toString();
  }

  PreparedStatement prepare(java.sql.Connection c) throws SQLException {
    PreparedStatement ps = c.prepareStatement(text.toString());
    try {
      for (int i = 0; i < params.size(); i++) {
        Object p = params.get(i);
        if (p instanceof ArrayParam a) {
          ps.setArray(i + 1, c.createArrayOf(a.type(), a.values()));
        } else {
          ps.setObject(i + 1, p);
        }
      }
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  private record ArrayParam(String type, Object[] values) {}
}
