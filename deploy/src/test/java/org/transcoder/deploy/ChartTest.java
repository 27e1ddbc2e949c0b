package org.transcoder.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Helm chart through a real Helm (helm-java), its output checked against the operator's CRD: no
 * cluster is needed to catch a field the API server would reject or silently prune, a secret
 * inlined into the FlinkDeployment, or an upgrade mode that would lose state.
 */
class ChartTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path CHART = Repo.root().resolve("helm/transcoder");

    private static Schema crdSchema;
    private static String defaultRender;
    private static JsonNode defaults;
    private static String testRender;
    private static JsonNode custom;

    @BeforeAll
    static void render() throws Exception {
        crdSchema = strictCrdSchema();
        defaultRender = new Helm(CHART).template().withName("transcoder").call();
        defaults = onlyFlinkDeployment(defaultRender);
        testRender =
                new Helm(CHART)
                        .template()
                        .withName("transcoder")
                        .withValuesFile(resource("test-values.yaml"))
                        .call();
        custom = onlyFlinkDeployment(testRender);
    }

    @Test
    void lintsStrictly() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
        assertThat(result.getMessages())
                .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void rendersAFlinkDeploymentTheCrdAccepts() {
        for (JsonNode deployment : List.of(defaults, custom)) {
            assertThat(crdSchema.validate(deployment)).extracting(Error::toString).isEmpty();
        }
    }

    @Test
    void crdCheckCatchesAMisspelledField() {
        ObjectNode broken = (ObjectNode) custom.deepCopy();
        ((ObjectNode) broken.get("spec").get("job")).put("upgradeMod", "savepoint");
        ((ObjectNode) broken.get("spec").get("job")).put("upgradeMode", "last-stat");

        assertThat(crdSchema.validate(broken))
                .extracting(Error::toString)
                .anyMatch(e -> e.contains("upgradeMod"))
                .anyMatch(e -> e.contains("last-stat"));
    }

    @Test
    void jobUpgradesThroughSavepointsFromTheImageJar() {
        JsonNode spec = custom.get("spec");
        assertThat(custom.get("apiVersion").asString()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(spec.get("flinkVersion").asString()).isEqualTo("v2_2");
        assertThat(spec.get("image").asString()).isEqualTo("registry.example.com/transcoder:1.2.3");
        assertThat(spec.get("imagePullPolicy").asString()).isEqualTo("Always");
        assertThat(spec.at("/job/jarURI").asString())
                .isEqualTo("local:///opt/flink/usrlib/transcoder-job.jar");
        assertThat(spec.at("/job/upgradeMode").asString()).isEqualTo("savepoint");
        assertThat(spec.at("/job/parallelism").asInt()).isEqualTo(3);
        assertThat(spec.at("/taskManager/resource/memory").asString()).isEqualTo("8g");
        assertThat(spec.at("/taskManager/resource/cpu").asDouble()).isEqualTo(6.0);
        assertThat(spec.at("/jobManager/resource/memory").asString()).isEqualTo("1600m");

        Map<String, String> args = args(spec.at("/job/args"));
        assertThat(args)
                .containsEntry("kafka.bootstrap-servers", "kafka-0.kafka:9092,kafka-1.kafka:9092")
                .containsEntry("storage.output-root", "s3://prod-videos")
                .containsEntry("metadata.jdbc-url", "jdbc:postgresql://pg.prod:5432/transcoder")
                .containsEntry("metadata.jdbc-user", "transcoder_app")
                .containsEntry("metadata.redis-uri", "redis://redis.prod:6379")
                .containsEntry("encode.parallelism", "12")
                .containsEntry("video.deadline", "3 h")
                .containsEntry("metadata.jdbc-password-env", "PROD_JDBC_PASSWORD")
                .doesNotContainKey("metadata.jdbc-password");
    }

    @Test
    void flinkConfigurationHasStateHaAndAutoscaler() {
        JsonNode conf = defaults.at("/spec/flinkConfiguration");
        assertThat(conf.get("state.backend.type").asString()).isEqualTo("rocksdb");
        assertThat(conf.get("state.backend.incremental").asString()).isEqualTo("true");
        assertThat(conf.get("execution.checkpointing.dir").asString()).startsWith("s3://");
        assertThat(conf.get("execution.checkpointing.savepoint-dir").asString())
                .startsWith("s3://");
        assertThat(conf.get("restart-strategy.type").asString()).isEqualTo("exponential-delay");
        assertThat(conf.get("high-availability.type").asString()).isEqualTo("kubernetes");
        assertThat(conf.get("high-availability.storageDir").asString()).startsWith("s3://");
        assertThat(conf.get("env.java.opts.all").asString())
                .contains(DockerfileTest.JAVACPP_CACHE_OPTIONS);
        assertThat(conf.get("job.autoscaler.enabled").asString()).isEqualTo("true");
        // Busy time under-reports the async encode vertex (FLINK-16864): recommend, don't scale.
        assertThat(conf.get("job.autoscaler.scaling.enabled").asString()).isEqualTo("false");
        assertThat(conf.get("job.autoscaler.metrics.window").asString()).isEqualTo("10m");
        assertThat(conf.get("job.autoscaler.target.utilization").asString()).isEqualTo("0.7");
        // Flink's configuration is all strings; a YAML number or boolean here is a type the
        // operator may read differently.
        conf.properties().forEach(e -> assertThat(e.getValue().isString()).as(e.getKey()).isTrue());
    }

    @Test
    void credentialsComeFromSecretsOnTheMainContainer() {
        JsonNode containers = custom.at("/spec/podTemplate/spec/containers");
        assertThat(containers).hasSize(1);
        JsonNode main = containers.get(0);
        assertThat(main.get("name").asString()).isEqualTo("flink-main-container");

        Map<String, String> refs = new HashMap<>();
        for (JsonNode env : main.get("env")) {
            assertThat(env.has("value")).as(env.toString()).isFalse();
            JsonNode ref = env.at("/valueFrom/secretKeyRef");
            refs.put(
                    env.get("name").asString(),
                    ref.get("name").asString() + "/" + ref.get("key").asString());
        }
        assertThat(refs)
                .containsEntry("AWS_ACCESS_KEY_ID", "prod-s3-credentials/AKIA-KEY-NAME")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "prod-s3-credentials/SECRET-KEY-NAME")
                .containsEntry("PROD_JDBC_PASSWORD", "prod-db-credentials/pg-password");
        JsonNode conf = custom.at("/spec/flinkConfiguration");
        assertThat(conf.has("s3.access-key")).isFalse();
        assertThat(conf.has("s3.secret-key")).isFalse();
    }

    @Test
    void aPasswordInTheValuesIsRejectedNotRendered() {
        assertThatThrownBy(
                        () ->
                                new Helm(CHART)
                                        .template()
                                        .withName("transcoder")
                                        .withValuesFile(resource("inlined-password-values.yaml"))
                                        .call())
                .hasMessageContaining("password")
                .hasMessageNotContaining("hunter2");
        assertThat(defaultRender + testRender).doesNotContain("hunter2");
    }

    @Test
    void aKeyOwnedByAnotherSectionIsRejected() {
        // It would render twice in flinkConfiguration: invalid YAML, or one silently wins.
        assertThatThrownBy(
                        () ->
                                new Helm(CHART)
                                        .template()
                                        .withName("transcoder")
                                        .set(
                                                "flinkConfiguration.job\\.autoscaler\\.enabled",
                                                "true")
                                        .call())
                .hasMessageContaining("job.autoscaler.enabled");
    }

    private static Map<String, String> args(JsonNode list) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String key = list.get(i).asString();
            assertThat(key).as("argument %d", i).startsWith("--");
            map.put(key.substring(2), list.get(++i).asString());
        }
        return map;
    }

    private static JsonNode onlyFlinkDeployment(String rendered) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        YAML.readerFor(JsonNode.class).<JsonNode>readValues(rendered).forEachRemaining(docs::add);
        docs.removeIf(d -> d == null || d.isNull() || d.isMissingNode() || d.isEmpty());
        assertThat(docs).hasSize(1);
        assertThat(docs.get(0).get("kind").asString()).isEqualTo("FlinkDeployment");
        return docs.get(0);
    }

    /**
     * The CRD's schema, made strict where the API server would prune: an object schema with {@code
     * properties} and no {@code x-kubernetes-preserve-unknown-fields} gets {@code
     * additionalProperties: false}, so a misspelled field fails here instead of vanishing on the
     * cluster.
     */
    private static Schema strictCrdSchema() throws IOException {
        JsonNode crd;
        try (InputStream in =
                ChartTest.class.getResourceAsStream(
                        "/crd/flinkdeployments.flink.apache.org-v1.yml")) {
            crd = YAML.readTree(in);
        }
        JsonNode schema = null;
        for (JsonNode version : crd.at("/spec/versions")) {
            if (version.get("name").asString().equals("v1beta1")) {
                schema = version.at("/schema/openAPIV3Schema").deepCopy();
            }
        }
        assertThat(schema).as("v1beta1 in the CRD").isNotNull();
        strict(schema);
        // apiVersion, kind and metadata are the API server's, not in the CRD's schema.
        ((ObjectNode) schema).remove("additionalProperties");
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema);
    }

    private static void strict(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties")
                    && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                object.put("additionalProperties", false);
            }
        }
        if (node.isContainer()) {
            for (JsonNode child : node) {
                strict(child);
            }
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(ChartTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
