//! Reading users and purposes from the command line and from purpose files.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};
use clearstone_engine::Classification;
use clearstone_engine::policy::{AuditUse, Principal, PrincipalKind, Purpose, SensitiveBasis};
use serde::Deserialize;

/// A purpose file (`docs/gate.md`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PurposeFile {
    id: String,
    description: String,
    legal_basis: String,
    sensitive_condition: Option<String>,
    #[serde(default)]
    policy_document: String,
    #[serde(default)]
    datasets: BTreeSet<String>,
    #[serde(default)]
    entity_types: BTreeSet<String>,
    roles: BTreeSet<String>,
    audit_use: Option<String>,
    review_date: String,
    expires: String,
    reviewed_by: Option<String>,
}

pub fn purpose_from_file(path: &Path) -> Result<Purpose> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let f: PurposeFile = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("`{}`: {}", path.display(), e.message()))?;
    let audit_use = match &f.audit_use {
        Some(a) => Some(AuditUse::parse(a).with_context(|| {
            format!("`{}`: unknown audit_use `{a}` (verify_lawfulness, self_monitoring, integrity_and_security, criminal_proceedings)", path.display())
        })?),
        None => None,
    };
    Ok(Purpose {
        id: f.id,
        description: f.description,
        legal_basis: f.legal_basis,
        sensitive: f
            .sensitive_condition
            .map(|condition| SensitiveBasis { condition }),
        policy_document: f.policy_document,
        datasets: f.datasets,
        entity_types: f.entity_types,
        roles: f.roles,
        audit_use,
        review_date: f.review_date,
        expires: f.expires,
        reviewed_by: f.reviewed_by,
    })
}

#[expect(
    clippy::too_many_arguments,
    reason = "one argument per command-line flag"
)]
pub fn principal(
    id: &str,
    name: Option<&str>,
    roles: &[String],
    unit: Option<&str>,
    clearance: &str,
    caveats: &[String],
    attributes: &[String],
    service: bool,
) -> Result<Principal> {
    let Some(clearance) = Classification::parse(clearance) else {
        bail!("unknown clearance `{clearance}` (OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP-SECRET)");
    };
    let mut attrs = std::collections::BTreeMap::new();
    for a in attributes {
        let Some((k, v)) = a.split_once('=') else {
            bail!("attribute `{a}` is not key=value");
        };
        attrs.insert(k.trim().to_string(), v.trim().to_string());
    }
    Ok(Principal {
        id: id.to_string(),
        display_name: name.unwrap_or(id).to_string(),
        kind: if service {
            PrincipalKind::Service
        } else {
            PrincipalKind::User
        },
        roles: roles.iter().cloned().collect(),
        unit: unit.map(str::to_string),
        clearance,
        caveats: caveats.iter().cloned().collect(),
        attributes: attrs,
        disabled: false,
    })
}

pub fn principal_line(p: &Principal) -> String {
    let roles: Vec<&str> = p.roles.iter().map(String::as_str).collect();
    let caveats: Vec<&str> = p.caveats.iter().map(String::as_str).collect();
    format!(
        "{:<16} {:<8} roles {:<40} unit {:<10} clearance {}{}{}",
        p.id,
        p.kind.as_str(),
        roles.join(","),
        p.unit.as_deref().unwrap_or("-"),
        p.clearance.as_str(),
        if caveats.is_empty() {
            String::new()
        } else {
            format!(":{}", caveats.join(","))
        },
        if p.disabled { "  DISABLED" } else { "" }
    )
}

pub fn purpose_line(p: &Purpose) -> String {
    let list = |s: &BTreeSet<String>| s.iter().map(String::as_str).collect::<Vec<_>>().join(",");
    format!(
        "{:<20} roles {:<24} datasets {:<12} types {:<10} sensitive {:<5} audit {:<22} expires {} (review {}{})\n    {} — {}",
        p.id,
        list(&p.roles),
        list(&p.datasets),
        list(&p.entity_types),
        if p.sensitive.is_some() { "yes" } else { "no" },
        p.audit_use.map_or("-", AuditUse::as_str),
        p.expires,
        p.review_date,
        p.reviewed_by
            .as_deref()
            .map(|r| format!(", by {r}"))
            .unwrap_or_else(|| ", NOT REVIEWED".into()),
        p.description,
        p.legal_basis
    )
}
