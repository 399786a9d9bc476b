//! Break-glass: an emergency override for when a life or an investigation
//! cannot wait for a purpose to be widened. It needs a substantial
//! justification, lasts a limited time, lifts only the purpose's dataset and
//! type limits (never markings or masking), and flags every act under it for
//! review. A grant serves only the work it was started for: sessions of the
//! same user, purpose and justification.

use clearstone_model::Timestamp;
use clearstone_store::{BreakGlass, Store};

use crate::{EngineError, Operation, Session};

/// Longest grant: one shift. Longer needs a purpose, not an emergency.
pub const BREAK_GLASS_MINUTES_MAX: u64 = 240;

/// Shortest justification accepted: a sentence, not a word.
pub const BREAK_GLASS_JUSTIFICATION_CHARS_MIN: usize = 20;

impl Session<'_> {
    /// Starts a grant for this session's principal; sessions opened with
    /// `break_glass` under the same purpose and justification use it until
    /// it expires.
    pub fn start_break_glass(&self, minutes: u64) -> Result<BreakGlass, EngineError> {
        self.logged(Operation::BreakGlass, "break glass", &[], || {
            self.start_grant(minutes)
        })
    }

    fn start_grant(&self, minutes: u64) -> Result<BreakGlass, EngineError> {
        if minutes == 0 || minutes > BREAK_GLASS_MINUTES_MAX {
            return Err(EngineError::InvalidInput(format!(
                "break-glass lasts 1 to {BREAK_GLASS_MINUTES_MAX} minutes (break_glass_minutes_max), not {minutes}"
            )));
        }
        if self.req.justification.trim().chars().count() < BREAK_GLASS_JUSTIFICATION_CHARS_MIN {
            return Err(EngineError::InvalidInput(format!(
                "break-glass needs a justification of at least {BREAK_GLASS_JUSTIFICATION_CHARS_MIN} characters"
            )));
        }
        let now = Timestamp::now();
        let mut grant = BreakGlass {
            id: 0,
            principal: self.principal.id.clone(),
            purpose: self.purpose.id.clone(),
            justification: crate::session::text_ref(&self.req.justification),
            started_at: now,
            expires_at: Timestamp(now.0 + i64::try_from(minutes).unwrap_or(0) * 60_000),
        };
        grant.id = self.engine.store()?.start_break_glass(&grant)?;
        self.record_flagged(
            Operation::BreakGlass,
            &format!("break glass for {minutes} minutes"),
            &[],
            None,
            &format!("until {}", grant.expires_at),
            &["break_glass"],
        )?;
        Ok(grant)
    }

    /// Ends this principal's grant before it expires, so sessions opened
    /// with `break_glass` are refused from now on. Without a grant in force
    /// it is `break_glass_not_active`, logged like any refusal.
    pub fn end_break_glass(&self) -> Result<(), EngineError> {
        self.logged(Operation::BreakGlass, "end break glass", &[], || {
            let ended = self
                .engine
                .store()?
                .end_break_glass(&self.principal.id, Timestamp::now())?;
            if !ended {
                return Err(EngineError::BreakGlassNotActive);
            }
            self.record_flagged(
                Operation::BreakGlass,
                "end break glass",
                &[],
                None,
                "ended",
                &["break_glass"],
            )?;
            Ok(())
        })
    }
}
