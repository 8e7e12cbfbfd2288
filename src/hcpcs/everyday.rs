//! HCPCS in people's words, built into the index (native, build time).
//!
//! Every Level II code gets one extra search unit: its short descriptor with
//! the CMS abbreviations spelled out ("Ketorolac tromethamine inj" →
//! "… injection"), the brand and generic names of the drug it bills, reviewed
//! everyday names of the service or supply ("welcome to medicare visit"),
//! and the dose words of the descriptor as context. Each name also becomes a
//! `SearchAlias` note ("brand name: Toradol → ketorolac") so a hit can say
//! why it matched (`crate::hcpcs::why`). Search itself needs no HCPCS-specific code.
//!
//! Inputs, each checked against the HCPCS data (a bad entry fails the build):
//! - `data/hcpcs/short_descriptor_abbreviations.tsv` v1:
//!   `abbreviation<TAB>expansion[<TAB>expansion…]`; every key occurs in a descriptor.
//! - `data/hcpcs/everyday_names.tsv` v1: `code<TAB>kind<TAB>name[<TAB>name…]`;
//!   the code exists and is active in the newest quarter, kind is `service` or `supply`.
//! - `data/hcpcs/brand_names.tsv` v1 (reviewed, for brands the dictionary lacks) and
//!   `build/data/hcpcs_drug_names.tsv` v1 (from `tools/extract_drug_names.py`):
//!   `name<TAB>generic<TAB>code[,code…]`; every code exists and the generic's
//!   words occur in its expanded descriptor.

use crate::index::build::{BuildError, ExtraUnit, IndexBuilder};
use crate::model::{NodeKind, NoteKind, System};
use crate::search::text;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Descriptor abbreviations: key words → expansions.
#[derive(Clone, Debug, Default)]
pub struct Abbreviations {
    map: HashMap<Vec<String>, Vec<String>>,
    longest: usize,
}

fn data_rows(tsv: &str) -> impl Iterator<Item = (usize, Vec<&str>)> + '_ {
    tsv.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.split('\t').map(str::trim).collect()))
}

impl Abbreviations {
    /// Parses the table; `file` names it in errors.
    pub fn parse(tsv: &str, file: &str) -> Result<Abbreviations, BuildError> {
        let mut out = Abbreviations::default();
        for (line, cols) in data_rows(tsv) {
            let err = |m: &str| BuildError::Data(format!("{file} line {line}: {m}"));
            let key: Vec<String> = cols[0].split_whitespace().map(str::to_lowercase).collect();
            let exps: Vec<String> = cols[1..]
                .iter()
                .filter(|c| !c.is_empty())
                .map(|c| c.to_lowercase())
                .collect();
            if key.is_empty() || exps.is_empty() {
                return Err(err("want an abbreviation and at least one expansion"));
            }
            if out.map.contains_key(&key) {
                return Err(err(&format!("{:?} is listed twice", cols[0])));
            }
            if exps.iter().any(|e| text::words(e).is_empty()) {
                return Err(err("an expansion has no words"));
            }
            out.longest = out.longest.max(key.len());
            out.map.insert(key, exps);
        }
        Ok(out)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Lower-case tokens of a descriptor. Whitespace, commas, semicolons and
    /// brackets separate; a chunk holding `/` or `-` stays whole when it is a
    /// key (`w/o`, `f/u`), else splits there too ("pelvic/breast").
    fn tokens(&self, descriptor: &str) -> Vec<String> {
        let mut out = Vec::new();
        for chunk in descriptor
            .to_lowercase()
            .split(|c: char| c.is_whitespace() || ",;()[]".contains(c))
            .filter(|c| !c.is_empty())
        {
            if self.map.contains_key(&vec![chunk.to_string()]) {
                out.push(chunk.to_string());
                continue;
            }
            out.extend(
                chunk
                    .split(['/', '-', ':', '.'])
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
            );
        }
        out
    }

    /// The descriptor with every abbreviation replaced by its first expansion,
    /// the other expansions' words, and the (abbreviation, expansion) pairs used.
    pub fn expand(&self, descriptor: &str) -> Expanded {
        let toks = self.tokens(descriptor);
        let mut out = Expanded::default();
        let mut words: Vec<String> = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let found = (1..=self.longest.min(toks.len() - i))
                .rev()
                .find_map(|n| self.map.get(&toks[i..i + n]).map(|e| (n, e)));
            match found {
                Some((n, exps)) => {
                    let key = toks[i..i + n].join(" ");
                    if exps[0] != key {
                        out.pairs.push((key, exps[0].clone()));
                    }
                    words.push(exps[0].clone());
                    out.also.extend(exps[1..].iter().cloned());
                    i += n;
                }
                None => {
                    words.push(toks[i].clone());
                    i += 1;
                }
            }
        }
        out.text = words.join(" ");
        out
    }

