//! Accounts (用户), sessions, API tokens and login attempts. Password hashing and cookie
//! handling belong to the web layer; this module stores what it is given.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use liangxin_domain::kinds::Role;
use liangxin_domain::registry::Key;

use crate::error::{Result, StoreError};
use crate::schema::{api_tokens, login_attempts, party_orgs, sessions, users};
use crate::{Scope, Store};

/// What a role is anchored to: it decides the user's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// City and county committees: their party organization and region.
    Committee {
        party_org: Key,
        region: i32,
    },
    /// Town and park committees: their party organization and zone.
    Zone {
        party_org: Key,
        zone: i64,
    },
    /// Secretaries: their party organization.
    PartyOrg(Key),
    Instructor(Key),
    Member(Key),
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    /// A PHC string (Argon2id) made by the caller.
    pub password_hash: &'a str,
    pub role: Role,
    pub anchor: Anchor,
}

/// The limits a password attempt is claimed under.
#[derive(Debug, Clone)]
pub struct AttemptLimits {
    /// Failures from one address within `window` before it is turned away.
    pub address_failures: i64,
    pub window: chrono::Duration,
    /// Consecutive failures that lock an account, and for how long.
    pub account_failures: i32,
    pub lock_for: chrono::Duration,
}

/// What claiming a password attempt allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Verify the password; `attempt` is marked a success if it is right.
    Verify { attempt: i64 },
    /// The account is locked: the password is not to be believed, right or wrong.
    Locked { attempt: i64 },
    /// Too many failures from this address lately.
    TooMany,
}

/// A stored account.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub party_org_county: Option<i32>,
    pub party_org_id: Option<i64>,
    pub region: Option<i32>,
    pub zone_id: Option<i64>,
    pub instructor_county: Option<i32>,
    pub instructor_id: Option<i64>,
    pub member_county: Option<i32>,
    pub member_id: Option<i64>,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// 已停用: the account signs in to nothing; it is kept so the log still names it.
    pub disabled_at: Option<NaiveDateTime>,
    /// The password was set by someone else (初始密码, 重置密码): it is changed first.
    pub must_change_password: bool,
    pub last_login_at: Option<NaiveDateTime>,
}

impl UserRow {
    pub fn role(&self) -> Result<Role> {
        Role::parse(&self.role).map_err(|e| StoreError::Corrupt(format!("角色：{e}")))
    }
}

fn key(county: Option<i32>, id: Option<i64>) -> Option<Key> {
    Some(Key {
        county: county?,
        id: id?,
    })
}

impl Store {
    /// Deletes sign-in attempts (addresses and typed user names) older than the rule
    /// parameter `security.login_attempts_retention_days` in force on `today`; returns how
    /// many went. Run every night.
    pub fn purge_login_attempts(&mut self, today: chrono::NaiveDate) -> Result<usize> {
        let days = self
            .rule_set()?
            .in_force(
                liangxin_domain::rules::keys::SECURITY_LOGIN_ATTEMPTS_RETENTION_DAYS,
                today,
            )
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            .value;
        let before = today.and_time(chrono::NaiveTime::MIN) - chrono::Duration::days(days);
        Ok(
            diesel::delete(login_attempts::table.filter(login_attempts::at.lt(before)))
                .execute(self.conn())?,
        )
    }
}

impl Store {
    /// Creates an account whose password is its holder's own (the demo's, a test's).
    pub fn create_user(&mut self, user: &NewUser<'_>, now: NaiveDateTime) -> Result<i64> {
        crate::connection::write_transaction(self.conn(), |conn| {
            crate::administration::insert_user(conn, user, false, now)
        })
    }

    pub fn user_by_username(&mut self, username: &str) -> Result<Option<UserRow>> {
        Ok(users::table
            .filter(users::username.eq(username))
            .select(UserRow::as_select())
            .first(self.conn())
            .optional()?)
    }

    pub fn user_by_id(&mut self, id: i64) -> Result<Option<UserRow>> {
        Ok(users::table
            .find(id)
            .select(UserRow::as_select())
            .first(self.conn())
            .optional()?)
    }

    /// Every account, by username (for the demo listing and administration).
    pub fn users(&mut self) -> Result<Vec<UserRow>> {
        Ok(users::table
            .order(users::username)
            .select(UserRow::as_select())
            .load(self.conn())?)
    }

