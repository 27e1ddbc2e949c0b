#!/usr/bin/env bash
# The benchmark in one command (issue 4). Builds the bench module (and what it needs), then runs
# the harness; every argument goes to it (bench/run.sh --help lists them). Examples:
#   bench/run.sh                 # full run: 120 s clip, 3 repetitions, batch of 20
#   bench/run.sh --quick         # 30 s clip, 1 repetition, batch of 6
# BENCH_SKIP_BUILD=1 reuses the last build; BENCH_MVN_FLAGS (default -o) goes to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/work
# One harness at a time: two would measure each other.
exec 9>bench/work/.lock
if ! flock -n 9; then
  echo "Another bench/run.sh is running (bench/work/.lock); wait for it." >&2
  exit 75
fi
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  # shellcheck disable=SC2086
  mvn -B -q ${BENCH_MVN_FLAGS--o} -pl bench -am install -DskipTests -Dspotless.apply.skip=true
fi
# Run from a private copy of the classpath: other builds rewrite */target/*.jar while a long
# benchmark runs, and a jar replaced under a running JVM fails with NoClassDefFoundError.
LIB="bench/work/lib/$$"
rm -rf bench/work/lib
mkdir -p "$LIB"
cp -r bench/target/classes "$LIB/bench-classes"
CP="$PWD/$LIB/bench-classes"
i=0
IFS=: read -r -a entries < bench/target/bench.classpath || true # no newline at the end
for e in "${entries[@]}"; do
  i=$((i + 1))
  if [[ -d "$e" ]]; then
    cp -r "$e" "$LIB/$i-dir"
    CP="$CP:$PWD/$LIB/$i-dir"
  else
    cp "$e" "$LIB/$i-$(basename "$e")"
    CP="$CP:$PWD/$LIB/$i-$(basename "$e")"
  fi
done
# Local mode loads S3 support as a Flink plugin (never from the classpath).
if [[ -d bench/target/plugins ]]; then
  cp -r bench/target/plugins "$LIB/plugins"
  export FLINK_PLUGINS_DIR="$PWD/$LIB/plugins"
fi
exec java -Xmx1g -Dbench.command="bench/run.sh $*" -cp "$CP" org.transcoder.bench.BenchMain "$@"
