package io.almanac.store;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.schema.MessageType;

/**
 * A typed handle on one top-level column of a table, resolved once from the table's Iceberg schema:
 * the field's id, its position in the schema's generic records, and the Java class those records hold
 * for it. Like Iceberg's {@code Accessor} it reads a row by position, but it is typed, also writes,
 * and finds its column in a Parquet file by field id. Only the layout classes
 * ({@link ObservationLayout}, {@link SeriesLayout}, {@link RawBatchLayout}) create handles.
 *
 * @param name the column's name in the schema
 * @param fieldId the Iceberg field id
 * @param position index of the field in {@code schema.columns()}, which is its position in the records
 *     Iceberg's generic readers and {@code GenericRecord.create(schema)} make
 * @param javaType the class a generic record holds for this column
 */
record Column<T>(String name, int fieldId, int position, Class<T> javaType) {

  /**
   * Resolves {@code field} in {@code schema} by its id.
   *
   * @throws IllegalArgumentException if the schema has no top-level field with that id, or if its
   *     generic records hold another class than {@code javaType} for it
   */
  static <T> Column<T> of(Schema schema, NestedField field, Class<T> javaType) {
    List<NestedField> columns = schema.columns();
    for (int position = 0; position < columns.size(); position++) {
      NestedField found = columns.get(position);
      if (found.fieldId() == field.fieldId()) {
        Class<?> held = genericClassOf(found.type());
        if (!javaType.equals(held)) {
          throw new IllegalArgumentException("Column " + found.name() + " (field " + found.fieldId() + ") is "
              + found.type() + ", held as " + held.getSimpleName() + " in generic records, not as "
              + javaType.getSimpleName());
        }
        return new Column<>(found.name(), found.fieldId(), position, javaType);
      }
    }
    throw new IllegalArgumentException("Schema has no top-level field " + field.fieldId() + " (" + field.name()
        + "); its columns are " + columns);
  }

  /** This column's value in {@code row}, a record of the schema the handle was resolved from. */
  T get(StructLike row) {
    return row.get(position, javaType);
  }

  void set(StructLike row, T value) {
    row.set(position, value);
  }

  /**
   * This column's Parquet type in a data file written by Iceberg, found by field id (Iceberg tags every
   * Parquet field with it).
   *
   * @throws IllegalArgumentException if no top-level field of the file has this column's id
   */
  org.apache.parquet.schema.Type parquetType(MessageType fileSchema) {
    org.apache.parquet.schema.Type type = parquetTypeOrNull(fileSchema);
    if (type != null) {
      return type;
    }
    throw new IllegalArgumentException("Parquet schema " + fileSchema.getName() + " has no field with Iceberg id "
        + fieldId + " (" + name + ")");
  }

  /** This column's Parquet type in a data file, found by field id as {@link #parquetType} does; null when the file lacks it. */
  org.apache.parquet.schema.Type parquetTypeOrNull(MessageType fileSchema) {
    for (org.apache.parquet.schema.Type type : fileSchema.getFields()) {
      if (type.getId() != null && type.getId().intValue() == fieldId) {
        return type;
      }
    }
    return null;
  }

  /** This column of a flat Parquet file (see {@link #parquetType}). */
  ColumnDescriptor parquetColumn(MessageType fileSchema) {
    return fileSchema.getColumnDescription(new String[] {parquetType(fileSchema).getName()});
  }

  /** The classes of Iceberg's generic data model, for the types Almanac's tables use. */
  private static Class<?> genericClassOf(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> Boolean.class;
      case INTEGER -> Integer.class;
      case LONG -> Long.class;
      case STRING -> String.class;
      case DATE -> LocalDate.class;
      case DECIMAL -> BigDecimal.class;
      case LIST -> List.class;
      case TIMESTAMP -> ((Types.TimestampType) type).shouldAdjustToUTC() ? OffsetDateTime.class : LocalDateTime.class;
      default -> throw new IllegalArgumentException("Type " + type + " is not used by Almanac's tables");
    };
  }
}
