//! The engine: an index loaded once, answering lookups and searches.

use crate::index::format::*;
use crate::model::*;
use crate::search::{self, Scratch, SearchOptions};
use serde::Serialize;
use std::borrow::Cow;
use std::cell::RefCell;

/// Why a lookup found nothing, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// Not shaped like any code medcode knows.
    Malformed(String),
    /// Shaped like a code but not in the bundled data.
    NotFound(String),
    /// A CPT code, and no licensed CPT descriptor file has been added.
    CptNotLoaded(String),
}

impl std::fmt::Display for LookupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LookupError::Malformed(s) => write!(
                f,
                "{s:?} is not a code: ICD-10-CM looks like E11.9 (letter, digit, letter or digit, then up to 4 more), HCPCS Level II like J1100"
            ),
            LookupError::NotFound(s) => write!(
                f,
                "{s} is not in the bundled ICD-10-CM or HCPCS Level II data; check the characters, or search for it by words"
            ),
            LookupError::CptNotLoaded(s) => write!(
                f,
                "{s} is a CPT code; CPT descriptors are the AMA's and not bundled — add your licensed CPT file (Options → Add data, or `medcode data add cpt FILE`)"
            ),
        }
    }
}

impl std::error::Error for LookupError {}

/// Data versions and counts, for `medcode info` and the UI's about box.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Info {
    pub format_version: u32,
    pub icd10cm_release: String,
    pub icd10cm_effective: String,
    pub icd10cm_validity_source: String,
    pub icd10cm_validity_through: String,
    pub icd10cm_billable: usize,
    pub icd10cm_headers: usize,
    pub icd10cm_outside_release: usize,
    pub hcpcs_release: String,
    pub hcpcs_quarter: String,
    pub hcpcs_active: usize,
    pub hcpcs_total: usize,
    pub modifiers: usize,
    pub search_terms: usize,
    /// The user's own data attached (CPT descriptors, NCCI practitioner
    /// edits, MUE tables); empty when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_data: Vec<crate::userdata::Summary>,
    /// CPT codes with descriptors from a licensed file (0 = none).
    pub cpt_codes: usize,
}

/// A loaded index.
pub struct Engine {
    pub(crate) data: IndexData,
    scratch: RefCell<Scratch>,
    /// The user's own data (see `userdata`), when attached.
    user: Option<Box<crate::userdata::Attached>>,
}

