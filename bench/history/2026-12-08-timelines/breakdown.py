#!/usr/bin/env python3
"""Where the job's extra seconds fall on the timeline, against the media path: from the sampled
process trees (processes.json) and results (result.json) of ladder runs of the 60 s upload.

Usage: python3 breakdown.py RUN_DIR... (each RUN_DIR a bench/work/runs/<timestamp>; here runs/*).
Per mode, the median over its repetitions of:
  c0     end of the first chunk's encode (s after the upload event)
  gap    from that end to the start of the next chunk encodes
  span   from then to the end of the last chunk encode
  tail   how long the last chunk encode ran after the one before it ended (one slot idle)
  after  from the last chunk encode's end to the completion record (or the transcode's return)
  wave1u CPU-s / wall-s of each of the two chunk encodes that start after the first chunk
  wave2u the same of the last two
  cpu    CPU-s of all chunk encodes
"""
import glob
import json
import statistics as st
import sys

rows = {}
for run in sys.argv[1:]:
    for d in sorted(glob.glob(run + "/*-r*")):
        r = json.load(open(d + "/result.json"))
        p = json.load(open(d + "/processes.json"))
        procs = p if isinstance(p, list) else p.get("processes", p)
        t0 = int(r["opStartMillis"])
        ch = sorted(
            (x for x in procs if x["kind"] == "encode-chunk" and int(x["startMs"]) >= t0 - 500),
            key=lambda x: int(x["startMs"]),
        )
        if len(ch) != 5:
            continue
        s = lambda x: (int(x["startMs"]) - t0) / 1000
        e = lambda x: (int(x["lastSeenMs"]) - t0) / 1000
        u = lambda x: int(x["cpuTicks"]) / 100 / (e(x) - s(x))
        ends = sorted(e(x) for x in ch)
        wall = int(r["opWallMillis"]) / 1000
        rows.setdefault(r["mode"], []).append(
            dict(
                wall=wall,
                c0=e(ch[0]),
                gap=min(s(ch[1]), s(ch[2])) - e(ch[0]),
                span=ends[-1] - min(s(ch[1]), s(ch[2])),
                tail=ends[-1] - ends[-2],
                after=wall - ends[-1],
                wave1u=(u(ch[1]) + u(ch[2])) / 2,
                wave2u=(u(ch[3]) + u(ch[4])) / 2,
                cpu=sum(int(x["cpuTicks"]) for x in ch) / 100,
            )
        )
keys = ["wall", "c0", "gap", "span", "tail", "after", "wave1u", "wave2u", "cpu"]
print("| mode | runs | " + " | ".join(keys) + " |")
print("|---" * (len(keys) + 2) + "|")
for mode, v in rows.items():
    print(
        f"| {mode} | {len(v)} | "
        + " | ".join(f"{st.median(x[k] for x in v):.2f}" for k in keys)
        + " |"
    )
