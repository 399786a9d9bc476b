//! Events as evidence: the canonical bytes each event is logged as, and the
//! questions an overseer asks, answered from the tamper-evident log alone.

use base64::Engine as _;
use clearstone_model::Timestamp;
use clearstone_policy::Action;
use clearstone_store::{Event, Store};
use serde_json::{Value, json};

use crate::{EngineError, Operation, Session};

/// First line of every logged event; the version names the JSON that follows.
pub const EVENT_PREFIX: &str = "clearstone-event/v1\n";

/// Canonical bytes: the prefix, then JSON with keys in a fixed order (see
/// [`Logged`]) and no insignificant whitespace.
pub(crate) fn encode(e: &Event) -> Vec<u8> {
    let mut out = EVENT_PREFIX.as_bytes().to_vec();
    // Writing to memory cannot fail, and every field serialises.
    let _ = serde_json::to_writer(&mut out, &Logged::of(e));
    out
}

/// The length of [`encode`]'s bytes, without keeping them.
pub(crate) fn encoded_len(e: &Event) -> usize {
    let mut n = Counted(EVENT_PREFIX.len());
    let _ = serde_json::to_writer(&mut n, &Logged::of(e));
    n.0
}

/// The most bytes `e` can take in the log once the store numbers it: the
/// check comes before the store holds the event, when its id is not yet
/// known, and a longer id must not tip it over the log's limit.
pub(crate) fn logged_len_at_most(e: &Event) -> usize {
    let digits = |n: i64| n.unsigned_abs().checked_ilog10().unwrap_or(0) as usize + 1;
    encoded_len(e) - digits(e.id) + digits(i64::MAX)
}

/// Refuses, before anything is stored, an event the log could not take:
/// one the store held and the log refused would leave them a step apart,
/// and every later event would then fail.
pub(crate) fn check_fits_log(e: &Event) -> Result<(), EngineError> {
    fits_log(logged_len_at_most(e))
}

/// As [`check_fits_log`] for `e` naming `n` subjects by their keyed hashes
/// in hex, `e.subjects` itself empty: each hash takes the same bytes and
/// none is escaped, so the list's length is counted rather than encoded.
pub(crate) fn check_fits_log_naming_tags(e: &Event, n: usize) -> Result<(), EngineError> {
    let empty_list = "[]".len();
    fits_log(logged_len_at_most(e) - empty_list + tags_json_len(n))
}

/// The bytes JSON spells a list of `n` keyed hashes in hex with.
pub(crate) fn tags_json_len(n: usize) -> usize {
    let quoted = crate::session::HEX_TAG_LEN + 2;
    let commas = n.saturating_sub(1);
    "[]".len() + n * quoted + commas
}

fn fits_log(bytes: usize) -> Result<(), EngineError> {
    if bytes > clearstone_audit::ENTRY_BYTES_MAX {
        return Err(EngineError::Internal(format!(
            "an event of up to {bytes} bytes is over the log's entry_bytes_max ({})",
            clearstone_audit::ENTRY_BYTES_MAX
        )));
    }
    Ok(())
}

/// An event as logged, borrowed: a run's event names a thousand subjects a
/// part, and building a JSON tree of copies first was most of recording it.
/// The fields are written in the order declared, which is the order the
/// events logged so far hold (a JSON tree kept its keys as inserted, since
/// `cedar-policy` turns on serde_json's `preserve_order`).
#[derive(serde::Serialize)]
struct Logged<'a> {
    id: i64,
    at: String,
    operation: &'a str,
    principal: &'a str,
    purpose: &'a str,
    justification: &'a str,
    case_ref: &'a Option<String>,
    query: &'a str,
    subjects: &'a [String],
    recipient: &'a Option<String>,
    outcome: &'a str,
    flags: &'a [String],
}