impl Engine {
    /// Loads an index built by `medcode build-index`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Engine, IndexError> {
        Ok(Engine {
            data: IndexData::from_bytes(bytes)?,
            scratch: RefCell::new(Scratch::default()),
            user: None,
        })
    }

    /// [`Engine::from_bytes`] keeping the buffer: the index is read where
    /// it lies (no copy when the buffer is 8-byte aligned, as large ones are).
    pub fn from_vec(bytes: Vec<u8>) -> Result<Engine, IndexError> {
        Ok(Engine::from_data(IndexData::from_vec(bytes)?))
    }

    pub fn from_data(data: IndexData) -> Engine {
        Engine {
            data,
            scratch: RefCell::new(Scratch::default()),
            user: None,
        }
    }

    pub fn data(&self) -> &IndexData {
        &self.data
    }

    /// Attaches the user's own data sets (replacing any attached before):
    /// CPT descriptors join lookup and search, practitioner NCCI edits
    /// replace the bundled table, MUE tables switch on `mue.exceeded`.
    pub fn attach_user_data(&mut self, sets: &[crate::userdata::DataSet]) -> Result<(), String> {
        self.attach_user_data_with(sets, None)
    }

    /// [`Engine::attach_user_data`], reading the CPT index from the stored
    /// form a previous attach gave (`userdata::Attached::stored_cpt_index`)
    /// when it was built from the same CPT data; otherwise it is built.
    pub fn attach_user_data_with(
        &mut self,
        sets: &[crate::userdata::DataSet],
        stored_cpt: Option<&[u8]>,
    ) -> Result<(), String> {
        // What was attached before stays attached when this fails.
        let before = self.user.take();
        match self.attached_for(sets, stored_cpt) {
            Ok(user) => {
                self.user = user;
                Ok(())
            }
            Err(e) => {
                self.user = before;
                Err(e)
            }
        }
    }

    /// The overlay for `sets`, compared with the bundled titles.
    fn attached_for(
        &self,
        sets: &[crate::userdata::DataSet],
        stored_cpt: Option<&[u8]>,
    ) -> Result<Option<Box<crate::userdata::Attached>>, String> {
        if sets.is_empty() {
            return Ok(None);
        }
        let mut attached = crate::userdata::Attached::build_with(sets, &self.data, stored_cpt)?;
        if let Some(titles) = &mut attached.icd10cm {
            let mut parent_title = None;
            titles.compare(|row| self.bundled_as(row, &mut parent_title));
            attached.icd10cm_codes = titles.overlay(&self.data)?.map(Box::new);
        }
        Ok(Some(Box::new(attached)))
    }

    /// How a code of the user's tabular XML stands against the bundled
    /// index: absent, untitled, under another title, lacking some of the
    /// file's inclusion terms, or the same.
    /// `parent_title`: the last 7th-character parent's bundled title, kept
    /// across calls (codes come in order: a parent's 7th characters follow
    /// one another, and most codes of a release are such).
    fn bundled_as(
        &self,
        row: &crate::userdata::icd10cm::TabularCode,
        parent_title: &mut Option<(u32, String)>,
    ) -> crate::userdata::icd10cm::Bundled {
        use crate::userdata::icd10cm::Bundled;
        let Some(id) = self.find(System::Icd10cm, &row.code) else {
            return Bundled::Absent;
        };
        let n = match self.node(id) {
            Some(n) if n.title().len != 0 => *n,
            _ => return Bundled::Untitled,
        };
        let same_title = match self.parent(id).filter(|_| n.seventh != 0) {
            // "parent title, meaning", read without building it
            Some(p) => {
                if parent_title.as_ref().map(|c| c.0) != Some(p) {
                    *parent_title = self.bundled_title(p).map(|t| (p, t));
                }
                let own = self.data.phrase(n.title());
                parent_title.as_ref().is_some_and(|(_, t)| {
                    (row.title.strip_prefix(t.as_str()))
                        .and_then(|r| r.strip_prefix(", "))
                        .is_some_and(|r| r == own)
                })
            }
            None => self.bundled_title(id).as_deref() == Some(row.title.as_str()),
        };
        if !same_title {
            return Bundled::Revised;
        }
        if row.inclusion_terms.is_empty() && row.includes.is_empty() {
            return Bundled::Same;
        }
        let own: Vec<(NoteKind, String)> = self
            .own_notes(id)
            .filter(|(k, _)| matches!(k, NoteKind::InclusionTerm | NoteKind::Includes))
            .collect();
        let has = |k: NoteKind, t: &String| own.iter().any(|(x, o)| *x == k && o == t);
        let all = row
            .inclusion_terms
            .iter()
            .all(|t| has(NoteKind::InclusionTerm, t))
            && row.includes.iter().all(|t| has(NoteKind::Includes, t));
        if all {
            Bundled::Same
        } else {
            Bundled::NewTerms
        }
    }

    /// The user's ICD-10-CM codes the bundled index cannot find by words
    /// (see `userdata::icd10cm::TitleTable::overlay`).
    fn user_icd10cm(&self) -> Option<&Engine> {
        self.user.as_ref().and_then(|u| u.icd10cm_codes.as_deref())
    }

    /// "ICD-10-CM FY2027 tabular (CDC XML), icd10cm-tabular-2027.xml" when
    /// an ICD-10-CM code (undotted, upper case) is known only from the user's
    /// own tabular XML, not from the bundled index.
    /// With whether the file makes it billable (a leaf).
    pub fn user_only_icd10cm(&self, undotted: &str) -> Option<(&str, bool)> {
        let ov = self.user_icd10cm()?;
        let id = ov.find(System::Icd10cm, undotted)?;
        if self.find(System::Icd10cm, undotted).is_some() {
            return None;
        }
        let source = self.user.as_ref()?.icd10cm.as_ref()?.source_of(undotted)?;
        Some((source, ov.is_billable(id)))
    }

    /// The record of a code known only from the user's tabular XML: its
    /// title from that file, its place under the bundled codes, and a note
    /// saying where it came from and what medcode cannot say about it.
    fn user_icd10cm_record(&self, ov: &Engine, id: u32) -> CodeRecord {
        let mut r = ov.record(id);
        let undotted: String = r.code.chars().filter(|&c| c != '.').collect();
        // The bundled ancestors above the file's own (I42 above a new I42.00).
        let bundled_parent = (3..undotted.len())
            .rev()
            .find_map(|n| self.find(System::Icd10cm, &undotted[..n]));
        if let Some(p) = bundled_parent {
            let pr = self.record(p);
            let plen = pr.code.chars().filter(|&c| c != '.').count();
            let mut path = pr.path;
            path.push(PathEntry {
                code: pr.code,
                kind: pr.kind,
                title: pr.title.unwrap_or_default(),
            });
            path.extend(
                r.path
                    .into_iter()
                    .filter(|e| e.code.chars().filter(|&c| c != '.').count() > plen),
            );
            r.path = path;
        }
        r.in_release = false;
        let source = self
            .user
            .as_ref()
            .and_then(|u| u.icd10cm.as_ref())
            .and_then(|t| t.source_of(&undotted))
            .unwrap_or("your ICD-10-CM file");
        r.notes.insert(
            0,
            Note {
                kind: NoteKind::Note,
                text: format!(
                    "From your own file ({source}): not in the bundled {} tabular or the CMS validity data, so medcode cannot say on which dates it may be reported, which edits apply, or its MS-DRG CC/MCC level and HCC categories (no data here maps it).",
                    self.data.versions.icd10cm_release
                ),
                from: r.code.clone(),
            },
        );
        r
    }

    /// Search hits with the user's own ICD-10-CM codes merged in: a code
    /// typed goes first (exact, then billable, then code order), words
    /// merge by words matched then score, each code once.
    fn with_user_icd10cm(
        &self,
        query: &str,
        opts: &SearchOptions,
        hits: Vec<SearchHit>,
    ) -> Vec<SearchHit> {
        let Some(ov) = self.user_icd10cm() else {
            return hits;
        };
        if !matches!(opts.system, None | Some(System::Icd10cm)) {
            return hits;
        }
        let limit = opts.limit.max(1);
        let ov_opts = SearchOptions {
            system: None,
            limit,
        };
        // Bundled hits whose title is the file's (none bundled, or revised).
        let titles = self.user.as_ref().and_then(|u| u.icd10cm.as_ref());
        let hits: Vec<SearchHit> = match titles.filter(|t| t.replaced() > 0) {
            None => hits,
            Some(t) => hits
                .into_iter()
                .map(|mut h| {
                    let undotted: String = h.code.chars().filter(|&c| c != '.').collect();
                    if h.system == System::Icd10cm {
                        if let Some((_, _, src)) = t.replacement(&undotted) {
                            let from = format!("title from your file: {src}");
                            h.why = Some(match h.why.take() {
                                Some(w) => format!("{w}; {from}"),
                                None => from,
                            });
                        }
                    }
                    h
                })
                .collect(),
        };
        let mark = |mut h: SearchHit| {
            let undotted: String = h.code.chars().filter(|&c| c != '.').collect();
            if let Some(src) = self
                .user
                .as_ref()
                .and_then(|u| u.icd10cm.as_ref()?.source_of(&undotted).map(str::to_string))
            {
                let from = format!("from your file: {src}");
                h.why = Some(match h.why.take() {
                    Some(w) => format!("{w}; {from}"),
                    None => from,
                });
            }
            h
        };
        let ov_codes = ov.search_codes(query, &ov_opts);
        if !ov_codes.is_empty() {
            let compact: String = query
                .chars()
                .filter_map(crate::model::code_char)
                .filter(|&c| c != '.')
                .collect::<String>()
                .to_ascii_uppercase();
            let bundled_codes = !self.search_codes(query, opts).is_empty();
            let mut all: Vec<SearchHit> = if bundled_codes { hits } else { Vec::new() };
            for h in ov_codes {
                if !all.iter().any(|x| x.code == h.code && x.system == h.system) {
                    all.push(mark(h));
                }
            }
            let key = |h: &SearchHit| {
                let undotted: String = h.code.chars().filter(|&c| c != '.').collect();
                (undotted != compact, !h.billable, undotted)
            };
            all.sort_by_cached_key(key);
            all.truncate(limit);
            return all;
        }
        // A bundled code whose title the user's file revised was found here
        // by the bundled title's words: dropped, so it is found by the
        // file's title and terms (the overlay holds them) or not at all.
        // Not for a code typed: that finds the code whatever its title.
        let revised = |h: &SearchHit| {
            h.system == System::Icd10cm
                && titles.is_some_and(|t| {
                    let undotted: String = h.code.chars().filter(|&c| c != '.').collect();
                    matches!(
                        t.replacement(&undotted),
                        Some((_, crate::userdata::icd10cm::Bundled::Revised, _))
                    )
                })
        };
        let hits: Vec<SearchHit> =
            if hits.iter().any(revised) && self.search_codes(query, opts).is_empty() {
                hits.into_iter().filter(|h| !revised(h)).collect()
            } else {
                hits
            };
        let words: Vec<SearchHit> = ov
            .search_bundled(query, &ov_opts)
            .into_iter()
            .filter(|h| {
                !hits
                    .iter()
                    .any(|x| x.code == h.code && x.system == h.system)
            })
            .map(mark)
            .collect();
        if words.is_empty() {
            return hits;
        }
        // Each list keeps its own order; at each step the head with more
        // words matched, then more query words found as typed in its title
        // (a spelling guess loses to the word itself), then the higher
        // score goes first. The two indexes weigh terms differently.
        let typed: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .take(crate::search::query::MAX_WORDS)
            .map(str::to_lowercase)
            .collect();
        let rank = |h: &SearchHit| {
            let title = h.title.to_lowercase();
            let literal = typed.iter().filter(|w| title.contains(w.as_str())).count();
            (h.matched.len(), literal, h.score)
        };
        let (mut a, mut b) = (hits.into_iter().peekable(), words.into_iter().peekable());
        let mut out = Vec::with_capacity(limit);
        while out.len() < limit {
            let take_b = match (a.peek(), b.peek()) {
                (None, None) => break,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(x), Some(y)) => {
                    let (rx, ry) = (rank(x), rank(y));
                    (ry.0, ry.1) > (rx.0, rx.1) || ((ry.0, ry.1) == (rx.0, rx.1) && ry.2 > rx.2)
                }
            };
            out.extend(if take_b { b.next() } else { a.next() });
        }
        out
    }

    /// The attached user data, if any.
    pub fn user_data(&self) -> Option<&crate::userdata::Attached> {
        self.user.as_deref()
    }

    fn cpt(&self) -> Option<&Engine> {
        self.user.as_ref().and_then(|u| u.cpt.as_deref())
    }

    /// Whether a licensed CPT list is attached and holds `code` (upper case).
    /// `None` when no CPT file is attached.
    pub fn cpt_known(&self, code: &str) -> Option<bool> {
        self.cpt().map(|c| c.find(System::Cpt, code).is_some())
    }

    pub fn info(&self) -> Info {
        let v = &self.data.versions;
        let mut info = Info {
            format_version: FORMAT_VERSION,
            icd10cm_release: v.icd10cm_release.clone(),
            icd10cm_effective: format_ymd(v.icd10cm_effective),
            icd10cm_validity_source: v.icd10cm_validity_source.clone(),
            icd10cm_validity_through: format_ymd(v.icd10cm_validity_through),
            icd10cm_billable: 0,
            icd10cm_headers: 0,
            icd10cm_outside_release: 0,
            hcpcs_release: v.hcpcs_release.clone(),
            hcpcs_quarter: format_ymd(v.hcpcs_quarter),
            hcpcs_active: 0,
            hcpcs_total: 0,
            modifiers: self.data.modifiers.len(),
            search_terms: self.data.search.term_ends.len(),
            user_data: self
                .user
                .as_ref()
                .map(|u| u.sets.clone())
                .unwrap_or_default(),
            cpt_codes: self.user.as_ref().map_or(0, |u| u.cpt_codes),
        };
        for n in &self.data.nodes {
            let kind = NodeKind::from_u8(n.kind);
            if !matches!(kind, NodeKind::Category | NodeKind::Code) {
                continue;
            }
            match System::from_u8(n.system) {
                System::Icd10cm if n.flags & FLAG_IN_RELEASE == 0 => {
                    info.icd10cm_outside_release += 1
                }
                System::Icd10cm if n.flags & FLAG_BILLABLE != 0 => info.icd10cm_billable += 1,
                System::Icd10cm => info.icd10cm_headers += 1,
                System::Hcpcs => {
                    info.hcpcs_total += 1;
                    if n.flags & FLAG_BILLABLE != 0 {
                        info.hcpcs_active += 1;
                    }
                }
                System::Cpt => {}
            }
        }
        info
    }

    // ---- node access -------------------------------------------------

    pub fn node(&self, id: u32) -> Option<&NodeRec> {
        self.data.nodes.get(id as usize)
    }
    pub fn node_code(&self, id: u32) -> &str {
        self.node(id)
            .map(|n| self.data.text(n.code()))
            .unwrap_or("")
    }
    /// A node's title. A 7th-character code stores only its character's
    /// meaning; its title is its parent's title, a comma, and that meaning
    /// (the form CMS uses), so 70,000 long titles are not stored twice.
    pub fn node_title(&self, id: u32) -> Option<Cow<'_, str>> {
        let n = self.node(id)?;
        if n.title().len == 0 {
            // A newer fiscal year's title from the user's tabular XML.
            return self.user_icd10cm_title(id).map(Cow::Borrowed);
        }
        // A newer release's revised title (the user's tabular XML) wins.
        if let Some((title, _, _)) = self.user_title_replacement(id) {
            return Some(Cow::Borrowed(title));
        }
        // No user data: parent and own title read into one string.
        if self.user.is_none() {
            let mut out = String::with_capacity(n.title().len as usize * 8);
            self.bundled_title_into(id, &mut out);
            return Some(Cow::Owned(out));
        }
        // Stored as word ids (index format v6): read into a new string.
        let own = self.data.phrase(n.title());
        if n.seventh != 0 {
            if let Some(parent) = self.parent(id).and_then(|p| self.node_title(p)) {
                return Some(Cow::Owned(format!("{parent}, {own}")));
            }
        }
        Some(Cow::Owned(own))
    }
    /// [`Engine::node_title`] as the bundled index gives it (what it is
    /// when no user data is attached), appended to `out`
    /// (`IndexData::full_title_into`).
    fn bundled_title_into(&self, id: u32, out: &mut String) -> bool {
        self.data.full_title_into(id, out)
    }
    /// The user's tabular XML's title where it stands in for the bundled
    /// one (none bundled, or another): (title, how, source file).
    fn user_title_replacement(
        &self,
        id: u32,
    ) -> Option<(&str, crate::userdata::icd10cm::Bundled, &str)> {
        let titles = self.user.as_ref()?.icd10cm.as_ref()?;
        if titles.replaced() == 0 {
            return None;
        }
        titles.replacement(&self.icd10cm_undotted(id)?)
    }

    /// The title the user's ICD-10-CM tabular XML gives a node, if any.
    fn user_icd10cm_title(&self, id: u32) -> Option<&str> {
        let titles = self.user.as_ref()?.icd10cm.as_ref()?;
        titles.title(&self.icd10cm_undotted(id)?)
    }

    /// An ICD-10-CM node's code without its dot (how the user's XML keys codes).
    fn icd10cm_undotted(&self, id: u32) -> Option<String> {
        let n = self.node(id)?;
        if System::from_u8(n.system) != System::Icd10cm {
            return None;
        }
        Some(
            self.data
                .text(n.code())
                .chars()
                .filter(|&c| c != '.')
                .collect(),
        )
    }
    /// A node's title in the bundled index, whatever the user attached.
    fn bundled_title(&self, id: u32) -> Option<String> {
        let n = self.node(id)?;
        if n.title().len == 0 {
            return None;
        }
        let own = self.data.phrase(n.title());
        match self.parent(id).filter(|_| n.seventh != 0) {
            Some(p) => Some(format!("{}, {own}", self.bundled_title(p)?)),
            None => Some(own),
        }
    }
    pub fn is_billable(&self, id: u32) -> bool {
        self.node(id).is_some_and(|n| n.flags & FLAG_BILLABLE != 0)
    }
    pub fn in_release(&self, id: u32) -> bool {
        self.node(id)
            .is_some_and(|n| n.flags & FLAG_IN_RELEASE != 0)
    }
    pub fn system_of(&self, id: u32) -> System {
        self.node(id)
            .map(|n| System::from_u8(n.system))
            .unwrap_or(System::Icd10cm)
    }
    pub fn parent(&self, id: u32) -> Option<u32> {
        self.node(id).map(|n| n.parent).filter(|&p| p != u32::MAX)
    }
    pub fn children(&self, id: u32) -> &[u32] {
        match self.node(id) {
            Some(n) => {
                let (s, c) = (n.child_start as usize, n.child_count as usize);
                self.data.child_ids.get(s..s + c).unwrap_or(&[])
            }
            None => &[],
        }
    }
    pub fn spans(&self, id: u32) -> &[SpanRec] {
        self.data.spans_of(id)
    }
    /// The span in force on `date` (yyyymmdd), if the code is valid then.
    pub fn span_on(&self, id: u32, date: YmdDate) -> Option<&SpanRec> {
        self.spans(id)
            .iter()
            .find(|s| s.start <= date && date <= s.end)
    }
    /// Own notes of a node: (kind, text). Stored as word ids (index
    /// format v6): each read into a new string.
    pub fn own_notes(&self, id: u32) -> impl Iterator<Item = (NoteKind, String)> + '_ {
        self.data
            .notes_of(id)
            .iter()
            .map(move |r| (NoteKind::from_u8(r.kind), self.data.phrase(r.text)))
    }
    /// Why a HCPCS code matched words its descriptor lacks ("brand name:
    /// Toradol → ketorolac", "service name: AWV subsequent", "expanded: inj →
    /// injection"), from the everyday layer built into the index; `None` for
    /// other systems or a plain match. `matched`: the hit's matched query words.
    pub fn everyday_why(&self, id: u32, matched: &[String]) -> Option<String> {
        if self.system_of(id) != System::Hcpcs {
            return None;
        }
        let title = self.node_title(id)?;
        let notes: Vec<(NoteKind, String)> = self.own_notes(id).collect();
        crate::hcpcs::why(notes.iter().map(|(k, t)| (*k, t.as_str())), &title, matched)
    }
    /// The 7th-character definitions in force at a node (own or nearest ancestor's).
    pub fn seventh_defs(&self, id: u32) -> Vec<(char, &str)> {
        let mut cur = Some(id);
        while let Some(i) = cur {
            let own = self.data.seventh_defs_of(i);
            if !own.is_empty() {
                return own
                    .iter()
                    .map(|d| (d.character as char, self.data.text(d.meaning)))
                    .collect();
            }
            cur = self.parent(i);
        }
        Vec::new()
    }
    /// Chain from the top down to (and including) `id`.
    pub fn ancestry(&self, id: u32) -> Vec<u32> {
        let mut chain = vec![id];
        let mut cur = self.parent(id);
        while let Some(p) = cur {
            if chain.len() > 64 {
                break; // a corrupt cycle; the index check makes this unreachable
            }
            chain.push(p);
            cur = self.parent(p);
        }
        chain.reverse();
        chain
    }

    /// Node id of an exact undotted code in a system.
    pub fn find(&self, system: System, undotted: &str) -> Option<u32> {
        let order = &self.data.code_order;
        let key = undotted.as_bytes();
        let (mut lo, mut hi) = (0, order.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let id = order[mid];
            let ord = cmp_undotted(self.node_code(id), key)
                .then((self.system_of(id).to_u8()).cmp(&system.to_u8()));
            match ord {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(id),
            }
        }
        None
    }

    /// Node ids whose undotted code starts with `prefix`, in code order.
    pub fn with_prefix(&self, prefix: &str) -> &[u32] {
        let order = &self.data.code_order;
        let key = prefix.as_bytes();
        let start = order.partition_point(|&id| cmp_undotted(self.node_code(id), key).is_lt());
        let end = start
            + order[start..].partition_point(|&id| undotted_starts_with(self.node_code(id), key));
        &order[start..end]
    }

    // ---- lookup ------------------------------------------------------

    /// Every record matching a typed code: ICD-10-CM and HCPCS can share an
    /// undotted form (J1100 is both), so this may return two.
    pub fn lookup_all(&self, input: &str) -> Result<Vec<CodeRecord>, LookupError> {
        let trimmed = input.trim();
        let upper: String = trimmed
            .chars()
            .filter_map(crate::model::code_char)
            .collect::<String>()
            .to_ascii_uppercase();
        if crate::cpt::form(&upper).is_some() {
            return match self.cpt() {
                None => Err(LookupError::CptNotLoaded(upper)),
                Some(c) => match c.find(System::Cpt, &upper) {
                    Some(id) => Ok(vec![c.record(id)]),
                    None => Err(LookupError::NotFound(upper)),
                },
            };
        }
        let icd = crate::icd10cm::normalize(trimmed);
        let hcpcs = if trimmed.contains('.') {
            None
        } else {
            crate::hcpcs::normalize(trimmed)
        };
        if icd.is_none() && hcpcs.is_none() {
            return Err(LookupError::Malformed(trimmed.chars().take(40).collect()));
        }
        let mut out = Vec::new();
        if let Some(h) = &hcpcs {
            if let Some(id) = self.find(System::Hcpcs, h) {
                out.push(self.record(id));
            }
        }
        if let Some(c) = &icd {
            if let Some(id) = self.find(System::Icd10cm, c) {
                out.push(self.record(id));
            }
        }
        if let (true, Some(c), Some(ov)) = (out.is_empty(), &icd, self.user_icd10cm()) {
            if let Some(id) = ov.find(System::Icd10cm, c) {
                out.push(self.user_icd10cm_record(ov, id));
            }
        }
        if out.is_empty() {
            let shown = icd
                .map(|c| crate::icd10cm::dotted(&c))
                .or(hcpcs)
                .unwrap_or_default();
            return Err(LookupError::NotFound(shown));
        }
        Ok(out)
    }

    /// The first record for a typed code (HCPCS first for a bare Level II form).
    pub fn lookup(&self, input: &str) -> Result<CodeRecord, LookupError> {
        self.lookup_all(input).map(|mut v| v.remove(0))
    }

    /// The full record of a node.
    pub fn record(&self, id: u32) -> CodeRecord {
        let node = self.data.nodes[id as usize];
        let system = System::from_u8(node.system);
        let code = self.node_code(id).to_string();
        let title = self.node_title(id).map(Cow::into_owned);
        let chain = self.ancestry(id);
        let path = chain[..chain.len() - 1]
            .iter()
            .map(|&a| PathEntry {
                code: self.node_code(a).to_string(),
                kind: NodeKind::from_u8(self.data.nodes[a as usize].kind),
                title: self.node_title(a).map(Cow::into_owned).unwrap_or_default(),
            })
            .collect();
        let mut notes = Vec::new();
        for &a in chain.iter().rev() {
            for (kind, text) in self.own_notes(a) {
                if kind == NoteKind::SearchAlias {
                    continue;
                }
                if a == id || kind.is_inherited() {
                    notes.push(Note {
                        kind,
                        text,
                        from: self.node_code(a).to_string(),
                    });
                }
            }
        }
        let mut seventh_characters = Vec::new();
        let takes_seventh = node.seventh == 0
            && system == System::Icd10cm
            && self
                .children(id)
                .iter()
                .any(|&c| self.data.nodes[c as usize].seventh != 0);
        if takes_seventh {
            let base = crate::icd10cm::pad_for_seventh(&code.replace('.', ""));
            for &c in self.children(id) {
                let ch = self.data.nodes[c as usize].seventh as char;
                let meaning = self
                    .seventh_defs(id)
                    .into_iter()
                    .find(|(d, _)| *d == ch)
                    .map(|(_, m)| m.to_string())
                    .unwrap_or_default();
                let _ = &base;
                seventh_characters.push(SeventhCharacter {
                    character: ch.to_string(),
                    meaning,
                    code: self.node_code(c).to_string(),
                });
            }
        }
        let through = if system == System::Hcpcs {
            self.data.versions.hcpcs_validity_through
        } else {
            self.data.versions.icd10cm_validity_through
        };
        let _ = through;
        let validity = self
            .spans(id)
            .iter()
            .map(|s| ValiditySpan {
                from: format_ymd(s.start),
                until: (s.end != u32::MAX).then(|| format_ymd(s.end)),
                edits: mce::names(s.mce),
            })
            .collect();
        let children = if takes_seventh {
            Vec::new()
        } else {
            self.children(id)
                .iter()
                .map(|&c| ChildEntry {
                    code: self.node_code(c).to_string(),
                    title: self.node_title(c).map(Cow::into_owned),
                    billable: self.is_billable(c),
                })
                .collect()
        };
        let in_release = node.flags & FLAG_IN_RELEASE != 0;
        let title_missing_reason = title.is_none().then(|| {
            if in_release {
                "the bundled release gives no title for this code".to_string()
            } else {
                format!(
                    "not in the bundled {} tabular; the code is known only from CMS validity data — check the CDC release for its title",
                    self.data.versions.icd10cm_release
                )
            }
        });
        if let Some((_, how, source)) = self.user_title_replacement(id) {
            // Say where the title came from, and what the bundled release says.
            let release = &self.data.versions.icd10cm_release;
            let bundled = match how {
                crate::userdata::icd10cm::Bundled::Revised => {
                    let was = self.bundled_title(id).unwrap_or_default();
                    format!("the bundled {release} tabular titles it \u{201c}{was}\u{201d}")
                }
                _ => format!("the bundled {release} tabular has no title for it"),
            };
            notes.insert(
                0,
                Note {
                    kind: NoteKind::Note,
                    text: format!("Title from your own file ({source}); {bundled}."),
                    from: code.clone(),
                },
            );
        }
        CodeRecord {
            code,
            system,
            kind: NodeKind::from_u8(node.kind),
            title,
            title_missing_reason,
            billable: node.flags & FLAG_BILLABLE != 0,
            in_release,
            path,
            notes,
            seventh_characters,
            validity,
            children,
            msdrg: None,
            hcc: None,
            hcc_note: None,
        }
    }

    // ---- search ------------------------------------------------------

    /// Ranked results for what a person typed: a code, a code prefix, or words.
    /// With a CPT file attached, `System::Cpt` searches its descriptors and
    /// "every system" merges them in by score.
    pub fn search(&self, query: &str, opts: &SearchOptions) -> Vec<SearchHit> {
        let query = &*crate::model::visible(crate::model::truncate_at_char(query, 512));
        let hits = match (opts.system, self.cpt()) {
            (Some(System::Cpt), None) => Vec::new(),
            (Some(System::Cpt), Some(c)) => c.search_cpt(query, opts.limit),
            (None, Some(c)) => merge_hits(
                self.search_bundled(query, opts),
                c.search_cpt(query, opts.limit),
                opts.limit,
            ),
            _ => self.search_bundled(query, opts),
        };
        self.with_user_icd10cm(query, opts, hits)
    }

    /// Procedure codes for a claim's procedure field: HCPCS Level II and,
    /// when attached, CPT, merged by score.
    pub fn search_procedures(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let query = &*crate::model::visible(crate::model::truncate_at_char(query, 512));
        let hcpcs = self.search_bundled(
            query,
            &SearchOptions {
                system: Some(System::Hcpcs),
                limit,
            },
        );
        match self.cpt() {
            Some(c) => merge_hits(c.search_cpt(query, limit), hcpcs, limit),
            None => hcpcs,
        }
    }

    /// Search over a CPT-only engine: a CPT code prefix (`992`, `0042`),
    /// else words over the descriptors.
    fn search_cpt(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let query = crate::model::truncate_at_char(query, 512);
        let compact: String = query
            .chars()
            .filter_map(crate::model::code_char)
            .collect::<String>()
            .to_ascii_uppercase();
        let limit = limit.max(1);
        if (2..=5).contains(&compact.len())
            && compact.as_bytes()[0].is_ascii_digit()
            && compact.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return self
                .with_prefix(&compact)
                .iter()
                .take(limit)
                .map(|&id| self.hit(id, 0.0, vec![compact.to_lowercase()]))
                .collect();
        }
        self.search_bundled(
            query,
            &SearchOptions {
                system: None,
                limit,
            },
        )
    }

    fn search_bundled(&self, query: &str, opts: &SearchOptions) -> Vec<SearchHit> {
        let query = if query.len() > 512 {
            crate::model::truncate_at_char(query, 512)
        } else {
            query
        };
        let code_hits = self.search_codes(query, opts);
        if !code_hits.is_empty() {
            return code_hits;
        }
        let parsed = search::parse_query(&self.data, &self.scratch, query);
        let ranked = search::search_words(&self.data, &self.scratch, &parsed, opts);
        ranked
            .into_iter()
            .map(|r| {
                let matched = parsed
                    .groups
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| r.matched_words & (1 << i) != 0)
                    .map(|(_, g)| g.text.clone())
                    .collect();
                let mut hit = self.hit(r.node, r.score, matched);
                hit.why = search::explain(&self.data, &parsed, &r)
                    .or_else(|| self.everyday_why(r.node, &hit.matched));
                hit
            })
            .collect()
    }

    /// Candidate units the last word search opened: the work it did, so
    /// tests can bound it without timing it.
    pub fn last_search_candidates(&self) -> usize {
        self.scratch.borrow().last_candidates
    }

    fn hit(&self, id: u32, score: f32, matched: Vec<String>) -> SearchHit {
        SearchHit {
            code: self.node_code(id).to_string(),
            title: self.node_title(id).map(Cow::into_owned).unwrap_or_default(),
            system: self.system_of(id),
            billable: self.is_billable(id),
            matched,
            score,
            why: None,
            severity: None,
        }
    }

    /// Exact code first, then the code's subtree (billable first, code order).
    fn search_codes(&self, query: &str, opts: &SearchOptions) -> Vec<SearchHit> {
        let Some((ids, matched)) = self.code_ids(query, opts) else {
            return Vec::new();
        };
        ids.into_iter()
            .map(|id| self.hit(id, 0.0, vec![matched.clone()]))
            .collect()
    }

    /// `search_codes`' nodes and the word each matched (the compact code,
    /// lower case); `None` when the query is not shaped like a code.
    fn code_ids(&self, query: &str, opts: &SearchOptions) -> Option<(Vec<u32>, String)> {
        let compact: String = query
            .chars()
            .filter_map(crate::model::code_char)
            .filter(|&c| c != '.')
            .collect::<String>()
            .to_ascii_uppercase();
        if compact.is_empty() || !compact.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let icd_shaped = crate::icd10cm::looks_like_code_prefix(&compact) && compact.len() >= 3;
        let hcpcs_shaped = compact.len() >= 2
            && compact.as_bytes()[0].is_ascii_uppercase()
            && compact[1..].bytes().all(|b| b.is_ascii_digit())
            && compact.len() <= 5;
        if !icd_shaped && !hcpcs_shaped {
            return None;
        }
        let wanted = |id: u32| opts.system.map_or(true, |s| self.system_of(id) == s);
        let matches = self.with_prefix(&compact);
        let limit = opts.limit.max(1);
        let mut out: Vec<u32> = Vec::with_capacity(limit);
        // exact first
        out.extend(matches.iter().copied().filter(|&id| {
            wanted(id) && cmp_undotted(self.node_code(id), compact.as_bytes()).is_eq()
        }));
        for billable in [true, false] {
            for &id in matches {
                if out.len() >= limit {
                    break;
                }
                if wanted(id)
                    && self.is_billable(id) == billable
                    && !out.contains(&id)
                    && self.in_release(id)
                {
                    out.push(id);
                }
            }
        }
        out.truncate(limit);
        Some((out, compact.to_lowercase()))
    }

    /// [`Engine::search`] packed into `out` (`search::packed`'s layout),
    /// each string written from the index straight into the buffer: no
    /// `SearchHit` is built, so a keystroke allocates little besides the
    /// query's parse. `None` (and `out` untouched) when user data is
    /// attached or CPT is asked for: then pack `search`'s hits. A test
    /// (tests/search_packed.rs) holds the two to the same bytes.
    pub fn search_packed<'a>(
        &self,
        query: &str,
        opts: &SearchOptions,
        out: &'a mut search::packed::PackedHits,
    ) -> Option<&'a [u8]> {
        if self.user.is_some() || opts.system == Some(System::Cpt) {
            return None;
        }
        let query = &*crate::model::visible(crate::model::truncate_at_char(query, 512));
        out.begin();
        if let Some((ids, matched)) = self
            .code_ids(query, opts)
            .filter(|(ids, _)| !ids.is_empty())
        {
            for id in ids {
                self.pack_hit(out, id, 0.0, None, std::slice::from_ref(&matched));
            }
            return Some(out.finish());
        }
        let parsed = search::parse_query(&self.data, &self.scratch, query);
        let ranked = search::search_words(&self.data, &self.scratch, &parsed, opts);
        // A hit's matched words, borrowed from the parse.
        let mut matched: Vec<&str> = Vec::with_capacity(parsed.groups.len());
        for r in &ranked {
            matched.clear();
            matched.extend(
                (parsed.groups.iter().enumerate())
                    .filter(|(i, _)| r.matched_words & (1 << i) != 0)
                    .map(|(_, g)| g.text.as_str()),
            );
            let why = search::explain(&self.data, &parsed, r).or_else(|| {
                // Only HCPCS codes have an everyday "why" (`everyday_why`).
                (self.system_of(r.node) == System::Hcpcs)
                    .then(|| {
                        let owned: Vec<String> = matched.iter().map(|m| m.to_string()).collect();
                        self.everyday_why(r.node, &owned)
                    })
                    .flatten()
            });
            self.pack_hit(out, r.node, r.score, why.as_deref(), &matched);
        }
        Some(out.finish())
    }

    /// One hit of `search_packed`, in `Engine::hit`'s fields.
    fn pack_hit<M: AsRef<str>>(
        &self,
        out: &mut search::packed::PackedHits,
        id: u32,
        score: f32,
        why: Option<&str>,
        matched: &[M],
    ) {
        let matched = &matched[..matched.len().min(255)];
        out.hit_start(
            score,
            self.is_billable(id),
            why.is_some(),
            false,
            matched.len(),
        );
        out.put(self.system_of(id).as_str());
        out.put(self.node_code(id));
        out.put_with(|t| {
            self.bundled_title_into(id, t);
        });
        for m in matched {
            out.put(m.as_ref());
        }
        if let Some(w) = why {
            out.put(w);
        }
    }
}

