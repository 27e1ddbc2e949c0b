#!/usr/bin/env bash
# Packs what the scaling run needs on a machine with no Java, Maven or system FFmpeg libraries
# (the `device` machine: 16 cores, Ubuntu, 64 MiB may travel): a jlinked JRE, the media and bench
# classes with their few jars, the bundled FFmpeg natives and the system libraries they link.
# The job (Flink, Kafka, RocksDB, PostgreSQL binaries) does not fit in 64 MiB, so only the media
# whole-file path and the CLI baseline travel. Writes .dev/pack/{stage,ffmpeg}.tar.xz (~42 MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
JDK=${JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
R=${MAVEN_REPO:-$HOME/.m2/repository}
mvn -B -q -o -pl bench -am install -DskipTests -Dspotless.apply.skip=true
rm -rf .dev/stage .dev/ffx .dev/pack
mkdir -p .dev/stage/lib .dev/stage/syslib .dev/ffx .dev/pack
cp "$R"/org/bytedeco/javacpp/1.5.14/javacpp-1.5.14.jar \
  "$R"/org/bytedeco/javacpp/1.5.14/javacpp-1.5.14-linux-x86_64.jar \
  "$R"/org/bytedeco/javacv/1.5.14/javacv-1.5.14.jar \
  "$R"/org/bytedeco/ffmpeg/8.1.2-1.5.14/ffmpeg-8.1.2-1.5.14.jar \
  "$R"/com/fasterxml/jackson/core/jackson-*/2.19.2/jackson-*-2.19.2.jar \
  "$R"/io/lindstrom/m3u8-parser/0.27/m3u8-parser-0.27.jar \
  "$R"/org/slf4j/slf4j-api/2.0.16/slf4j-api-2.0.16.jar \
  "$R"/info/picocli/picocli/4.7.7/picocli-4.7.7.jar \
  media/target/transcoder-media-0.1.0-SNAPSHOT.jar \
  bench/target/transcoder-bench-0.1.0-SNAPSHOT.jar .dev/stage/lib/
"$JDK"/bin/jlink --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.naming,java.sql,java.xml \
  --strip-debug --no-header-files --no-man-pages --compress=0 --output .dev/stage/jre
# The natives as a directory on the classpath (xz packs them far smaller than the jar's deflate).
(cd .dev/ffx && unzip -q "$R"/org/bytedeco/ffmpeg/8.1.2-1.5.14/ffmpeg-8.1.2-1.5.14-linux-x86_64-gpl.jar)
D=.dev/ffx/org/bytedeco/ffmpeg/linux-x86_64-gpl
chmod +x "$D"/ffmpeg "$D"/ffprobe
# System libraries the natives link (libpulse, libxcb, libasound, ...), except glibc and the
# C++ runtime, which any x86-64 Linux has in a newer, compatible version.
LD_LIBRARY_PATH=$D ldd "$D"/ffmpeg "$D"/ffprobe "$D"/lib*.so* | awk '/=>/ {print $3}' | grep -v "^$D" | sort -u |
  grep -v -E '/(libc|libm|libmvec|libgcc_s|libstdc\+\+)\.so' | xargs -I{} cp -L {} .dev/stage/syslib/
tar -C .dev/stage -cf - . | xz -9 -T0 > .dev/pack/stage.tar.xz
tar -C .dev/ffx -cf - . | xz -9 -T0 > .dev/pack/ffmpeg.tar.xz
grep -qx '/.dev/' .git/info/exclude 2>/dev/null || echo '/.dev/' >> .git/info/exclude
du -sh .dev/pack/*
