package io.almanac.loader;

/** A failure the loader explains in one sentence and ends with the given exit code (see {@link LoadMain}). */
final class LoaderException extends RuntimeException {

  private final int exitCode;

  LoaderException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  LoaderException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