impl<'a> Logged<'a> {
    fn of(e: &'a Event) -> Logged<'a> {
        Logged {
            at: e.at.to_string(),
            case_ref: &e.case_ref,
            flags: &e.flags,
            id: e.id,
            justification: &e.justification,
            operation: &e.operation,
            outcome: &e.outcome,
            principal: &e.principal,
            purpose: &e.purpose,
            query: &e.query,
            recipient: &e.recipient,
            subjects: &e.subjects,
        }
    }
}

/// Counts the bytes written to it.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Parses logged bytes back into JSON (an overseer's reader does the same).
pub fn decode(bytes: &[u8]) -> Result<Value, EngineError> {
    let body = bytes
        .strip_prefix(EVENT_PREFIX.as_bytes())
        .ok_or_else(|| EngineError::Internal("a log entry is not a clearstone event".into()))?;
    serde_json::from_slice(body)
        .map_err(|e| EngineError::Internal(format!("a log entry does not parse: {e}")))
}

/// The flag on an event the store's table no longer holds as it was logged
/// (edited or deleted there): the event shown is the logged one.
pub const STORE_DIFFERS: &str = "store_differs";

/// An event back from its logged bytes.
pub(crate) fn event_from_entry(entry: &[u8]) -> Result<Event, EngineError> {
    let v = decode(entry)?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let list = |k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let at = text("at")
        .as_deref()
        .and_then(parse_time)
        .ok_or_else(|| EngineError::Internal("a log entry has no valid time".into()))?;
    Ok(Event {
        id: v.get("id").and_then(Value::as_i64).unwrap_or_default(),
        at,
        operation: text("operation").unwrap_or_default(),
        principal: text("principal").unwrap_or_default(),
        purpose: text("purpose").unwrap_or_default(),
        justification: text("justification").unwrap_or_default(),
        case_ref: text("case_ref"),
        query: text("query").unwrap_or_default(),
        subjects: list("subjects"),
        recipient: text("recipient"),
        outcome: text("outcome").unwrap_or_default(),
        flags: list("flags"),
    })
}

/// `2026-11-23T09:21:00.123Z`, as `Timestamp` writes it, back to a timestamp.
fn parse_time(s: &str) -> Option<Timestamp> {
    let num = |a: usize, b: usize| s.get(a..b).and_then(|x| x.parse::<i64>().ok());
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hh, mm, ss, ms) = (num(11, 13)?, num(14, 16)?, num(17, 19)?, num(20, 23)?);
    // Howard Hinnant's days-from-civil, the inverse of the formatter's.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(Timestamp(
        ((days * 86_400 + hh * 3600 + mm * 60 + ss) * 1000) + ms,
    ))
}

impl crate::Engine {
    /// The last `limit` events, newest first, read from the signed log (after
    /// integrating what is pending), not from the store's table, which an
    /// administrator can edit. An event whose row in the table is missing or
    /// says something else carries [`STORE_DIFFERS`].
    pub(crate) fn logged_events(&self, limit: usize) -> Result<Vec<Event>, EngineError> {
        let stored: std::collections::HashMap<i64, Vec<u8>> = self
            .store()?
            .events(limit)?
            .iter()
            .map(|e| (e.id, encode(e)))
            .collect();
        let mut log = self.audit()?;
        self.witnesses.integrate(&mut log)?;
        let size = log.size();
        let mut out = Vec::with_capacity(limit);
        for item in log.entries(size.saturating_sub(limit as u64)..size)? {
            let (_, entry) = item?;
            let mut event = event_from_entry(&entry)?;
            if stored.get(&event.id) != Some(&entry) {
                event.flags.push(STORE_DIFFERS.into());
            }
            out.push(event);
        }
        out.reverse();
        Ok(out)
    }
}

/// What an overseer asks of the log.
#[derive(Debug, Clone, Default)]
pub struct Oversight {
    /// Who consulted this entity (matched by its keyed hash).
    pub subject: Option<String>,
    pub principal: Option<String>,
    /// ISO date or RFC 3339 time, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only these operations (e.g. `disclose`, `reveal`).
    pub operations: Vec<String>,
}

/// One matching event with the proof that it is in the log.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub index: u64,
    pub entry: Vec<u8>,
    pub event: Value,
    /// Inclusion proof against `checkpoint`, base64 hashes leaf to root.
    pub proof: Vec<String>,
}

