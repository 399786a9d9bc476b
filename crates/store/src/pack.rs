//! The packed body of a record version, and the hash that names the version.
//!
//! Body: for each statement, in statement-id order,
//! `varint prop_id, varint markings_id, varint len, value, varint len+1 | 0, original`.

use clearstone_model::{Statement, SubjectCategory};
use sha2::{Digest, Sha256};

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn get_varint(buf: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn get_bytes<'a>(buf: &'a [u8], at: &mut usize, len: u64) -> Option<&'a [u8]> {
    let len = usize::try_from(len).ok()?;
    let s = buf.get(*at..at.checked_add(len)?)?;
    *at += len;
    Some(s)
}

/// One decoded entry of a body.
pub(crate) struct Entry<'a> {
    pub prop_id: i64,
    pub markings_id: i64,
    pub value: &'a str,
    pub original: Option<&'a str>,
}

pub(crate) fn decode(body: &[u8]) -> Option<Vec<Entry<'_>>> {
    let mut at = 0;
    let mut out = Vec::new();
    while at < body.len() {
        let prop_id = i64::try_from(get_varint(body, &mut at)?).ok()?;
        let markings_id = i64::try_from(get_varint(body, &mut at)?).ok()?;
        let n = get_varint(body, &mut at)?;
        let value = std::str::from_utf8(get_bytes(body, &mut at, n)?).ok()?;
        let o = get_varint(body, &mut at)?;
        let original = match o {
            0 => None,
            n => Some(std::str::from_utf8(get_bytes(body, &mut at, n - 1)?).ok()?),
        };
        out.push(Entry {
            prop_id,
            markings_id,
            value,
            original,
        });
    }
    Some(out)
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// The content of one version, as hashed: everything a version says except
/// where and when it was seen, so the same record read again is the same version.
pub(crate) struct Version<'a> {
    pub dataset: &'a str,
    pub entity_id: &'a str,
    pub schema: &'a str,
    pub category: Option<SubjectCategory>,
    pub kind: &'a str,
}

/// `entity key || SHA-256(version content)[..8]`; statements must be in id order.
pub(crate) fn version_key<'s>(
    v: &Version<'_>,
    statements: impl Iterator<Item = (&'s str, &'s str, Option<&'s str>, &'s str)>,
) -> [u8; 16] {
    let mut h = Sha256::new();
    field(&mut h, b"version");
    field(&mut h, v.dataset.as_bytes());
    field(&mut h, v.entity_id.as_bytes());
    field(&mut h, v.schema.as_bytes());
    field(
        &mut h,
        v.category.map_or("", SubjectCategory::as_str).as_bytes(),
    );
    field(&mut h, v.kind.as_bytes());
    for (prop, value, original, markings) in statements {
        field(&mut h, prop.as_bytes());
        field(&mut h, value.as_bytes());
        match original {
            Some(o) => {
                h.update([1]);
                field(&mut h, o.as_bytes());
            }
            None => h.update([0]),
        }
        field(&mut h, markings.as_bytes());
    }
    let d = h.finalize();
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&clearstone_model::entity_key(v.dataset, v.entity_id));
    key[8..].copy_from_slice(&d[..8]);
    key
}

/// Statement ids of a group, in the order they are packed.
pub(crate) fn sorted_unique(group: &[Statement]) -> Vec<&Statement> {
    let mut v: Vec<&Statement> = group.iter().collect();
    v.sort_by_key(|s| s.id);
    v.dedup_by_key(|s| s.id);
    v
}