/// Two ranked lists as one, by words matched then score. Stable, so ties
/// keep `a` first.
fn merge_hits(a: Vec<SearchHit>, b: Vec<SearchHit>, limit: usize) -> Vec<SearchHit> {
    if a.is_empty() || b.is_empty() {
        let mut v = if a.is_empty() { b } else { a };
        v.truncate(limit.max(1));
        return v;
    }
    let mut all: Vec<SearchHit> = a.into_iter().chain(b).collect();
    // Words matched first (as within one index), then score: the two
    // indexes weigh terms differently, so scores alone do not compare.
    all.sort_by(|x, y| {
        y.matched.len().cmp(&x.matched.len()).then(
            y.score
                .partial_cmp(&x.score)
                .unwrap_or(std::cmp::Ordering::Equal),
        )
    });
    all.truncate(limit.max(1));
    all
}

/// Compares a dotted display code with an undotted key, ignoring dots.
fn cmp_undotted(display: &str, key: &[u8]) -> std::cmp::Ordering {
    display
        .bytes()
        .filter(|&b| b != b'.')
        .cmp(key.iter().copied())
}

fn undotted_starts_with(display: &str, key: &[u8]) -> bool {
    let mut it = display.bytes().filter(|&b| b != b'.');
    key.iter().all(|&k| it.next() == Some(k))
}
