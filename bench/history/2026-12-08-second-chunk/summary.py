#!/usr/bin/env python3
"""The runs of "The second chunk beside the first" (bench/RESULTS.md), per variant directory.

Usage: python3 summary.py DIR... (ladder-base, ladder-new, ladder-new-3reps, ladder-final, firstplay-*).
Ladder runs: each repetition's CLI and job wall (from results.json), their ratio, and from the
sampled process tree (processes.json) the end of the first chunk's encode, the end of the last
chunk encode and the rest to the completion record (s after the upload event). First-play runs:
the job's wall, which --until-first-play ends at PLAYABLE.
"""
import glob
import json
import os
import statistics as st
import sys

for variant in sys.argv[1:]:
    rows = []
    for run in sorted(glob.glob(variant + "/*/")):
        res = os.path.join(run, "results.json")
        cli = {}
        if os.path.exists(res):
            for r in json.load(open(res))["runs"]:
                if r["mode"] == "cli":
                    cli[r["rep"]] = r["wallSeconds"]
        for d in sorted(glob.glob(run + "job*-r*")):
            rep = int(d.rsplit("-r", 1)[1])
            r = json.load(open(d + "/result.json"))
            p = json.load(open(d + "/processes.json"))
            procs = p if isinstance(p, list) else p.get("processes", p)
            t0 = int(r["opStartMillis"])
            wall = int(r["opWallMillis"]) / 1000
            ch = sorted(
                (x for x in procs if x["kind"] == "encode-chunk" and int(x["startMs"]) >= t0 - 500),
                key=lambda x: int(x["startMs"]),
            )
            if not ch:
                continue
            first = (int(ch[0]["lastSeenMs"]) - t0) / 1000
            last = max(int(x["lastSeenMs"]) - t0 for x in ch) / 1000
            row = dict(job=wall, first=first)
            if rep in cli:
                row.update(cli=cli[rep], ratio=wall / cli[rep], last=last, after=wall - last)
            rows.append(row)
    keys = [k for k in ("cli", "job", "ratio", "first", "last", "after") if all(k in r for r in rows)]
    print(f"{variant}: {len(rows)} runs")
    for k in keys:
        vals = [r[k] for r in rows]
        print(f"  {k:6s} median {st.median(vals):7.3f}  " + " ".join(f"{x:.3f}" for x in vals))
