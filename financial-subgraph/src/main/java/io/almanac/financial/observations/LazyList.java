package io.almanac.financial.observations;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/** Read-only lists whose elements are made when read: pages and columns of a view cost nothing until serialized. */
public final class LazyList {

  private LazyList() {}

  public static <T> List<T> of(int size, IntFunction<T> element) {
    return new AbstractList<>() {
      @Override
      public T get(int index) {
        return element.apply(Objects.checkIndex(index, size));
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
