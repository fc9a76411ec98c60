//! The one way a password is checked, for signing in and for changing it: the per-address
//! limit, the account lock, Argon2 off the database connection, and every failure
//! recorded. A locked account, an unknown name and a wrong password answer alike, so the
//! answer never tells whether an account exists or is locked.

use std::sync::Arc;

use liangxin_store::accounts::UserRow;

use crate::error::WebError;
use crate::{AppState, auth};

/// What a password check found.
#[derive(Debug)]
pub enum Checked {
    /// The right password of an account that is not locked.
    Right(Box<UserRow>),
    /// A wrong password, an unknown name or a locked account: the same answer.
    Wrong,
    /// Too many failures from this address lately.
    TooMany,
}

/// What a refused password is told, whatever the reason.
pub fn wrong_message() -> String {
    format!(
        "用户名或密码错误（连续输错{}次的账户将锁定{}分钟）",
        auth::LOCK_AFTER_FAILURES,
        auth::LOCK_MINUTES
    )
}

/// Checks `password` for the account `username`, as seen from `ip`.
pub async fn check(
    state: &Arc<AppState>,
    ip: String,
    username: String,
    password: String,
) -> Result<Checked, WebError> {
    let (ip2, name2) = (ip.clone(), username.clone());
    let found = state
        .pool
        .run(move |store| {
            let now = auth::now();
            let window = now - chrono::Duration::minutes(auth::ADDRESS_WINDOW_MINUTES);
            if store.failed_attempts_since(&ip2, window)? >= auth::ADDRESS_FAILURE_LIMIT {
                return Ok(None);
            }
            Ok(Some(store.user_by_username(&name2)?))
        })
        .await?;
    let Some(user) = found else {
        return Ok(Checked::TooMany);
    };
    let now = auth::now();
    let locked = user
        .as_ref()
        .and_then(|u| u.locked_until)
        .is_some_and(|until| until > now);
    // An unknown name costs the same verification as a known one, and a locked account
    // the same as an open one: timing tells nothing either.
    let phc = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| auth::dummy_hash().to_owned());
    let right = tokio::task::spawn_blocking(move || auth::verify_password(&password, &phc))
        .await
        .map_err(WebError::internal)?
        && user.is_some()
        && !locked;
    if right && let Some(user) = user {
        return Ok(Checked::Right(Box::new(user)));
    }
    state
        .pool
        .run(move |store| {
            let now = auth::now();
            store.note_login_attempt(&ip, &username, now, false)?;
            if let Some(u) = user.filter(|_| !locked) {
                store.record_login_failure(
                    u.id,
                    auth::LOCK_AFTER_FAILURES,
                    now,
                    chrono::Duration::minutes(auth::LOCK_MINUTES),
                )?;
            }
            Ok(())
        })
        .await?;
    Ok(Checked::Wrong)
}
