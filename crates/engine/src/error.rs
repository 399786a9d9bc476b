use thiserror::Error;

/// Every refusal and failure the engine reports. Each has a stable snake_case
/// `code` (the API and CLI show it) and is either the user's to fix or ours.
#[derive(Debug, Error)]
pub enum EngineError {
    #[error("no clearstone data directory at `{0}`: run `clearstone init` first")]
    NotInitialised(String),
    #[error("`{0}` already holds a clearstone data directory")]
    AlreadyInitialised(String),
    #[error("a session needs a user (--user or CLEARSTONE_USER)")]
    PrincipalRequired,
    #[error("a session needs a purpose (--purpose or CLEARSTONE_PURPOSE)")]
    PurposeRequired,
    #[error("a session needs a justification (--justification or CLEARSTONE_JUSTIFICATION)")]
    JustificationRequired,
    #[error("no user `{0}`: ask an administrator to add you (`clearstone user add`)")]
    UnknownUser(String),
    #[error("no purpose `{0}` in the register (`clearstone purpose list`)")]
    UnknownPurpose(String),
    #[error("refused: {}", .0.code().replace('_', " "))]
    Refused(clearstone_policy::DenyReason),
    #[error("not permitted to {what}: {}", code.replace('_', " "))]
    Forbidden { what: String, code: &'static str },
    #[error("no break-glass grant in force for this user (`clearstone break-glass` starts one)")]
    BreakGlassNotActive,
    #[error("{0}")]
    Policy(String),
    #[error("audit log: {0}")]
    Audit(#[from] clearstone_audit::AuditError),
    #[error("a disclosure needs a recipient (--recipient)")]
    RecipientRequired,
    #[error("no entity `{0}`")]
    NotFound(String),
    #[error("{0}")]
    Ontology(#[from] clearstone_model::OntologyError),
    #[error("{0}")]
    Ingest(#[from] clearstone_ingest::IngestError),
    #[error("{0}")]
    InvalidInput(String),
    #[error("cannot write `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Store(#[from] clearstone_store::StoreError),
    #[error("{0}")]
    Internal(String),
    #[error(
        "event {event} is stored but no witness quorum has cosigned it, so the act did not complete: {why} (it is published with the next witnessed checkpoint)"
    )]
    Unwitnessed { event: i64, why: String },
    #[error(
        "a justification needs words: at least {} letters, not only spaces, punctuation or invisible characters",
        crate::session::JUSTIFICATION_LETTERS_MIN
    )]
    JustificationNotWords,
    /// Asked of a register (`user disable`), not of the one opening a session.
    #[error("no user `{0}` in the register (`clearstone user list`)")]
    NoSuchUser(String),
    /// A judgement that is absent and one on a record the session cannot see
    /// are answered alike, naming neither record.
    #[error("no judgement `{0}`")]
    NoJudgement(i64),
    /// A change to one's own user (roles, clearance, caveats) would let one
    /// person widen their own access: it needs a second administrator.
    #[error("`{0}` cannot change their own user: ask a second administrator")]
    OwnPrincipal(String),
    /// A session refused on its principal and purpose, naming both and the
    /// roles, so the one refused knows what to ask for.
    #[error("refused: user `{principal}` (roles {roles}) under purpose `{purpose}`: {}", reason.code().replace('_', " "))]
    SessionRefused {
        reason: clearstone_policy::DenyReason,
        principal: String,
        roles: String,
        purpose: String,
    },
    #[error(
        "data directory `{path}` has mode {mode}: other users can reach its personal data; \
         run `chmod -R go= {path}`, or pass --allow-shared-permissions \
         (CLEARSTONE_ALLOW_SHARED_PERMISSIONS=1) if sharing it is intended"
    )]
    SharedPermissions { path: String, mode: String },
    /// The same for an unknown name, a wrong password and a disabled user.
    #[error("the user name or password is not recognised")]
    SignInFailed,
    #[error("too many failed sign-ins for this name: try again in {0} minutes")]
    LockedOut(i64),
    #[error("the API token is not recognised, was revoked or has expired")]
    TokenRefused,
    #[error("the enrolment link is not recognised, was used already or has expired")]
    EnrolmentRefused,
    /// A case that is absent and one whose team the principal is not on
    /// are answered alike.
    #[error("no case `{0}`")]
    NoCase(String),
    /// An alert absent and one the session may not review, alike.
    #[error("no alert `{0}`")]
    NoAlert(i64),
    #[error("{0}")]
    Rule(#[from] clearstone_indicators::RuleError),
    /// A summary is confirmed only when every sentence passes the citation gate.
    #[error(
        "{0} sentences of the summary fail the citation gate: correct or remove them before confirming"
    )]
    SummaryUnsupported(usize),
    /// A saved search absent and another user's are answered alike.
    #[error("no saved search `{0}`")]
    NoSavedSearch(String),
}

