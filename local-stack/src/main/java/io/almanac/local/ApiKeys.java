package io.almanac.local;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Bootstrap API keys for the local stack, in the format the user subgraph issues. */
final class ApiKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  static String newBootstrapKey() {
    byte[] prefix = new byte[4];
    byte[] secret = new byte[24];
    RANDOM.nextBytes(prefix);
    RANDOM.nextBytes(secret);
    return "alm_" + HexFormat.of().formatHex(prefix) + "_" + HexFormat.of().formatHex(secret);
  }
}
