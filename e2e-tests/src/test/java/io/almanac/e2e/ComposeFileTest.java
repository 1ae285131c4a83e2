package io.almanac.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml and the Dockerfiles checked against what the code reads, without a Docker engine: the
 * file is parsed (SnakeYAML, merge keys applied as Compose applies them, {@code ${VAR:-default}} read as its
 * default), and every variable, port, volume, health check and dependency is compared with the modules'
 * application.yml, sources, Dockerfiles and the gateway's config, each read here on its own.
 */
class ComposeFileTest {

  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
  private static final List<String> SUBGRAPHS = List.of("financial-subgraph", "crawler-write-api", "user-subgraph");
  /** Read by the AWS SDK's default credential and region chain inside S3FileIO, not by Almanac's code. */
  private static final Set<String> AWS_SDK_VARIABLES = Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
  private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::?([-?])([^}]*))?}");

  private static Map<String, Map<String, Object>> services;
  private static Map<String, Object> compose;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void parse() throws IOException {
    try (Reader in = Files.newBufferedReader(HOME.resolve("docker-compose.yml"))) {
      compose = new Yaml().load(in);
    }
    services = (Map<String, Map<String, Object>>) compose.get("services");
  }

  @Test
  void theServicesAreThereAndEveryImageOfOursIsBuiltFromItsModulesDockerfile() throws IOException {
    assertThat(services).containsKeys("postgres", "minio", "createbuckets", "financial-subgraph", "crawler-write-api",
        "user-subgraph", "gateway", "demo-data");
    Map<String, String> modules = new LinkedHashMap<>();
    SUBGRAPHS.forEach(m -> modules.put(m, m));
    modules.put("demo-data", "local-stack");
    for (Map.Entry<String, String> entry : modules.entrySet()) {
      Map<String, Object> build = map(services.get(entry.getKey()).get("build"));
      assertThat(build.get("context")).as(entry.getKey()).isEqualTo(".");
      assertThat(build.get("dockerfile")).isEqualTo(entry.getValue() + "/Dockerfile");
      String dockerfile = Files.readString(HOME.resolve(entry.getValue()).resolve("Dockerfile"));
      Matcher mvn = Pattern.compile("mvn [^\\n]*-pl (\\S+) -am package").matcher(dockerfile);
      assertThat(mvn.find()).as("%s builds with Maven", entry.getValue()).isTrue();
      assertThat(mvn.group(1)).isEqualTo(entry.getValue());
      assertThat(dockerfile).contains("cp " + entry.getValue() + "/target/" + entry.getValue() + "-");
      assertThat(HOME.resolve(entry.getValue()).resolve("pom.xml")).exists();
      // Multi-stage, and the running stage drops root.
      assertThat(Pattern.compile("(?m)^FROM ").matcher(dockerfile).results().count()).isEqualTo(2);
      assertThat(dockerfile.substring(dockerfile.lastIndexOf("\nFROM "))).contains("\nUSER almanac");
    }
  }

  @Test
  void everyVariableGivenToASubgraphIsOneItReads() throws IOException {
    for (String module : SUBGRAPHS) {
      Set<String> read = variablesRead(module);
      Map<String, String> env = new LinkedHashMap<>(environment(module));
      env.putAll(dockerfileEnv(module));
      for (String variable : env.keySet()) {
        if (AWS_SDK_VARIABLES.contains(variable)) {
          assertThat(Files.readString(HOME.resolve(module).resolve("pom.xml")))
              .as("%s sets %s for the AWS SDK, which needs iceberg-aws-bundle", module, variable)
              .contains("<artifactId>iceberg-aws-bundle</artifactId>");
        } else {
          assertThat(read).as("%s is set for %s", variable, module).contains(variable);
        }
      }
    }
  }

  @Test
  void portsAndHealthChecksMatchWhatTheSubgraphsListenOn() throws IOException {
    Map<String, String> urlVariables = Map.of("financial-subgraph", "ALMANAC_FINANCIAL_URL",
        "crawler-write-api", "ALMANAC_CRAWLER_URL", "user-subgraph", "ALMANAC_USERS_URL");
    Map<String, String> gatewayEnv = environment("gateway");
    for (String module : SUBGRAPHS) {
      String yml = Files.readString(HOME.resolve(module).resolve("src/main/resources/application.yml"));
      Matcher port = Pattern.compile("(?m)^server:\\n  port: \\$\\{(\\w+):(\\d+)}").matcher(yml);
      assertThat(port.find()).as("%s's server.port", module).isTrue();
      String listens = environment(module).getOrDefault(port.group(1), port.group(2));
      String dockerfile = Files.readString(HOME.resolve(module).resolve("Dockerfile"));
      assertThat(dockerfile).contains("EXPOSE " + listens + "\n");
      String readiness = "http://127.0.0.1:" + listens + "/actuator/health/readiness";
      assertThat(dockerfile).contains("\"" + readiness + "\"");
      assertThat(healthcheck(module)).contains(readiness);
      // The readiness probe exists only when probes are enabled.
      assertThat(yml).containsPattern("probes:\\n\\s+enabled: true");
      URI url = URI.create(gatewayEnv.get(urlVariables.get(module)));
      assertThat(url.getHost()).isEqualTo(module);
      assertThat(String.valueOf(url.getPort())).isEqualTo(listens);
      assertThat(url.getPath()).isEqualTo("/graphql");
      assertThat(services.get(module)).doesNotContainKey("ports");
    }
  }

  @Test
  void theGatewayGetsOnlyVariablesItsConfigReadsAndEveryFileItLoads() throws IOException {
    Map<String, Object> gateway = services.get("gateway");
    Map<String, String> config = new HashMap<>();
    try (Stream<Path> files = Files.list(HOME.resolve("gateway-config"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".mjs")).toList()) {
        config.put(file.getFileName().toString(), Files.readString(file));
      }
    }
    String all = String.join("\n", config.values());
    for (String variable : environment("gateway").keySet()) {
      assertThat(all).as("gateway-config reads %s", variable).contains(variable);
    }
    // package.json is JSON, which is YAML.
    Map<String, Object> packageJson = map(new Yaml().load(Files.readString(HOME.resolve("gateway-config/package.json"))));
    Object version = map(packageJson.get("dependencies")).get("@graphql-hive/gateway");
    assertThat(gateway.get("image")).isEqualTo("ghcr.io/graphql-hive/gateway:" + version);
    Map<String, String> mounts = new HashMap<>();
    for (Object volume : (List<?>) gateway.get("volumes")) {
      String[] parts = volume.toString().split(":");
      mounts.put(parts[1], parts[0]);
      assertThat(HOME.resolve(parts[0])).as("mounted %s", parts[0]).exists();
    }
    // The config file, the supergraph it reads, and every local module it imports.
    List<String> needed = new ArrayList<>(List.of("gateway.config.mjs", "supergraph.graphql"));
    Matcher imports = Pattern.compile("from '\\./([^']+)'").matcher(config.get("gateway.config.mjs"));
    while (imports.find()) {
      needed.add(imports.group(1));
    }
    for (String file : needed) {
      assertThat(mounts).as("/gateway/%s mounted", file).containsEntry("/gateway/" + file, "./gateway-config/" + file);
    }
    assertThat(gateway.get("working_dir")).isEqualTo("/gateway");
    String port = environment("gateway").get("ALMANAC_GATEWAY_PORT");
    assertThat(strings(gateway.get("ports"))).containsExactly(port + ":" + port);
    assertThat(healthcheck("gateway")).contains("http://127.0.0.1:" + port + "/readiness");
    URI demoTarget = URI.create(environment("demo-data").get("ALMANAC_GATEWAY_URL"));
    assertThat(demoTarget.getHost() + ":" + demoTarget.getPort()).isEqualTo("gateway:" + port);
  }

  @Test
  void theWarehouseIsTheBucketCreatedAtStartOnTheMinioServiceWithItsCredentials() {
    String command = String.join(" ", strings(services.get("createbuckets").get("command")));
    Matcher alias = Pattern.compile("mc alias set (\\w+) (\\S+) \"\\$\\$MINIO_ROOT_USER\" \"\\$\\$MINIO_ROOT_PASSWORD\"")
        .matcher(command);
    assertThat(alias.find()).as(command).isTrue();
    Matcher bucket = Pattern.compile("mc mb --ignore-existing " + alias.group(1) + "/([a-z0-9.-]+)").matcher(command);
    assertThat(bucket.find()).as(command).isTrue();
    Map<String, String> minio = environment("minio");
    assertThat(environment("createbuckets")).containsAllEntriesOf(Map.of(
        "MINIO_ROOT_USER", minio.get("MINIO_ROOT_USER"), "MINIO_ROOT_PASSWORD", minio.get("MINIO_ROOT_PASSWORD")));
    // MinIO serves S3 on 9000 unless `server --address` says otherwise.
    assertThat(strings(services.get("minio").get("command"))).doesNotContain("--address");
    for (String module : SUBGRAPHS) {
      Map<String, String> env = environment(module);
      assertThat(URI.create(env.get("ALMANAC_WAREHOUSE")).getHost()).as(module).isEqualTo(bucket.group(1));
      assertThat(URI.create(env.get("ALMANAC_WAREHOUSE")).getScheme()).isEqualTo("s3");
      assertThat(env.get("ALMANAC_S3_ENDPOINT")).isEqualTo(alias.group(2)).isEqualTo("http://minio:9000");
      assertThat(env.get("ALMANAC_S3_PATH_STYLE")).isEqualTo("true");
      assertThat(env.get("AWS_ACCESS_KEY_ID")).isEqualTo(minio.get("MINIO_ROOT_USER"));
      assertThat(env.get("AWS_SECRET_ACCESS_KEY")).isEqualTo(minio.get("MINIO_ROOT_PASSWORD"));
      // The database: the postgres service's, its database, user and password.
      Map<String, String> postgres = environment("postgres");
      assertThat(env.get("ALMANAC_DB_URL")).isEqualTo("jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
      assertThat(env.get("ALMANAC_DB_USER")).isEqualTo(postgres.get("POSTGRES_USER"));
      assertThat(env.get("ALMANAC_DB_PASSWORD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"));
    }
  }

  @Test
  void startOrderWaitsForHealthyServicesAndFinishedOneShots() {
    for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
      Object dependsOn = service.getValue().get("depends_on");
      boolean oneShot = "no".equals(service.getValue().get("restart"));
      if (!oneShot) {
        assertThat(service.getValue()).as("%s has a health check", service.getKey()).containsKey("healthcheck");
      }
      if (dependsOn == null) {
        continue;
      }
      for (Map.Entry<String, Object> dependency : map(dependsOn).entrySet()) {
        Map<String, Object> target = services.get(dependency.getKey());
        assertThat(target).as("%s depends on %s", service.getKey(), dependency.getKey()).isNotNull();
        Object condition = map(dependency.getValue()).get("condition");
        if ("service_healthy".equals(condition)) {
          assertThat(target).as("%s waits for %s's health", service.getKey(), dependency.getKey())
              .containsKey("healthcheck");
        } else {
          assertThat(condition).isEqualTo("service_completed_successfully");
          assertThat(target.get("restart")).as("%s is a one-shot", dependency.getKey()).isEqualTo("no");
        }
      }
    }
    for (String module : SUBGRAPHS) {
      assertThat(map(services.get(module).get("depends_on"))).containsOnlyKeys("postgres", "createbuckets");
    }
    assertThat(map(services.get("gateway").get("depends_on"))).containsOnlyKeys(SUBGRAPHS.toArray(String[]::new));
  }

  @Test
  void namedVolumesAreDeclaredAndTheDemoLoaderIsARealClassReadingItsVariables() throws IOException {
    Set<String> declared = map(compose.get("volumes")).keySet();
    for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
      Object volumes = service.getValue().get("volumes");
      for (String volume : volumes == null ? List.<String>of() : strings(volumes)) {
        String source = volume.split(":")[0];
        if (!source.startsWith(".")) {
          assertThat(declared).as("volume %s of %s", source, service.getKey()).contains(source);
        }
      }
    }
    String dockerfile = Files.readString(HOME.resolve("local-stack/Dockerfile"));
    Matcher main = Pattern.compile("-Dloader\\.main=([\\w.]+)").matcher(dockerfile);
    assertThat(main.find()).isTrue();
    Path source = HOME.resolve("local-stack/src/main/java").resolve(main.group(1).replace('.', '/') + ".java");
    assertThat(source).exists();
    String code = Files.readString(source);
    assertThat(code).contains("public static void main(");
    for (String variable : environment("demo-data").keySet()) {
      assertThat(code).as("DemoDataMain reads %s", variable).contains("\"" + variable + "\"");
    }
    assertThat(services.get("demo-data").get("profiles")).isEqualTo(List.of("demo"));
  }

  /** What {@code module} reads: placeholders of its application.yml and subgraph-common's properties, names in sources. */
  private static Set<String> variablesRead(String module) throws IOException {
    Set<String> read = new TreeSet<>();
    List<Path> roots = List.of(HOME.resolve(module).resolve("src/main"), HOME.resolve("subgraph-common/src/main"),
        HOME.resolve("timeseries-store/src/main"));
    for (Path root : roots) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          String name = file.getFileName().toString();
          String text = Files.readString(file);
          if (name.endsWith(".yml") || name.endsWith(".properties")) {
            PLACEHOLDER.matcher(text).results().forEach(r -> read.add(r.group(1)));
          } else if (name.endsWith(".java")) {
            Pattern.compile("\"([A-Z][A-Z0-9_]+)\"").matcher(text).results().forEach(r -> read.add(r.group(1)));
          }
        }
      }
    }
    return read;
  }

  /** The service's environment as Compose sees it with no variables set: each {@code ${X:-d}} is d. */
  private static Map<String, String> environment(String service) {
    Map<String, String> env = new LinkedHashMap<>();
    Object raw = services.get(service).get("environment");
    if (raw != null) {
      map(raw).forEach((key, value) -> env.put(key, interpolate(String.valueOf(value))));
    }
    return env;
  }

  /** {@code ENV NAME=value} lines of a module's Dockerfile (its running stage's defaults). */
  private static Map<String, String> dockerfileEnv(String module) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    Matcher line = Pattern.compile("(?m)^ENV (\\w+)=(.*)$").matcher(Files.readString(HOME.resolve(module).resolve("Dockerfile")));
    while (line.find()) {
      if (!line.group(1).equals("JAVA_OPTS")) { // read by the ENTRYPOINT's shell, not the application
        env.put(line.group(1), line.group(2));
      }
    }
    return env;
  }

  private static String healthcheck(String service) {
    return String.join(" ", strings(map(services.get(service).get("healthcheck")).get("test")));
  }

  private static String interpolate(String value) {
    Matcher m = INTERPOLATION.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = m.group(2) == null ? "" : m.group(2).equals("-") ? m.group(3) : "<required " + m.group(1) + ">";
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  private static List<String> strings(Object value) {
    if (value instanceof String s) {
      return List.of(s);
    }
    return ((List<?>) value).stream().map(String::valueOf).toList();
  }
}
