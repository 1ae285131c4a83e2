package io.almanac.local;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The first admin's API key for a local stack, in the format the user subgraph issues (alm_<8 hex>_<48 hex>). */
final class BootstrapKey {

  private static final SecureRandom RANDOM = new SecureRandom();

  private BootstrapKey() {}

  static String generate() {
    byte[] prefix = new byte[4];
    byte[] secret = new byte[24];
    RANDOM.nextBytes(prefix);
    RANDOM.nextBytes(secret);
    return "alm_" + HexFormat.of().formatHex(prefix) + "_" + HexFormat.of().formatHex(secret);
  }
}