    /// Fails unless every key occurs in at least one descriptor.
    pub fn check_against<'a>(
        &self,
        descriptors: impl Iterator<Item = &'a str>,
        file: &str,
    ) -> Result<(), BuildError> {
        let mut seen: BTreeSet<&Vec<String>> = BTreeSet::new();
        for d in descriptors {
            let toks = self.tokens(d);
            for i in 0..toks.len() {
                for n in 1..=self.longest.min(toks.len() - i) {
                    if let Some((k, _)) = self.map.get_key_value(&toks[i..i + n]) {
                        seen.insert(k);
                    }
                }
            }
        }
        let mut missing: Vec<String> = self
            .map
            .keys()
            .filter(|k| !seen.contains(k))
            .map(|k| k.join(" "))
            .collect();
        missing.sort();
        if !missing.is_empty() {
            return Err(BuildError::Data(format!(
                "{file}: {} abbreviation(s) occur in no HCPCS descriptor (remove or fix them): {}",
                missing.len(),
                missing.join(", ")
            )));
        }
        Ok(())
    }
}

/// A descriptor with its abbreviations spelled out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expanded {
    pub text: String,
    /// Words of the other senses of ambiguous abbreviations.
    pub also: Vec<String>,
    pub pairs: Vec<(String, String)>,
}

/// Dose words of a descriptor ("5mg", "0.5 mg", "1000 cc", "up to 125 mg"):
/// the number and the number joined to its unit ("125mg"), so a query's dose
/// prefers the code that bills it. They are context words only, and HCPCS
/// search treats a query's numbers as optional ("toradol 60" still finds
/// J1885, billed per 15 mg, whose short descriptor names no dose).
pub fn dose_words(descriptor: &str) -> Vec<String> {
    const UNITS: &[&str] = &[
        "mg", "mcg", "g", "gm", "ml", "cc", "u", "units", "unit", "iu", "meq", "l",
    ];
    let lower = descriptor.to_lowercase();
    let toks: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || ",;()/".contains(c))
        .filter(|t| !t.is_empty())
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for (i, t) in toks.iter().enumerate() {
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, rest) = t.split_at(split);
        let unit = if !rest.is_empty() {
            rest
        } else {
            toks.get(i + 1).copied().unwrap_or("")
        };
        if num.is_empty() || !UNITS.contains(&unit) {
            continue;
        }
        let Ok(value) = num.trim_end_matches('.').parse::<f64>() else {
            continue;
        };
        if value <= 0.0 {
            continue;
        }
        let fmt = |v: f64| {
            let s = format!("{v:.3}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        let unit = match unit {
            "cc" => "ml",
            "gm" => "g",
            "units" | "unit" | "iu" => "u",
            u => u,
        };
        push(fmt(value));
        push(format!("{}{unit}", fmt(value)));
        // The unit as a word too: "1000u" answers "1000 units".
        let words: &[&str] = match unit {
            "u" => &["u", "units"],
            "mg" => &["mg", "milligram"],
            "mcg" => &["mcg", "microgram"],
            "ml" => &["ml", "milliliter"],
            "g" => &["g", "gram"],
            "l" => &["liter"],
            "meq" => &["meq", "milliequivalent"],
            _ => &[],
        };
        for w in words {
            push(w.to_string());
        }
    }
    out
}

