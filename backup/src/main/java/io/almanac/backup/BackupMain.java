package io.almanac.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./almanac backup <dir>} and {@code ./almanac restore <dir>}. Without {@code --jdbc-url} and
 * {@code --warehouse}, backup reads those of the stack {@code ./almanac start} is running from
 * {@code data/local/stack.properties}; restore takes the database from {@code ALMANAC_DB_URL},
 * {@code ALMANAC_DB_USER}, {@code ALMANAC_DB_PASSWORD} and puts the warehouse where it was backed up from.
 * Exit codes: 0 done, 1 failed, 2 bad usage.
 */
@Command(name = "almanac", mixinStandardHelpOptions = true, subcommands = {BackupMain.BackupCommand.class,
    BackupMain.RestoreCommand.class}, description = "Backs up and restores Almanac's PostgreSQL and warehouse.")
public final class BackupMain {

  /** Written by {@code ./almanac start}: how to reach the running stack's database and warehouse. */
  public static final String STACK_PROPERTIES = "data/local/stack.properties";

  public static void main(String[] args) {
    System.exit(new CommandLine(new BackupMain())
        .setExecutionExceptionHandler((e, line, parsed) -> {
          System.err.println("Failed: " + describe(e));
          return 1;
        })
        .execute(args));
  }

  /** A failure in words: file-system exceptions carry only the path in their message. */
  static String describe(Throwable e) {
    if (e instanceof java.nio.file.FileSystemException fs) {
      String what = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : e instanceof java.nio.file.NoSuchFileException ? "no such file or folder"
          : e instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
          : e instanceof java.nio.file.NotDirectoryException ? "not a folder"
          : fs.getReason() != null ? fs.getReason() : "cannot be written";
      return fs.getFile() + ": " + what;
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  static Path home() {
    return Path.of(System.getProperty("almanac.home", ".")).toAbsolutePath().normalize();
  }

  @Command(name = "backup", mixinStandardHelpOptions = true, description = "Backs up PostgreSQL (one snapshot) and the warehouse files it references,"
      + " while uploads continue.")
  static final class BackupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "An absent or empty folder for the backup")
    Path target;

    @Option(names = "--jdbc-url", description = "Default: the running `./almanac start` stack's")
    String jdbcUrl;

    @Option(names = "--user")
    String user;

    @Option(names = "--password")
    String password;

    @Option(names = "--warehouse", description = "The local warehouse folder (not s3://: see the README). Default: the"
        + " running stack's")
    String warehouse;

    @Option(names = "--lock-wait", defaultValue = "PT10M",
        description = "How long to wait for running table maintenance to finish (ISO-8601, default PT10M)")
    Duration lockWait;

    @Override
    public Integer call() throws Exception {
      Properties stack = stackProperties();
      String url = jdbcUrl != null ? jdbcUrl : require(stack, "jdbc.url");
      // A folder, or refused when it is object storage (s3://...).
      Path folder = WarehousePaths.path(warehouse != null ? warehouse : require(stack, "warehouse"));
      Backup.Result result = Backup.run(new Backup.Options(url,
          user != null ? user : stack.getProperty("jdbc.user"),
          password != null ? password : stack.getProperty("jdbc.password"),
          folder, home(), target, lockWait));
      BackupManifest m = result.manifest();
      long rows = m.tables().stream().mapToLong(BackupManifest.Table::rows).sum();
      System.out.printf("Backed up to %s in %.1f s: database as of %s (%d tables, %d rows), %d warehouse files"
              + " (%.1f MB) of %d Iceberg tables.%n", target.toAbsolutePath(), result.took().toMillis() / 1000.0,
          m.snapshotAt(), m.tables().size(), rows, m.files(), m.fileBytes() / 1e6, m.catalogTables().size());
      return 0;
    }

    private Properties stackProperties() throws IOException {
      Properties properties = new Properties();
      Path file = home().resolve(STACK_PROPERTIES);
      if ((jdbcUrl == null || warehouse == null) && Files.isRegularFile(file)) {
        try (InputStream in = Files.newInputStream(file)) {
          properties.load(in);
        }
      }
      return properties;
    }

    private String require(Properties stack, String key) {
      String value = stack.getProperty(key);
      if (value == null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "No running stack found (" + STACK_PROPERTIES + "): give --jdbc-url and --warehouse");
      }
      return value;
    }
  }

  @Command(name = "restore", mixinStandardHelpOptions = true, description = "Restores a backup into an empty database and an empty warehouse folder.")
  static final class RestoreCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "A folder written by `almanac backup`")
    Path source;

    @Option(names = "--jdbc-url", defaultValue = "${env:ALMANAC_DB_URL}", required = true,
        description = "An empty database (default: ALMANAC_DB_URL)")
    String jdbcUrl;

    @Option(names = "--user", defaultValue = "${env:ALMANAC_DB_USER}")
    String user;

    @Option(names = "--password", defaultValue = "${env:ALMANAC_DB_PASSWORD}")
    String password;

    @Option(names = "--warehouse", description = "Must be the backed-up location (the default)")
    Path warehouse;

    @Override
    public Integer call() throws Exception {
      Restore.Result result = Restore.run(new Restore.Options(jdbcUrl, user, password, warehouse, source));
      BackupManifest m = result.manifest();
      System.out.printf("Restored %s in %.1f s: the database as of %s and %d warehouse files into %s.%n"
              + "Start the services on this database (e.g. ALMANAC_DB_URL=%s ./almanac start --no-demo).%n",
          source.toAbsolutePath(), result.took().toMillis() / 1000.0, m.snapshotAt(), m.files(), m.warehouse(),
          jdbcUrl);
      return 0;
    }
  }
}
