//! Sign-in: argon2id passwords, one-time enrolment links, lockout and API
//! tokens. The server never touches the store: it asks the engine who a
//! person is here, then opens a [`Session`] as that person for every act.
//!
//! A failed sign-in is answered alike whether the name exists, the password
//! is wrong or the user is disabled, and takes the same time (a password is
//! always checked against a hash, a dummy one for an unknown name). Failures
//! are counted per typed name (its keyed hash), existing or not, so that a
//! lockout does not tell which accounts exist either. The log names the typed
//! name of a failure by keyed hash only: it may be anything a person typed.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use clearstone_policy::{Action, Principal, check_purpose};
use clearstone_store::{AccountStore, ApiToken, Event, Register, Store};

use crate::registers::{principal_from, register_query};
use crate::session::{REASON_CODES, shortened, text_ref};
use crate::{Engine, EngineError, Operation, Session, SessionRequest, Timestamp};

/// Failed sign-ins for one name before it is locked.
pub const SIGN_IN_FAILURES_MAX: u32 = 5;
/// How long a locked name stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;
pub const PASSWORD_CHARS_MIN: usize = 12;
/// Longer input is refused before hashing, so a huge body costs nothing.
pub const PASSWORD_BYTES_MAX: usize = 1_024;
pub const ENROLMENT_HOURS: i64 = 72;
pub const TOKEN_DAYS_MAX: i64 = 366;
/// What an API token starts with, so that one pasted somewhere is recognised.
pub const TOKEN_PREFIX: &str = "cst_";

const MINUTE_MS: i64 = 60_000;

/// A purpose a user's roles may use now, for the purpose chooser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsablePurpose {
    pub id: String,
    pub description: String,
    /// Whether the purpose names a lawful condition for special-category data.
    pub sensitive: bool,
}

/// An API token as listed: never its secret.
pub type TokenInfo = ApiToken;

fn argon() -> Argon2<'static> {
    Argon2::default()
}

fn hash_password(password: &str) -> Result<String, EngineError> {
    let salt_bytes = crate::datadir::random_key()?;
    let salt = SaltString::encode_b64(salt_bytes.get(..16).unwrap_or_default())
        .map_err(|e| EngineError::Internal(format!("password salt: {e}")))?;
    argon()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| EngineError::Internal(format!("password hash: {e}")))
}

/// A hash no password matches in practice, checked for unknown names so
/// that they take as long as known ones.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| argon().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

fn check_password_rules(password: &str) -> Result<(), EngineError> {
    if password.len() > PASSWORD_BYTES_MAX {
        return Err(EngineError::InvalidInput(format!(
            "a password is at most {PASSWORD_BYTES_MAX} bytes (password_bytes_max)"
        )));
    }
    if password.chars().count() < PASSWORD_CHARS_MIN {
        return Err(EngineError::InvalidInput(format!(
            "a password needs at least {PASSWORD_CHARS_MIN} characters"
        )));
    }
    Ok(())
}

fn random_hex(bytes: usize) -> Result<String, EngineError> {
    let key = crate::datadir::random_key()?;
    Ok(key.iter().take(bytes).map(|b| format!("{b:02x}")).collect())
}

fn sha256_hex(text: &str) -> String {
    text_ref(text).trim_start_matches("sha256:").to_string()
}