    /// The scope an account's role gives: its subtree, and its region, zone, instructor
    /// or member. A party organization that no longer exists gives an empty scope.
    pub fn scope_of_user(&mut self, user: &UserRow) -> Result<Scope> {
        let (path, led) = match key(user.party_org_county, user.party_org_id) {
            Some(po) => party_orgs::table
                .filter(
                    party_orgs::county_code
                        .eq(po.county)
                        .and(party_orgs::id.eq(po.id)),
                )
                .select((party_orgs::path, party_orgs::zone_id))
                .first::<(String, Option<i64>)>(self.conn())
                .optional()?
                .unwrap_or_else(|| (Scope::NOTHING.to_owned(), None)),
            None => (Scope::NOTHING.to_owned(), None),
        };
        let mut scope = Scope::subtree(path);
        scope.region = user.region;
        // A zone committee's account sees the zone its 党工委 leads now: when the county
        // names another 党工委, the old one's accounts keep only their subtree.
        scope.zone = user.zone_id.and(led);
        scope.instructor = key(user.instructor_county, user.instructor_id);
        scope.member = key(user.member_county, user.member_id);
        if let Some(me) = scope.member {
            // A member sees their own records: their party organization's path, themselves only.
            let path: Option<String> = crate::schema::members::table
                .inner_join(
                    party_orgs::table.on(party_orgs::county_code
                        .eq(crate::schema::members::county_code)
                        .and(party_orgs::id.eq(crate::schema::members::party_org_id))),
                )
                .filter(crate::schema::members::county_code.eq(me.county))
                .filter(crate::schema::members::id.eq(me.id))
                .select(party_orgs::path)
                .first(self.conn())
                .optional()?;
            scope.party_path = path.unwrap_or_else(|| Scope::NOTHING.to_owned());
        }
        Ok(scope)
    }

    /// Claims a password attempt before the password is verified, in one write, so that
    /// guesses made at the same moment cannot all slip under the limits: refused when the
    /// address has `limits.address_failures` failures within the window; otherwise noted
    /// as a failure (a success is marked afterwards), and, for an account, counted: the
    /// attempt that reaches `limits.account_failures` locks the account and is still
    /// verified, any beyond it is not.
    pub fn claim_login_attempt(
        &mut self,
        ip: &str,
        username: &str,
        user_id: Option<i64>,
        now: NaiveDateTime,
        limits: &AttemptLimits,
    ) -> Result<Claim> {
        crate::connection::write_transaction(self.conn(), |conn| {
            let failures: i64 = login_attempts::table
                .filter(login_attempts::ip.eq(ip))
                .filter(login_attempts::at.ge(now - limits.window))
                .filter(login_attempts::success.eq(false))
                .count()
                .get_result(conn)?;
            if failures >= limits.address_failures {
                return Ok(Claim::TooMany);
            }
            let attempt: i64 = diesel::insert_into(login_attempts::table)
                .values((
                    login_attempts::ip.eq(ip),
                    login_attempts::username.eq(username),
                    login_attempts::at.eq(now),
                    login_attempts::success.eq(false),
                ))
                .returning(login_attempts::id)
                .get_result(conn)?;
            let Some(user_id) = user_id else {
                return Ok(Claim::Verify { attempt });
            };
            let locked: Option<NaiveDateTime> = users::table
                .find(user_id)
                .select(users::locked_until)
                .first(conn)?;
            if locked.is_some_and(|until| until > now) {
                return Ok(Claim::Locked { attempt });
            }
            diesel::update(users::table.find(user_id))
                .set(users::failed_logins.eq(users::failed_logins + 1))
                .execute(conn)?;
            let counted: i32 = users::table
                .find(user_id)
                .select(users::failed_logins)
                .first(conn)?;
            if counted >= limits.account_failures {
                // This attempt is still verified; a right password lifts the lock.
                diesel::update(users::table.find(user_id))
                    .set((
                        users::locked_until.eq(Some(now + limits.lock_for)),
                        users::failed_logins.eq(0),
                    ))
                    .execute(conn)?;
            }
            Ok(Claim::Verify { attempt })
        })
    }

    /// The password of a claimed attempt was right, but the sign-in is not whole yet (a
    /// second factor is to come): the attempt is a success, the account's failures and
    /// lock stay.
    pub fn attempt_succeeded(&mut self, attempt: i64) -> Result<()> {
        diesel::update(login_attempts::table.find(attempt))
            .set(login_attempts::success.eq(true))
            .execute(self.conn())?;
        Ok(())
    }

