//! Protected characteristics (the ontology's `protected` marker: age, sex,
//! ethnicity, religion, sexual orientation, disability, …) withheld from
//! those who review alerts and work cases. A concern about someone's conduct
//! is decided on the conduct; the reviewer sees that a value is held, never
//! what it is. Equality monitoring reads the same values through the plain
//! gate, since its reports are about exactly these groups.

use clearstone_model::Statement;
use clearstone_policy::Action;

use crate::Session;
use crate::gate::{GateCounts, MASKED_SOURCE, replace_value};

/// What a reviewer sees in place of a protected characteristic.
pub const PROTECTED_PLACEHOLDER: &str = "[protected characteristic — withheld]";

impl Session<'_> {
    /// Replaces every value of a property the ontology marks protected,
    /// counting it as masked; the statement's id, source and dates go too,
    /// as for a masked value.
    pub(crate) fn withhold_protected(&self, statements: &mut [Statement], counts: &mut GateCounts) {
        let ontology = self.engine.ontology();
        for s in statements.iter_mut() {
            let protected = ontology
                .property(&s.schema, &s.prop)
                .is_some_and(|p| p.protected);
            if !protected || s.value == PROTECTED_PLACEHOLDER {
                continue;
            }
            // A value the policies masked already was counted as masked.
            if &*s.origin.source != MASKED_SOURCE {
                counts.allowed = counts.allowed.saturating_sub(1);
                counts.masked += 1;
            }
            replace_value(s, PROTECTED_PLACEHOLDER.to_string());
        }
    }

    /// The gate as a reviewer's view applies it: the session's policies,
    /// then every protected characteristic withheld.
    pub(crate) fn gate_for_review(
        &self,
        action: Action,
        statements: Vec<Statement>,
    ) -> (Vec<Statement>, GateCounts) {
        let (mut shown, mut counts) = self.gate(action, statements, None);
        self.withhold_protected(&mut shown, &mut counts);
        (shown, counts)
    }
}