impl Engine {
    /// Checks a typed user name and password, and logs the attempt as one
    /// `sign_in` event. Returns the user, or `sign_in_failed` /
    /// `locked_out`, the same for a name that does not exist.
    pub fn sign_in(&self, name: &str, password: &str) -> Result<Principal, EngineError> {
        let name_hash = self.keyed_hash(&format!("sign-in:{name}"));
        let now = Timestamp::now();
        let (failures, locked_until) = self.store()?.sign_in_failures(&name_hash)?;
        if locked_until > now {
            // Same work as any attempt, so a locked name cannot be timed.
            verify(password, dummy_hash());
            self.log_sign_in("anonymous", &name_hash, "locked_out")?;
            return Err(EngineError::LockedOut(LOCKOUT_MINUTES));
        }
        let known = self.signable_principal(name)?;
        let stored = match &known {
            Some(p) => self.store()?.password_hash(&p.id)?,
            None => None,
        };
        let fits = password.len() <= PASSWORD_BYTES_MAX
            && verify(password, stored.as_deref().unwrap_or_else(|| dummy_hash()))
            && stored.is_some();
        match known {
            Some(p) if fits => {
                self.store()?
                    .put_sign_in_failures(&name_hash, 0, Timestamp(0))?;
                self.log_sign_in(&p.id, &name_hash, "ok")?;
                Ok(p)
            }
            _ => {
                let failures = failures.saturating_add(1);
                let locked = failures >= SIGN_IN_FAILURES_MAX;
                let until = match locked {
                    true => Timestamp(now.0.saturating_add(LOCKOUT_MINUTES * MINUTE_MS)),
                    false => Timestamp(0),
                };
                self.store()?
                    .put_sign_in_failures(&name_hash, failures, until)?;
                let outcome = if locked {
                    "locked_out"
                } else {
                    "sign_in_failed"
                };
                self.log_sign_in("anonymous", &name_hash, outcome)?;
                match locked {
                    true => Err(EngineError::LockedOut(LOCKOUT_MINUTES)),
                    false => Err(EngineError::SignInFailed),
                }
            }
        }
    }

    /// An enabled user with this exact id, or none (never an error that
    /// would tell the two apart).
    fn signable_principal(&self, name: &str) -> Result<Option<Principal>, EngineError> {
        if !crate::registers::is_register_id(name) {
            return Ok(None);
        }
        let doc = self.store()?.document(Register::Principal, name)?;
        let p = doc.as_ref().map(principal_from).transpose()?;
        Ok(p.filter(|p| !p.disabled))
    }

    fn log_sign_in(
        &self,
        principal: &str,
        name_hash: &str,
        outcome: &str,
    ) -> Result<(), EngineError> {
        self.append_event(&mut Event {
            at: Timestamp::now(),
            operation: Operation::SignIn.as_str().into(),
            principal: principal.into(),
            query: "sign in".into(),
            subjects: vec![name_hash.to_string()],
            outcome: outcome.into(),
            ..Event::default()
        })?;
        Ok(())
    }

    /// Sets a password with a one-time enrolment link an administrator
    /// issued (`Session::issue_enrolment`). Returns the user's id.
    pub fn enrol(&self, link: &str, password: &str) -> Result<String, EngineError> {
        check_password_rules(password)?;
        let taken = self
            .store()?
            .take_enrolment(&sha256_hex(link), Timestamp::now())?;
        let Some(principal) = taken else {
            self.append_event(&mut Event {
                at: Timestamp::now(),
                operation: Operation::SignIn.as_str().into(),
                principal: "anonymous".into(),
                query: "enrol".into(),
                outcome: "enrolment_refused".into(),
                ..Event::default()
            })?;
            return Err(EngineError::EnrolmentRefused);
        };
        let hash = hash_password(password)?;
        self.store()?.put_password_hash(&principal, &hash)?;
        self.append_event(&mut Event {
            at: Timestamp::now(),
            operation: Operation::SignIn.as_str().into(),
            principal: principal.clone(),
            query: "enrol".into(),
            outcome: "password_set".into(),
            ..Event::default()
        })?;
        Ok(principal)
    }

    /// The session an API token opens, after checking it is known, in date
    /// and not revoked. A refused token is one `token_use` event; a usable
    /// one writes none here: the session it opens names it on its own
    /// events, so one call is one event.
    pub fn token_request(&self, token: &str) -> Result<SessionRequest, EngineError> {
        let (id, secret) = token
            .strip_prefix(TOKEN_PREFIX)
            .and_then(|t| t.split_once('.'))
            .unwrap_or(("", ""));
        // Hashed whether or not the id is known, so an id once issued
        // (revoked, expired) costs what one never issued does.
        let presented = sha256_hex(secret);
        let found = match crate::registers::is_register_id(id) {
            true => self.store()?.api_token(id)?,
            false => None,
        };
        let now = Timestamp::now();
        let usable = found
            .filter(|t| t.secret_hash == presented && t.revoked_at.is_none() && t.expires_at > now);
        let Some(t) = usable else {
            self.append_event(&mut Event {
                at: now,
                operation: Operation::TokenUse.as_str().into(),
                principal: "anonymous".into(),
                query: "use token".into(),
                subjects: vec![self.keyed_hash(&format!("token:{id}"))],
                outcome: "token_refused".into(),
                ..Event::default()
            })?;
            return Err(EngineError::TokenRefused);
        };
        Ok(SessionRequest {
            principal: t.principal,
            purpose: t.purpose,
            justification: t.justification,
            reason: Some(t.reason),
            case_ref: t.case_ref,
            break_glass: false,
            token: Some(t.id),
        })
    }

