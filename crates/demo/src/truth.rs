//! The entity id rule of docs/mapping.md, so the ground truth names records
//! exactly as ingest will.

/// `<dataset>:<entity name>:<key values>`, key values joined by `:`, with `%`
/// and `:` inside a value percent-encoded. Keys are trimmed, as ingest trims
/// identifiers.
pub fn entity_id(dataset: &str, entity_name: &str, keys: &[&str]) -> String {
    let mut id = String::with_capacity(dataset.len() + entity_name.len() + 16);
    id.push_str(dataset);
    id.push(':');
    id.push_str(entity_name);
    for k in keys {
        id.push(':');
        for c in k.trim().chars() {
            match c {
                '%' => id.push_str("%25"),
                ':' => id.push_str("%3A"),
                c => id.push(c),
            }
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_documented_examples() {
        assert_eq!(entity_id("hr", "officer", &["4521"]), "hr:officer:4521");
        assert_eq!(entity_id("x", "y", &["a:b", "c%"]), "x:y:a%3Ab:c%25");
        assert_eq!(
            entity_id("crime", "involvement", &["CR1", "N2"]),
            "crime:involvement:CR1:N2"
        );
    }
}
