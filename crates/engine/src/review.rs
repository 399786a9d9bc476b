//! People decide: judgements on pairs (`same`, `not_same`, `unsure`) with
//! who, when and why, withdrawable with the history kept; the review queue
//! of uncertain pairs; and the explanation of any pair's score. Judging
//! re-clusters from the stored pairs, without scoring anything again.

use clearstone_model::{Entity, Timestamp, limits};
use clearstone_policy::Action;
use clearstone_resolve::settings::Settings;
use clearstone_resolve::{Explanation, Features, Model, model_file};
use clearstone_store::{Judgement, MatchPair, ResolutionRun, ResolutionStore};

use crate::compared::{Compared, FieldValues};
use crate::resolve::{ordered, parse_settings};
use crate::{EngineError, Operation, Session};

/// The verdicts a person may give.
pub const VERDICTS: [&str; 3] = ["same", "not_same", "unsure"];

/// One pair for a person to decide, with both records as this session may
/// see them and why the model scored the pair as it did.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    pub pair: MatchPair,
    pub left: Entity,
    pub right: Entity,
    pub explanation: Explanation,
    /// What each comparison compared, in the explanation's order.
    pub compared: Vec<Compared>,
    /// The records' other properties, which no comparison reads.
    pub others: Vec<FieldValues>,
}

/// A pair's explanation with the values each comparison compared.
#[derive(Debug, Clone)]
pub struct ExplainedPair {
    /// The pair in the order the comparisons' sides are given.
    pub left_id: String,
    pub right_id: String,
    pub explanation: Explanation,
    pub compared: Vec<Compared>,
}

