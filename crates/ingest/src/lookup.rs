//! References by a non-key column (`{ entity = "hr:staff", column =
//! "payroll_no", by = "payroll_number" }`): the record referred to is the
//! one whose property holds the column's value, which only the store can
//! say. Until the engine finds it, the reference holds a *lookup*: a value
//! naming what to look for, which no record's id can equal (ids have a key
//! after `<dataset>:<name>:`, a lookup has `?` where that colon would be).

use clearstone_model::entity_id;

/// What a reference by a non-key column looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub dataset: String,
    pub name: String,
    /// The property of the record referred to that holds the value.
    pub by: String,
    pub value: String,
}

impl Lookup {
    /// The reference's value until it is found:
    /// `<dataset>:<name>?<by>=<value>`, the value encoded as in ids.
    pub fn to_value(&self) -> String {
        // `entity_id` percent-encodes `%` and `:`; its last part is the key.
        let key = entity_id("", "", &[&self.value]);
        let encoded = key.get(2..).unwrap_or_default();
        format!("{}:{}?{}={encoded}", self.dataset, self.name, self.by)
    }

    /// The lookup a reference's value holds, if it is one.
    pub fn parse(value: &str) -> Option<Lookup> {
        let (target, rest) = value.split_once('?')?;
        let (dataset, name) = target.split_once(':')?;
        let (by, encoded) = rest.split_once('=')?;
        if dataset.is_empty() || name.is_empty() || name.contains(':') || by.is_empty() {
            return None;
        }
        Some(Lookup {
            dataset: dataset.to_owned(),
            name: name.to_owned(),
            by: by.to_owned(),
            value: decode(encoded),
        })
    }

    /// How the ids of the records it looks among begin.
    pub fn id_prefix(&self) -> String {
        format!("{}:{}:", self.dataset, self.name)
    }
}

/// Undoes the encoding of a key in an id.
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('%') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at..).unwrap_or_default();
        if let Some(tail) = after.strip_prefix("%3A") {
            out.push(':');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("%25") {
            out.push('%');
            rest = tail;
        } else {
            out.push('%');
            rest = after.get(1..).unwrap_or_default();
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_lookup_reads_back_and_is_never_an_id() {
        let l = Lookup {
            dataset: "hr".into(),
            name: "staff".into(),
            by: "payroll_number".into(),
            value: "P:12%3".into(),
        };
        let v = l.to_value();
        assert_eq!(v, "hr:staff?payroll_number=P%3A12%253");
        assert_eq!(Lookup::parse(&v), Some(l));
        assert_eq!(Lookup::parse("hr:staff:P12"), None);
        assert_eq!(Lookup::parse(&entity_id("hr", "staff", &["a?b=c"])), None);
    }
}