    /// Whether the token `id` is usable now for exactly this request: a
    /// session naming a token is opened only under the token's own terms,
    /// so no caller can put a token's name on work it did not grant, and a
    /// token revoked since it was checked opens nothing.
    pub(crate) fn token_grants(&self, id: &str, req: &SessionRequest) -> Result<bool, EngineError> {
        if !crate::registers::is_register_id(id) {
            return Ok(false);
        }
        let now = Timestamp::now();
        Ok(self.store()?.api_token(id)?.is_some_and(|t| {
            t.revoked_at.is_none()
                && t.expires_at > now
                && t.principal == req.principal
                && t.purpose == req.purpose
                && t.justification == req.justification
                && Some(&t.reason) == req.reason.as_ref()
                && t.case_ref == req.case_ref
                && !req.break_glass
        }))
    }

    /// The purposes a user's roles may use today, for choosing one after
    /// sign-in. The register of purposes holds no personal data. Every
    /// page asks, for its purpose menu, so it reads beside the writer.
    pub fn usable_purposes(&self, principal: &str) -> Result<Vec<UsablePurpose>, EngineError> {
        let store = self.reader()?;
        let g = self.sync_generations(&store)?;
        let Some(p) = self.registered_principal(&store, g, principal)? else {
            return Ok(Vec::new());
        };
        let today = Timestamp::now().to_string();
        let mut out = Vec::new();
        for u in self.registered_purposes(&store, g)?.iter() {
            if check_purpose(&p, u, today.get(..10).unwrap_or_default()).is_ok() {
                out.push(UsablePurpose {
                    id: u.id.clone(),
                    description: u.description.clone(),
                    sensitive: u.sensitive.is_some(),
                });
            }
        }
        Ok(out)
    }
}

