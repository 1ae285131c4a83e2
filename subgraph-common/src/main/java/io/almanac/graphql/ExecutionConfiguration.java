package io.almanac.graphql;

import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.ExecutionStrategy;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamWriteFeature;

/** How every Almanac subgraph executes operations and writes responses. */
@Configuration(proxyBeanMethods = false)
public class ExecutionConfiguration {

  /** Queries run with {@link ScalarListExecutionStrategy}; DGS takes the bean qualified "query". */
  @Bean
  @Qualifier("query")
  ExecutionStrategy queryExecutionStrategy(DataFetcherExceptionHandler exceptionHandler) {
    return new ScalarListExecutionStrategy(exceptionHandler);
  }

  /**
   * Doubles are written with Jackson's Schubfach writer: Java 17's {@code Double.toString} was the
   * largest single cost of writing a series' values (and is not always the shortest form).
   */
  @Bean
  JsonMapperBuilderCustomizer fastDoubleWriter() {
    return builder -> builder.enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER);
  }
}