impl EngineError {
    pub fn code(&self) -> &'static str {
        use clearstone_ingest::IngestError as I;
        match self {
            Self::NotInitialised(_) => "not_initialised",
            Self::AlreadyInitialised(_) => "already_initialised",
            Self::PrincipalRequired => "principal_required",
            Self::PurposeRequired => "purpose_required",
            Self::JustificationRequired => "justification_required",
            Self::RecipientRequired => "recipient_required",
            Self::UnknownUser(_) => "unknown_user",
            Self::UnknownPurpose(_) => "unknown_purpose",
            Self::Refused(r) => r.code(),
            Self::Forbidden { .. } => "forbidden",
            Self::BreakGlassNotActive => "break_glass_not_active",
            Self::Policy(_) => "invalid_policy",
            Self::Audit(_) => "audit_log",
            Self::NotFound(_) => "not_found",
            Self::Ontology(_) => "invalid_ontology",
            Self::Ingest(I::Mapping { .. }) => "invalid_mapping",
            Self::Ingest(I::Unreadable { code, .. }) => code,
            Self::Ingest(I::Io { .. } | I::TooLarge { .. }) => "source_unreadable",
            Self::Ingest(I::Sink(_)) => "ingest_failed",
            Self::InvalidInput(_) => "invalid_input",
            Self::Io { .. } => "io_error",
            Self::Store(clearstone_store::StoreError::TooManyStatements { .. }) => "limit_exceeded",
            Self::Store(clearstone_store::StoreError::TooNew { .. }) => "store_too_new",
            Self::Store(clearstone_store::StoreError::RuleChanged { .. }) => "rule_changed",
            Self::Store(clearstone_store::StoreError::UnknownRule { .. }) => "not_found",
            Self::Store(_) | Self::Internal(_) => "internal",
            Self::Unwitnessed { .. } => "unwitnessed",
            Self::JustificationNotWords => "justification_not_words",
            Self::NoSuchUser(_) => "unknown_user",
            Self::NoJudgement(_) => "not_found",
            Self::OwnPrincipal(_) => "own_principal",
            Self::SessionRefused { reason, .. } => reason.code(),
            Self::SharedPermissions { .. } => "shared_permissions",
            Self::SignInFailed => "sign_in_failed",
            Self::LockedOut(_) => "locked_out",
            Self::TokenRefused => "token_refused",
            Self::EnrolmentRefused => "enrolment_refused",
            Self::NoCase(_) | Self::NoAlert(_) => "not_found",
            Self::Rule(e) => e.code(),
            Self::SummaryUnsupported(_) => "summary_unsupported",
            Self::NoSavedSearch(_) => "not_found",
        }
    }

    /// Whether the person at the keyboard can fix it (CLI exit code 1), as
    /// opposed to a fault in clearstone or the machine (exit code 2).
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self.code(),
            "internal" | "io_error" | "ingest_failed" | "audit_log" | "unwitnessed"
        )
    }
}
