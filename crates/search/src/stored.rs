//! The stored copy of a document: one text value per document in a small
//! length-prefixed layout, read back without copying its strings. Scanning
//! a million documents decodes this and nothing else.
//!
//! The layout is text, not bytes, because the document store reads a text
//! value in one copy and a bytes value a byte at a time: `2|`, the shape
//! in 16 hex digits, then each string as its length in bytes, `:` and the
//! string, and each list as its length, `:` and its pairs.

use crate::doc::IndexDoc;

const FORMAT: &str = "2|";

/// A stored document, its strings borrowed from the stored text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stored<'a> {
    pub entity: &'a str,
    pub canonical: &'a str,
    pub shape: u64,
    pub schema: &'a str,
    pub label: &'a str,
    pub names: Vec<(&'a str, &'a str)>,
    pub identifiers: Vec<(&'a str, &'a str)>,
    pub dates: Vec<(&'a str, &'a str)>,
    pub texts: Vec<(&'a str, &'a str)>,
    pub refs: Vec<(&'a str, &'a str)>,
}

pub(crate) fn encode(doc: &IndexDoc, out: &mut String) {
    use std::fmt::Write as _;
    out.clear();
    out.push_str(FORMAT);
    let _ = write!(out, "{:016x}", doc.shape);
    for s in [&doc.entity, &doc.canonical, &doc.schema, &doc.label] {
        put_str(out, s);
    }
    for list in [
        &doc.names,
        &doc.identifiers,
        &doc.dates,
        &doc.texts,
        &doc.refs,
    ] {
        put_len(out, list.len());
        for (prop, value) in list {
            put_str(out, prop);
            put_str(out, value);
        }
    }
}

/// `None` when the text is not a stored document of this format, which
/// only a damaged or foreign index can give.
pub(crate) fn decode(text: &str) -> Option<Stored<'_>> {
    let rest = text.strip_prefix(FORMAT)?;
    let shape = u64::from_str_radix(rest.get(..16)?, 16).ok()?;
    let mut r = Reader { text: rest, at: 16 };
    let entity = r.str()?;
    let canonical = r.str()?;
    let schema = r.str()?;
    let label = r.str()?;
    let mut lists: [Vec<(&str, &str)>; 5] = Default::default();
    for list in &mut lists {
        let n = r.len()?;
        // Each pair takes at least four bytes: a bound against a bad length.
        if n > r.text.len() {
            return None;
        }
        list.reserve_exact(n);
        for _ in 0..n {
            list.push((r.str()?, r.str()?));
        }
    }
    let [names, identifiers, dates, texts, refs] = lists;
    Some(Stored {
        entity,
        canonical,
        shape,
        schema,
        label,
        names,
        identifiers,
        dates,
        texts,
        refs,
    })
}

fn put_len(out: &mut String, n: usize) {
    use std::fmt::Write as _;
    let _ = write!(out, "{n}:");
}

fn put_str(out: &mut String, s: &str) {
    put_len(out, s.len());
    out.push_str(s);
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn len(&mut self) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut n = 0usize;
        let start = self.at;
        while let Some(&b) = bytes.get(self.at) {
            self.at += 1;
            match b {
                b'0'..=b'9' => n = n.checked_mul(10)?.checked_add(usize::from(b - b'0'))?,
                b':' if self.at - 1 > start => return Some(n),
                _ => return None,
            }
        }
        None
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        let end = self.at.checked_add(n)?;
        let s = self.text.get(self.at..end)?;
        self.at = end;
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_reads_back_as_written() {
        let doc = IndexDoc {
            entity: "hr:staff:1".into(),
            canonical: "c:1".into(),
            shape: u64::MAX - 3,
            schema: "Officer".into(),
            label: "Zoë Ball".into(),
            names: vec![("name".into(), "Zoë Ball".into())],
            identifiers: vec![("collar".into(), "1234".into())],
            dates: vec![("birth_date".into(), "1980-03-02".into())],
            texts: vec![("note".into(), "x".repeat(300))],
            refs: vec![("employer".into(), "org:1".into())],
            ..IndexDoc::default()
        };
        let mut text = String::new();
        encode(&doc, &mut text);
        let s = decode(&text).expect("decodes");
        assert_eq!(s.entity, "hr:staff:1");
        assert_eq!(s.shape, u64::MAX - 3);
        assert_eq!(s.label, "Zoë Ball");
        assert_eq!(s.texts[0].1.len(), 300);
        assert_eq!(s.refs, [("employer", "org:1")]);
        assert!(decode(&text[..text.len() - 1]).is_none());
        assert!(decode("").is_none());
        assert!(decode("2|00000000000000011:x").is_none());
    }
}
