//! The fairness of a rule version straight from its own dry run. The dry
//! run reads workforce records under the rule's purpose; the report reads
//! protected characteristics under equality monitoring. Neither purpose
//! may hand the other person-level results in the clear, so the two meet
//! only inside the engine: the dry run, as the rule's service under the
//! rule's purpose, gives the flagged canonical ids to the report in memory,
//! and the report publishes aggregates alone. Each is its own logged act.

use clearstone_store::IndicatorStore;

use crate::fairness_report::{EQUALITY_PURPOSE, FairnessReport};
use crate::indicators::{RunMode, check_rule};
use crate::session::shortened;
use crate::{EngineError, Session, SessionRequest};

impl Session<'_> {
    /// The fairness report of the registered rule version whose file is
    /// `text`, dry-run by `service` under the rule's purpose. This session
    /// must be under equality monitoring; the file must be the registered
    /// text of its version, so the report is about what would run.
    pub fn fairness_of_rule(
        &self,
        service: &str,
        text: &str,
        file: &str,
    ) -> Result<FairnessReport, EngineError> {
        // A file that does not parse is one refused event; its name and
        // text are the user's, so neither enters the log.
        let rule = self.logged(
            crate::Operation::Refused,
            "fairness dry run of an indicator rule file",
            &[],
            || check_rule(text, file),
        )?;
        if self.purpose.id != EQUALITY_PURPOSE {
            // Refused, and logged, as the report itself refuses: nothing
            // is evaluated for a purpose that may not have the report.
            return self.fairness_dry_run(&rule.id, rule.version, &[]);
        }
        // The id is an identifier the parse checked: controlled vocabulary.
        let query = format!(
            "fairness dry run of indicator rule `{}` version {}",
            shortened(&rule.id),
            rule.version
        );
        self.logged(crate::Operation::Refused, &query, &[], || {
            let stored = self
                .engine
                .store()?
                .indicator_rule(&rule.id, rule.version)?
                .ok_or_else(|| {
                    EngineError::NotFound(format!(
                        "indicator rule `{}` version {}",
                        shortened(&rule.id),
                        rule.version
                    ))
                })?;
            if stored.body != text {
                return Err(EngineError::InvalidInput(format!(
                    "`{file}` is not the registered text of `{}` version {}: a changed rule is a new version",
                    shortened(&rule.id),
                    rule.version
                )));
            }
            Ok(())
        })?;
        let dry_run = SessionRequest {
            principal: service.to_owned(),
            purpose: rule.purpose.clone(),
            justification: format!(
                "fairness dry run of indicator rule {} version {} for equality monitoring",
                rule.id, rule.version
            ),
            ..SessionRequest::default()
        };
        let flagged = self
            .engine
            .session(dry_run)?
            .run_rule(&rule.id, rule.version, RunMode::DryRun)?
            .flagged;
        self.fairness_dry_run(&rule.id, rule.version, &flagged)
    }
}

impl Session<'_> {
    /// As [`Session::fairness_of_rule`], for the registered version
    /// `version` of rule `id`, read from the store rather than a file.
    pub fn fairness_of_version(
        &self,
        service: &str,
        id: &str,
        version: u32,
    ) -> Result<FairnessReport, EngineError> {
        if self.purpose.id != EQUALITY_PURPOSE || !crate::registers::is_register_id(id) {
            // Refused or rejected, and logged, by the report itself.
            return self.fairness_dry_run(id, version, &[]);
        }
        let query = format!("fairness of rule {id} version {version} dry run");
        let body = self.logged(crate::Operation::Consult, &query, &[], || {
            let stored = self.engine.store()?.indicator_rule(id, version)?;
            stored.map(|r| r.body).ok_or_else(|| {
                EngineError::NotFound(format!("indicator rule `{id}` version {version}"))
            })
        })?;
        self.fairness_of_rule(service, &body, &format!("{id} version {version}"))
    }
}
