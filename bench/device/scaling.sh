#!/usr/bin/env bash
# Runs the harness from the pack of bench/device/pack.sh on a machine with no Java: the media
# whole-file path at 1, 2, 4, 8 and 16 slots, each on as many CPUs (taskset), and the ffmpeg CLI
# on the whole machine. Every argument goes to the harness after the defaults below. Results land
# in bench/work/device/ and, when $OUT is set (the device tool), are copied there.
#   bench/device/scaling.sh                       # the curve on the 120 s clip
#   MODES=cli,media-t1@c1 bench/device/scaling.sh --clip-seconds 10   # a quick check of the pack
set -uo pipefail
cd "$(dirname "$0")/../.."
T=${DEVICE_TMP:-/tmp/transcoder-device}
LIMIT=${SCALING_LIMIT_S:-500}
REPORT=bench/work/device
rm -rf "$T" "$REPORT" && mkdir -p "$T/ffx" "$REPORT"
unpack() { tar -C "$2" -xJf "$1" 2>/dev/null || python3 -c 'import sys,tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"; }
unpack .dev/pack/stage.tar.xz "$T" && unpack .dev/pack/ffmpeg.tar.xz "$T/ffx" || { echo "unpack failed"; exit 2; }
# Back into a jar (stored, not compressed): JavaCPP unpacks an executable together with the
# libraries beside it only from a jar.
JAR="$T/lib/ffmpeg-natives-linux-x86_64-gpl.jar"
python3 - "$T/ffx" "$JAR" <<'PY' || { echo "jar failed"; exit 2; }
import os, sys, zipfile
root, jar = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(jar, "w", zipfile.ZIP_STORED) as z:
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            z.write(p, os.path.relpath(p, root))
PY
export LD_LIBRARY_PATH="$T/syslib"
FF="$T/ffx/org/bytedeco/ffmpeg/linux-x86_64-gpl"
{
  echo "== machine"; nproc; lscpu | grep -E 'Model name|Thread|Core|Socket|MHz|NUMA node0' ; free -g | head -2
  uname -r; grep PRETTY /etc/os-release; command -v taskset || echo "NO taskset"
  echo "== ffmpeg"; LD_LIBRARY_PATH="$FF:$T/syslib" "$FF/ffmpeg" -hide_banner -version | head -1
  LD_LIBRARY_PATH="$FF:$T/syslib" ldd "$FF/ffmpeg" | grep "not found"
} 2>&1 | tee "$REPORT/machine.txt"
START=$(date +%s)
timeout "$LIMIT" "$T/jre/bin/java" -Xmx1g -Dbench.command="bench/device/scaling.sh $*" \
  -cp "$T/lib/*" org.transcoder.bench.BenchMain \
  --modes "${MODES:-cli,media-t16,media-t8@c8,media-t4@c4,media-t2@c2,media-t1@c1}" --reps 1 \
  --batch-modes none --no-quality --quiet-wait 3 --child-heap 2g \
  --work bench/work --report-dir "$REPORT" "$@" 2>&1 | tee "$REPORT/harness.log"
echo "harness exit ${PIPESTATUS[0]} after $(( $(date +%s) - START )) s"
# The curve from the run directories themselves: it holds every run that finished, also when the
# limit cut the harness short, and runs of earlier calls on the same (still warm) machine.
"$T/jre/bin/java" -cp "$T/lib/*" org.transcoder.bench.ScalingCurve --cpus "$(nproc)" \
  --out "$REPORT/curve.md" bench/work/runs/*/*-r1 && cat "$REPORT/curve.md"
if [[ -n "${OUT:-}" ]]; then
  cp "$REPORT"/RESULTS.md "$REPORT"/results.json "$OUT"/ 2>/dev/null
  cp "$REPORT"/machine.txt "$REPORT"/harness.log "$REPORT"/curve.md "$OUT"/
  # Each run's own result (written by the run itself) survives a harness cut short by the limit.
  tar -czf "$OUT/runs.tar.gz" --exclude='*.mp4' --exclude='*.m4s' --exclude='*.ts' --exclude='*.jpg' bench/work/runs 2>/dev/null
fi
