package org.transcoder.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.transcoder.connectors.storage.S3Settings;
import org.transcoder.media.ffmpeg.StepLimits;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * The JDBC password from an environment variable: the Helm chart relies on it to keep the password
 * out of the FlinkDeployment (program arguments cannot reference a Secret). The limits on uploads.
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
    void oneSettingsRecordCarriesTheMediaOptions() {
        TranscodeJobConfig config =
                TranscodeJobConfig.from(
                        args(
                                "--storage.output-root", "s3://videos",
                                "--encode.parallelism", "3",
                                "--encode.concurrency", "2",
                                "--chunk.seconds", "8",
                                "--encode.task-timeout", "5 min"),
                        Map.<String, String>of()::get);
        var media = config.operators().media();
        assertThat(media.slots()).isEqualTo(6);
        assertThat(media.chunkSeconds()).isEqualTo(8);
        assertThat(media.stepTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(media.ladder().name()).isEqualTo("default");
        assertThat(config.operators().taskTimeout()).isEqualTo(media.stepTimeout());
    }

    @Test
    void anUnknownProfileFailsAtStart() {
        assertThatThrownBy(
                        () ->
                                TranscodeJobConfig.from(
                                        args(
                                                "--storage.output-root", "s3://videos",
                                                "--ladder.profile", "no-such-ladder"),
                                        Map.<String, String>of()::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-ladder");
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

    /** The limits on uploads reach the operators' policy; unset ones keep their defaults. */
    @Test
    void limitsOnUploadsComeFromTheirOptions() {
        TranscodeJobConfig config =
                TranscodeJobConfig.from(
                        args(
                                "--storage.output-root", "s3://videos",
                                "--limits.max-frame-rate", "60",
                                "--limits.max-frame-gap", "10 s",
                                "--limits.step-cpu", "5 min",
                                "--limits.step-wall", "3 min",
                                "--limits.max-output-bytes", "1000000"),
                        Map.<String, String>of()::get);
        ValidationPolicy p = config.operators().validation();
        assertThat(p.maxFrameRate()).isEqualTo(60);
        assertThat(p.maxFrameGapSeconds()).isEqualTo(10);
        assertThat(p.maxStepCpu()).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.maxStepWall()).isEqualTo(Duration.ofMinutes(3));
        assertThat(p.step())
                .isEqualTo(new StepLimits(Duration.ofMinutes(3), Duration.ofMinutes(5)));
        assertThat(p.maxOutputBytes()).isEqualTo(1_000_000);
        ValidationPolicy d = ValidationPolicy.defaults();
        assertThat(p.maxPixels()).isEqualTo(d.maxPixels());
        assertThat(p.maxFrames()).isEqualTo(d.maxFrames());
        assertThat(p.maxDurationSeconds()).isEqualTo(d.maxDurationSeconds());
        assertThat(p.maxSizeBytes()).isEqualTo(d.maxSizeBytes());
        assertThat(p.allowedContainers()).isEqualTo(d.allowedContainers());
    }
}
