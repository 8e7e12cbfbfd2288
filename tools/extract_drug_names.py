#!/usr/bin/env python3
"""Brand and generic drug names for the HCPCS drug codes, from the pinned
drug-named-entity-recognition wheel (MIT; dictionary from DrugBank open data
(CC0), MeSH and Wikipedia).

Usage:
    tools/extract_drug_names.py --pkgs DIR --hcpcs hcpcs.tsv \
        --abbreviations data/hcpcs/short_descriptor_abbreviations.tsv --out hcpcs_drug_names.tsv

Reads DIR/drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2 (a pickle of
dicts: drug_variant_to_canonical maps a lower-case name to its canonical
drug(s)). Keeps a name only when its drug's generic (the canonical name, or
the canonical name without its salt: "methylprednisolone hemisuccinate" →
"methylprednisolone") occurs as words in a HCPCS drug descriptor once the
descriptor's abbreviations are spelled out the way the index build does.

Writes `name<TAB>generic<TAB>code[,code...]` (v1), sorted, deterministic.
Junk guards: names shorter than 4 letters, names that map to several drugs,
combination products, names made only of descriptor words or common English
words, names of more than 3 words, spelling variants of the generic.
"""
import argparse
import bz2
import pickle
import re
import sys

PROG = "extract_drug_names"
DICT_REL = "drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2"

# Descriptor letters that bill drugs, biologicals and radiopharmaceuticals.
DRUG_CODE = re.compile(r"^(J|Q|C9|A9|S0)")

# Salt and ester words: a generic that names one is also tried without it.
SALTS = {
    "hydrochloride", "hcl", "sodium", "disodium", "potassium", "calcium", "magnesium",
    "acetate", "diacetate", "acetonide", "hexacetonide", "sulfate", "phosphate", "succinate",
    "hemisuccinate", "tromethamine", "mesylate", "maleate", "citrate", "tartrate", "bitartrate",
    "bromide", "chloride", "dipropionate", "propionate", "fumarate", "besylate", "lactate",
    "gluconate", "decanoate", "palmitate", "pamoate", "cypionate", "enanthate", "valerate",
    "hyclate", "monohydrate", "dihydrate", "trihydrate", "anhydrous", "sesquihydrate",
    "lactobionate", "stearate", "nitrate", "oxide", "hydrobromide", "benzathine", "procaine",
    "undecanoate", "sodium succinate", "liposomal", "liposome",
}

SALT_ALIASES = {"hemisuccinate": "succinate", "hydrochloride": "hydrochloride"}

# At most this many names per drug, in the dictionary's order (its own brands
# come before MeSH synonyms and foreign spellings), to keep the index small.
MAX_NAMES_PER_DRUG = 12

STOP = {"a", "an", "and", "the", "of", "or", "to", "by", "as", "at", "is", "in", "on", "for", "with"}

# Everyday English words that are also (foreign) brand names in the dictionary.
COMMON_WORDS = {
    "care", "relief", "today", "plus", "max", "extra", "rapid", "clear", "pain", "sleep", "aid",
    "cold", "flu", "allergy", "cough", "night", "day", "fast", "strong", "forte", "basic", "pure",
    "natural", "balance", "control", "cure", "health", "life", "safe", "gentle", "active", "fresh",
    "calm", "ease", "comfort", "advance", "prime", "one", "duo", "trio", "mono", "ultra", "retard",
    "depot", "long", "acting", "tablet", "tablets", "injection", "solution", "cream", "gel",
    "spray", "drops", "syrup", "oral", "infusion", "vial", "kit", "pen", "patch", "powder",
    "children", "junior", "adult", "baby", "kids", "women", "men", "water", "salt", "sugar",
    "iron", "zinc", "gold", "silver", "oxygen", "air", "blood", "serum", "plasma", "vitamin",
}


def fail(msg):
    sys.stderr.write(f"{PROG}: error: {msg}\n")
    sys.exit(1)


def words(s):
    return [w for w in re.split(r"[^0-9a-z]+", s.lower()) if w and w not in STOP]


def near(a, b):
    """Same stem spelled another way: a shared first 5 letters or one edit apart."""
    if len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5]:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= 1


def read_abbreviations(path):
    table = {}
    longest = 1
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = [c.strip() for c in line.rstrip("\n").split("\t")]
            key = tuple(cols[0].lower().split())
            table[key] = [c.lower() for c in cols[1:] if c]
            longest = max(longest, len(key))
    return table, longest


