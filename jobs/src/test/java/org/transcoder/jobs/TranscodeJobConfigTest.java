package org.transcoder.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.transcoder.connectors.storage.S3Settings;

/**
 * The JDBC password from an environment variable: the Helm chart relies on it to keep the password
 * out of the FlinkDeployment (program arguments cannot reference a Secret).
 */
class TranscodeJobConfigTest {

    private static Configuration args(String... args) {
        return Configuration.fromMap(TranscodeJobConfig.parseArgs(args));
    }

    @Test
    void passwordComesFromTheNamedVariable() {
        TranscodeJobConfig config =
                TranscodeJobConfig.from(
                        args(
                                "--storage.output-root", "s3://videos",
                                "--metadata.jdbc-password-env", "DB_PASSWORD"),
                        Map.of("DB_PASSWORD", "s3cr3t")::get);

        assertThat(config.jdbcPassword()).isEqualTo("s3cr3t");
        assertThat(config.jdbc().password()).isEqualTo("s3cr3t");
    }

    @Test
    void plainArgumentStillWorksWithoutTheVariableOption() {
        TranscodeJobConfig config =
                TranscodeJobConfig.from(
                        args(
                                "--storage.output-root", "s3://videos",
                                "--metadata.jdbc-password", "inline"),
                        Map.<String, String>of()::get);

        assertThat(config.jdbcPassword()).isEqualTo("inline");
    }

    @Test
    void unsetVariableFailsAtStartNotAtTheFirstDatabaseWrite() {
        assertThatThrownBy(
                        () ->
                                TranscodeJobConfig.from(
                                        args(
                                                "--storage.output-root", "s3://videos",
                                                "--metadata.jdbc-password-env", "DB_PASSWORD"),
                                        Map.<String, String>of()::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DB_PASSWORD");
    }

    /** What a log line or an exception message shows of the settings: no credential. */
    @Test
    void settingsPrintWithoutCredentials() {
        TranscodeJobConfig config =
                TranscodeJobConfig.from(
                        args(
                                "--storage.output-root", "s3://videos",
                                "--storage.source-roots", "s3://uploads",
                                "--metadata.jdbc-url",
                                        "jdbc:postgresql://db/t?user=u&password=url-Secret-1",
                                "--metadata.jdbc-password", "arg-Secret-2",
                                "--metadata.redis-uri", "redis://u:redis-Secret-3@cache:6379"),
                        Map.<String, String>of()::get);
        String printed =
                config
                        + " "
                        + config.jdbc()
                        + " "
                        + config.redis()
                        + " "
                        + new S3Settings(
                                "http://s3:9000", "access-Secret-4", "secret-Secret-5", true);
        assertThat(printed).doesNotContain("Secret").contains("s3://uploads").contains("db/t");
    }

    @Test
    void bothWaysAtOnceAreRejected() {
        assertThatThrownBy(
                        () ->
                                TranscodeJobConfig.from(
                                        args(
                                                "--storage.output-root", "s3://videos",
                                                "--metadata.jdbc-password", "inline",
                                                "--metadata.jdbc-password-env", "DB_PASSWORD"),
                                        Map.of("DB_PASSWORD", "s3cr3t")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exclusive");
    }
}