    /// Clears an account's count of failures and its lock (a right password from an account
    /// fully signed in already).
    pub fn clear_failures(&mut self, user_id: i64) -> Result<()> {
        diesel::update(users::table.find(user_id))
            .set((
                users::failed_logins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(self.conn())?;
        Ok(())
    }

    /// The password of a claimed attempt was right: the attempt is a success, and the
    /// account's failures and lock are cleared.
    pub fn login_succeeded(
        &mut self,
        attempt: i64,
        user_id: i64,
        now: NaiveDateTime,
    ) -> Result<()> {
        crate::connection::write_transaction(self.conn(), |conn| {
            diesel::update(login_attempts::table.find(attempt))
                .set(login_attempts::success.eq(true))
                .execute(conn)?;
            diesel::update(users::table.find(user_id))
                .set((
                    users::failed_logins.eq(0),
                    users::locked_until.eq(None::<NaiveDateTime>),
                    users::last_login_at.eq(Some(now)),
                ))
                .execute(conn)?;
            Ok(())
        })
    }

    pub fn set_password_hash(&mut self, user_id: i64, hash: &str) -> Result<()> {
        crate::connection::write_transaction(self.conn(), |conn| {
            // The holder chose it: no longer one set by someone else.
            diesel::update(users::table.find(user_id))
                .set((
                    users::password_hash.eq(hash),
                    users::must_change_password.eq(false),
                ))
                .execute(conn)?;
            // Every session and every API token of the account ends with the old password:
            // whoever learned it keeps nothing it opened.
            diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
            diesel::delete(api_tokens::table.filter(api_tokens::user_id.eq(user_id)))
                .execute(conn)?;
            Ok(())
        })
    }

    /// A new session; `second_factor_pending` when the password was right and the second
    /// factor is still to come.
    pub fn create_session(
        &mut self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: NaiveDateTime,
        expires_at: NaiveDateTime,
        second_factor_pending: bool,
    ) -> Result<()> {
        diesel::insert_into(sessions::table)
            .values((
                sessions::token_hash.eq(token_hash),
                sessions::user_id.eq(user_id),
                sessions::csrf_token.eq(csrf_token),
                sessions::created_at.eq(now),
                sessions::expires_at.eq(expires_at),
                sessions::second_factor_pending.eq(second_factor_pending),
            ))
            .execute(self.conn())?;
        Ok(())
    }

    /// The account of a live session, its CSRF token, and whether its second factor is
    /// still to come; expired sessions are removed.
    pub fn session(
        &mut self,
        token_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<(UserRow, String, bool)>> {
        let found: Option<(UserRow, String, NaiveDateTime, bool)> = sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(token_hash))
            .filter(users::disabled_at.is_null())
            .select((
                UserRow::as_select(),
                sessions::csrf_token,
                sessions::expires_at,
                sessions::second_factor_pending,
            ))
            .first(self.conn())
            .optional()?;
        match found {
            Some((user, csrf, expires, pending)) if expires > now => {
                Ok(Some((user, csrf, pending)))
            }
            Some(_) => {
                self.end_session(token_hash)?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    pub fn end_session(&mut self, token_hash: &str) -> Result<()> {
        diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash)))
            .execute(self.conn())?;
        Ok(())
    }

    /// Stores a personal API token (its hash only), with its audit entry.
    pub fn create_api_token(&mut self, token: &NewToken<'_>) -> Result<()> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            diesel::insert_into(api_tokens::table)
                .values((
                    api_tokens::token_hash.eq(token.hash),
                    api_tokens::user_id.eq(token.user_id),
                    api_tokens::name.eq(token.name),
                    api_tokens::created_at.eq(token.now),
                    api_tokens::expires_at.eq(token.expires_at),
                    api_tokens::read_only.eq(token.read_only),
                ))
                .execute(conn)?;
            let after = serde_json::json!({
                "token": &token.hash[..12.min(token.hash.len())],
                "name": token.name,
                "read_only": token.read_only,
                "expires_at": token.expires_at,
            });
            log_token(
                conn,
                cipher,
                token.actor,
                "token_create",
                token.user_id,
                None,
                Some(after),
            )
        })
    }