def expand(descriptor, table, longest):
    """The descriptor's words with every abbreviation's expansions (as the index build)."""
    toks = []
    for chunk in re.split(r"[\s,;()\[\]]+", descriptor.lower()):
        if not chunk:
            continue
        if (chunk,) in table:
            toks.append(chunk)
        else:
            toks.extend(p for p in re.split(r"[/\-:.]", chunk) if p)
    out = set()
    i = 0
    while i < len(toks):
        for n in range(min(longest, len(toks) - i), 0, -1):
            key = tuple(toks[i:i + n])
            if key in table:
                for e in table[key]:
                    out.update(words(e))
                i += n
                break
        else:
            out.update(words(toks[i]))
            i += 1
    return out


def read_hcpcs(path):
    latest = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            code, start, _end, desc = line.rstrip("\n").split("\t")[:4]
            if code not in latest or start >= latest[code][0]:
                latest[code] = (start, desc)
    return {c: d for c, (_, d) in latest.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pkgs", required=True)
    ap.add_argument("--hcpcs", required=True)
    ap.add_argument("--abbreviations", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    try:
        with bz2.open(f"{a.pkgs}/{DICT_REL}", "rb") as f:
            d = pickle.load(f)  # the pinned wheel's own data file (sha256-checked by build.sh)
        variants = d["drug_variant_to_canonical"]
    except (OSError, KeyError, pickle.UnpicklingError, EOFError) as e:
        fail(f"cannot read {a.pkgs}/{DICT_REL}: {e}")
    table, longest = read_abbreviations(a.abbreviations)
    descriptors = {c: s for c, s in read_hcpcs(a.hcpcs).items() if DRUG_CODE.match(c)}
    expanded = {c: expand(s, table, longest) for c, s in descriptors.items()}
    vocab = set()
    for s in read_hcpcs(a.hcpcs).values():
        vocab.update(words(s))

    def codes_for(generic_words):
        return sorted(c for c, ws in expanded.items() if generic_words and set(generic_words) <= ws)

    # Words that name a drug (single-word generics), to tell combination codes apart.
    drug_words = {c for c in variants.values() if isinstance(c, list) for c in c}
    drug_words = {c for c in drug_words if re.fullmatch(r"[a-z]{6,}", c)} - SALTS - COMMON_WORDS

    # canonical → (generic as matched, codes)
    cache = {}

    def resolve(canonical):
        if canonical in cache:
            return cache[canonical]
        result = None
        canonical = canonical.strip(" ,;.")
        if "," not in canonical and " and " not in canonical and "/" not in canonical:
            full = words(canonical)
            base = [w for w in full if w not in SALTS]
            # "hemisuccinate" is billed as the succinate.
            alias = [SALT_ALIASES.get(w, w) for w in full]
            for cand in (full, alias, base):
                if cand and sum(map(len, cand)) >= 5 and len(cand) <= 4:
                    codes = codes_for(cand)
                    # A brand of one drug bills the single-drug codes, not
                    # combinations with another drug ("meperidine/promethazine").
                    single = [c for c in codes if not (expanded[c] & drug_words) - set(cand)]
                    codes = single or codes
                    if codes:
                        result = (" ".join(cand), codes)
                        break
        cache[canonical] = result
        return result

    rows = []
    per_drug = {}
    for name, canon in variants.items():
        if not isinstance(canon, list) or len(canon) != 1:
            continue
        ws = words(name)
        letters = sum(ch.isalpha() for ch in name)
        if letters < 4 or not ws or len(ws) > 3:
            continue
        if not re.fullmatch(r"[a-z][a-z \-]*[a-z0-9]?", name) or max(len(w) for w in ws) > 16:
            continue  # chemical names ("2-carbamoyloxypropyl-…", "mdx-ctla-4") are not typed
        if all(w in vocab or w in COMMON_WORDS or w in STOP for w in ws):
            continue
        r = resolve(canon[0])
        if not r:
            continue
        generic, codes = r
        gws = words(generic)
        # Spelling variants and salts of the generic itself (INN/foreign forms,
        # "naloxone hydrobromide") add nothing that typo search and the generic lack.
        if any(w in gws for w in ws) or any(near(w, g) for w in ws for g in gws):
            continue
        if per_drug.get(canon[0], 0) >= MAX_NAMES_PER_DRUG:
            continue
        per_drug[canon[0]] = per_drug.get(canon[0], 0) + 1
        rows.append((name, generic, ",".join(codes)))
    rows.sort()
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("# medcode hcpcs_drug_names.tsv v1: name\tgeneric\tcodes "
                "(from drug-named-entity-recognition 2.0.9; generic found in the expanded descriptors)\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    sys.stderr.write(f"{PROG}: {len(rows)} names for {len({r[1] for r in rows})} generics\n")


if __name__ == "__main__":
    main()
