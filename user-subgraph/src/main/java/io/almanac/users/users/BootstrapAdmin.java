package io.almanac.users.users;

import io.almanac.graphql.auth.ApiKeySecret;
import io.almanac.graphql.auth.ApiKeyStore;
import io.almanac.users.auth.Roles;
import io.almanac.users.generated.types.Role;
import io.almanac.users.generated.types.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes a fresh install usable: given {@code almanac.bootstrap-admin-key} (env
 * {@code ALMANAC_BOOTSTRAP_ADMIN_KEY}, format {@code alm_<8 hex>_<48 hex>}), creates the admin user
 * {@code admin@localhost} and stores that key for it, unless a key with its prefix already exists.
 */
@Component
class BootstrapAdmin implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);
  static final String ADMIN_EMAIL = "admin@localhost";

  private final String key;
  private final UserRepository users;
  private final ApiKeyStore keys;
  private final TransactionTemplate transaction;

  BootstrapAdmin(@Value("${almanac.bootstrap-admin-key:}") String key, UserRepository users, ApiKeyStore keys,
      TransactionTemplate transaction) {
    this.key = key;
    this.users = users;
    this.keys = keys;
    this.transaction = transaction;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (key == null || key.isBlank()) {
      return;
    }
    ApiKeySecret secret = ApiKeySecret.parse(key)
        .orElseThrow(() -> new IllegalArgumentException("almanac.bootstrap-admin-key must look like alm_<8 hex>_<48 hex>"));
    transaction.executeWithoutResult(status -> {
      if (keys.byPrefix(secret.prefix()).isPresent()) {
        return;
      }
      User admin = users.findByEmail(ADMIN_EMAIL).orElseGet(
          () -> users.create(ADMIN_EMAIL, "Administrator", Role.ADMIN));
      keys.insert(UserService.id(admin), Roles.toAuth(Role.ADMIN), "bootstrap", secret);
      log.info("Bootstrap admin key alm_{}_... stored for {}", secret.prefix(), ADMIN_EMAIL);
    });
  }
}
