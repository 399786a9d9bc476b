//! An entity assembled from its statements on read.

use std::collections::BTreeMap;

use crate::Statement;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub id: String,
    pub schema: String,
    /// Statements grouped by property, each group in a stable order.
    pub properties: BTreeMap<String, Vec<Statement>>,
}

impl Entity {
    /// Groups statements about one entity; `None` when there are none.
    pub fn assemble(id: &str, statements: Vec<Statement>) -> Option<Self> {
        let schema = statements.first()?.schema.to_string();
        let mut properties: BTreeMap<String, Vec<Statement>> = BTreeMap::new();
        for s in statements {
            properties.entry(s.prop.to_string()).or_default().push(s);
        }
        for group in properties.values_mut() {
            group.sort_by(|a, b| a.value.cmp(&b.value).then(a.dataset.cmp(&b.dataset)));
        }
        Some(Self {
            id: id.to_string(),
            schema,
            properties,
        })
    }

    pub fn values<'a>(&'a self, prop: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.properties
            .get(prop)
            .into_iter()
            .flatten()
            .map(|s| s.value.as_str())
    }

    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.properties.values().flatten()
    }

    pub fn statement_count(&self) -> usize {
        self.properties.values().map(Vec::len).sum()
    }
}
