//! Special-category spans in notes' free text, wherever a note's text leaves
//! the engine: the gate withholds each span a session may not see, decided
//! as a property of that category on the same record would be, and the
//! search index holds the text with every such span withheld, since it
//! answers sessions of every purpose.

use clearstone_model::{PropType, Statement, StatementId};
use clearstone_notes::{Note, SpecialCategory, redact, special_spans};
use clearstone_policy::{Action, Decision, Resource};

use crate::notes::{NOTE_TYPE, allowed_in};
use crate::{Engine, Session};

impl Engine {
    /// Whether `s` is the free text of a note, where spans are found.
    pub(crate) fn is_note_text(&self, s: &Statement) -> bool {
        let is_text = self
            .ontology()
            .property(&s.schema, &s.prop)
            .is_some_and(|p| p.ty == PropType::Text);
        is_text && (&*s.schema == NOTE_TYPE || self.ontology().is_a(&s.schema, NOTE_TYPE))
    }

    /// The value the search index holds for `s`: a note's text with every
    /// special-category span withheld.
    pub(crate) fn indexed_value(&self, s: &Statement) -> String {
        if !self.is_note_text(s) {
            return s.value.clone();
        }
        let note = Note::new(s.entity_id.to_string(), s.value.clone());
        redact(&s.value, &special_spans(&note), &|_| false)
    }
}

impl Session<'_> {
    /// Which categories of span in the record of `s` this session may see
    /// for `action`, decided as a property of each category would be.
    pub(crate) fn span_permissions(
        &self,
        s: &Statement,
        action: Action,
        reveal: bool,
    ) -> [bool; SpecialCategory::ALL.len()] {
        let mut allowed = [false; SpecialCategory::ALL.len()];
        let o = self.engine.ontology();
        for (slot, c) in allowed.iter_mut().zip(SpecialCategory::ALL) {
            let resource = Resource {
                dataset: s.dataset.to_string(),
                schema: s.schema.to_string(),
                schema_ancestors: self.engine.ancestors(&s.schema),
                sensitivity: c.sensitivity(),
                type_sensitivity: o.type_sensitivity(&s.schema),
                markings: (*s.markings).clone(),
            };
            *slot = matches!(self.decide(action, &resource, reveal), Decision::Allow);
        }
        allowed
    }

    /// Withholds from an allowed note text the spans this session may not
    /// see. A changed value keeps no original and gets an id derived from
    /// what is shown, as a masked value does.
    pub(crate) fn withhold_spans(&self, s: &mut Statement, action: Action, reveal: bool) {
        if !self.engine.is_note_text(s) {
            return;
        }
        let note = Note::new(s.entity_id.to_string(), s.value.clone());
        let spans = special_spans(&note);
        if spans.is_empty() {
            return;
        }
        let allowed = self.span_permissions(s, action, reveal);
        let shown = redact(&s.value, &spans, &|c| allowed_in(&allowed, c));
        if shown != s.value {
            s.value = shown;
            s.id = StatementId::new(&s.dataset, &s.entity_id, &s.prop, &s.value);
            s.original_value = None;
        }
    }
}
