//! Building an index from ingested data (native only, at build time).

use super::format::*;
use crate::model::{NodeKind, NoteKind, System};
use crate::search::text;
use std::collections::{BTreeMap, HashMap};

/// A build-time failure, with a message that says what to fix.
#[derive(Debug)]
pub enum BuildError {
    Io(String),
    Data(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Io(s) | BuildError::Data(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for BuildError {}

/// A node while the index is being assembled.
#[derive(Clone, Debug)]
pub struct BuildNode {
    pub system: System,
    pub kind: NodeKind,
    pub parent: Option<usize>,
    /// Undotted for codes (`E119`), `A00-A09` for sections, `1` for chapters.
    pub code: String,
    pub title: Option<String>,
    pub billable: bool,
    pub in_release: bool,
    pub notes: Vec<(NoteKind, String)>,
    pub seventh: Vec<(char, String)>,
    pub seventh_of_parent: Option<char>,
    /// (start, end, MCE flags); end `u32::MAX` = open-ended.
    pub spans: Vec<(u32, u32, u32)>,
    /// Extra searchable units made at build time (HCPCS everyday names).
    pub extra_units: Vec<ExtraUnit>,
}

/// A searchable unit that is not in the source data's own text: e.g. a HCPCS
/// descriptor with its abbreviations spelled out, plus brand and service names.
#[derive(Clone, Debug, Default)]
pub struct ExtraUnit {
    /// The text whose words give the unit's length (own words, field 1).
    pub text: String,
    /// More own words that do not lengthen the unit (names, original abbreviations).
    pub also: Vec<String>,
    /// Words that only help a match (field 2, e.g. dose numbers).
    pub context: Vec<String>,
    /// Added to the unit's length: words of the code the text leaves out
    /// (a manufacturer, a route), so the plainest code ranks first.
    pub extra_len: u8,
    /// When set, the unit's length instead of the text's word count.
    pub len: Option<u8>,
    /// The text names the code as its title does (an everyday name of a
    /// service or supply): its words weigh as title words (field 0), so a
    /// query that is the whole name is not beaten by a title holding the
    /// same words and more ("test strips" for dialysis).
    pub names_code: bool,
}

impl BuildNode {
    pub fn new(system: System, kind: NodeKind, parent: Option<usize>) -> BuildNode {
        BuildNode {
            system,
            kind,
            parent,
            code: String::new(),
            title: None,
            billable: false,
            in_release: true,
            notes: Vec::new(),
            seventh: Vec::new(),
            seventh_of_parent: None,
            spans: Vec::new(),
            extra_units: Vec::new(),
        }
    }
}

/// One searchable unit while building: (term, best field) list, length, `UNIT_*` flags.
type Unit = (Vec<(String, u8)>, u8, u8);

/// Collects nodes from every ingest, then lays out the index.
#[derive(Default)]
pub struct IndexBuilder {
    nodes: Vec<BuildNode>,
    pub versions: DataVersions,
    pub age_ranges: Vec<AgeRangeRec>,
    pub modifiers: Vec<ModifierRec>,
    pub abbreviations: BTreeMap<String, Vec<String>>,
    /// The everyday-language layer (see `search::everyday`).
    pub defaults: Vec<DefaultRec>,
    pub node_context: Vec<u8>,
    pub context_words: Vec<(String, u8)>,
    pub rules: crate::validate::data::RuleData,
}

impl IndexBuilder {
    pub fn new() -> IndexBuilder {
        IndexBuilder::default()
    }
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
    pub fn push(&mut self, node: BuildNode) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }
    pub fn node(&self, id: usize) -> &BuildNode {
        &self.nodes[id]
    }
    pub fn node_mut(&mut self, id: usize) -> &mut BuildNode {
        &mut self.nodes[id]
    }
    pub fn nodes(&self) -> &[BuildNode] {
        &self.nodes
    }

    /// The 7th-character definitions in force at `id`: its own, else the
    /// nearest ancestor's.
    pub fn inherited_seventh(&self, id: usize) -> Vec<(char, String)> {
        let mut cur = Some(id);
        while let Some(i) = cur {
            if !self.nodes[i].seventh.is_empty() {
                return self.nodes[i].seventh.clone();
            }
            cur = self.nodes[i].parent;
        }
        Vec::new()
    }

    /// Map from (system, undotted code) to node id, for codes only.
    pub fn code_map(&self) -> HashMap<(System, String), usize> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Category | NodeKind::Code))
            .map(|(i, n)| ((n.system, n.code.clone()), i))
            .collect()
    }

    /// Lays out the index. Nodes keep their order; searchable text is indexed.
    pub fn finish(self) -> Result<IndexData, BuildError> {
        let mut arena = Arena::default();
        let n = self.nodes.len();
        let mut out = IndexData {
            versions: self.versions.clone(),
            age_ranges: self.age_ranges.clone(),
            modifiers: self.modifiers.clone(),
            rules: self.rules.clone(),
            ..Default::default()
        };
        let mut span_sets = SpanSets::default();
        let mut phrases = PhraseCoder::default();
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (i, node) in self.nodes.iter().enumerate() {
            if let Some(p) = node.parent {
                children[p].push(i as u32);
            }
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let display = match node.kind {
                NodeKind::Category | NodeKind::Code if node.system == System::Icd10cm => {
                    crate::icd10cm::dotted(&node.code)
                }
                _ => node.code.clone(),
            };
            let mut flags = 0;
            if node.billable {
                flags |= FLAG_BILLABLE;
            }
            if node.in_release {
                flags |= FLAG_IN_RELEASE;
            }
            if matches!(node.kind, NodeKind::Category | NodeKind::Code) && node.title.is_some() {
                flags |= FLAG_SEARCHABLE;
            }
            let count = |what: &str, n: usize| {
                u8::try_from(n).map_err(|_| {
                    BuildError::Data(format!(
                        "{} has {n} {what}; the index holds at most 255 per code",
                        node.code
                    ))
                })
            };
            out.span_set.push(span_sets.id(&node.spans, &node.code)?);
            out.note_count.push(count("notes", node.notes.len())?);
            out.seventh_count
                .push(count("7th-character definitions", node.seventh.len())?);
            for (k, t) in &node.notes {
                out.notes.push(NoteRec {
                    kind: k.to_u8(),
                    pad: [0; 3],
                    text: phrases.add(t),
                });
            }
            for (c, t) in &node.seventh {
                out.seventh_defs.push(SeventhRec {
                    character: *c as u8,
                    pad: [0; 3],
                    meaning: arena.add(t),
                });
            }
            let child_start = out.child_ids.len() as u32;
            out.child_ids.extend_from_slice(&children[i]);
            // A 7th-character code stores only its character's meaning (see Engine::node_title).
            let stored_title = match (node.seventh_of_parent, node.parent) {
                (Some(c), Some(p)) => self
                    .inherited_seventh(p)
                    .into_iter()
                    .find(|d| d.0 == c)
                    .map(|d| d.1),
                _ => node.title.clone(),
            };
            let rec = NodeRec::new(
                arena.add(&display),
                phrases.add(stored_title.as_deref().unwrap_or("")),
                node.parent.map(|p| p as u32).unwrap_or(u32::MAX),
                node.kind.to_u8(),
                node.system.to_u8(),
                flags,
                node.seventh_of_parent.map(|c| c as u8).unwrap_or(0),
                (child_start, children[i].len() as u32),
            )
            .ok_or_else(|| {
                BuildError::Data(format!(
                    "{} does not fit a node record (its code, title or children, or the text before it, too long)",
                    node.code
                ))
            })?;
            out.nodes.push(rec);
        }
        out.spans = span_sets.spans.into();
        out.span_set_ends = span_sets.ends.into();
        let mut order: Vec<u32> = (0..n as u32)
            .filter(|&i| {
                matches!(
                    self.nodes[i as usize].kind,
                    NodeKind::Category | NodeKind::Code
                )
            })
            .collect();
        order.sort_by(|&a, &b| {
            let (na, nb) = (&self.nodes[a as usize], &self.nodes[b as usize]);
            na.code
                .cmp(&nb.code)
                .then(na.system.to_u8().cmp(&nb.system.to_u8()))
        });
        out.code_order = order.into();
        phrases.finish(&mut out)?;
        out.search = self.build_search();
        out.text = arena.bytes.into();
        out.text_checked = std::str::from_utf8(&out.text).is_ok();
        Ok(out)
    }

    /// Terms of the titles of a node's ancestors from the category down.
    fn ancestor_terms(&self, id: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = self.nodes[id].parent;
        while let Some(p) = cur {
            let pn = &self.nodes[p];
            if !matches!(pn.kind, NodeKind::Category | NodeKind::Code) {
                break;
            }
            out.extend(text::terms(searchable_title(
                pn.title.as_deref().unwrap_or(""),
            )));
            cur = pn.parent;
        }
        out
    }

    /// The searchable units of a node: its title, then each inclusion term.
    /// Each unit lists its terms with their best field, and its flags.
    fn node_units(&self, id: usize) -> Vec<Unit> {
        let node = &self.nodes[id];
        let title = searchable_title(node.title.as_deref().unwrap_or(""));
        let ancestors = self.ancestor_terms(id);
        let add = |out: &mut Vec<(String, u8)>, t: String, field: u8| {
            if let Some(e) = out.iter_mut().find(|(x, _)| *x == t) {
                e.1 = e.1.min(field);
            } else {
                out.push((t, field));
            }
        };
        let mut units = Vec::new();
        let mut own: Vec<(String, u8)> = Vec::new();
        let title_terms = text::terms(title);
        // Without brackets the core is the whole title: count its terms
        // without splitting it again.
        let plain_len = (!title.contains(['(', '['])).then(|| {
            title_terms
                .iter()
                .filter(|t| !text::is_generic(t))
                .count()
                .clamp(1, 255) as u8
        });
        for t in title_terms {
            add(&mut own, t, 0);
        }
        if let Some(c) = node.seventh_of_parent {
            // CMS short titles say "7thA" where the 7th character's words do not fit.
            add(&mut own, format!("7th{}", c.to_ascii_lowercase()), 0);
        }
        // The "7th<char>" term counts as one more word of the title.
        let len = plain_len
            .unwrap_or_else(|| core_len(title))
            .saturating_add(u8::from(node.seventh_of_parent.is_some()));
        // HCPCS has no nonessential-modifier convention: "(fresenius)" counts.
        let len = if node.system == System::Hcpcs {
            core_len(&title.replace(['(', ')', '[', ']'], " "))
        } else {
            len
        };
        for t in &ancestors {
            add(&mut own, t.clone(), 2);
        }
        let generic = is_generic_text(title);
        units.push((own, len, if generic { UNIT_GENERIC } else { 0 }));
        for (k, note) in &node.notes {
            // "Includes" notes name what the code covers, like inclusion terms.
            if !matches!(k, NoteKind::InclusionTerm | NoteKind::Includes) {
                continue;
            }
            let mut terms = Vec::new();
            for t in text::terms(note) {
                add(&mut terms, t, 1);
            }
            let len = core_len(note);
            for t in text::terms(title)
                .into_iter()
                .chain(ancestors.iter().cloned())
            {
                add(&mut terms, t, 2);
            }
            let generic = is_generic_text(note);
            let flags = UNIT_INCLUSION | if generic { UNIT_GENERIC } else { 0 };
            units.push((terms, len, flags));
        }
        for extra in &node.extra_units {
            let mut terms = Vec::new();
            let own_field = if extra.names_code { 0 } else { 1 };
            for t in text::terms(&extra.text) {
                add(&mut terms, t, own_field);
            }
            for w in &extra.also {
                for t in text::terms(w) {
                    add(&mut terms, t, 1);
                }
            }
            for w in &extra.context {
                for t in text::terms(w) {
                    add(&mut terms, t, 2);
                }
            }
            let flags = if generic { UNIT_GENERIC } else { 0 };
            let len = extra
                .len
                .unwrap_or_else(|| core_len(&extra.text))
                .saturating_add(extra.extra_len);
            units.push((terms, len, flags));
        }
        units
    }

    fn build_search(&self) -> SearchData {
        let mut postings: BTreeMap<String, Vec<(u32, u8)>> = BTreeMap::new();
        let mut s = SearchData::default();
        for (i, node) in self.nodes.iter().enumerate() {
            if !matches!(node.kind, NodeKind::Category | NodeKind::Code) || node.title.is_none() {
                continue;
            }
            for (terms, len, flags) in self.node_units(i) {
                let unit = s.unit_node.len() as u32;
                s.unit_node.push(i as u32);
                s.unit_len.push(len.max(1));
                s.unit_flags.push(flags);
                for (t, f) in terms {
                    postings.entry(t).or_default().push((unit, f));
                }
            }
        }
        for (term, list) in &postings {
            s.term_text.extend_from_slice(term.as_bytes());
            s.term_ends.push(s.term_text.len() as u32);
            let mut prev = 0u32;
            for &(unit, field) in list {
                write_varint(
                    s.postings.to_mut(),
                    (((unit - prev) as u64) << 2) | field as u64,
                );
                prev = unit;
            }
            s.posting_ends.push(s.postings.len() as u32);
            s.term_df.push(list.len() as u32);
        }
        s.abbreviations = self
            .abbreviations
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        s.defaults = self.defaults.clone();
        s.node_context = self.node_context.clone().into();
        s.context_words = self.context_words.clone();
        s
    }
}

