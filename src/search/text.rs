//! Turning titles and queries into index terms. The index and the query side
//! must agree, so both call `words` and `term` here.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// Words that carry no meaning in code titles. "with", "without", "other",
/// "unspecified" and "not" stay: they tell sibling codes apart.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "the", "of", "or", "to", "by", "as", "at", "is", "its", "in", "on", "for",
];

pub fn is_stopword(w: &str) -> bool {
    STOPWORDS.contains(&w)
}

/// Words that join two concepts ("chf with afib", "uti due to e coli"):
/// they say how the concepts relate, not what to find.
pub fn is_joining(w: &str) -> bool {
    matches!(w, "with" | "due")
}

/// Terms that mark the general form of a condition. A title is not less of a
/// match for carrying them, so they do not count in its length.
pub fn is_generic(term: &str) -> bool {
    matches!(term, "unspecifi" | "unspecified" | "without" | "nos")
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Lower-cased words of `s`: runs of letters and digits. Apostrophes vanish
/// ("Alzheimer's" → "alzheimers"); every other character separates words.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        // ASCII first: the same result without the Unicode tables (titles
        // are nearly all ASCII, and a user's 10,000 CPT rows pass here).
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                cur.push(c.to_ascii_lowercase());
            } else if c != '\'' && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                cur.push(fold_accent(l));
            }
        } else if c == '\'' || c == '\u{2019}' {
            // inside a word: drop it
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        _ => c,
    }
}

/// Roman numerals as titles use them (type II, stage III) → digits.
/// "i", "v", "iv" and "x" alone are left alone: too often other things
/// ("iv" is intravenous: "zofran iv" is not "4 mg"); see [`numeral_after`].
fn roman(w: &str) -> Option<&'static str> {
    Some(match w {
        "ii" => "2",
        "iii" => "3",
        "vi" => "6",
        "vii" => "7",
        "viii" => "8",
        "ix" => "9",
        _ => return None,
    })
}

/// The index term for one word: numerals unified, then stemmed (Porter2).
pub fn term(word: &str) -> String {
    with_term(word, str::to_string)
}

/// `f` of [`term`]`(word)`, without copying the term out of the stem cache
/// (a query looks terms up many times). `f` must not call `term` itself.
pub fn with_term<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    if word == TYPE_LETTER_A {
        return f("a");
    }
    if let Some(r) = roman(word) {
        return f(r);
    }
    if word.len() <= 3 || word.bytes().any(|b| b.is_ascii_digit()) {
        return f(word);
    }
    // Titles repeat their words (a user's 10,000 CPT descriptors use a few
    // thousand): stem each once. Bounded, so typed text cannot grow it.
    STEMS.with(|m| {
        let mut m = m.borrow_mut();
        if let Some(s) = m.get(word) {
            return f(s);
        }
        let s = match inflammation_stem(word) {
            Some(s) => s.to_string(),
            None => stemmer().stem(word).into_owned(),
        };
        if m.len() >= STEM_CACHE_MAX {
            m.clear();
        }
        let out = f(&s);
        m.insert(word.to_string(), s);
        out
    })
}

const STEM_CACHE_MAX: usize = 1 << 16;

/// "-itis" names an inflammation, not its organ. Porter2 strips the "iti"
/// of long words, so "epicondylitis" stemmed like "epicondyle" and
/// "lateral epicondylitis recheck" found a fracture of the epicondyle
/// (S42.433D);
/// "hepatitis" met "hepatic", "pancreatitis" "pancreatic", "dermatitis"
/// "dermatologic". Such a word keeps itself less its final "s", which is
/// what Porter2 gives the shorter ones ("colitis" → "coliti") anyway.
fn inflammation_stem(word: &str) -> Option<&str> {
    (word.len() >= 6 && word.ends_with("itis")).then(|| &word[..word.len() - 1])
}

/// `term` is `root` + "iti": the inflammation a half-typed root ("laryng",
/// "tonsill") reached as its own stem before [`inflammation_stem`].
pub fn is_inflammation_of(term: &[u8], root: &[u8]) -> bool {
    term.len() == root.len() + 3 && term.starts_with(root) && term.ends_with(b"iti")
}

thread_local! {
    static STEMS: std::cell::RefCell<std::collections::HashMap<String, String, FastHash>> =
        std::cell::RefCell::new(std::collections::HashMap::default());
}

/// FNV-1a: the maps here are keyed by short words and term ids from the
/// index, not by anything an attacker picks to collide (their sizes are
/// capped besides), and SipHash showed in a keystroke's profile.
#[derive(Clone, Copy, Default)]
pub struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The digit of a roman "i", "iv" or "v" right after type/stage/grade/
/// class/degree ("type I", "stage IV"), the one place those words are
/// numerals. Titles and typed queries both go through it, so "type i
/// diabetes" finds "Type 1 diabetes mellitus".
pub fn numeral_after(prev: &str, w: &str) -> Option<&'static str> {
    if !matches!(prev, "type" | "stage" | "grade" | "class" | "degree") {
        return None;
    }
    Some(match w {
        "i" => "1",
        "iv" => "4",
        "v" => "5",
        _ => return None,
    })
}

