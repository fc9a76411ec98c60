//! The one way a password is checked, for signing in and for changing it: the per-address
//! limit, the account lock, Argon2 off the database connection, and every attempt
//! recorded. The attempt is claimed (counted, and the account locked if it reaches the
//! limit) before the password is verified, so guesses made at the same moment cannot all
//! slip under the limits. A locked account, an unknown name and a wrong password answer
//! alike, so the answer never tells whether an account exists or is locked.

use std::sync::Arc;

use liangxin_domain::rules::SecurityRules;
use liangxin_store::accounts::{AttemptLimits, Claim, UserRow};

use crate::error::WebError;
use crate::{AppState, auth};

/// What a password check found.
#[derive(Debug)]
pub enum Checked {
    /// The right password of an account that is not locked.
    Right(Box<UserRow>),
    /// A wrong password, an unknown name or a locked account: the same answer, with the
    /// limits it is told under.
    Wrong(AttemptLimits),
    /// Too many failures from this address lately.
    TooMany,
    /// Every verification slot stayed busy: nothing was claimed or verified.
    Busy,
}

/// What a client turned away by [`Checked::Busy`] is told.
pub const BUSY_MESSAGE: &str = "登录请求较多，请稍后再试";

/// Verifications at once: each holds 19 MiB for Argon2, so unauthenticated clients must
/// not be able to start hundreds (the blocking pool has 512 threads).
pub fn verifications() -> Arc<tokio::sync::Semaphore> {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    Arc::new(tokio::sync::Semaphore::new(cores.clamp(2, 8)))
}

/// How long a check waits for a verification slot before it is turned away.
const WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// What a refused password is told, whatever the reason.
pub fn wrong_message(limits: &AttemptLimits) -> String {
    format!(
        "用户名或密码错误（连续输错{}次的账户将锁定{}分钟）",
        limits.account_failures,
        limits.lock_for.num_minutes()
    )
}

/// The sign-in limits in force today: rule parameters the 安全管理员 keeps
/// (`security.lock_after_failures` and the others of [`SecurityRules`]).
pub(crate) fn limits(store: &mut liangxin_store::Store) -> Result<AttemptLimits, WebError> {
    let rules =
        SecurityRules::resolve(&store.rule_set()?, crate::today()).map_err(WebError::internal)?;
    Ok(AttemptLimits {
        address_failures: rules.address_failure_limit.value,
        window: chrono::Duration::minutes(rules.address_window_minutes.value),
        account_failures: i32::try_from(rules.lock_after_failures.value).unwrap_or(i32::MAX),
        lock_for: chrono::Duration::minutes(rules.lock_minutes.value),
    })
}

/// Checks `password` for the account `username`, as seen from `ip`.
pub async fn check(
    state: &Arc<AppState>,
    ip: String,
    username: String,
    password: String,
) -> Result<Checked, WebError> {
    // A slot first: a check turned away here has not been counted against anyone. The
    // slot goes with the verification, so a client that hangs up does not free it early.
    let slots = state.verifications.clone();
    let Ok(Ok(slot)) = tokio::time::timeout(WAIT, slots.acquire_owned()).await else {
        return Ok(Checked::Busy);
    };
    let (user, claim, limits) = state
        .pool
        .run(move |store| {
            let user = store.user_by_username(&username)?;
            let limits = limits(store)?;
            let claim = store.claim_login_attempt(
                &ip,
                &username,
                user.as_ref().map(|u| u.id),
                auth::now(),
                &limits,
            )?;
            Ok((user, claim, limits))
        })
        .await?;
    let attempt = match claim {
        Claim::TooMany => return Ok(Checked::TooMany),
        Claim::Verify { attempt } => Some(attempt),
        Claim::Locked { .. } => None,
    };
    // An unknown name costs the same verification as a known one, and a locked account
    // the same as an open one: timing tells nothing either.
    let phc = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| auth::dummy_hash().to_owned());
    let verified = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        auth::verify_password(&password, &phc)
    })
    .await
    .map_err(WebError::internal)?;
    match (user, attempt) {
        (Some(user), Some(attempt)) if verified => {
            let id = user.id;
            let disabled = user.disabled_at.is_some();
            state
                .pool
                .run(move |store| {
                    // The account's failures and lock are cleared only by a whole sign-in: a
                    // disabled account has none, and one with a second factor is cleared
                    // when its code is given (wrong codes add to the same count).
                    if disabled || store.totp_confirmed(id)? {
                        store.attempt_succeeded(attempt)?;
                    } else {
                        store.login_succeeded(attempt, id, auth::now())?;
                    }
                    Ok(())
                })
                .await?;
            Ok(Checked::Right(Box::new(user)))
        }
        _ => Ok(Checked::Wrong(limits)),
    }
}