/// A title's words up to "other than": what follows names what the code
/// excludes ("Z09 … for conditions other than malignant neoplasm"). Indexed,
/// those words made Z09 a match for a malignant neoplasm and one word longer
/// than Z08, which then won "follow up" alone and any condition's follow-up.
fn searchable_title(title: &str) -> &str {
    const EXCEPT: &[u8] = b" other than ";
    title
        .as_bytes()
        .windows(EXCEPT.len())
        .position(|w| w.eq_ignore_ascii_case(EXCEPT))
        .map_or(title, |i| &title[..i])
}

/// Words that count toward a unit's length: not generic words, and not the
/// tabular's nonessential modifiers — words in parentheses, which "may be
/// present or absent" without changing the code (ICD-10-CM conventions).
fn core_len(text_: &str) -> u8 {
    let mut depth = 0i32;
    let core: String = text_
        .chars()
        .map(|c| {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = (depth - 1).max(0),
                _ => {}
            }
            if depth > 0 {
                ' '
            } else {
                c
            }
        })
        .collect();
    text::terms(&core)
        .iter()
        .filter(|t| !text::is_generic(t))
        .count()
        .clamp(1, 255) as u8
}

/// The text names the general form: "unspecified", "not specified", "NOS".
fn is_generic_text(s: &str) -> bool {
    let ws = text::words(s);
    ws.iter().any(|w| w == "unspecified" || w == "nos")
        || ws.windows(2).any(|p| p[0] == "not" && p[1] == "specified")
}

