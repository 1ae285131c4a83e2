package io.almanac.graphql.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text form of an API key, {@code alm_<prefix>_<secret>}: the prefix (8 hex digits) finds the
 * stored key, the secret (48 hex digits, 192 random bits) proves possession.
 */
public record ApiKeySecret(String prefix, String secret) {

  private static final Pattern FORMAT = Pattern.compile("alm_([0-9a-f]{8})_([0-9a-f]{48})");
  private static final SecureRandom RANDOM = new SecureRandom();

  public static ApiKeySecret generate() {
    byte[] prefix = new byte[4];
    byte[] secret = new byte[24];
    RANDOM.nextBytes(prefix);
    RANDOM.nextBytes(secret);
    return new ApiKeySecret(HexFormat.of().formatHex(prefix), HexFormat.of().formatHex(secret));
  }

  public static Optional<ApiKeySecret> parse(String text) {
    Matcher m = FORMAT.matcher(text.strip());
    return m.matches() ? Optional.of(new ApiKeySecret(m.group(1), m.group(2))) : Optional.empty();
  }

  public static byte[] newSalt() {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return salt;
  }

  public byte[] hash(byte[] salt) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return sha.digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Constant-time comparison with a stored hash. */
  public boolean matches(byte[] salt, byte[] storedHash) {
    return MessageDigest.isEqual(hash(salt), storedHash);
  }

  @Override
  public String toString() {
    return "alm_" + prefix + "_" + secret;
  }
}