impl Session<'_> {
    /// Sets a user's password: one's own, or anyone's with the permission
    /// to administer.
    pub fn set_password(&self, user: &str, password: &str) -> Result<(), EngineError> {
        let query = self.registered_query("set password of", Register::Principal, user);
        self.logged(Operation::Administer, &query, &[], || {
            if user != self.principal.id {
                self.require_action(Action::Administer, "set another user's password")?;
            }
            check_password_rules(password)?;
            self.existing_user(user)?;
            let hash = hash_password(password)?;
            self.engine.store()?.put_password_hash(user, &hash)?;
            self.record(Operation::Administer, &query, &[], None, "password_set")
        })
    }

    /// Issues a one-time enrolment link secret for a user, valid for
    /// [`ENROLMENT_HOURS`]; only its hash is kept.
    pub fn issue_enrolment(&self, user: &str) -> Result<String, EngineError> {
        let query = self.registered_query("issue enrolment for", Register::Principal, user);
        self.logged(Operation::Administer, &query, &[], || {
            self.require_action(Action::Administer, "issue an enrolment link")?;
            self.existing_user(user)?;
            let secret = random_hex(32)?;
            let expires = Timestamp(
                Timestamp::now()
                    .0
                    .saturating_add(ENROLMENT_HOURS * 60 * MINUTE_MS),
            );
            self.engine
                .store()?
                .put_enrolment(&sha256_hex(&secret), user, expires)?;
            self.record(Operation::Administer, &query, &[], None, "issued")?;
            Ok(secret)
        })
    }

    /// Issues an API token that opens sessions as `request` says (user,
    /// purpose, reason, justification, case) for `days`. One's own, or
    /// anyone's with the permission to administer; the purpose must be one
    /// the user may use now. Returns the token; only its hash is kept.
    pub fn issue_token(&self, request: &SessionRequest, days: i64) -> Result<String, EngineError> {
        let query =
            self.registered_query("issue token for", Register::Principal, &request.principal);
        self.logged(Operation::Administer, &query, &[], || {
            if request.principal != self.principal.id {
                self.require_action(Action::Administer, "issue a token for another user")?;
            }
            if !(1..=TOKEN_DAYS_MAX).contains(&days) {
                return Err(EngineError::InvalidInput(format!(
                    "a token lasts 1 to {TOKEN_DAYS_MAX} days, not `{days}`"
                )));
            }
            let reason = request.reason.clone().unwrap_or_else(|| "other".into());
            if !REASON_CODES.contains(&reason.as_str()) {
                return Err(EngineError::InvalidInput(format!(
                    "unknown reason code `{}` (one of {})",
                    shortened(&reason),
                    REASON_CODES.join(", ")
                )));
            }
            // The session the token will open must open now, by the
            // engine's own session rules. Its refusal is this attempt's one
            // event, logged below as any failure here is, not a second one.
            drop(self.engine.open_session(request)?);
            let id = random_hex(8)?;
            let secret = random_hex(32)?;
            let now = Timestamp::now();
            self.engine.store()?.put_api_token(&ApiToken {
                id: id.clone(),
                secret_hash: sha256_hex(&secret),
                principal: request.principal.clone(),
                purpose: request.purpose.clone(),
                reason,
                justification: request.justification.clone(),
                case_ref: request.case_ref.clone(),
                created_at: now,
                expires_at: Timestamp(now.0.saturating_add(days * 24 * 60 * MINUTE_MS)),
                revoked_at: None,
            })?;
            self.record(
                Operation::Administer,
                &format!("issue token `{id}`"),
                &[],
                None,
                "issued",
            )?;
            Ok(format!("{TOKEN_PREFIX}{id}.{secret}"))
        })
    }

    /// Revokes a token: one's own, or anyone's with the permission to
    /// administer. An unknown id and another's token are answered alike.
    pub fn revoke_token(&self, id: &str) -> Result<(), EngineError> {
        // A token's id is named only when it is one this session may
        // revoke: what was typed in its place may be anything, and another
        // user's token must be logged as an absent one is.
        let admin = self
            .decide(
                Action::Administer,
                &crate::session::dataset_resource("_register"),
                false,
            )
            .is_allow();
        let found = match crate::registers::is_register_id(id) {
            true => self.engine.store().and_then(|s| Ok(s.api_token(id)?)),
            false => Ok(None),
        }
        .map(|t| t.filter(|t| admin || t.principal == self.principal.id));
        let query = match &found {
            Ok(Some(_)) => register_query("revoke token", id),
            _ => "revoke token".to_string(),
        };
        self.logged(Operation::Administer, &query, &[], || {
            let Some(t) = found? else {
                return Err(EngineError::NotFound(format!("token {}", shortened(id))));
            };
            self.engine
                .store()?
                .revoke_api_token(&t.id, Timestamp::now())?;
            self.record(Operation::Administer, &query, &[], None, "revoked")
        })
    }

    /// Tokens: one's own, or every user's with the permission to administer.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>, EngineError> {
        self.logged(Operation::Administer, "list tokens", &[], || {
            let admin = self
                .decide(
                    Action::Administer,
                    &crate::session::dataset_resource("_register"),
                    false,
                )
                .is_allow();
            let mut out = self.engine.store()?.api_tokens()?;
            out.retain(|t| admin || t.principal == self.principal.id);
            for t in &mut out {
                t.secret_hash.clear();
                t.justification.clear();
            }
            self.record(
                Operation::Administer,
                "list tokens",
                &[],
                None,
                &format!("{} tokens", out.len()),
            )?;
            Ok(out)
        })
    }

    fn existing_user(&self, user: &str) -> Result<(), EngineError> {
        let found = match crate::registers::is_register_id(user) {
            true => self.engine.store()?.document(Register::Principal, user)?,
            false => None,
        };
        found
            .map(|_| ())
            .ok_or_else(|| EngineError::NoSuchUser(shortened(user)))
    }
}