pub(crate) use super::frame::write_varint;

/// Deduplicating string arena.
#[derive(Default)]
struct Arena {
    bytes: Vec<u8>,
    seen: HashMap<String, TextRef>,
}

impl Arena {
    fn add(&mut self, s: &str) -> TextRef {
        if s.is_empty() {
            return TextRef::default();
        }
        if let Some(r) = self.seen.get(s) {
            return *r;
        }
        let r = TextRef {
            off: self.bytes.len() as u32,
            len: s.len() as u32,
        };
        self.bytes.extend_from_slice(s.as_bytes());
        self.seen.insert(s.to_string(), r);
        r
    }
}

/// Titles and notes as word ids (format v6): each distinct phrase once,
/// its words (split at single spaces, so joining them gives the phrase
/// back) numbered by falling frequency so the common ones take one varint
/// byte. `add` hands out a placeholder; `finish` encodes and fixes the refs.
#[derive(Default)]
struct PhraseCoder {
    distinct: Vec<String>,
    seen: HashMap<String, u32>,
}

impl PhraseCoder {
    /// A placeholder ref (`off`: the distinct phrase's number + 1), or none
    /// for an empty phrase.
    fn add(&mut self, s: &str) -> TextRef {
        if s.is_empty() {
            return TextRef::default();
        }
        let k = match self.seen.get(s) {
            Some(&k) => k,
            None => {
                let k = self.distinct.len() as u32;
                self.distinct.push(s.to_string());
                self.seen.insert(s.to_string(), k);
                k
            }
        };
        TextRef { off: k + 1, len: 0 }
    }

