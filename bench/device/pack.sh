#!/usr/bin/env bash
# Packs what the scaling run needs on a machine with no Java, Maven or system FFmpeg libraries
# (the `device` machine: 16 cores, Ubuntu, 64 MiB may travel): a jlinked JRE, the media and bench
# classes with their few jars, the bundled FFmpeg natives and the system libraries they link.
# The job (Flink, Kafka, RocksDB, PostgreSQL binaries) does not fit in 64 MiB, so only the media
# whole-file path and the CLI baseline travel. Writes .dev/pack/{stage,ffmpeg}.tar.xz (~42 MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
JDK=${JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
mvn -B -q -o -pl bench -am install -DskipTests -Dspotless.apply.skip=true
rm -rf .dev/stage .dev/ffx .dev/pack
mkdir -p .dev/stage/lib .dev/stage/syslib .dev/ffx .dev/pack
# From the bench classpath, what the media path and the harness need (no Flink, Kafka, services).
tr ':' '\n' < bench/target/bench.classpath |
  grep -E '/(transcoder-media|javacv|javacpp|ffmpeg|jackson-(core|databind|annotations)|slf4j-api|picocli)-[0-9]' |
  grep -v -e '-linux-x86_64-gpl\.jar$' | xargs -I{} cp {} .dev/stage/lib/
cp bench/target/transcoder-bench-*.jar .dev/stage/lib/
NATIVES=$(tr ':' '\n' < bench/target/bench.classpath | grep -e '/ffmpeg-.*-linux-x86_64-gpl\.jar$')
"$JDK"/bin/jlink --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.naming,java.sql,java.xml \
  --strip-debug --no-header-files --no-man-pages --compress=0 --output .dev/stage/jre
# The natives unpacked: xz packs them far smaller than the jar's deflate (scaling.sh jars them again).
(cd .dev/ffx && unzip -q "$NATIVES")
D=.dev/ffx/org/bytedeco/ffmpeg/linux-x86_64-gpl
chmod +x "$D"/ffmpeg "$D"/ffprobe
# System libraries the natives link (libpulse, libxcb, libasound, ...), except glibc and the
# C++ runtime, which any x86-64 Linux has in a newer, compatible version.
LD_LIBRARY_PATH=$D ldd "$D"/ffmpeg "$D"/ffprobe "$D"/lib*.so* | awk '/=>/ {print $3}' | grep -v "^$D" | sort -u |
  grep -v -E '/(libc|libm|libmvec|libgcc_s|libstdc\+\+)\.so' | xargs -I{} cp -L {} .dev/stage/syslib/
tar -C .dev/stage -cf - . | xz -9 -T0 > .dev/pack/stage.tar.xz
tar -C .dev/ffx -cf - . | xz -9 -T0 > .dev/pack/ffmpeg.tar.xz
mkdir -p .git/info && { grep -qx '/.dev/' .git/info/exclude 2>/dev/null || echo '/.dev/' >> .git/info/exclude; }
du -sh .dev/pack/*
