//! The transfer letters (组织关系转接) for the page, the dashboard, the API and the files:
//! those either side of which lies in the scope, read once per change of the records and
//! searched in memory (a scope's letters are hundreds to thousands).

use std::sync::Arc;

use liangxin_domain::kinds::TransferState;
use liangxin_store::transfer::TransferView;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::report;

/// The scope's letters in `wanted` (all without), newest first.
pub async fn read(
    state: &Arc<AppState>,
    auth: &Auth,
    wanted: Option<TransferState>,
) -> Result<Arc<Vec<TransferView>>, WebError> {
    let scope = auth.scope.clone();
    report::from_records(
        state,
        &state.reports.transfers,
        &auth.scope,
        wanted,
        move |store| Ok(store.transfers(&scope, wanted)?),
    )
    .await
}

/// Whether `v`'s member is named with the part searched for (every letter without one).
pub fn named(v: &TransferView, part: &Option<String>) -> bool {
    part.as_ref()
        .is_none_or(|p| v.member_name.contains(p.as_str()))
}
