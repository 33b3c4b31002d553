package dev.l2caf.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.l2caf.config.ConfigDef;
import dev.l2caf.config.HttpSettings;
import dev.l2caf.config.S3Credentials;
import dev.l2caf.config.ServiceConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the deployment files (k8s/, docker/, scripts/gpu-check.sh) against the service's real
 * configuration: every expected value is derived from {@link ServiceConfig#definition()} and
 * {@link ServiceConfig#defaults()} (or from the configuration the manifests themselves produce, read
 * with the service's own parsing), never written down a second time here. Renaming a key or changing
 * a default without updating the manifests fails this test.
 *
 * <p>Nothing here needs Docker or a cluster: the files are parsed, not run.
 */
class DeploymentFilesTest {
  private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  private static final Path K8S = ROOT.resolve("k8s");
  private static final Path DOCKER = ROOT.resolve("docker");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ServiceConfig DEFAULTS = ServiceConfig.defaults();

  /** Standard Kubernetes kinds, parsed into fabric8's model classes (unknown fields are errors). */
  private static final Map<String, Class<?>> TYPED_KINDS = Map.of(
      "v1/ConfigMap", ConfigMap.class,
      "v1/Secret", Secret.class,
      "v1/Service", Service.class,
      "apps/v1/Deployment", Deployment.class,
      "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
      "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);
  /** Custom resources and tool files, checked field by field below. */
  private static final Set<String> GENERIC_KINDS = Set.of(
      "keda.sh/v1alpha1/ScaledObject", "kustomize.config.k8s.io/v1beta1/Kustomization");

  /** The variables holding secrets: they may only come from Secrets (k8s) or the environment (compose). */
  private static final Set<String> SECRET_VARIABLES = Set.of(
      S3Credentials.ACCESS_KEY_ID_ENV, S3Credentials.SECRET_ACCESS_KEY_ENV,
      S3Credentials.SESSION_TOKEN_ENV, HttpSettings.BEARER_TOKEN_ENV);

  private static final Pattern INTERPOLATION =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  record Manifest(Path file, JsonNode node, Object typed) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }
  }

  private static List<Manifest> manifests;
  private static Map<String, ConfigMap> configMaps;
  private static Map<String, Secret> secrets;
  private static List<Deployment> deployments;
  private static JsonNode compose;

  @BeforeAll
  static void load() throws IOException {
    manifests = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(K8S)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no manifests under " + K8S);
    for (Path file : files) {
      for (JsonNode node : YAML.readerFor(JsonNode.class).readValues(file.toFile()).readAll()
          .stream().map(JsonNode.class::cast).toList()) {
        if (node == null || node.isNull() || node.isMissingNode()) {
          continue;
        }
        String type = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
        Object typed = null;
        if (TYPED_KINDS.containsKey(type)) {
          typed = YAML.treeToValue(node, TYPED_KINDS.get(type));
          assertNoUnknownFields(typed, file.getFileName() + " " + type, Collections.newSetFromMap(new IdentityHashMap<>()));
        } else if (!GENERIC_KINDS.contains(type)) {
          fail(file + ": " + type + " is not a kind this test knows how to check; add it here");
        }
        if (!type.startsWith("kustomize")) {
          assertFalse(node.path("metadata").path("name").asText().isBlank(), file + ": " + type + " without a name");
        }
        manifests.add(new Manifest(file, node, typed));
      }
    }
    configMaps = typed(ConfigMap.class).stream().collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c));
    secrets = typed(Secret.class).stream().collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));
    deployments = typed(Deployment.class);
    compose = YAML.readTree(DOCKER.resolve("compose.yaml").toFile());
  }

  // --- every variable is a configuration key ------------------------------------------------------

  @Test
  void everyL2cafVariableIsAConfigurationKey() throws IOException {
    Set<String> allowed = new LinkedHashSet<>(configVariables());
    allowed.add(HttpSettings.BEARER_TOKEN_ENV);
    allowed.addAll(loggingVariables());

    Map<String, String> named = new LinkedHashMap<>(); // variable -> where
    for (ConfigMap map : configMaps.values()) {
      map.getData().keySet().forEach(k -> named.put(k, "ConfigMap " + map.getMetadata().getName()));
    }
    for (Deployment deployment : deployments) {
      for (Container container : containers(deployment)) {
        container.getEnv().forEach(v -> named.put(v.getName(), "Deployment " + deployment.getMetadata().getName()));
      }
    }
    compose.path("services").properties().forEach(service ->
        service.getValue().path("environment").fieldNames().forEachRemaining(n -> named.put(n, "compose " + service.getKey())));
    for (String line : Files.readAllLines(DOCKER.resolve(".env.example"))) {
      if (line.contains("=") && !line.startsWith("#")) {
        named.put(line.substring(0, line.indexOf('=')).trim(), "docker/.env.example");
      }
    }
    for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
      for (String env : instructions(dockerfile, "ENV")) {
        named.put(env.split("[=\\s]", 2)[0], "docker/" + dockerfile);
      }
    }

    assertTrue(named.keySet().containsAll(List.of("L2CAF_KAFKA_BOOTSTRAP_SERVERS", "L2CAF_S3_ENDPOINT")),
        "sanity: the collection found the obvious variables: " + named.keySet());
    named.forEach((variable, where) -> {
      if (variable.startsWith(ConfigDef.ENV_PREFIX)) {
        assertTrue(allowed.contains(variable), where + " sets " + variable
            + ", which is no configuration key of the service (keys: " + configVariables() + ")");
      }
    });
  }

  // --- Kubernetes ----------------------------------------------------------------------------------

  @Test
  void deploymentsRunTheWorkerAsConfigured() {
    assertEquals(2, deployments.size(), "a CPU and a GPU Deployment");
    for (Deployment deployment : deployments) {
      String name = deployment.getMetadata().getName();
      assertEquals(deployment.getSpec().getSelector().getMatchLabels(),
          subset(podLabels(deployment), deployment.getSpec().getSelector().getMatchLabels().keySet()),
          name + ": selector must match the pod labels");
      assertEquals(1, containers(deployment).size(), name + ": one container");
      Container container = containers(deployment).get(0);
      ServiceConfig config = effectiveConfig(deployment, container);
      int port = config.http().port();

      assertTrue(Set.of("0.0.0.0", "::").contains(config.http().host()),
          name + ": http.host must be every interface (L2CAF_HTTP_HOST=0.0.0.0) or the kubelet's probes cannot connect, is "
              + config.http().host());
      ContainerPort http = container.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst()
          .orElseThrow(() -> new AssertionError(name + ": no container port named http"));
      assertEquals(port, http.getContainerPort(), name + ": container port vs http.port");

      assertProbe(name + " readiness", container.getReadinessProbe(), "/health/ready", container, port);
      assertProbe(name + " liveness", container.getLivenessProbe(), "/health/live", container, port);
      if (container.getStartupProbe() != null) {
        assertProbe(name + " startup", container.getStartupProbe(), "/health/live", container, port);
      }
      String scrapePort = deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port");
      if (scrapePort != null) {
        assertEquals(String.valueOf(port), scrapePort, name + ": prometheus.io/port vs http.port");
      }

      long grace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
      long shutdown = config.worker().shutdownTimeout().toSeconds();
      assertTrue(grace > shutdown, name + ": terminationGracePeriodSeconds " + grace
          + " must exceed worker.shutdown-timeout-s " + shutdown + " or the kubelet kills in-flight work");

      // Readiness needs assigned partitions: a surge pod may get none and stall the rollout.
      IntOrString surge = deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge();
      assertTrue(surge != null && ("0".equals(String.valueOf(surge.getValue())) || "0%".equals(surge.getValue())),
          name + ": maxSurge must be 0 (a surge pod without partitions never turns ready)");

      Map<String, Quantity> requests = container.getResources().getRequests();
      Map<String, Quantity> limits = container.getResources().getLimits();
      for (String resource : List.of("cpu", "memory")) {
        assertNotNull(requests.get(resource), name + ": no " + resource + " request");
        assertNotNull(limits.get(resource), name + ": no " + resource + " limit");
        assertTrue(Quantity.getAmountInBytes(limits.get(resource)).compareTo(Quantity.getAmountInBytes(requests.get(resource))) >= 0,
            name + ": " + resource + " limit below its request");
      }
    }
  }

  @Test
  void secretsComeOnlyFromSecretReferences() {
    for (ConfigMap map : configMaps.values()) {
      for (String key : map.getData().keySet()) {
        assertFalse(SECRET_VARIABLES.contains(key), "ConfigMap " + map.getMetadata().getName() + " holds the secret " + key);
      }
    }
    for (Deployment deployment : deployments) {
      String name = deployment.getMetadata().getName();
      Map<String, EnvVar> env = containers(deployment).get(0).getEnv().stream()
          .collect(Collectors.toMap(EnvVar::getName, v -> v));
      assertTrue(env.containsKey(S3Credentials.SECRET_ACCESS_KEY_ENV), name + ": no S3 secret key");
      assertEquals(env.containsKey(S3Credentials.ACCESS_KEY_ID_ENV), env.containsKey(S3Credentials.SECRET_ACCESS_KEY_ENV),
          name + ": the two AWS key variables go together (else the worker refuses to start)");
      for (EnvVar variable : env.values()) {
        if (!SECRET_VARIABLES.contains(variable.getName())) {
          continue;
        }
        assertNull(variable.getValue(), name + ": literal value for " + variable.getName());
        assertNotNull(variable.getValueFrom(), name + ": " + variable.getName() + " without valueFrom");
        SecretKeySelector ref = variable.getValueFrom().getSecretKeyRef();
        assertNotNull(ref, name + ": " + variable.getName() + " must come from a secretKeyRef");
        Secret secret = secrets.get(ref.getName());
        assertNotNull(secret, name + ": " + variable.getName() + " refers to Secret " + ref.getName() + ", absent from k8s/");
        assertTrue(secret.getStringData().containsKey(ref.getKey()),
            name + ": Secret " + ref.getName() + " has no key " + ref.getKey());
      }
    }
    for (Secret secret : secrets.values()) {
      assertTrue(secret.getData() == null || secret.getData().isEmpty(), "example Secrets use stringData placeholders only");
      secret.getStringData().forEach((key, value) -> assertTrue(value.contains("PLACEHOLDER"),
          "Secret " + secret.getMetadata().getName() + "/" + key + " must be a marked placeholder"));
    }
  }

  @Test
  void gpuDeploymentRequestsAGpu() {
    List<Deployment> gpu = deployments.stream().filter(d -> gpus(d) > 0).toList();
    List<Deployment> cpu = deployments.stream().filter(d -> gpus(d) == 0).toList();
    assertEquals(1, gpu.size(), "one Deployment with nvidia.com/gpu limits");
    assertEquals(1, cpu.size(), "one CPU Deployment");
    assertEquals(1, gpus(gpu.get(0)), "one GPU per pod: the worker runs one engine thread per GPU");
    assertNotEquals(containers(cpu.get(0)).get(0).getImage(), containers(gpu.get(0)).get(0).getImage(),
        "the GPU Deployment runs the gpu image (docker/Dockerfile.gpu)");
    Quantity requested = containers(gpu.get(0)).get(0).getResources().getRequests().get("nvidia.com/gpu");
    assertTrue(requested == null || requested.equals(containers(gpu.get(0)).get(0).getResources().getLimits().get("nvidia.com/gpu")),
        "extended resources: a request must equal the limit");
  }

  @Test
  void serviceAndDisruptionBudgetsSelectTheWorkers() {
    List<Service> services = typed(Service.class);
    assertEquals(1, services.size());
    Service service = services.get(0);
    for (Deployment deployment : deployments) {
      Map<String, String> labels = podLabels(deployment);
      assertEquals(service.getSpec().getSelector(), subset(labels, service.getSpec().getSelector().keySet()),
          "Service selector misses " + deployment.getMetadata().getName());
      Container container = containers(deployment).get(0);
      int port = effectiveConfig(deployment, container).http().port();
      assertTrue(service.getSpec().getPorts().stream().map(ServicePort::getTargetPort)
              .anyMatch(target -> resolvePort(target, container) == port),
          "Service has no port targeting http.port of " + deployment.getMetadata().getName());

      List<PodDisruptionBudget> budgets = typed(PodDisruptionBudget.class).stream()
          .filter(b -> b.getSpec().getSelector().getMatchLabels().equals(
              subset(labels, b.getSpec().getSelector().getMatchLabels().keySet())))
          .toList();
      assertEquals(1, budgets.size(), "one PodDisruptionBudget for " + deployment.getMetadata().getName());
    }
  }

  @Test
  void kedaScalesEachDeploymentOnItsGroupsLag() {
    List<Manifest> scaled = manifests.stream().filter(m -> m.kind().equals("ScaledObject")).toList();
    assertEquals(deployments.size(), scaled.size(), "one ScaledObject per Deployment");
    for (Manifest manifest : scaled) {
      JsonNode spec = manifest.node().path("spec");
      String target = spec.path("scaleTargetRef").path("name").asText();
      assertEquals("Deployment", spec.path("scaleTargetRef").path("kind").asText("Deployment"), manifest.name());
      Deployment deployment = deployment(target);
      ServiceConfig config = effectiveConfig(deployment, containers(deployment).get(0));

      JsonNode triggers = spec.path("triggers");
      assertEquals(1, triggers.size(), manifest.name() + ": one trigger");
      JsonNode kafka = triggers.get(0);
      assertEquals("kafka", kafka.path("type").asText(), manifest.name() + ": KEDA's Kafka (lag) scaler");
      JsonNode metadata = kafka.path("metadata");
      assertEquals(config.kafka().requestsTopic(), metadata.path("topic").asText(), manifest.name() + ": topic vs kafka.requests-topic");
      assertEquals(config.kafka().groupId(), metadata.path("consumerGroup").asText(), manifest.name() + ": group vs kafka.group-id");
      assertEquals(config.kafka().bootstrapServers(), metadata.path("bootstrapServers").asText(),
          manifest.name() + ": KEDA must read the cluster the worker consumes from");
      assertNotEquals("true", metadata.path("allowIdleConsumers").asText(),
          manifest.name() + ": members beyond the partition count idle; do not scale past it");
      assertTrue(Integer.parseInt(metadata.path("lagThreshold").asText()) > 0, manifest.name() + ": lagThreshold");
      int min = spec.path("minReplicaCount").asInt(0);
      int max = spec.path("maxReplicaCount").asInt();
      assertTrue(min >= 0 && min <= max && max > 0, manifest.name() + ": replica bounds");
    }
  }

  @Test
  void hpaIsTheCpuAlternativeForTheCpuWorker() throws IOException {
    List<HorizontalPodAutoscaler> hpas = typed(HorizontalPodAutoscaler.class);
    assertEquals(1, hpas.size());
    HorizontalPodAutoscaler hpa = hpas.get(0);
    assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
    Deployment target = deployment(hpa.getSpec().getScaleTargetRef().getName());
    assertEquals(0, gpus(target), "the HPA on CPU is for the CPU worker");
    assertTrue(hpa.getSpec().getMetrics().stream().anyMatch(m -> m.getResource() != null && "cpu".equals(m.getResource().getName())),
        "the HPA scales on CPU");
    // Both autoscalers are bounded by the partitions of the requests topic: keep the bounds in step.
    Manifest keda = manifests.stream()
        .filter(m -> m.kind().equals("ScaledObject") && m.node().path("spec").path("scaleTargetRef").path("name").asText().equals(target.getMetadata().getName()))
        .findFirst().orElseThrow();
    assertTrue(hpa.getSpec().getMaxReplicas() <= keda.node().path("spec").path("maxReplicaCount").asInt(),
        "HPA maxReplicas above KEDA's maxReplicaCount (both must stay <= the partition count)");

    // Never both on one Deployment: the kustomization must not apply the HPA next to KEDA.
    Manifest kustomization = manifests.stream().filter(m -> m.kind().equals("Kustomization")).findFirst().orElseThrow();
    List<String> resources = new ArrayList<>();
    kustomization.node().path("resources").forEach(r -> resources.add(r.asText()));
    for (String resource : resources) {
      assertTrue(Files.isRegularFile(K8S.resolve(resource)), "kustomization lists missing " + resource);
    }
    String hpaFile = manifests.stream().filter(m -> m.typed() == hpa).findFirst().orElseThrow().file().getFileName().toString();
    String kedaFile = keda.file().getFileName().toString();
    assertFalse(resources.contains(hpaFile) && resources.contains(kedaFile), "kustomization applies both autoscalers");
    assertFalse(resources.stream().anyMatch(r -> r.contains("secret")), "the placeholder Secret must not be applied");
  }

  // --- docker compose -------------------------------------------------------------------------------

  @Test
  void composeWorkerMatchesTheServiceConfiguration() {
    JsonNode services = compose.path("services");
    JsonNode worker = services.path("worker");
    assertFalse(worker.isMissingNode(), "compose has no worker service");
    ServiceConfig config = ServiceConfig.fromEnvironment(plainEnvironment(worker));

    assertEquals("0.0.0.0", config.http().host(), "the published port needs L2CAF_HTTP_HOST=0.0.0.0");
    List<Integer> targets = new ArrayList<>();
    worker.path("ports").forEach(p -> targets.add(p.isObject() ? p.path("target").asInt() : containerPort(p.asText())));
    assertTrue(targets.contains(config.http().port()), "no published port for http.port " + config.http().port() + ": " + targets);

    long grace = seconds(worker.path("stop_grace_period").asText("10s"));
    assertTrue(grace > config.worker().shutdownTimeout().toSeconds(),
        "stop_grace_period " + grace + " s must exceed worker.shutdown-timeout-s");

    // Kafka: the bootstrap address is a compose service and one of its advertised listeners.
    String bootstrap = config.kafka().bootstrapServers();
    String kafkaService = bootstrap.split(":")[0];
    JsonNode kafka = services.path(kafkaService);
    assertFalse(kafka.isMissingNode(), "L2CAF_KAFKA_BOOTSTRAP_SERVERS names no compose service: " + bootstrap);
    assertTrue(kafka.path("image").asText().startsWith("apache/kafka:"), "the official Kafka image");
    assertTrue(kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText().contains("controller"), "KRaft, no ZooKeeper");
    assertTrue(kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText().contains("//" + bootstrap),
        "the broker does not advertise " + bootstrap);
    assertTrue(kafka.path("environment").path("KAFKA_MESSAGE_MAX_BYTES").asLong() >= config.kafka().maxMessageBytes(),
        "the broker must accept records of kafka.max-message-bytes");

    // S3: the endpoint is the MinIO service; the worker's key pair is MinIO's root pair, from .env.
    String s3Host = URI.create(config.s3().endpoint().orElseThrow().toString()).getHost();
    JsonNode minio = services.path(s3Host);
    assertFalse(minio.isMissingNode(), "L2CAF_S3_ENDPOINT names no compose service: " + s3Host);
    assertEquals(interpolatedVariable(minio.path("environment").path("MINIO_ROOT_USER").asText()),
        interpolatedVariable(worker.path("environment").path(S3Credentials.ACCESS_KEY_ID_ENV).asText()),
        "AWS_ACCESS_KEY_ID must be MinIO's root user");
    assertEquals(interpolatedVariable(minio.path("environment").path("MINIO_ROOT_PASSWORD").asText()),
        interpolatedVariable(worker.path("environment").path(S3Credentials.SECRET_ACCESS_KEY_ENV).asText()),
        "AWS_SECRET_ACCESS_KEY must be MinIO's root password");

    // Every dependency is waited for: healthy if it has a healthcheck, else run to completion.
    Set<String> others = new LinkedHashSet<>();
    services.fieldNames().forEachRemaining(others::add);
    others.remove("worker");
    assertEquals(others, fieldNames(worker.path("depends_on")), "the worker waits for every other service");
    worker.path("depends_on").properties().forEach(dependency -> {
      boolean healthcheck = !services.path(dependency.getKey()).path("healthcheck").isMissingNode();
      assertEquals(healthcheck ? "service_healthy" : "service_completed_successfully",
          dependency.getValue().path("condition").asText(), "depends_on " + dependency.getKey());
    });
  }

  @Test
  void composeSecretsAreNeverLiterals() {
    compose.path("services").properties().forEach(service ->
        service.getValue().path("environment").properties().forEach(variable -> {
          if (SECRET_VARIABLES.contains(variable.getKey()) || variable.getKey().endsWith("PASSWORD")) {
            assertTrue(INTERPOLATION.matcher(variable.getValue().asText()).matches(),
                service.getKey() + "." + variable.getKey() + " must be interpolated from the environment / .env");
          }
        }));
  }

  @Test
  void composeInitCreatesTheConfiguredTopicsAndBucket() {
    ServiceConfig config = ServiceConfig.fromEnvironment(plainEnvironment(compose.path("services").path("worker")));
    String topicsScript = script("kafka-topics.sh");
    assertTrue(topicsScript.contains("--bootstrap-server " + config.kafka().bootstrapServers()),
        "the init job must create the topics on the broker the worker uses");

    Map<String, String> createLines = new HashMap<>();
    Matcher topic = Pattern.compile("--create\\b.*?--topic\\s+(\\S+).*").matcher(topicsScript);
    while (topic.find()) {
      createLines.put(topic.group(1), topic.group());
    }
    assertEquals(Set.of(config.kafka().requestsTopic(), config.kafka().completionsTopic(), config.kafka().dlqTopic()),
        createLines.keySet(), "the init job creates exactly the kafka.*-topic topics");
    assertTrue(number(createLines.get(config.kafka().requestsTopic()), "--partitions\\s+(\\d+)") > 1,
        "several partitions on the requests topic, or only one worker can ever be busy");
    for (String bigRecords : List.of(config.kafka().requestsTopic(), config.kafka().dlqTopic())) {
      assertTrue(number(createLines.get(bigRecords), "max\\.message\\.bytes=(\\d+)") >= config.kafka().maxMessageBytes(),
          bigRecords + " must accept records of kafka.max-message-bytes");
    }

    String bucketScript = script("mc mb");
    Set<String> buckets = new LinkedHashSet<>(config.s3().allowedInputBuckets());
    buckets.add(config.s3().bucket());
    for (String bucket : buckets) {
      assertTrue(Pattern.compile("mc mb\\b.*/" + Pattern.quote(bucket) + "(\\s|$)", Pattern.MULTILINE).matcher(bucketScript).find(),
          "the init job does not create bucket " + bucket);
    }
  }

  // --- images and scripts ---------------------------------------------------------------------------

  @Test
  void dockerfilesBuildAndRunTheWorker() throws IOException {
    String finalName = matchOne(Files.readString(ROOT.resolve("pom.xml")), "<finalName>([^<]+)</finalName>");
    String defaultModel = DEFAULTS.worker().model();
    String configDir = ServiceConfig.DEFAULT_FILE.getParent().toString();
    int port = DEFAULTS.http().port();

    for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
      String where = "docker/" + dockerfile;
      assertTrue(instructions(dockerfile, "RUN").stream().anyMatch(r -> r.contains("mvn -B -q")
              && r.contains("package -DskipTests") && (dockerfile.endsWith(".gpu") == r.contains("-Pgpu"))),
          where + ": builds the jar like the README (with -Pgpu for the gpu image only)");
      assertTrue(instructions(dockerfile, "COPY").stream().anyMatch(c -> c.startsWith("--from=") && c.contains("target/" + finalName + ".jar")),
          where + ": copies the built jar");
      List<String> sources = instructions(dockerfile, "COPY").stream().filter(c -> !c.startsWith("--from="))
          .map(c -> c.split("\\s+")[0]).toList();
      String pull = instructions(dockerfile, "RUN").stream().filter(r -> r.contains(" models pull ")).findFirst()
          .orElseThrow(() -> new AssertionError(where + ": the build stage pulls the default model into a store"));
      String store = matchOne(pull, "--models (\\S+)");
      assertTrue(pull.contains(defaultModel), where + ": pulls the default model " + defaultModel);
      String copied = instructions(dockerfile, "COPY").stream().filter(c -> c.startsWith("--from=") && c.contains(store))
          .findFirst().orElseThrow(() -> new AssertionError(where + ": copies the model store " + store)).split("\\s+")[2];
      assertTrue(instructions(dockerfile, "ENV").stream().anyMatch(e -> e.matches("L2CAF_MODELS=/app/" + copied.replaceFirst("^\\./", "") + "/?")
              || e.equals("L2CAF_MODELS=" + copied)),
          where + ": L2CAF_MODELS names the copied store (" + copied + ")");
      assertTrue(sources.contains(configDir), where + ": the worker reads " + ServiceConfig.DEFAULT_FILE);
      List<String> allowed = Files.readAllLines(DOCKER.resolve(dockerfile + ".dockerignore")).stream()
          .filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
      for (String source : sources) {
        assertTrue(allowed.stream().anyMatch(a -> source.equals(a) || a.startsWith(source + "/")),
            where + ": " + source + " is not in the build context (" + dockerfile + ".dockerignore)");
      }

      assertTrue(instructions(dockerfile, "EXPOSE").contains(String.valueOf(port)), where + ": EXPOSE http.port " + port);
      String healthcheck = String.join(" ", instructions(dockerfile, "HEALTHCHECK"));
      assertTrue(healthcheck.contains("/health/live") && healthcheck.contains(String.valueOf(port)), where + ": HEALTHCHECK on /health/live");
      assertEquals(List.of("SIGTERM"), instructions(dockerfile, "STOPSIGNAL"), where);
      assertTrue(instructions(dockerfile, "ENV").contains("MALLOC_ARENA_MAX=2"), where + ": MALLOC_ARENA_MAX=2");
      List<String> user = instructions(dockerfile, "USER");
      assertFalse(user.isEmpty() || Set.of("root", "0").contains(user.get(user.size() - 1)), where + ": runs as non-root");
      JsonNode entrypoint = new ObjectMapper().readTree(String.join("", instructions(dockerfile, "ENTRYPOINT")));
      assertEquals("worker", entrypoint.get(entrypoint.size() - 1).asText(), where + ": ENTRYPOINT runs the worker (exec form)");
    }
    assertTrue(Files.readString(ROOT.resolve("pom.xml")).contains("<id>gpu</id>"), "pom.xml has the gpu profile");
  }

  @Test
  void gpuCheckScriptBuildsWithTheGpuProfileAndBenchmarks() throws IOException {
    Path script = ROOT.resolve("scripts/gpu-check.sh");
    assertTrue(Files.isExecutable(script), "scripts/gpu-check.sh must be executable");
    String text = Files.readString(script);
    assertTrue(text.startsWith("#!/usr/bin/env bash") || text.startsWith("#!/bin/bash"), "a bash script");
    for (String part : List.of("set -euo pipefail", "Usage:", "mvn -B -q -Pgpu package -DskipTests", " bench", "nvidia-smi -L")) {
      assertTrue(text.contains(part), "scripts/gpu-check.sh lacks: " + part);
    }
  }

  // --- helpers --------------------------------------------------------------------------------------

  /** Every configuration key's variable, from the service's own naming rule. */
  private static Set<String> configVariables() {
    return ServiceConfig.definition().keys().stream().map(ConfigDef.Key::environmentVariable)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** L2CAF_* variables the logging configuration reads (not configuration keys). */
  private static Set<String> loggingVariables() throws IOException {
    String logback = Files.readString(ROOT.resolve("src/main/resources/logback.xml"));
    Set<String> names = new LinkedHashSet<>();
    Matcher m = Pattern.compile("\\$\\{(" + ConfigDef.ENV_PREFIX + "[A-Z0-9_]+)").matcher(logback);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The configuration a container gets: its ConfigMaps and literal env, parsed by the service itself. */
  private static ServiceConfig effectiveConfig(Deployment deployment, Container container) {
    Map<String, String> env = new HashMap<>();
    for (EnvFromSource from : container.getEnvFrom()) {
      assertNotNull(from.getConfigMapRef(), "envFrom is for the ConfigMap only (secrets by secretKeyRef)");
      ConfigMap map = configMaps.get(from.getConfigMapRef().getName());
      assertNotNull(map, deployment.getMetadata().getName() + " reads ConfigMap " + from.getConfigMapRef().getName() + ", absent from k8s/");
      env.putAll(map.getData());
    }
    for (EnvVar variable : container.getEnv()) {
      // Secrets are checked on their own (secretsComeOnlyFromSecretReferences), never parsed here.
      if (variable.getValueFrom() == null && !SECRET_VARIABLES.contains(variable.getName())) {
        env.put(variable.getName(), variable.getValue());
      }
    }
    return ServiceConfig.fromEnvironment(env);
  }

  /** A compose service's environment without secrets; `${VAR:-default}` resolves to its default. */
  private static Map<String, String> plainEnvironment(JsonNode service) {
    Map<String, String> env = new HashMap<>();
    service.path("environment").properties().forEach(variable -> {
      if (SECRET_VARIABLES.contains(variable.getKey())) {
        return;
      }
      String value = variable.getValue().asText();
      Matcher m = INTERPOLATION.matcher(value);
      if (m.matches()) {
        assertTrue(m.group(2) != null && m.group(2).endsWith("-"), variable.getKey() + ": no default to check: " + value);
        value = m.group(3);
      }
      env.put(variable.getKey(), value);
    });
    return env;
  }

  private static void assertProbe(String what, Probe probe, String path, Container container, int port) {
    assertNotNull(probe, what + " probe missing");
    assertNotNull(probe.getHttpGet(), what + " probe must be an HTTP GET");
    assertEquals(path, probe.getHttpGet().getPath(), what + " probe path");
    assertEquals(port, resolvePort(probe.getHttpGet().getPort(), container), what + " probe port vs http.port");
  }

  private static int resolvePort(IntOrString port, Container container) {
    if (port.getValue() instanceof Integer number) {
      return number;
    }
    return container.getPorts().stream().filter(p -> port.getValue().equals(p.getName())).findFirst()
        .map(ContainerPort::getContainerPort).orElse(-1);
  }

  private static long gpus(Deployment deployment) {
    Quantity gpus = containers(deployment).get(0).getResources().getLimits().get("nvidia.com/gpu");
    return gpus == null ? 0 : Long.parseLong(gpus.getAmount());
  }

  private static Deployment deployment(String name) {
    return deployments.stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment " + name + " in k8s/"));
  }

  private static List<Container> containers(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers();
  }

  private static Map<String, String> podLabels(Deployment deployment) {
    return deployment.getSpec().getTemplate().getMetadata().getLabels();
  }

  private static Map<String, String> subset(Map<String, String> map, Set<String> keys) {
    Map<String, String> subset = new HashMap<>();
    keys.forEach(k -> {
      if (map.containsKey(k)) {
        subset.put(k, map.get(k));
      }
    });
    return subset;
  }

  private static <T> List<T> typed(Class<T> type) {
    return manifests.stream().map(Manifest::typed).filter(type::isInstance).map(type::cast).toList();
  }

  /**
   * Fails on any field Kubernetes would not know: fabric8 keeps unknown fields (a misspelt
   * {@code readinesProbe}, say) in {@code additionalProperties} instead of refusing them.
   */
  private static void assertNoUnknownFields(Object value, String where, Set<Object> seen) {
    if (value == null || !seen.add(value)) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        assertNoUnknownFields(item, where + "[" + i++ + "]", seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> assertNoUnknownFields(v, where + "." + k, seen));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      boolean anyGetter = getter.isAnnotationPresent(JsonAnyGetter.class);
      JsonProperty property = getter.getAnnotation(JsonProperty.class);
      if (getter.getParameterCount() != 0 || (!anyGetter && property == null)) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new AssertionError(where + ": cannot read " + getter.getName(), e);
      }
      if (anyGetter) {
        assertTrue(child == null || ((Map<?, ?>) child).isEmpty(), where + ": unknown field(s) " + ((Map<?, ?>) child).keySet());
      } else {
        assertNoUnknownFields(child, where + "." + property.value(), seen);
      }
    }
  }

  /** The arguments of every {@code instruction} in a Dockerfile, continuation lines joined. */
  private static List<String> instructions(String dockerfile, String instruction) throws IOException {
    String text = Files.readString(DOCKER.resolve(dockerfile)).replaceAll("\\\\\\r?\\n", " ");
    List<String> found = new ArrayList<>();
    for (String line : text.split("\\r?\\n")) {
      String trimmed = line.trim();
      if (trimmed.toUpperCase(Locale.ROOT).startsWith(instruction + " ")) {
        found.add(trimmed.substring(instruction.length()).trim());
      }
    }
    return found;
  }

  /** The command of the one compose service whose script mentions {@code marker}. */
  private static String script(String marker) {
    List<String> scripts = new ArrayList<>();
    compose.path("services").forEach(service -> {
      StringBuilder text = new StringBuilder();
      service.path("command").forEach(part -> text.append(part.asText()).append('\n'));
      if (service.path("command").isTextual()) {
        text.append(service.path("command").asText());
      }
      if (text.toString().contains(marker)) {
        scripts.add(text.toString());
      }
    });
    assertEquals(1, scripts.size(), "one init service running " + marker);
    return scripts.get(0);
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new LinkedHashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String interpolatedVariable(String value) {
    Matcher m = INTERPOLATION.matcher(value);
    assertTrue(m.matches(), "expected ${VARIABLE...}, got " + value);
    return m.group(1);
  }

  /** "127.0.0.1:${STATUS_PORT:-8080}:8080/tcp" -> 8080. */
  private static int containerPort(String mapping) {
    String withoutProtocol = mapping.replaceAll("/(tcp|udp)$", "");
    return Integer.parseInt(withoutProtocol.substring(withoutProtocol.lastIndexOf(':') + 1));
  }

  /** Compose durations: "45s", "1m30s". */
  private static long seconds(String duration) {
    Matcher m = Pattern.compile("(\\d+)(ms|us|h|m|s)").matcher(duration);
    long total = 0;
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total += switch (m.group(2)) {
        case "h" -> n * 3600;
        case "m" -> n * 60;
        case "s" -> n;
        default -> 0; // below a second
      };
    }
    return total;
  }

  private static long number(String text, String regex) {
    assertNotNull(text);
    return Long.parseLong(matchOne(text, regex));
  }

  private static String matchOne(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no " + regex + " in " + text);
    return m.group(1);
  }
}
