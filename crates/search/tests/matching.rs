#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{ids, index, person, search};

#[test]
fn an_exact_name_is_found() {
    let idx = index(&[person("a", "John Smith"), person("b", "Mary Jones")]);
    let r = search(&idx, "smith");
    assert_eq!(ids(&r), ["a"]);
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].label, "John Smith");
    let s = &r.hits[0].snippets[0];
    assert_eq!(s.prop, "name");
    assert_eq!(&s.text[s.highlights[0].0..s.highlights[0].1], "Smith");
}
