//! Parsing and validating policy text against the schema, and reading what
//! each forbid means from its annotations.

use std::collections::HashMap;

use cedar_policy::{Effect, PolicyId, Schema, ValidationMode, Validator};
use miette::Diagnostic;

use crate::error::{Problem, one_line};
use crate::{DenyReason, PolicyError};

/// What a satisfied forbid means for the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Forbid {
    Deny(DenyReason),
    /// `@mask`: show the value masked rather than deny it.
    Mask,
}

pub(crate) struct Loaded {
    pub policies: cedar_policy::PolicySet,
    /// `policies` without the `@mask` forbids: if this allows a request that
    /// the full set denies only through masks, the value is masked.
    pub unmasked: cedar_policy::PolicySet,
    pub forbids: HashMap<PolicyId, Forbid>,
}

pub(crate) fn schema(text: &str) -> Result<Schema, PolicyError> {
    Schema::from_cedarschema_str(text)
        .map(|(schema, _warnings)| schema)
        .map_err(|e| PolicyError::Schema(one_line(&e.to_string())))
}

/// Parses `text`, names each policy by its `@id`, checks the annotations and
/// validates against `schema` in strict mode. Every problem is collected, so
/// one load reports them all.
pub(crate) fn load(text: &str, file: &str, schema: &Schema) -> Result<Loaded, PolicyError> {
    let invalid = |problems: Vec<Problem>| PolicyError::Invalid {
        file: file.to_string(),
        problems,
    };
    let parsed: cedar_policy::PolicySet =
        text.parse().map_err(|e: cedar_policy::ParseErrors| {
            invalid(
                e.iter()
                    .map(|p| Problem {
                        line: first_line(text, p),
                        policy: None,
                        message: one_line(&p.to_string()),
                    })
                    .collect(),
            )
        })?;

    let mut problems = Vec::new();
    for template in parsed.templates() {
        problems.push(Problem {
            line: text.find(&template.to_cedar()).map(|o| line_of(text, o)),
            policy: Some(template.id().to_string()),
            message: "templates (policies with slots) are not supported".into(),
        });
    }

    let mut policies = cedar_policy::PolicySet::new();
    let mut unmasked = cedar_policy::PolicySet::new();
    let mut forbids = HashMap::new();
    for policy in parsed.policies() {
        let line = policy
            .to_cedar()
            .and_then(|src| text.find(&src))
            .map(|offset| line_of(text, offset));
        let policy = match policy.annotation("id") {
            Some(id) => policy.new_id(PolicyId::new(id)),
            None => policy.clone(),
        };
        let id = policy.id().clone();
        let mut messages = Vec::new();
        let forbid = read_forbid(&policy, &mut messages);
        match policies.add(policy.clone()) {
            Err(e) => messages.push(one_line(&e.to_string())),
            Ok(()) => {
                if let Some(forbid) = forbid {
                    forbids.insert(id.clone(), forbid);
                }
                // A subset of `policies`, so adding cannot clash.
                if forbid != Some(Forbid::Mask)
                    && let Err(e) = unmasked.add(policy)
                {
                    messages.push(one_line(&e.to_string()));
                }
            }
        }
        problems.extend(messages.into_iter().map(|message| Problem {
            line,
            policy: Some(id.to_string()),
            message,
        }));
    }

    let validation = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
    for error in validation.validation_errors() {
        let policy = error.policy_id().to_string();
        let message = one_line(&error.to_string());
        // Cedar starts with "for policy `id`, ", which the problem says already.
        let message = match message.strip_prefix(&format!("for policy `{policy}`, ")) {
            Some(rest) => rest.to_string(),
            None => message,
        };
        problems.push(Problem {
            line: first_line(text, error),
            policy: Some(policy),
            message,
        });
    }

    if problems.is_empty() {
        Ok(Loaded {
            policies,
            unmasked,
            forbids,
        })
    } else {
        problems.sort_by_key(|p| p.line);
        Err(invalid(problems))
    }
}

/// What a forbid means, from `@reason("code")` or `@mask`; a forbid with
/// neither gives [`DenyReason::Forbidden`]. Misplaced or unknown annotations
/// are problems, since a typo would otherwise change a decision silently.
fn read_forbid(policy: &cedar_policy::Policy, problems: &mut Vec<String>) -> Option<Forbid> {
    let reason = policy.annotation("reason");
    let mask = policy.annotation("mask").is_some();
    match (policy.effect(), reason, mask) {
        (Effect::Permit, None, false) => None,
        (Effect::Permit, _, _) => {
            problems.push("only forbid policies take @reason or @mask".into());
            None
        }
        (Effect::Forbid, Some(_), true) => {
            problems.push("a forbid takes @reason or @mask, not both".into());
            None
        }
        (Effect::Forbid, Some(code), false) => {
            let reason = DenyReason::parse(code);
            if reason.is_none() {
                problems.push(format!("unknown @reason `{code}`"));
            }
            reason.map(Forbid::Deny)
        }
        (Effect::Forbid, None, true) => Some(Forbid::Mask),
        (Effect::Forbid, None, false) => Some(Forbid::Deny(DenyReason::Forbidden)),
    }
}

/// The line of the first place Cedar points at, if it points anywhere.
fn first_line(text: &str, diagnostic: &dyn Diagnostic) -> Option<usize> {
    let offset = diagnostic.labels()?.map(|l| l.offset()).min()?;
    Some(line_of(text, offset))
}

fn line_of(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    before.bytes().filter(|&b| b == b'\n').count() + 1
}