    /// The account of a live, unrevoked API token, and whether the token only reads.
    pub fn api_token_user(
        &mut self,
        token_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<(UserRow, bool)>> {
        let found: Option<(UserRow, Option<NaiveDateTime>, bool)> = api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::token_hash.eq(token_hash))
            .filter(api_tokens::revoked.eq(false))
            .filter(users::disabled_at.is_null())
            .select((
                UserRow::as_select(),
                api_tokens::expires_at,
                api_tokens::read_only,
            ))
            .first(self.conn())
            .optional()?;
        Ok(found.and_then(|(user, exp, read_only)| match exp {
            Some(e) if e <= now => None,
            _ => Some((user, read_only)),
        }))
    }

    /// An account's tokens, newest first (revoked and expired ones included, marked).
    pub fn api_tokens_of(&mut self, user_id: i64) -> Result<Vec<TokenRow>> {
        Ok(api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .order(api_tokens::created_at.desc())
            .select(TokenRow::as_select())
            .load(self.conn())?)
    }

    /// Revokes one of the account's tokens, named by its hash; whether it was live. In
    /// the audit log when it was.
    pub fn revoke_api_token(
        &mut self,
        actor: &str,
        user_id: i64,
        token_hash: &str,
    ) -> Result<bool> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let revoked = diesel::update(
                api_tokens::table
                    .filter(api_tokens::user_id.eq(user_id))
                    .filter(api_tokens::token_hash.eq(token_hash))
                    .filter(api_tokens::revoked.eq(false)),
            )
            .set(api_tokens::revoked.eq(true))
            .execute(conn)?
                > 0;
            if revoked {
                let token = serde_json::json!({ "token": &token_hash[..12.min(token_hash.len())] });
                log_token(
                    conn,
                    cipher,
                    actor,
                    "token_revoke",
                    user_id,
                    Some(token),
                    None,
                )?;
            }
            Ok(revoked)
        })
    }
}

/// A personal API token to store.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    /// Who makes it (the audit's actor): its holder on the page, `cli` at the console.
    pub actor: &'a str,
    /// SHA-256 of the token: the token itself is shown once and kept nowhere.
    pub hash: &'a str,
    pub user_id: i64,
    /// What it is for, as the account names it.
    pub name: &'a str,
    pub now: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    /// Reads what the account reads; writes nothing.
    pub read_only: bool,
}

/// A token made or revoked, in the audit log under its account (filed under the county of
/// the account's node, as the account's other changes are).
fn log_token(
    conn: &mut crate::connection::DbConnection,
    cipher: &crate::IdCipher,
    actor: &str,
    action: &str,
    user_id: i64,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    let county: Option<(Option<i32>, Option<i32>, Option<i32>)> = users::table
        .find(user_id)
        .select((
            users::party_org_county,
            users::member_county,
            users::instructor_county,
        ))
        .first(conn)
        .optional()?;
    let county = county.and_then(|(p, m, i)| p.or(m).or(i)).unwrap_or(0);
    crate::audit::append(
        conn,
        cipher,
        crate::audit::Entry {
            actor,
            action,
            entity: "account",
            county,
            entity_id: user_id,
            before,
            after,
        },
    )
}

/// A stored token, as its account's list shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub token_hash: String,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked: bool,
    pub read_only: bool,
}

/// Who did something, as people read it: an actor recorded as `user:N` by the account's
/// display name (账号N while it has none: a login name is not for other counties to read),
/// `cli` as the command line; any other actor as it was recorded. The records keep the
/// stable form, so a renamed account shows its new name.
pub(crate) fn actor_names<'a>(
    conn: &mut crate::connection::DbConnection,
    actors: impl IntoIterator<Item = &'a str>,
) -> Result<std::collections::HashMap<String, String>> {
    let actors: std::collections::BTreeSet<&str> = actors.into_iter().collect();
    let account = |actor: &str| actor.strip_prefix("user:")?.parse::<i64>().ok();
    let ids: Vec<i64> = actors.iter().filter_map(|a| account(a)).collect();
    let mut named: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    for slice in ids.chunks(crate::registry::IN_LIST_MAX) {
        let rows: Vec<(i64, String)> = users::table
            .filter(users::id.eq_any(slice))
            .select((users::id, users::display_name))
            .load(conn)?;
        named.extend(rows.into_iter().filter(|(_, name)| !name.trim().is_empty()));
    }
    Ok(actors
        .into_iter()
        .map(|a| {
            let name = match (a, account(a)) {
                ("cli", _) => "命令行".to_owned(),
                (_, Some(id)) => named
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("账号{id}")),
                (_, None) => a.to_owned(),
            };
            (a.to_owned(), name)
        })
        .collect())
}
