//! The principals and purposes registers, kept in the store as JSON documents.
//! Changing them is `administer`; each change is logged like any other act.

use std::collections::BTreeSet;

use clearstone_model::Classification;
use clearstone_policy::{Action, AuditUse, Principal, PrincipalKind, Purpose, SensitiveBasis};
use clearstone_store::{Document, Register, Store};
use serde_json::{Value, json};

use crate::{EngineError, Operation, Session};

fn set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

pub(crate) fn principal_json(p: &Principal) -> String {
    json!({
        "id": p.id, "display_name": p.display_name, "kind": p.kind.as_str(), "roles": p.roles,
        "unit": p.unit, "clearance": p.clearance.as_str(), "caveats": p.caveats,
        "attributes": p.attributes, "disabled": p.disabled,
    })
    .to_string()
}

pub(crate) fn principal_from(doc: &Document) -> Result<Principal, EngineError> {
    let v: Value = serde_json::from_str(&doc.body).map_err(|e| {
        EngineError::Internal(format!("principal `{}` does not parse: {e}", doc.id))
    })?;
    Ok(Principal {
        id: doc.id.clone(),
        display_name: text(&v, "display_name"),
        kind: PrincipalKind::parse(&text(&v, "kind")).unwrap_or(PrincipalKind::User),
        roles: set(&v["roles"]),
        unit: v.get("unit").and_then(Value::as_str).map(str::to_string),
        clearance: Classification::parse(&text(&v, "clearance")).unwrap_or_default(),
        caveats: set(&v["caveats"]),
        attributes: v
            .get("attributes")
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .filter_map(|(k, x)| Some((k.clone(), x.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default(),
        disabled: v.get("disabled").and_then(Value::as_bool).unwrap_or(false),
    })
}

pub(crate) fn purpose_json(p: &Purpose) -> String {
    json!({
        "id": p.id, "description": p.description, "legal_basis": p.legal_basis,
        "sensitive_condition": p.sensitive.as_ref().map(|s| s.condition.clone()),
        "policy_document": p.policy_document, "datasets": p.datasets, "entity_types": p.entity_types,
        "roles": p.roles, "audit_use": p.audit_use.map(AuditUse::as_str),
        "review_date": p.review_date, "expires": p.expires, "reviewed_by": p.reviewed_by,
    })
    .to_string()
}

pub(crate) fn purpose_from(doc: &Document) -> Result<Purpose, EngineError> {
    let v: Value = serde_json::from_str(&doc.body)
        .map_err(|e| EngineError::Internal(format!("purpose `{}` does not parse: {e}", doc.id)))?;
    Ok(Purpose {
        id: doc.id.clone(),
        description: text(&v, "description"),
        legal_basis: text(&v, "legal_basis"),
        sensitive: v
            .get("sensitive_condition")
            .and_then(Value::as_str)
            .map(|c| SensitiveBasis {
                condition: c.to_string(),
            }),
        policy_document: text(&v, "policy_document"),
        datasets: set(&v["datasets"]),
        entity_types: set(&v["entity_types"]),
        roles: set(&v["roles"]),
        audit_use: v
            .get("audit_use")
            .and_then(Value::as_str)
            .and_then(AuditUse::parse),
        review_date: text(&v, "review_date"),
        expires: text(&v, "expires"),
        reviewed_by: v
            .get("reviewed_by")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

/// The longest id a user or purpose may have.
pub const REGISTER_ID_CHARS_MAX: usize = 64;

/// Whether `id` can be a user's or purpose's id: ids are the registers'
/// vocabulary and are logged in clear, so they are short and plain (letters,
/// digits, `-`, `_`, `.`, `@`), never free text.
pub fn is_register_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= REGISTER_ID_CHARS_MAX
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
}

fn check_register_id(what: &str, id: &str) -> Result<(), EngineError> {
    if is_register_id(id) {
        return Ok(());
    }
    Err(EngineError::InvalidInput(format!(
        "a {what} id is 1 to {REGISTER_ID_CHARS_MAX} letters, digits, `-`, `_`, `.` or `@`"
    )))
}

/// `verb noun `id``, or `verb noun` when the id is not a valid one and so
/// may be anything a person typed.
pub(crate) fn register_query(action: &str, id: &str) -> String {
    if is_register_id(id) {
        format!("{action} `{id}`")
    } else {
        action.to_string()
    }
}

impl Session<'_> {
    /// `action `id`` when register `r` holds `id`, or `action` alone: an id
    /// typed for an entry there is not may be anything a person typed (a
    /// name, an email address), which the log must not keep.
    pub(crate) fn registered_query(&self, action: &str, r: Register, id: &str) -> String {
        let held = is_register_id(id)
            && self
                .engine
                .store()
                .ok()
                .and_then(|s| s.document(r, id).ok().flatten())
                .is_some();
        match held {
            true => register_query(action, id),
            false => action.to_string(),
        }
    }

    fn require_administer(&self, what: &str) -> Result<(), EngineError> {
        self.require_action(Action::Administer, what)
    }

    /// Adds or replaces a principal. Not one's own: a change to the user a
    /// session runs as (roles, clearance, caveats) needs a second
    /// administrator, so that nobody widens their own access alone.
    pub fn put_user(&self, p: &Principal) -> Result<(), EngineError> {
        self.logged(
            Operation::Administer,
            &self.registered_query("put user", Register::Principal, &p.id),
            &[],
            || {
                self.require_administer("change users")?;
                check_register_id("user", &p.id)?;
                if p.id == self.principal.id {
                    return Err(EngineError::OwnPrincipal(p.id.clone()));
                }
                let doc = Document {
                    id: p.id.clone(),
                    body: principal_json(p),
                    ..Document::default()
                };
                self.engine.store()?.put_document(
                    Register::Principal,
                    &doc,
                    if p.disabled { "disabled" } else { "" },
                )?;
                self.record(
                    Operation::Administer,
                    &format!("put user `{}`", p.id),
                    &[],
                    None,
                    if p.disabled { "disabled" } else { "active" },
                )
            },
        )
    }

    pub fn users(&self) -> Result<Vec<Principal>, EngineError> {
        self.logged(Operation::Administer, "list users", &[], || {
            self.require_administer("list users")?;
            let docs = self.engine.store()?.documents(Register::Principal)?;
            let out = docs
                .iter()
                .map(principal_from)
                .collect::<Result<Vec<_>, _>>()?;
            self.record(
                Operation::Administer,
                "list users",
                &[],
                None,
                &format!("{} users", out.len()),
            )?;
            Ok(out)
        })
    }

    /// Disables a user. The permission is checked before the register is
    /// read, so that only an administrator learns whether an id exists.
    pub fn disable_user(&self, id: &str) -> Result<(), EngineError> {
        // The id is named by the event of the change itself: one that is
        // not in the register may be anything a person typed.
        self.logged(Operation::Administer, "disable a user", &[], || {
            self.require_administer("change users")?;
            let doc = self.engine.store()?.document(Register::Principal, id)?;
            let mut p =
                principal_from(&doc.ok_or_else(|| EngineError::NoSuchUser(id.to_string()))?)?;
            p.disabled = true;
            self.put_user(&p)
        })
    }

    /// Adds or replaces a purpose, after checking it is well formed.
    pub fn put_purpose(&self, p: &Purpose) -> Result<(), EngineError> {
        self.logged(
            Operation::Administer,
            &self.registered_query("put purpose", Register::Purpose, &p.id),
            &[],
            || {
                self.require_administer("change purposes")?;
                check_register_id("purpose", &p.id)?;
                p.validate()
                    .map_err(|e| EngineError::InvalidInput(e.to_string()))?;
                let doc = Document {
                    id: p.id.clone(),
                    body: purpose_json(p),
                    ..Document::default()
                };
                self.engine
                    .store()?
                    .put_document(Register::Purpose, &doc, &p.expires)?;
                self.record(
                    Operation::Administer,
                    &format!("put purpose `{}`", p.id),
                    &[],
                    None,
                    &format!("expires {}", p.expires),
                )
            },
        )
    }

    pub fn purposes(&self) -> Result<Vec<Purpose>, EngineError> {
        self.logged(Operation::Consult, "list purposes", &[], || {
            let docs = self.engine.store()?.documents(Register::Purpose)?;
            let out = docs
                .iter()
                .map(purpose_from)
                .collect::<Result<Vec<_>, _>>()?;
            self.record(
                Operation::Consult,
                "list purposes",
                &[],
                None,
                &format!("{} purposes", out.len()),
            )?;
            Ok(out)
        })
    }

    /// Checks a policy text against the schema (`clearstone policy check`):
    /// for those who administer, logged, and with errors that place each
    /// problem without repeating the text. Returns the text's SHA-256.
    pub fn check_policy(&self, text: &str, file: &str) -> Result<String, EngineError> {
        let what = "check a policy file";
        self.logged(Operation::Administer, what, &[], || {
            self.require_administer(what)?;
            let checked = clearstone_policy::PolicySet::load(text, file)
                .map_err(|e| EngineError::Policy(e.without_tokens().to_string()));
            let outcome = match &checked {
                Ok(p) => format!("valid, sha256 {}", p.sha256()),
                Err(_) => "invalid_policy".to_string(),
            };
            self.record(Operation::Administer, what, &[], None, &outcome)?;
            checked.map(|p| p.sha256().to_string())
        })
    }
}