/// The letter A as a type, not the article: the word [`words`] gives as
/// "a" is this when it names a type ("Hepatitis A", "Vitamin A deficiency",
/// "influenza A virus", "Type A blood"). Upper case, so no stopword; its
/// index term is "a" ([`term`]), which only type letters produce.
pub const TYPE_LETTER_A: &str = "A";

/// The distinct terms of a title, stopwords dropped, in first-seen order.
/// A roman "i", "iv" or "v" after type/stage/grade/class counts as a digit;
/// a capital "A" after the first word of a text that is not all capitals
/// is a type letter (the article is lower case there), kept as the term "a".
pub fn terms(s: &str) -> Vec<String> {
    let mut ws = words(s);
    if let Some(at) = capital_a_words(s) {
        for i in at {
            if i > 0 && i < ws.len() && ws[i] == "a" {
                ws[i] = TYPE_LETTER_A.to_string();
            }
        }
    }
    terms_of_words(&ws)
}

/// Positions (in [`words`]) of the words that are a lone capital "A" in a
/// text with lower-case letters; `None` when there is none (the common case,
/// found with one byte scan).
fn capital_a_words(s: &str) -> Option<Vec<usize>> {
    let b = s.as_bytes();
    let lone = |i: usize| {
        b[i] == b'A'
            && (i == 0
                || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'\'' || b[i - 1] >= 0x80))
            && b.get(i + 1).map_or(true, |&c| {
                !(c.is_ascii_alphanumeric() || c == b'\'' || c >= 0x80)
            })
    };
    if !(0..b.len()).any(lone) || !b.iter().any(u8::is_ascii_lowercase) {
        return None;
    }
    // Count words the way `words` splits them, up to each lone A.
    let mut out = Vec::new();
    let (mut n, mut in_word) = (0usize, false);
    for (i, c) in s.char_indices() {
        let part = if c.is_ascii() {
            c.is_ascii_alphanumeric() || (c == '\'' && in_word)
        } else {
            c.is_alphanumeric() || ((c == '\'' || c == '\u{2019}') && in_word)
        };
        if part && !in_word {
            if lone(i) {
                out.push(n);
            }
            in_word = true;
        } else if !part && in_word {
            n += 1;
            in_word = false;
        }
    }
    Some(out)
}

/// Words of a reviewed data file's term (a default's key, an abbreviation's
/// expansion), in lower case there: "a" after a word that is no stopword or
/// joining word is the type letter ("hepatitis a vaccine").
pub fn words_with_type_letters(s: &str) -> Vec<String> {
    let mut ws = words(s);
    for i in 1..ws.len() {
        if ws[i] == "a"
            && !is_stopword(&ws[i - 1])
            && !is_joining(&ws[i - 1])
            && ws[i - 1] != TYPE_LETTER_A
        {
            ws[i] = TYPE_LETTER_A.to_string();
        }
    }
    ws
}

/// [`terms`] of text already split by [`words`] (its words, in order).
pub fn terms_of_words<W: AsRef<str>>(ws: &[W]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(ws.len());
    for (i, w) in ws.iter().enumerate() {
        let w = w.as_ref();
        if is_stopword(w) {
            continue;
        }
        let t = match i
            .checked_sub(1)
            .and_then(|p| numeral_after(ws[p].as_ref(), w))
        {
            Some(d) => d.to_string(),
            None => term(w),
        };
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_folds() {
        assert_eq!(
            words("Alzheimer's disease, NOS"),
            ["alzheimers", "disease", "nos"]
        );
        assert_eq!(words("pick-up truck"), ["pick", "up", "truck"]);
    }

    #[test]
    fn a_capital_a_after_a_word_is_a_type_letter() {
        assert_eq!(terms("Hepatitis A without hepatic coma")[1], "a");
        assert!(terms("Type A blood, Rh positive").contains(&"a".to_string()));
        assert!(terms("Monocular esotropia with A pattern").contains(&"a".to_string()));
        // The article, a first word and an all-capitals text are no type.
        assert!(!terms("Fall from a chair").contains(&"a".to_string()));
        assert!(!terms("A dog bite").contains(&"a".to_string()));
        assert!(!terms("HEPATITIS A VACCINE").contains(&"a".to_string()));
        assert_eq!(terms("Alzheimer's A"), ["alzheim", "a"]);
        assert_eq!(
            terms_of_words(&words_with_type_letters("hepatitis a vaccine")),
            ["hepatiti", "a", "vaccin"]
        );
        assert_eq!(
            terms_of_words(&words_with_type_letters("bitten by a dog")).len(),
            2
        );
    }

    #[test]
    fn unifies_numerals_and_plurals() {
        assert_eq!(terms("Type II diabetes"), terms("type 2 diabetic"));
        assert_eq!(terms("Type I"), ["type", "1"]);
        assert_eq!(term("fractures"), term("fracture"));
        assert_eq!(
            terms("Chronic kidney disease, stage III"),
            terms("chronic kidney disease stage 3")
        );
    }

    #[test]
    fn an_inflammation_does_not_stem_like_its_organ() {
        // "lateral epicondylitis recheck" gave S42.433D (fracture of the epicondyle)
        assert_ne!(term("epicondylitis"), term("epicondyle"));
        assert_ne!(term("hepatitis"), term("hepatic"));
        assert_ne!(term("pancreatitis"), term("pancreatic"));
        assert_eq!(term("colitis"), "coliti");
        assert_eq!(term("hepatitis"), "hepatiti");
    }
}
