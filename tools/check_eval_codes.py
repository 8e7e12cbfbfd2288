#!/usr/bin/env python3
"""Validate medcode eval sets (JSON lines) against the ICD-10-CM tabular XML and code list.

Each line must look like
    {"set": "...", "query": "...", "expect": ["E11.9", ...], "k": 10, "id": N}

Every expected code must
  * be written in dotted form (dot after the 3rd character, none for 3-character codes),
  * be in the CMS code list and be billable there (no longer code in the list extends it),
  * agree with the tabular XML: either a <diag> leaf without an applicable 7th-character
    definition, or a 7-character code whose stem (placeholder X's stripped) is a <diag> leaf
    that has (or inherits) a <sevenChrDef> listing that 7th character.

Usage:
    tools/check_eval_codes.py [--xml PATH] [--codes PATH] FILE.jsonl [FILE.jsonl ...]

Exit status is 1 when any file has an error, 0 otherwise.  Only the standard library is used.
"""
import argparse
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

DEFAULT_DIR = os.environ.get("MEDCODE_ICD_DIR", "/tmp/data/x/simple_icd_10_cm/data")
DEFAULT_XML = os.path.join(DEFAULT_DIR, "icd10c-tabular-April-1-2026.xml")
DEFAULT_CODES = os.path.join(DEFAULT_DIR, "code-list-April-2026.txt")

CODE_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


def load_code_list(path):
    """Return (all codes, billable codes), both undotted upper case; headers/ranges skipped."""
    codes = set()
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            c = line.strip().upper()
            if re.fullmatch(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}", c):
                codes.add(c)
    ordered = sorted(codes)
    billable = set()
    for i, c in enumerate(ordered):
        nxt = ordered[i + 1] if i + 1 < len(ordered) else ""
        if not nxt.startswith(c):
            billable.add(c)
    return codes, billable


def load_xml(path):
    """Return {undotted code: {"leaf": bool, "seven": set_of_7th_chars_or_None}}."""
    info = {}

    def walk(diag, inherited):
        name = diag.findtext("name").strip().upper()
        seven = inherited
        sd = diag.find("sevenChrDef")
        if sd is not None:
            seven = {e.get("char").upper() for e in sd.findall("extension")}
        children = diag.findall("diag")
        info[name.replace(".", "")] = {"leaf": not children, "seven": seven}
        for ch in children:
            walk(ch, seven)

    root = ET.parse(path).getroot()
    for section in root.iter("section"):
        for diag in section.findall("diag"):
            walk(diag, None)
    return info


def check_code(code, codes, billable, xml):
    """Return None when fine, else a short reason."""
    if not isinstance(code, str):
        return "not a string"
    if not CODE_RE.match(code):
        return "bad format (want upper case, dot after 3rd char)"
    flat = code.replace(".", "")
    if len(flat) > 3 and "." not in code:
        return "missing dot"
    if flat not in codes:
        return "not in code list"
    if flat not in billable:
        return "in code list but not billable (has subcodes)"
    node = xml.get(flat)
    if node is not None:
        if not node["leaf"]:
            return "XML diag has children"
        if node["seven"]:
            return "XML diag needs a 7th character"
        return None
    if len(flat) != 7:
        return "not a <diag> in the XML"
    stem, seventh = flat[:6].rstrip("X"), flat[6]
    node = xml.get(stem)
    if node is None:
        return "7th-char code whose stem %s is not in the XML" % stem
    if not node["leaf"]:
        return "7th-char code on non-leaf stem %s" % stem
    if not node["seven"]:
        return "stem %s has no sevenChrDef" % stem
    if seventh not in node["seven"]:
        return "7th char %s not defined for %s" % (seventh, stem)
    if len(stem) < 6 and flat[len(stem):6] != "X" * (6 - len(stem)):
        return "bad placeholder padding"
    return None


def check_file(path, codes, billable, xml, out):
    errors = 0
    rows = 0
    n_codes = 0
    ids = set()
    queries = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rows += 1
            where = "%s:%d" % (path, lineno)
            try:
                row = json.loads(line)
            except ValueError as e:
                out.append("%s: invalid JSON (%s)" % (where, e))
                errors += 1
                continue
            for key, typ in (("set", str), ("query", str), ("expect", list), ("k", int), ("id", int)):
                if not isinstance(row.get(key), typ):
                    out.append("%s: field %r missing or not %s" % (where, key, typ.__name__))
                    errors += 1
            if row.get("id") in ids:
                out.append("%s: duplicate id %r" % (where, row.get("id")))
                errors += 1
            ids.add(row.get("id"))
            q = str(row.get("query", "")).strip().lower()
            if q in queries:
                out.append("%s: duplicate query %r (also line %d)" % (where, row.get("query"), queries[q]))
                errors += 1
            queries[q] = lineno
            expect = row.get("expect") or []
            if not expect:
                out.append("%s: empty expect" % where)
                errors += 1
            for code in expect:
                n_codes += 1
                why = check_code(code, codes, billable, xml)
                if why:
                    out.append("%s: id=%s query=%r code %r: %s" % (where, row.get("id"), row.get("query"), code, why))
                    errors += 1
    return rows, n_codes, errors


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--xml", default=DEFAULT_XML)
    ap.add_argument("--codes", default=DEFAULT_CODES)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args(argv)
    codes, billable = load_code_list(args.codes)
    xml = load_xml(args.xml)
    failed = False
    for path in args.files:
        out = []
        rows, n_codes, errors = check_file(path, codes, billable, xml, out)
        for msg in out:
            print(msg)
        print("%s: %d rows, %d expected codes, %d errors" % (path, rows, n_codes, errors))
        failed |= errors > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
