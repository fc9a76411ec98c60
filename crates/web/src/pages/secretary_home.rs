//! A branch secretary's home (`/` for the 党组织书记): the month's work of the branch and
//! its groups from the records — the meetings this period still owes, each opening the
//! form with its kind chosen; the members whose dues are not yet entered, opening the
//! month's sheet; open findings; letters to act on. Coverage is one line: a branch covers
//! a unit or a few, not a county to chart.

use std::sync::Arc;

use askama::Template;
use axum::response::Html;
use liangxin_domain::period::Period;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::report::{scope_report, scope_todo};
use crate::view::{Figure, Layout, render};

/// One thing to do, with where to do it.
struct Task {
    text: String,
    href: String,
    /// Where the link opens exactly the rows counted: how many.
    count: Option<u32>,
}

/// A party organization of the branch (itself or a group) and what it must do.
struct OrgWork {
    name: String,
    href: String,
    tasks: Vec<Task>,
}

#[derive(Template)]
#[template(path = "secretary_home.html")]
struct SecretaryHome {
    layout: Layout,
    branch: String,
    month: String,
    new_meeting: String,
    dues_sheet: String,
    life: String,
    party_org: String,
    work: Vec<OrgWork>,
    transfers: Vec<crate::lists::transfers::Line>,
    evaluation: Vec<crate::pages::dashboard::EvaluationTask>,
    units: Figure,
    gap: Figure,
}

pub async fn show(state: &Arc<AppState>, auth: &Auth) -> Result<Html<String>, WebError> {
    let scope = auth.scope.clone();
    let root = state
        .pool
        .run(move |store| Ok(store.scope_root(&scope)?))
        .await?
        .ok_or_else(WebError::not_found)?;
    let todo = scope_todo(state, auth.scope.clone()).await?;
    let month = Period::containing_month(crate::today());
    let work = todo
        .branches
        .iter()
        .map(|t| {
            let base = format!("/party-orgs/{}/{}", t.key.county, t.key.id);
            let mut tasks: Vec<Task> = t
                .meetings_due
                .iter()
                .map(|(kind, period)| Task {
                    text: format!("记录{}{}", period.label_zh(), kind.label()),
                    href: format!("{base}/meetings/new?kind={}", kind.code()),
                    count: None,
                })
                .collect();
            if t.dues_unmarked > 0 {
                tasks.push(Task {
                    text: format!(
                        "登记{}党费（{}人未登记）",
                        month.label_zh(),
                        t.dues_unmarked
                    ),
                    href: format!("{base}/dues?month={month}"),
                    count: None,
                });
            }
            if t.findings_open > 0 {
                tasks.push(Task {
                    text: format!("处理{}项排查问题", t.findings_open),
                    href: format!("/audit?org={}-{}&own=1", t.key.county, t.key.id),
                    count: Some(t.findings_open),
                });
            }
            OrgWork {
                name: t.name.clone(),
                href: format!("{base}/life"),
                tasks,
            }
        })
        .collect();
    let report = scope_report(state, auth.scope.clone(), None).await?;
    let total = report.report.total;
    let base = format!("/party-orgs/{}/{}", root.key.county, root.key.id);
    render(&SecretaryHome {
        layout: Layout::new(state, auth, "本支部的工作", "home").await?,
        month: month.label_zh(),
        new_meeting: format!("{base}/meetings/new"),
        dues_sheet: format!("{base}/dues?month={month}"),
        life: format!("{base}/life"),
        party_org: base,
        branch: root.name,
        work,
        transfers: crate::pages::dashboard::transfers_to_act_on(state, auth).await?,
        evaluation: crate::pages::dashboard::evaluation_tasks(&todo.evaluation, root.key),
        units: Figure::units(total.total, "", ""),
        gap: Figure::units(total.gap, "", "state=gap"),
    })
}
