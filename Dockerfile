# The Transcoder job image for the Helm chart (helm/transcoder). Build from the repository root
# after `mvn -B package` (which makes jobs/target/transcoder-job.jar):
#   docker build -t registry.example.com/transcoder:0.1.0 .
# The operator's own examples use this tag: Flink 2.2 on Java 17 (Ubuntu based).
ARG FLINK_IMAGE=flink:2.2-java17
FROM ${FLINK_IMAGE}

USER root
# No system packages: the device libraries the bundled FFmpeg links and this image lacks
# (libpulse.so.0) get generated stubs when PrepareNatives unpacks it below (DeviceLibraryStubs).

# S3 as a Flink plugin (never on the classpath): the image's own opt/ jar, so the plugin is the
# same Flink version as the runtime.
RUN mkdir -p /opt/flink/plugins/s3-fs-hadoop \
    && cp /opt/flink/opt/flink-s3-fs-hadoop-*.jar /opt/flink/plugins/s3-fs-hadoop/

COPY --chown=flink:flink jobs/target/transcoder-job.jar /opt/flink/usrlib/transcoder-job.jar

# Unpack ffmpeg/ffprobe (~86 MB) into the JavaCPP cache now and check that they start (device
# library stubs, encoders): no pod unpacks them on its first encode. `nosubdir` keeps the cache path independent
# of the jar's file name (a TaskManager may load the job jar from its blob store under another
# name); the chart's env.java.opts.all passes the same two properties to every Flink JVM.
USER flink
RUN java -Dorg.bytedeco.javacpp.cachedir=/opt/flink/javacpp-cache \
    -Dorg.bytedeco.javacpp.cachedir.nosubdir=true \
    -cp "/opt/flink/usrlib/transcoder-job.jar:/opt/flink/lib/*" org.transcoder.jobs.PrepareNatives
