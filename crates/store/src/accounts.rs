//! What sign-in keeps (`sql/0005_accounts.sql`): password hashes, failed
//! attempts per typed name, API tokens and one-time enrolment links. Secrets
//! are never stored, only their hashes.

use clearstone_model::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

use crate::{SqliteStore, StoreError};

/// An API token as stored: its public id, the hash of its secret, and the
/// session it opens (user, purpose, reason, justification reference, case).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiToken {
    pub id: String,
    pub secret_hash: String,
    pub principal: String,
    pub purpose: String,
    pub reason: String,
    pub justification: String,
    pub case_ref: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

pub trait AccountStore {
    fn put_password_hash(&mut self, principal: &str, hash: &str) -> Result<(), StoreError>;
    fn password_hash(&self, principal: &str) -> Result<Option<String>, StoreError>;
    /// Failed attempts and the lockout's end for a typed name's hash.
    fn sign_in_failures(&self, name_hash: &str) -> Result<(u32, Timestamp), StoreError>;
    fn put_sign_in_failures(
        &mut self,
        name_hash: &str,
        failures: u32,
        locked_until: Timestamp,
    ) -> Result<(), StoreError>;
    fn put_api_token(&mut self, token: &ApiToken) -> Result<(), StoreError>;
    fn api_token(&self, id: &str) -> Result<Option<ApiToken>, StoreError>;
    fn api_tokens(&self) -> Result<Vec<ApiToken>, StoreError>;
    /// Marks a token revoked; false when there is no such token.
    fn revoke_api_token(&mut self, id: &str, at: Timestamp) -> Result<bool, StoreError>;
    fn put_enrolment(
        &mut self,
        secret_hash: &str,
        principal: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Uses an enrolment link once: the principal it was issued for, if it is
    /// unused and in date at `now`.
    fn take_enrolment(
        &mut self,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<Option<String>, StoreError>;
}

const TOKEN_COLUMNS: &str = "id, secret_hash, principal, purpose, reason, justification, case_ref, \
     created_at, expires_at, revoked_at";

fn token_row(r: &Row<'_>) -> rusqlite::Result<ApiToken> {
    Ok(ApiToken {
        id: r.get(0)?,
        secret_hash: r.get(1)?,
        principal: r.get(2)?,
        purpose: r.get(3)?,
        reason: r.get(4)?,
        justification: r.get(5)?,
        case_ref: r.get(6)?,
        created_at: Timestamp(r.get(7)?),
        expires_at: Timestamp(r.get(8)?),
        revoked_at: r.get::<_, Option<i64>>(9)?.map(Timestamp),
    })
}

impl AccountStore for SqliteStore {
    fn put_password_hash(&mut self, principal: &str, hash: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO credential(principal, password_hash, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(principal) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at",
            params![principal, hash, Timestamp::now().0],
        )?;
        Ok(())
    }

    fn password_hash(&self, principal: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT password_hash FROM credential WHERE principal = ?1",
                [principal],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn sign_in_failures(&self, name_hash: &str) -> Result<(u32, Timestamp), StoreError> {
        let row: Option<(i64, i64)> = self
            .conn
            .query_row(
                "SELECT failures, locked_until FROM sign_in_failure WHERE name_hash = ?1",
                [name_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.map_or((0, Timestamp(0)), |(f, l)| {
            (u32::try_from(f).unwrap_or(u32::MAX), Timestamp(l))
        }))
    }

    fn put_sign_in_failures(
        &mut self,
        name_hash: &str,
        failures: u32,
        locked_until: Timestamp,
    ) -> Result<(), StoreError> {
        if failures == 0 {
            self.conn.execute(
                "DELETE FROM sign_in_failure WHERE name_hash = ?1",
                [name_hash],
            )?;
            return Ok(());
        }
        self.conn.execute(
            "INSERT INTO sign_in_failure(name_hash, failures, locked_until) VALUES (?1, ?2, ?3)
             ON CONFLICT(name_hash) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
            params![name_hash, i64::from(failures), locked_until.0],
        )?;
        Ok(())
    }

    fn put_api_token(&mut self, t: &ApiToken) -> Result<(), StoreError> {
        self.conn.execute(
            &format!("INSERT INTO api_token({TOKEN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            params![
                t.id,
                t.secret_hash,
                t.principal,
                t.purpose,
                t.reason,
                t.justification,
                t.case_ref,
                t.created_at.0,
                t.expires_at.0,
                t.revoked_at.map(|r| r.0)
            ],
        )?;
        Ok(())
    }

    fn api_token(&self, id: &str) -> Result<Option<ApiToken>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {TOKEN_COLUMNS} FROM api_token WHERE id = ?1"),
                [id],
                token_row,
            )
            .optional()?)
    }

    fn api_tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        let mut q = self.conn.prepare(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_token ORDER BY created_at, id"
        ))?;
        let rows = q.query_map([], token_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn revoke_api_token(&mut self, id: &str, at: Timestamp) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE api_token SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
            params![id, at.0],
        )?;
        Ok(n > 0)
    }

    fn put_enrolment(
        &mut self,
        secret_hash: &str,
        principal: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO enrolment(secret_hash, principal, expires_at) VALUES (?1, ?2, ?3)",
            params![secret_hash, principal, expires_at.0],
        )?;
        Ok(())
    }

    fn take_enrolment(
        &mut self,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<Option<String>, StoreError> {
        let tx = self.conn.transaction()?;
        let principal: Option<String> = tx
            .query_row(
                "SELECT principal FROM enrolment WHERE secret_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                params![secret_hash, now.0],
                |r| r.get(0),
            )
            .optional()?;
        if principal.is_some() {
            tx.execute(
                "UPDATE enrolment SET used_at = ?2 WHERE secret_hash = ?1",
                params![secret_hash, now.0],
            )?;
        }
        tx.commit()?;
        Ok(principal)
    }
}