/// One reviewed everyday name of a service or supply.
#[derive(Clone, Debug, PartialEq)]
pub struct EverydayName {
    pub code: String,
    pub kind: String,
    pub name: String,
}

/// Parses `everyday_names.tsv`.
pub fn parse_names(tsv: &str, file: &str) -> Result<Vec<EverydayName>, BuildError> {
    let mut out = Vec::new();
    for (line, cols) in data_rows(tsv) {
        let err = |m: String| BuildError::Data(format!("{file} line {line}: {m}"));
        if cols.len() < 3 {
            return Err(err("want code, kind, name[, name…]".into()));
        }
        let code = cols[0].to_ascii_uppercase();
        if !super::is_level2(&code) {
            return Err(err(format!("{code:?} is not a HCPCS Level II code")));
        }
        if !matches!(cols[1], "service" | "supply") {
            return Err(err(format!("kind {:?} must be service or supply", cols[1])));
        }
        for name in cols[2..].iter().filter(|n| !n.is_empty()) {
            if text::terms(name).is_empty() {
                return Err(err(format!("name {name:?} has no searchable words")));
            }
            out.push(EverydayName {
                code: code.clone(),
                kind: cols[1].to_string(),
                name: name.to_string(),
            });
        }
    }
    Ok(out)
}

/// One drug name → generic → codes line.
#[derive(Clone, Debug, PartialEq)]
pub struct DrugName {
    pub name: String,
    pub generic: String,
    pub codes: Vec<String>,
}

/// Parses a drug-name TSV (`name<TAB>generic<TAB>code[,code…]`).
pub fn parse_drug_names(tsv: &str, file: &str) -> Result<Vec<DrugName>, BuildError> {
    let mut out = Vec::new();
    for (line, cols) in data_rows(tsv) {
        let err = |m: String| BuildError::Data(format!("{file} line {line}: {m}"));
        if cols.len() < 3 {
            return Err(err("want name, generic, codes".into()));
        }
        let codes: Vec<String> = cols[2]
            .split(',')
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        if let Some(bad) = codes.iter().find(|c| !super::is_level2(c)) {
            return Err(err(format!("{bad:?} is not a HCPCS Level II code")));
        }
        if codes.is_empty() || text::terms(cols[0]).is_empty() || cols[1].is_empty() {
            return Err(err("empty name, generic or code list".into()));
        }
        out.push(DrugName {
            name: cols[0].to_string(),
            generic: cols[1].to_string(),
            codes,
        });
    }
    Ok(out)
}

/// Where the everyday layer comes from (file text and a name for errors).
#[derive(Default)]
pub struct Inputs<'a> {
    pub abbreviations: Option<(&'a str, &'a str)>,
    pub names: Vec<(&'a str, &'a str)>,
    pub drug_names: Vec<(&'a str, &'a str)>,
}

/// What `attach` added, for the build log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    pub expanded: usize,
    pub names: usize,
    pub drug_names: usize,
}

/// Words of an expanded drug descriptor beyond the drug itself: not the
/// generic's words, salts, the dosage form, units or "unspecified", so
/// "Inj, morphine (fresenius)" counts 1 and "Morphine sulfate injection" 0;
/// a dose counts 1 (the plain code first unless the query names the dose).
fn qualifier_count(expanded: &str, generic_terms: &[String]) -> u8 {
    const PLAIN: &[&str] = &[
        "sodium",
        "hydrochloride",
        "hcl",
        "sulfate",
        "phosphate",
        "acetate",
        "acetonide",
        "succinate",
        "tromethamine",
        "citrate",
        "potassium",
        "calcium",
        "bromide",
        "chloride",
        "mesylate",
        "tartrate",
        "injection",
        "infusion",
        "intravenous",
        "intramuscular",
        "subcutaneous",
        "milligram",
        "microgram",
        "milliliter",
        "units",
        "unit",
        "mg",
        "mcg",
        "ml",
        "per",
        "each",
        "dose",
        "shot",
    ];
    let plain: Vec<String> = PLAIN.iter().map(|w| text::term(w)).collect();
    let terms = text::terms(expanded);
    let extra = terms
        .iter()
        .filter(|t| {
            !generic_terms.contains(t)
                && !plain.contains(t)
                && !text::is_generic(t)
                && !matches!(t.as_str(), "not" | "otherwis" | "specifi" | "classifi")
        })
        .count();
    extra.min(255) as u8
}

