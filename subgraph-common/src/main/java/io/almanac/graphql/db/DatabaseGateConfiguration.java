package io.almanac.graphql.db;

import javax.sql.DataSource;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.ExecuteListenerProvider;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts every subgraph's pool (the bean {@code dataSource}) behind one {@link DatabaseGate}, and lets every jOOQ
 * statement that fails on a lost connection trip it.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseGateConfiguration {

  static final String POOL = "dataSource";

  @Bean(destroyMethod = "close")
  static DatabaseGate databaseGate() {
    return new DatabaseGate();
  }

  @Bean
  static BeanPostProcessor gatedPool(ObjectProvider<DatabaseGate> gate) {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (POOL.equals(name) && bean instanceof DataSource pool && !(bean instanceof GatedDataSource)) {
          DatabaseGate databaseGate = gate.getObject();
          databaseGate.attach(pool);
          return new GatedDataSource(pool, databaseGate);
        }
        return bean;
      }
    };
  }

  @Bean
  ExecuteListenerProvider databaseGateListener(DatabaseGate gate) {
    return listener(gate);
  }

  /** A jOOQ listener that lets a statement failing on a lost connection trip {@code gate}. */
  public static ExecuteListenerProvider listener(DatabaseGate gate) {
    return new DefaultExecuteListenerProvider(new ExecuteListener() {
      @Override
      public void exception(ExecuteContext context) {
        gate.observe(context.sqlException() != null ? context.sqlException() : context.exception());
      }
    });
  }
}
