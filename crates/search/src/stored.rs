//! The stored copy of a document: one bytes value per document in a small
//! length-prefixed layout, read back without copying its strings. Scanning
//! a million documents decodes this and nothing else.

use crate::doc::IndexDoc;

const FORMAT: u8 = 1;

/// A stored document, its strings borrowed from the stored bytes.
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

pub(crate) fn encode(doc: &IndexDoc, out: &mut Vec<u8>) {
    out.clear();
    out.push(FORMAT);
    out.extend_from_slice(&doc.shape.to_le_bytes());
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

/// `None` when the bytes are not a stored document of this format, which
/// only a damaged or foreign index can give.
pub(crate) fn decode(bytes: &[u8]) -> Option<Stored<'_>> {
    let mut r = Reader { bytes, at: 0 };
    if r.byte()? != FORMAT {
        return None;
    }
    let shape = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let entity = r.str()?;
    let canonical = r.str()?;
    let schema = r.str()?;
    let label = r.str()?;
    let mut lists: [Vec<(&str, &str)>; 5] = Default::default();
    for list in &mut lists {
        let n = r.len()?;
        // Each pair takes at least two bytes: a bound against a bad length.
        if n > r.bytes.len() {
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

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    loop {
        // Seven bits at a time, low first; the high bit says more follow.
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn len(&mut self) -> Option<usize> {
        let mut n = 0usize;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
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
        let mut bytes = Vec::new();
        encode(&doc, &mut bytes);
        let s = decode(&bytes).expect("decodes");
        assert_eq!(s.entity, "hr:staff:1");
        assert_eq!(s.shape, u64::MAX - 3);
        assert_eq!(s.label, "Zoë Ball");
        assert_eq!(s.texts[0].1.len(), 300);
        assert_eq!(s.refs, [("employer", "org:1")]);
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        assert!(decode(&[]).is_none());
    }
}