/// The answer: matching events, the signed checkpoint their proofs verify
/// against, and the key that signed it.
#[derive(Debug, Clone)]
pub struct OversightReport {
    pub checkpoint: String,
    pub verifier_key: String,
    pub evidence: Vec<Evidence>,
}

/// Prefix comparison, so a date bound covers the whole day.
fn within(at: &str, from: Option<&str>, to: Option<&str>) -> bool {
    let cut = |bound: &str| at.get(..bound.len()).unwrap_or(at).to_string();
    from.is_none_or(|f| cut(f).as_str() >= f) && to.is_none_or(|t| cut(t).as_str() <= t)
}

impl Session<'_> {
    /// Answers an overseer's question from the audit log alone (every
    /// integrated entry is read and checked against the signed checkpoint),
    /// with an inclusion proof for each event. Reading the log is itself logged.
    pub fn oversee(&self, q: &Oversight) -> Result<OversightReport, EngineError> {
        self.logged(Operation::Consult, "oversight query", &[], || {
            self.require_action(Action::ReadAudit, "read the audit log")?;
            self.answer(q)
        })
    }

    fn answer(&self, q: &Oversight) -> Result<OversightReport, EngineError> {
        // The question is logged: only operation names and registered user
        // ids go in clear, anything else a person typed by hash.
        if let Some(bad) = q.operations.iter().find(|o| Operation::parse(o).is_none()) {
            return Err(EngineError::InvalidInput(format!(
                "no operation `{}` (one of {})",
                crate::session::shortened(bad),
                Operation::ALL.map(Operation::as_str).join(", ")
            )));
        }
        let by = match q.principal.as_deref() {
            Some(p)
                if crate::registers::is_register_id(p)
                    && self
                        .engine
                        .store()?
                        .document(clearstone_store::Register::Principal, p)?
                        .is_some() =>
            {
                format!(" user `{p}`")
            }
            Some(p) => format!(" user {}", crate::session::text_ref(p)),
            None => String::new(),
        };
        let subject = q.subject.as_deref().map(|s| self.subject_hash(s));
        let report = {
            let mut log = self.engine.audit()?;
            self.engine.witnesses.integrate(&mut log)?;
            let size = log.size();
            let mut evidence = Vec::new();
            for item in log.entries(0..size)? {
                let (index, entry) = item?;
                let event = decode(&entry)?;
                let text = |k: &str| {
                    event
                        .get(k)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                let matches = subject.as_ref().is_none_or(|h| {
                    event["subjects"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(h.as_str())))
                }) && q.principal.as_ref().is_none_or(|p| &text("principal") == p)
                    && within(&text("at"), q.from.as_deref(), q.to.as_deref())
                    && (q.operations.is_empty() || q.operations.contains(&text("operation")));
                if matches {
                    let proof = log
                        .inclusion_proof(index)?
                        .iter()
                        .map(|h| h.to_base64())
                        .collect();
                    evidence.push(Evidence {
                        index,
                        entry,
                        event,
                        proof,
                    });
                }
            }
            OversightReport {
                checkpoint: log.checkpoint_text(),
                verifier_key: log.verifier_key(),
                evidence,
            }
        };
        let query = format!(
            "oversight query:{}{}{}{}",
            if q.subject.is_some() { " subject" } else { "" },
            by,
            if q.from.is_some() || q.to.is_some() {
                " dates"
            } else {
                ""
            },
            if q.operations.is_empty() {
                String::new()
            } else {
                format!(" {}", q.operations.join(","))
            },
        );
        let subjects: Vec<&str> = q.subject.iter().map(String::as_str).collect();
        self.record(
            Operation::Consult,
            &query,
            &subjects,
            None,
            &format!("{} events", report.evidence.len()),
        )?;
        Ok(report)
    }

    /// A C2SP tlog-proof receipt for an event (by its id), integrating
    /// pending entries first so the receipt can be had at once.
    /// A receipt for an event of this session's own (`show --receipt`) is
    /// part of that act; any other event's needs a purpose that may read
    /// the log, and is an act of its own.
    pub fn receipt(&self, event_id: i64) -> Result<String, EngineError> {
        if self.own_events.borrow().contains(&event_id) {
            return self.receipt_of(event_id);
        }
        self.logged(Operation::Consult, "read a receipt", &[], || {
            self.require_action(Action::ReadAudit, "read a receipt")?;
            let out = self.receipt_of(event_id)?;
            self.record(
                Operation::Consult,
                "read a receipt",
                &[],
                None,
                &format!("event {event_id}"),
            )?;
            Ok(out)
        })
    }

    pub(crate) fn receipt_of(&self, event_id: i64) -> Result<String, EngineError> {
        let index = u64::try_from(event_id.saturating_sub(1))
            .map_err(|_| EngineError::InvalidInput(format!("no event `{event_id}`")))?;
        let mut log = self.engine.audit()?;
        self.engine.witnesses.integrate(&mut log)?;
        if index >= log.size() {
            return Err(EngineError::InvalidInput(format!(
                "no event `{event_id}` in the log"
            )));
        }
        Ok(log.receipt(index)?)
    }

    /// The id of the last event this session appended (for receipts).
    pub fn last_event(&self) -> Option<i64> {
        let id = self.last_event.get();
        (id > 0).then_some(id)
    }
}

