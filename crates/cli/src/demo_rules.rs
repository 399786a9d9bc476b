//! The demo's indicator rules: a service principal and the purpose they run
//! under, then each shipped rule registered, activated and run, with the
//! alert counts printed.

use std::path::Path;

use anyhow::Result;
use clearstone_engine::policy::{Principal, PrincipalKind, Purpose, SensitiveBasis};
use clearstone_engine::{ADMIN_PURPOSE, Classification, Engine, Session, SessionRequest};

/// The service principal the demo's rules run as.
pub const SERVICE: &str = "demo-indicators";
const PURPOSE: &str = "demo-integrity";

pub fn register(admin: &Session<'_>, year: i32) -> Result<()> {
    admin.put_user(&Principal {
        id: SERVICE.into(),
        display_name: "Indicator rules (service)".into(),
        kind: PrincipalKind::Service,
        roles: ["indicator_service".to_string()].into(),
        unit: None,
        clearance: Classification::Secret,
        caveats: ["HR", "PSD", "PERSONAL"]
            .iter()
            .map(|c| c.to_string())
            .collect(),
        attributes: Default::default(),
        disabled: false,
    })?;
    admin.put_purpose(&Purpose {
        id: PURPOSE.into(),
        description: "Workforce integrity indicators for professional standards".into(),
        legal_basis: "DPA 2018 Part 3 s.31; Police (Conduct) Regulations 2020; demonstration"
            .into(),
        // The rules must see an absence's class to leave protected ones out.
        sensitive: Some(SensitiveBasis {
            condition: "DPA 2018 sch. 8 para 1 (statutory purposes), demonstration".into(),
        }),
        policy_document: "Northshire appropriate policy document APD-2026-03".into(),
        datasets: ["*".to_string()].into(),
        entity_types: ["*".to_string()].into(),
        roles: ["indicator_service".to_string()].into(),
        audit_use: None,
        review_date: format!("{}-06-30", year + 1),
        expires: format!("{}-12-31", year + 1),
        reviewed_by: Some("demo-dpo".into()),
    })?;
    Ok(())
}

/// Registers and activates the shipped rules (once), runs them, and prints
/// how many people each flagged.
pub fn run(engine: &Engine, truth: &Path) -> Result<()> {
    let admin = engine.session(SessionRequest {
        principal: crate::demo::ADMIN.into(),
        purpose: ADMIN_PURPOSE.into(),
        justification: "registering the demonstration indicator rules".into(),
        ..SessionRequest::default()
    })?;
    for (file, text) in clearstone_demo::INDICATOR_RULES {
        let (rule, _) = admin.register_rule(text, file)?;
        admin.activate_rule(&rule.id, rule.version, None, None)?;
    }
    drop(admin);
    println!(
        "\nindicator rules (planted patterns and decoys: {}):",
        truth.display()
    );
    let active = engine.run_active_rules(SERVICE)?;
    for f in &active.failures {
        eprintln!("  `{}` v{} failed: {}", f.rule_id, f.rule_version, f.error);
    }
    for r in active.runs {
        println!(
            "  `{}` v{}: {} records read, {} people flagged, {} new alerts",
            r.rule_id,
            r.rule_version,
            r.records,
            r.flagged.len(),
            r.alerts_new
        );
    }
    Ok(())
}
