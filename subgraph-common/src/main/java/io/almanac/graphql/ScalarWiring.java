package io.almanac.graphql;

import com.netflix.graphql.dgs.DgsComponent;
import com.netflix.graphql.dgs.DgsRuntimeWiring;
import graphql.schema.GraphQLScalarType;
import graphql.schema.idl.RuntimeWiring;
import java.util.List;

/**
 * Registers the scalars a subgraph declares. Subgraphs subclass it with their own list, so each
 * chooses strict or raw input coercion for {@code Date} and {@code Decimal}.
 */
@DgsComponent
public abstract class ScalarWiring {

  private final List<GraphQLScalarType> scalars;

  protected ScalarWiring(GraphQLScalarType... scalars) {
    this.scalars = List.of(scalars);
  }

  @DgsRuntimeWiring
  public RuntimeWiring.Builder addScalars(RuntimeWiring.Builder builder) {
    scalars.forEach(builder::scalar);
    return builder;
  }
}