/// JSON Lines for an overseer: a header naming the schema, checkpoint and
/// key, then one line per event with its leaf bytes and inclusion proof.
pub fn oversight_jsonl(r: &OversightReport) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out = json!({
        "schema": "clearstone-oversight/v1",
        "about": "each line: index, leaf (base64 of the logged bytes, RFC 6962 leaf hash input), event (the same bytes decoded), proof (base64 hashes, leaf to root) against checkpoint",
        "checkpoint": r.checkpoint,
        "verifier_key": r.verifier_key,
        "exported_at": Timestamp::now().to_string(),
    })
    .to_string();
    out.push('\n');
    for e in &r.evidence {
        out.push_str(&json!({ "index": e.index, "leaf": b64.encode(&e.entry), "event": e.event, "proof": e.proof }).to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The canonical bytes as first written: a JSON tree.
    fn encode_by_tree(e: &Event) -> Vec<u8> {
        let v = json!({
            "id": e.id, "at": e.at.to_string(), "operation": e.operation, "principal": e.principal,
            "purpose": e.purpose, "justification": e.justification, "case_ref": e.case_ref,
            "query": e.query, "subjects": e.subjects, "recipient": e.recipient,
            "outcome": e.outcome, "flags": e.flags,
        });
        let mut out = EVENT_PREFIX.as_bytes().to_vec();
        out.extend_from_slice(v.to_string().as_bytes());
        out
    }

    #[test]
    fn events_encode_to_the_bytes_a_json_tree_gives() {
        let texts = [
            "",
            "plain",
            "quote \" and \\ slash",
            "line\nbreak\ttab\u{1}",
            "é ü 😀",
        ];
        let mut n = 0i64;
        for (i, a) in texts.iter().enumerate() {
            for b in &texts {
                n += 1;
                let e = Event {
                    id: n * 7_919 - 3,
                    at: Timestamp(951_782_400_123 + n * 86_400_017),
                    operation: (*a).to_owned(),
                    principal: (*b).to_owned(),
                    purpose: format!("{a}{b}"),
                    justification: (*b).to_owned(),
                    case_ref: (i % 2 == 0).then(|| (*a).to_owned()),
                    query: (*a).to_owned(),
                    subjects: texts.iter().take(i).map(|s| s.to_string()).collect(),
                    recipient: (i % 3 == 0).then(|| (*b).to_owned()),
                    outcome: (*b).to_owned(),
                    flags: vec![(*a).to_owned(); i],
                };
                let bytes = encode(&e);
                assert_eq!(bytes, encode_by_tree(&e), "{e:?}");
                assert_eq!(encoded_len(&e), bytes.len());
            }
        }
    }

    #[test]
    fn logged_times_read_back_to_the_same_instant() {
        for ms in [0, 951_782_400_123, 1_795_426_860_000, 4_102_444_799_999] {
            let t = Timestamp(ms);
            assert_eq!(parse_time(&t.to_string()), Some(t));
        }
    }
}