impl Session<'_> {
    /// The entity as this session may see it for review; "not found" when
    /// nothing of it is visible, so a hidden record's existence does not leak.
    /// References to records it may not see are left out with them.
    pub(crate) fn reviewable(&self, entity_id: &str) -> Result<Entity, EngineError> {
        let raw = self.visible_statements(entity_id, Action::Review, false)?;
        let (shown, _) = self.gate(Action::Review, raw, None);
        let shown = self.drop_hidden_targets(Action::Review, shown)?;
        Entity::assemble(entity_id, shown).ok_or_else(|| EngineError::NotFound(entity_id.into()))
    }

    /// The resolved type both entities belong to.
    fn resolved_schema(&self, left: &str, right: &str) -> Result<String, EngineError> {
        let store = self.engine.store()?;
        let of = |id: &str| -> Result<String, EngineError> {
            store
                .canonical_of(id)?
                .map(|(schema, _)| schema)
                .ok_or_else(|| {
                    EngineError::InvalidInput(format!(
                        "`{id}` has not been resolved: run `clearstone resolve` first"
                    ))
                })
        };
        let (a, b) = (of(left)?, of(right)?);
        if a != b {
            return Err(EngineError::InvalidInput(format!(
                "`{left}` was resolved as {a} and `{right}` as {b}: only records of one type can be judged"
            )));
        }
        Ok(a)
    }

    fn last_run(&self, schema: &str) -> Result<ResolutionRun, EngineError> {
        self.engine
            .store()?
            .resolution_runs(schema, 1)?
            .into_iter()
            .next()
            .ok_or_else(|| {
                EngineError::InvalidInput(format!("no resolution run over {schema} yet"))
            })
    }

    /// Re-clusters the schema after a judgement changed.
    pub(crate) fn recluster_after_judgement(&self, schema: &str) -> Result<u64, EngineError> {
        let run = self.last_run(schema)?;
        let settings = parse_settings(Some(&run.settings))?;
        let ids: Vec<String> = self
            .engine
            .store()?
            .canonical_ids(schema)?
            .into_iter()
            .map(|(e, _)| e)
            .collect();
        self.recluster(schema, &ids, settings.threshold)
    }

    /// Records a person's judgement on a pair and re-clusters.
    pub fn judge(
        &self,
        a: &str,
        b: &str,
        verdict: &str,
        why: &str,
    ) -> Result<Judgement, EngineError> {
        let (left, right) = ordered(a, b);
        self.logged(
            Operation::ReviewDecision,
            "judge a pair of records",
            &[left, right],
            || self.judge_pair(left, right, verdict, why),
        )
    }

    fn judge_pair(
        &self,
        left: &str,
        right: &str,
        verdict: &str,
        why: &str,
    ) -> Result<Judgement, EngineError> {
        if !VERDICTS.contains(&verdict) {
            return Err(EngineError::InvalidInput(format!(
                "verdict `{}`: use same, not_same or unsure",
                crate::session::shortened(verdict)
            )));
        }
        if why.trim().is_empty() {
            return Err(EngineError::InvalidInput(
                "a judgement needs a reason (--why)".into(),
            ));
        }
        if left == right {
            return Err(EngineError::InvalidInput(
                "a record cannot be judged against itself".into(),
            ));
        }
        self.reviewable(left)?;
        self.reviewable(right)?;
        let schema = self.resolved_schema(left, right)?;
        let scored = self.engine.store()?.match_pair(&schema, left, right)?;
        let mut j = Judgement {
            schema: schema.clone(),
            left_id: left.to_owned(),
            right_id: right.to_owned(),
            verdict: verdict.to_owned(),
            probability: scored.as_ref().map(|p| p.probability),
            model_version: scored.map(|p| p.model_version),
            principal: self.req.principal.clone(),
            at: Timestamp::now(),
            why: why.to_owned(),
            ..Judgement::default()
        };
        j.id = self.engine.store()?.add_judgement(&j)?;
        // The clusters counted span records this session may not see: the
        // outcome, which its user reads back, leaves the count out.
        self.recluster_after_judgement(&schema)?;
        self.record(
            Operation::ReviewDecision,
            "judge a pair of records",
            &[left, right],
            None,
            &format!("judgement {}: {verdict}", j.id),
        )?;
        Ok(j)
    }

    /// Withdraws a judgement (kept, marked withdrawn) and re-clusters, so
    /// the clusters are again what they were without it. A judgement on a
    /// record this session cannot see is answered as one that does not
    /// exist, naming neither record, and logged alike.
    pub fn withdraw_judgement(&self, id: i64, why: &str) -> Result<Judgement, EngineError> {
        self.logged(
            Operation::ReviewDecision,
            "withdraw a judgement",
            &[],
            || self.withdraw(id, why),
        )
    }

    fn withdraw(&self, id: i64, why: &str) -> Result<Judgement, EngineError> {
        if why.trim().is_empty() {
            return Err(EngineError::InvalidInput(
                "withdrawing a judgement needs a reason (--why)".into(),
            ));
        }
        let j = self
            .engine
            .store()?
            .judgement(id)?
            .ok_or(EngineError::NoJudgement(id))?;
        for record in [&j.left_id, &j.right_id] {
            match self.reviewable(record) {
                Ok(_) => {}
                Err(EngineError::NotFound(_)) => return Err(EngineError::NoJudgement(id)),
                Err(e) => return Err(e),
            }
        }
        let now = Timestamp::now();
        let withdrawn =
            self.engine
                .store()?
                .withdraw_judgement(id, &self.req.principal, now, why)?;
        if !withdrawn {
            return Err(EngineError::InvalidInput(format!(
                "judgement {id} was already withdrawn"
            )));
        }
        // As for a judgement: no count spanning hidden records.
        self.recluster_after_judgement(&j.schema)?;
        self.record(
            Operation::ReviewDecision,
            "withdraw a judgement",
            &[&j.left_id, &j.right_id],
            None,
            &format!("judgement {id} withdrawn"),
        )?;
        Ok(Judgement {
            withdrawn_at: Some(now),
            withdrawn_by: Some(self.req.principal.clone()),
            withdrawn_why: Some(why.to_owned()),
            ..j
        })
    }

    /// Judgements over the schema whose records this session can see,
    /// newest first; withdrawn ones too when asked.
    pub fn judgements(&self, schema: &str, withdrawn: bool) -> Result<Vec<Judgement>, EngineError> {
        let query = self.type_query("list judgements on", schema);
        self.logged(Operation::Consult, &query, &[], || {
            self.list_judgements(schema, withdrawn, &query)
        })
    }

    fn list_judgements(
        &self,
        schema: &str,
        withdrawn: bool,
        query: &str,
    ) -> Result<Vec<Judgement>, EngineError> {
        self.known_type(schema)?;
        let all = self.engine.store()?.judgements(schema, withdrawn)?;
        // The page is taken from the judgements this session may see, so
        // its size tells nothing of those it may not.
        // Each record is decided once: hidden pairs before the page may
        // name the same records many times.
        let mut sees = std::collections::HashMap::new();
        let mut out = Vec::new();
        for j in all {
            if out.len() == limits::PAGE_ROWS_MAX {
                break;
            }
            let mut seen = |id: &str| {
                *sees
                    .entry(id.to_string())
                    .or_insert_with(|| self.reviewable(id).is_ok())
            };
            if seen(&j.left_id) && seen(&j.right_id) {
                out.push(j);
            }
        }
        let subjects: Vec<&str> = out
            .iter()
            .flat_map(|j| [j.left_id.as_str(), j.right_id.as_str()])
            .collect();
        self.record(
            Operation::Consult,
            query,
            &subjects,
            None,
            &format!("{} judgements", out.len()),
        )?;
        Ok(out)
    }

    /// Up to `limit` undecided pairs in the settings' review band, most
    /// uncertain first; pairs with a record this session cannot see are
    /// left out.
    pub fn review_queue(&self, schema: &str, limit: usize) -> Result<Vec<ReviewItem>, EngineError> {
        let query = self.type_query("review queue of", schema);
        self.logged(Operation::Consult, &query, &[], || {
            self.queue(schema, limit, &query)
        })
    }

    fn queue(
        &self,
        schema: &str,
        limit: usize,
        query: &str,
    ) -> Result<Vec<ReviewItem>, EngineError> {
        self.known_type(schema)?;
        let run = self.last_run(schema)?;
        let settings = parse_settings(Some(&run.settings))?;
        let limit = limit.min(limits::PAGE_ROWS_MAX);
        let explainer = self.explainer(&run)?;
        let band = settings.review_band;
        let mut out = Vec::new();
        for (pair, left, right, explanation) in
            self.visible_pairs(schema, band, limit, &explainer)?
        {
            let compared = self.compared(&explainer.settings, &explanation, &left, &right)?;
            let others = self.uncompared(&explainer.settings, &left, &right);
            out.push(ReviewItem {
                pair,
                left,
                right,
                explanation,
                compared,
                others,
            });
        }
        let subjects: Vec<&str> = out
            .iter()
            .flat_map(|i| [i.pair.left_id.as_str(), i.pair.right_id.as_str()])
            .collect();
        self.record(
            Operation::Consult,
            query,
            &subjects,
            None,
            &format!("{} pairs", out.len()),
        )?;
        Ok(out)
    }

    /// The first `limit` pairs of the review band whose records this
    /// session may both see, with those records and the pair's explanation
    /// from them. The score each pair carries is the one the reader's own
    /// values give, as its explanation does: the stored one also weighs
    /// values the reader may not see, and the difference would say how they
    /// compared; a pair that only those values brought into the band is left
    /// out. Pairs are skipped before the page is counted, fetching further
    /// until it is full or the band ends, so a short page means the band has
    /// no more such pairs, never that hidden ones took their places.
    fn visible_pairs(
        &self,
        schema: &str,
        (low, high): (f64, f64),
        limit: usize,
        explainer: &Explainer,
    ) -> Result<Vec<(MatchPair, Entity, Entity, Explanation)>, EngineError> {
        let mut fetch = limit.saturating_mul(4).max(1);
        let mut checked = 0;
        let mut out = Vec::new();
        loop {
            let pairs = self
                .engine
                .store()?
                .review_queue(schema, low, high, fetch)?;
            let ended = pairs.len() < fetch;
            for pair in pairs.into_iter().skip(checked) {
                checked += 1;
                if out.len() == limit {
                    return Ok(out);
                }
                let (Ok(left), Ok(right)) = (
                    self.reviewable(&pair.left_id),
                    self.reviewable(&pair.right_id),
                ) else {
                    continue;
                };
                let explanation = explainer.explain(&pair.left_id, &pair.right_id)?;
                if !(low..=high).contains(&explanation.probability) {
                    continue;
                }
                let pair = MatchPair {
                    weight: explanation.total,
                    probability: explanation.probability,
                    rule: explanation.rule.clone(),
                    ..pair
                };
                out.push((pair, left, right, explanation));
            }
            if ended || out.len() == limit {
                return Ok(out);
            }
            fetch = fetch.saturating_mul(4);
        }
    }

    /// Why the last run's model scores the pair as it does.
    pub fn explain(&self, a: &str, b: &str) -> Result<Explanation, EngineError> {
        Ok(self.explain_compared(a, b)?.explanation)
    }

    /// [`Session::explain`] with the values each comparison compared, as
    /// this session may see them.
    pub fn explain_compared(&self, a: &str, b: &str) -> Result<ExplainedPair, EngineError> {
        let (left, right) = ordered(a, b);
        self.logged(
            Operation::Consult,
            "explain a match score",
            &[left, right],
            || self.explain_pair(left, right),
        )
    }

    fn explain_pair(&self, left: &str, right: &str) -> Result<ExplainedPair, EngineError> {
        let left_shown = self.reviewable(left)?;
        let right_shown = self.reviewable(right)?;
        let schema = self.resolved_schema(left, right)?;
        let run = self.last_run(&schema)?;
        let explainer = self.explainer(&run)?;
        let explanation = explainer.explain(left, right)?;
        let compared =
            self.compared(&explainer.settings, &explanation, &left_shown, &right_shown)?;
        self.record(
            Operation::Consult,
            "explain a match score",
            &[left, right],
            None,
            &format!(
                "weight {:.2}, model {}",
                explanation.total, run.model_version
            ),
        )?;
        Ok(ExplainedPair {
            left_id: left.to_owned(),
            right_id: right.to_owned(),
            explanation,
            compared,
        })
    }

    /// Explains pairs with the run's model over the records as they are
    /// now: name frequencies are taken over all of them, as the run did.
    fn explainer(&self, run: &ResolutionRun) -> Result<Explainer, EngineError> {
        let settings = parse_settings(Some(&run.settings))?;
        let model = model_file::from_json(&run.model, &settings.comparisons)
            .map_err(|e| EngineError::Internal(format!("run {}'s model: {e}", run.id)))?;
        let loaded = self.resolution_records(&settings, &run.schema)?;
        let features = loaded.features(&settings.schema)?;
        Ok(Explainer {
            ids: loaded.ids,
            features,
            model,
            settings,
        })
    }
}

struct Explainer {
    /// Sorted, as the loader returns them.
    ids: Vec<String>,
    features: Features,
    model: Model,
    settings: Settings,
}

impl Explainer {
    fn explain(&self, left: &str, right: &str) -> Result<Explanation, EngineError> {
        let row = |id: &str| {
            self.ids
                .binary_search_by(|x| x.as_str().cmp(id))
                .ok()
                .and_then(|i| u32::try_from(i).ok())
                .ok_or_else(|| EngineError::NotFound(id.to_owned()))
        };
        let (a, b) = (row(left)?, row(right)?);
        let mut out = self
            .settings
            .scorer(&self.model)
            .explain(&self.features, a, b);
        out.rule = self
            .settings
            .rule_link(&self.features, a, b)
            .map(str::to_owned);
        Ok(out)
    }
}
