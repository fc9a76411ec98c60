//! Two-factor sign-in (两步验证, 等保 2.0 身份鉴别): an account's TOTP secret, sealed with the
//! master key as uploaded files are, the last time step accepted (a code is good once), and
//! single-use recovery codes kept as SHA-256 hashes (they are random, not chosen). The code
//! arithmetic (RFC 6238) is the web layer's; this module stores what it is given.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::Store;
use crate::audit::{self, Entry};
use crate::error::{Result, StoreError};
use crate::schema::{account_recovery_codes as rc, account_totp as t, sessions, users};

/// An account's TOTP enrollment, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totp {
    pub secret: Vec<u8>,
    pub confirmed: bool,
    pub last_step: i64,
}

impl Store {
    /// The account's enrollment, if it began one.
    pub fn totp(&mut self, user_id: i64) -> Result<Option<Totp>> {
        let row: Option<(Vec<u8>, Option<NaiveDateTime>, i64)> = t::table
            .find(user_id)
            .select((t::secret, t::confirmed_at, t::last_step))
            .first(self.conn())
            .optional()?;
        row.map(|(sealed, confirmed, last_step)| {
            Ok(Totp {
                secret: self.cipher.open_file(&sealed)?,
                confirmed: confirmed.is_some(),
                last_step,
            })
        })
        .transpose()
    }

    /// Whether the account signs in with a second factor.
    pub fn totp_confirmed(&mut self, user_id: i64) -> Result<bool> {
        Ok(t::table
            .find(user_id)
            .filter(t::confirmed_at.is_not_null())
            .count()
            .get_result::<i64>(self.conn())?
            > 0)
    }

    /// Begins an enrollment with a new secret; one already confirmed is not replaced.
    pub fn begin_totp(&mut self, user_id: i64, secret: &[u8]) -> Result<()> {
        let sealed = self.cipher.seal_file(secret)?;
        crate::connection::write_transaction(self.conn(), |conn| {
            let confirmed: Option<Option<NaiveDateTime>> = t::table
                .find(user_id)
                .select(t::confirmed_at)
                .first(conn)
                .optional()?;
            if confirmed.flatten().is_some() {
                return Err(StoreError::invalid(
                    "两步验证",
                    "已启用；如需更换，请先停用",
                ));
            }
            diesel::delete(t::table.find(user_id)).execute(conn)?;
            diesel::insert_into(t::table)
                .values((
                    t::user_id.eq(user_id),
                    t::secret.eq(&sealed),
                    t::last_step.eq(0i64),
                ))
                .execute(conn)?;
            Ok(())
        })
    }

    /// Confirms an enrollment by a code of time step `step` (already checked against its
    /// secret), with the hashes of its new recovery codes; in the audit log.
    pub fn confirm_totp(
        &mut self,
        user_id: i64,
        step: i64,
        recovery_hashes: &[String],
        now: NaiveDateTime,
    ) -> Result<()> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let changed = diesel::update(t::table.find(user_id).filter(t::confirmed_at.is_null()))
                .set((t::confirmed_at.eq(Some(now)), t::last_step.eq(step)))
                .execute(conn)?;
            if changed == 0 {
                return Err(StoreError::invalid(
                    "两步验证",
                    "没有待确认的设置，请重新开始",
                ));
            }
            diesel::delete(rc::table.filter(rc::user_id.eq(user_id))).execute(conn)?;
            for hash in recovery_hashes {
                diesel::insert_into(rc::table)
                    .values((rc::user_id.eq(user_id), rc::code_hash.eq(hash)))
                    .execute(conn)?;
            }
            log(
                conn,
                cipher,
                user_id,
                "totp_enable",
                &format!("user:{user_id}"),
            )
        })
    }

    /// Takes time step `step` for the account: `false` when it (or a later one) was used
    /// already, so a code seen over a shoulder does not sign in twice.
    pub fn take_totp_step(&mut self, user_id: i64, step: i64) -> Result<bool> {
        Ok(diesel::update(
            t::table
                .find(user_id)
                .filter(t::confirmed_at.is_not_null())
                .filter(t::last_step.lt(step)),
        )
        .set(t::last_step.eq(step))
        .execute(self.conn())?
            == 1)
    }

    /// Uses a recovery code (by its hash) once; whether it was the account's and unused.
    pub fn take_recovery_code(
        &mut self,
        user_id: i64,
        hash: &str,
        now: NaiveDateTime,
    ) -> Result<bool> {
        Ok(diesel::update(
            rc::table
                .filter(rc::user_id.eq(user_id))
                .filter(rc::code_hash.eq(hash))
                .filter(rc::used_at.is_null()),
        )
        .set(rc::used_at.eq(Some(now)))
        .execute(self.conn())?
            == 1)
    }

    /// Recovery codes the account has left.
    pub fn recovery_codes_left(&mut self, user_id: i64) -> Result<i64> {
        Ok(rc::table
            .filter(rc::user_id.eq(user_id))
            .filter(rc::used_at.is_null())
            .count()
            .get_result(self.conn())?)
    }

    /// Ends the account's two-factor sign-in (its holder's choice, where the role allows),
    /// in the audit log.
    pub fn remove_totp(&mut self, actor: &str, user_id: i64) -> Result<()> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            remove_in(conn, user_id)?;
            log(conn, cipher, user_id, "totp_disable", actor)
        })
    }

    /// A sign-in whose second factor was given, in one write: the attempt a success, the
    /// account's failures and lock cleared, and the session open under a new token (whoever
    /// saw the half-done session's cookie holds nothing).
    pub fn complete_second_factor(
        &mut self,
        attempt: i64,
        user_id: i64,
        token_hash: &str,
        new_hash: &str,
        now: NaiveDateTime,
    ) -> Result<()> {
        crate::connection::write_transaction(self.conn(), |conn| {
            diesel::update(crate::schema::login_attempts::table.find(attempt))
                .set(crate::schema::login_attempts::success.eq(true))
                .execute(conn)?;
            diesel::update(users::table.find(user_id))
                .set((
                    users::failed_logins.eq(0),
                    users::locked_until.eq(None::<NaiveDateTime>),
                    users::last_login_at.eq(Some(now)),
                ))
                .execute(conn)?;
            diesel::update(sessions::table.filter(sessions::token_hash.eq(token_hash)))
                .set((
                    sessions::token_hash.eq(new_hash),
                    sessions::second_factor_pending.eq(false),
                ))
                .execute(conn)?;
            Ok(())
        })
    }
}

/// Removes an enrollment and its recovery codes (inside the caller's transaction).
pub(crate) fn remove_in(conn: &mut crate::connection::DbConnection, user_id: i64) -> Result<()> {
    diesel::delete(rc::table.filter(rc::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(t::table.find(user_id)).execute(conn)?;
    Ok(())
}

fn log(
    conn: &mut crate::connection::DbConnection,
    cipher: &crate::IdCipher,
    user_id: i64,
    action: &str,
    actor: &str,
) -> Result<()> {
    let (username, po, member, instructor): (String, Option<i32>, Option<i32>, Option<i32>) =
        users::table
            .find(user_id)
            .select((
                users::username,
                users::party_org_county,
                users::member_county,
                users::instructor_county,
            ))
            .first(conn)?;
    // Filed under the county of the account's node, as account administration files it.
    let county = po.or(member).or(instructor);
    audit::append(
        conn,
        cipher,
        Entry {
            actor,
            action,
            entity: "account",
            county: county.unwrap_or(0),
            entity_id: user_id,
            before: None,
            after: Some(json!({ "username": username })),
        },
    )
}