    fn finish(self, out: &mut IndexData) -> Result<(), BuildError> {
        let mut freq: HashMap<&str, u32> = HashMap::new();
        for t in &self.distinct {
            for w in t.split(' ') {
                *freq.entry(w).or_default() += 1;
            }
        }
        let mut words: Vec<(&str, u32)> = freq.into_iter().collect();
        words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let id: HashMap<&str, u32> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.0, i as u32))
            .collect();
        let (mut text, mut ends) = (Vec::new(), Vec::with_capacity(words.len()));
        for (w, _) in &words {
            text.extend_from_slice(w.as_bytes());
            ends.push(text.len() as u32);
        }
        let mut coded = Vec::new();
        let mut refs = Vec::with_capacity(self.distinct.len());
        for t in &self.distinct {
            let off = coded.len() as u32;
            for w in t.split(' ') {
                super::frame::write_varint(&mut coded, id[w] as u64);
            }
            refs.push(TextRef {
                off,
                len: coded.len() as u32 - off,
            });
        }
        let fix = |t: &mut TextRef| {
            if t.off != 0 {
                *t = refs[t.off as usize - 1];
            }
        };
        for (i, n) in out.nodes.iter_mut().enumerate() {
            let mut t = n.title();
            fix(&mut t);
            n.title_off = t.off;
            n.title_len = u16::try_from(t.len).map_err(|_| {
                BuildError::Data(format!(
                    "node {i}: a title of {} bytes of word ids; a node record holds at most 65,535",
                    t.len
                ))
            })?;
        }
        out.notes.iter_mut().for_each(|n| fix(&mut n.text));
        out.words = text.into();
        out.word_ends = ends.into();
        out.phrases = coded.into();
        Ok(())
    }
}

/// Distinct validity span sets (most codes share one of a few hundred), each
/// stored once: `spans` back to back, `ends[k]` ending set k.
#[derive(Default)]
struct SpanSets {
    spans: Vec<SpanRec>,
    ends: Vec<u32>,
    seen: HashMap<Vec<(u32, u32, u32)>, u16>,
}

impl SpanSets {
    fn id(&mut self, spans: &[(u32, u32, u32)], code: &str) -> Result<u16, BuildError> {
        if let Some(&k) = self.seen.get(spans) {
            return Ok(k);
        }
        let k = u16::try_from(self.ends.len()).map_err(|_| {
            BuildError::Data(format!(
                "{code}: more than 65,536 distinct sets of validity spans; the index holds at most that many"
            ))
        })?;
        self.spans.extend(
            spans
                .iter()
                .map(|&(start, end, mce)| SpanRec { start, end, mce }),
        );
        self.ends.push(self.spans.len() as u32);
        self.seen.insert(spans.to_vec(), k);
        Ok(k)
    }
}