/// Words of a name that count toward a unit's length.
fn core_len_of(name: &str) -> u8 {
    text::terms(name)
        .iter()
        .filter(|t| !text::is_generic(t))
        .count()
        .clamp(1, 254) as u8
}

/// Drug codes whose short descriptor may not say "injection": the CMS
/// ranges of drugs given other than by mouth (J0120–J3591) and of
/// chemotherapy drugs (J9000–J9999).
fn billed_as_injection(code: &str) -> bool {
    let n: u32 = code[1..].parse().unwrap_or(0);
    code.starts_with('J') && ((120..=3591).contains(&n) || n >= 9000)
}

/// Builds the everyday units and alias notes of every HCPCS code: one unit
/// for the spelled-out descriptor, one per everyday or drug name (its own
/// length, so "cpap" ranks the device above "cpap full face mask"), each
/// with the descriptor's words and doses as context.
pub fn attach(b: &mut IndexBuilder, inputs: &Inputs) -> Result<Stats, BuildError> {
    let codes: HashMap<String, usize> = b
        .nodes()
        .iter()
        .enumerate()
        .filter(|(_, n)| n.system == System::Hcpcs && n.kind == NodeKind::Code)
        .map(|(i, n)| (n.code.clone(), i))
        .collect();
    let abbr = match inputs.abbreviations {
        Some((tsv, file)) => {
            let a = Abbreviations::parse(tsv, file)?;
            a.check_against(
                b.nodes()
                    .iter()
                    .filter(|n| n.system == System::Hcpcs)
                    .filter_map(|n| n.title.as_deref()),
                file,
            )?;
            a
        }
        None => Abbreviations::default(),
    };
    let mut stats = Stats::default();
    // Per code: expanded descriptor, context words, names with their labels.
    struct Code {
        exp: Expanded,
        context: Vec<String>,
        /// (name, alias label, descriptor words a drug name leaves out;
        /// `u8::MAX` marks a service or supply name)
        names: Vec<(String, String, u8)>,
        /// Length of the drug in the descriptor: generic words + qualifiers.
        drug_len: Option<u8>,
        injection: bool,
    }
    let mut per_code: BTreeMap<usize, Code> = BTreeMap::new();
    for (code, &id) in codes.iter() {
        let title = b.node(id).title.clone().unwrap_or_default();
        let exp = abbr.expand(&title);
        if !exp.pairs.is_empty() {
            stats.expanded += 1;
        }
        per_code.insert(
            id,
            Code {
                exp,
                context: dose_words(&title),
                names: Vec::new(),
                drug_len: None,
                injection: billed_as_injection(code),
            },
        );
    }
    for (tsv, file) in &inputs.names {
        for n in parse_names(tsv, file)? {
            let Some(&id) = codes.get(&n.code) else {
                return Err(BuildError::Data(format!(
                    "{file}: {} ({:?}) is not in the HCPCS data",
                    n.code, n.name
                )));
            };
            if !b.node(id).billable {
                return Err(BuildError::Data(format!(
                    "{file}: {} ({:?}) is not active in the newest HCPCS quarter",
                    n.code, n.name
                )));
            }
            let label = format!("{} name: {}", n.kind, n.name);
            per_code
                .get_mut(&id)
                .expect("every code has an entry")
                .names
                .push((n.name, label, u8::MAX));
            stats.names += 1;
        }
    }
    // A name given in an earlier file (the reviewed one) overrides later files.
    let mut earlier: BTreeSet<Vec<String>> = BTreeSet::new();
    for (tsv, file) in &inputs.drug_names {
        let mut here: BTreeSet<Vec<String>> = BTreeSet::new();
        for d in parse_drug_names(tsv, file)? {
            let key = text::terms(&d.name);
            if earlier.contains(&key) {
                continue;
            }
            here.insert(key);
            let generic_terms = text::terms(&d.generic);
            for code in &d.codes {
                let Some(&id) = codes.get(code) else {
                    return Err(BuildError::Data(format!(
                        "{file}: {code} ({}) is not in the HCPCS data",
                        d.name
                    )));
                };
                let entry = per_code.get_mut(&id).expect("every code has an entry");
                let have: BTreeSet<String> = text::terms(&entry.exp.text)
                    .into_iter()
                    .chain(entry.exp.also.iter().flat_map(|w| text::terms(w)))
                    .collect();
                if let Some(w) = generic_terms.iter().find(|t| !have.contains(*t)) {
                    return Err(BuildError::Data(format!(
                        "{file}: {} → {}: {code} ({:?}, expanded {:?}) lacks {w:?}",
                        d.name,
                        d.generic,
                        b.node(id).title.as_deref().unwrap_or(""),
                        entry.exp.text
                    )));
                }
                if text::terms(&d.name) == generic_terms
                    || entry
                        .names
                        .iter()
                        .any(|(n, _, _)| text::terms(n) == text::terms(&d.name))
                {
                    continue;
                }
                let label = format!("brand name: {} → {}", d.name, d.generic);
                let extra = qualifier_count(&entry.exp.text, &generic_terms);
                let drug_len = (generic_terms.len() as u8).saturating_add(extra);
                entry.drug_len = Some(entry.drug_len.map_or(drug_len, |l| l.min(drug_len)));
                entry.names.push((d.name.clone(), label, extra));
                stats.drug_names += 1;
            }
        }
        earlier.extend(here);
    }
    for (id, c) in per_code {
        let title = b.node(id).title.clone().unwrap_or_default();
        let mut units = Vec::new();
        let mut notes = Vec::new();
        // Descriptor words (as written and spelled out) are context of every name.
        let mut described: Vec<String> = vec![title.clone(), c.exp.text.clone()];
        described.extend(c.exp.also.iter().cloned());
        let injection_words = || ["injection", "inj", "shot"].map(String::from);
        if c.injection {
            described.extend(injection_words());
        }
        // Service and supply names: one unit each, so a name's own length
        // decides ("cpap" the device, "cpap full face mask" the mask).
        // Drug names: one unit for all of a code's names (they name one drug),
        // which keeps the index small and the descriptor's words from being
        // counted once per brand.
        let mut brands: Vec<String> = Vec::new();
        let mut brand_len: Option<u8> = None;
        for (name, label, extra_len) in c.names {
            notes.push((NoteKind::SearchAlias, label));
            if extra_len != u8::MAX {
                let len = core_len_of(&name).saturating_add(extra_len);
                brand_len = Some(brand_len.map_or(len, |l| l.min(len)));
                brands.push(name);
                continue;
            }
            let mut context = described.clone();
            context.extend(dose_words(&name));
            context.extend(c.context.iter().cloned());
            units.push(ExtraUnit {
                text: name,
                also: Vec::new(),
                context,
                extra_len: 0,
                len: None,
                names_code: true,
            });
        }
        if !brands.is_empty() {
            let mut context = described.clone();
            context.extend(c.context.iter().cloned());
            units.push(ExtraUnit {
                text: brands.join(" "),
                also: Vec::new(),
                context,
                extra_len: 0,
                len: brand_len,
                names_code: false,
            });
        }
        // The expanded descriptor carries no note (it would cost a note per
        // code); `crate::hcpcs::why` names the expansion from the title.
        if !c.exp.pairs.is_empty() || !c.context.is_empty() || c.injection || c.drug_len.is_some() {
            let mut also = c.exp.also;
            if c.injection {
                also.extend(injection_words());
            }
            units.insert(
                0,
                ExtraUnit {
                    text: c.exp.text,
                    also,
                    context: c.context,
                    extra_len: 0,
                    // A drug code is as long as its drug and qualifiers: the
                    // plain "Morphine sulfate injection" before "(fresenius)".
                    len: c.drug_len,
                    names_code: false,
                },
            );
        }
        let node = b.node_mut(id);
        node.extra_units.extend(units);
        node.notes.extend(notes);
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Abbreviations {
        Abbreviations::parse(
            "# t\ninj\tinjection\nw/o\twithout\nacet\tacetate\tacetonide\ntriamcinolone acet\ttriamcinolone acetonide\nppps\tpersonalized prevention plan of service\n",
            "t.tsv",
        )
        .unwrap()
    }

    #[test]
    fn expands_whole_words_longest_first() {
        let a = table();
        let e = a.expand("Ketorolac tromethamine inj");
        assert_eq!(e.text, "ketorolac tromethamine injection");
        assert_eq!(e.pairs, [("inj".to_string(), "injection".to_string())]);
        assert_eq!(
            a.expand("Triamcinolone acet inj nos").text,
            "triamcinolone acetonide injection nos"
        );
        let m = a.expand("Medroxyprogesterone acet");
        assert_eq!(m.text, "medroxyprogesterone acetate");
        assert_eq!(m.also, ["acetonide"]);
        assert_eq!(
            a.expand("Walker folding wheeled w/o s").text,
            "walker folding wheeled without s"
        );
        // Not inside a word, and a slash splits unknown chunks.
        assert_eq!(
            a.expand("Injury pelvic/inj").text,
            "injury pelvic injection"
        );
    }

    #[test]
    fn a_key_no_descriptor_uses_fails_the_build() {
        let a = table();
        let err = a
            .check_against(
                ["Ketorolac tromethamine inj", "Ppps, initial visit"].into_iter(),
                "t.tsv",
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("acet") && err.contains("w/o"), "{err}");
        assert!(!err.contains("ppps"), "{err}");
    }

    #[test]
    fn dose_words_with_and_without_unit() {
        assert_eq!(
            dose_words("Inj, methylpred sod succ 5mg"),
            ["5", "5mg", "mg", "milligram"]
        );
        assert_eq!(
            dose_words("Methylprednisolone up to 40 mg")[..2],
            ["40", "40mg"]
        );
        assert_eq!(
            dose_words("Inj, hydromorphone, 0.1 mg")[..2],
            ["0.1", "0.1mg"]
        );
        assert_eq!(dose_words("Normal saline 1000 cc")[..2], ["1000", "1000ml"]);
        assert_eq!(
            dose_words("Inj heparin sodium per 1000u"),
            ["1000", "1000u", "u", "units"]
        );
        assert!(dose_words("Tens two lead").is_empty());
        assert!(dose_words("Pwc gp 2 std cap chair").is_empty());
    }

    #[test]
    fn qualifiers_make_the_plain_code_shorter() {
        let g = text::terms("morphine");
        assert_eq!(qualifier_count("morphine sulfate injection", &g), 0);
        assert_eq!(qualifier_count("injection morphine (fresenius)", &g), 1);
        assert_eq!(
            qualifier_count(
                "injection vancomycin hydrochloride 10 milligram",
                &text::terms("vancomycin")
            ),
            1
        );
    }

    #[test]
    fn bad_name_lines_are_refused() {
        assert!(parse_names("G0402\tservice\twelcome to medicare visit\n", "n").is_ok());
        assert!(parse_names("99213\tservice\toffice visit\n", "n").is_err());
        assert!(parse_names("G0402\tthing\tippe\n", "n").is_err());
        assert!(parse_drug_names("toradol\tketorolac\tJ1885\n", "d").is_ok());
        assert!(parse_drug_names("toradol\tketorolac\t\n", "d").is_err());
    }
}
