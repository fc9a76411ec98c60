//! The member list (党员名册) for the page, the API and the files: its query string checked
//! into the store's filter, its row count kept per registry version, its page and its export.

use std::sync::Arc;

use axum::response::Response;
use liangxin_domain::kinds::{FlowStatus, MemberStatus};
use liangxin_domain::registry::Key;
use liangxin_store::Scope;
use liangxin_store::people::{MemberFilter, MemberView};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::params;
use crate::report::{Counted, list_count};
use crate::view::query;

/// Rows a page shows unless the user picks another size.
pub const PAGE_SIZE: i64 = 50;

/// The list's query string; every field is checked, a bad one is a 422 naming it.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct MembersQuery {
    /// 县代码-编号 of the party organization the members are directly in.
    pub party_org: Option<String>,
    /// Part of the name.
    pub name: Option<String>,
    /// probationary | full
    pub status: Option<String>,
    /// settled | outflow
    pub flow: Option<String>,
    pub page: Option<String>,
    pub size: Option<String>,
}

/// A checked [`MembersQuery`].
#[derive(Debug, Clone)]
pub struct MemberSearch {
    pub filter: MemberFilter,
    pub page: i64,
    pub size: i64,
}

impl MembersQuery {
    /// The search asked for, [`PAGE_SIZE`] rows a page unless it says otherwise.
    pub fn check(&self) -> Result<MemberSearch, WebError> {
        self.check_sized(PAGE_SIZE)
    }

    /// The same, `default_size` rows a page unless it says otherwise.
    pub fn check_sized(&self, default_size: i64) -> Result<MemberSearch, WebError> {
        let name = params::name_part(&self.name, "姓名")?;
        let status = params::text(&self.status)
            .map(|s| {
                MemberStatus::parse(&s).map_err(|e| WebError::bad_field("党员类别", e.to_string()))
            })
            .transpose()?;
        let flow = params::text(&self.flow)
            .map(|s| {
                FlowStatus::parse(&s).map_err(|e| WebError::bad_field("流动情况", e.to_string()))
            })
            .transpose()?;
        Ok(MemberSearch {
            filter: MemberFilter {
                party_org: params::party_org(&self.party_org)?,
                name,
                status,
                flow,
            },
            page: params::page(&self.page)?,
            size: params::page_size(&self.size)?.unwrap_or(default_size),
        })
    }
}

impl MemberSearch {
    /// The search's fields that are set, the page left out (the default size too).
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let f = &self.filter;
        let pairs = [
            (
                "party_org",
                f.party_org
                    .map(|k| format!("{}-{}", k.county, k.id))
                    .unwrap_or_default(),
            ),
            ("name", f.name.clone().unwrap_or_default()),
            (
                "status",
                f.status.map(|s| s.code().to_owned()).unwrap_or_default(),
            ),
            (
                "flow",
                f.flow.map(|s| s.code().to_owned()).unwrap_or_default(),
            ),
            (
                "size",
                if self.size == PAGE_SIZE {
                    String::new()
                } else {
                    self.size.to_string()
                },
            ),
        ];
        pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect()
    }

    /// The query string of this search on page `page`.
    pub fn link(&self, page: i64) -> String {
        let mut pairs = self.fields();
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        query(&pairs)
    }

    /// The query string of the whole list, for its files.
    pub fn files(&self) -> String {
        MemberSearch {
            size: PAGE_SIZE,
            ..self.clone()
        }
        .link(1)
    }
}

/// One page of a search: the scope's rows the filter keeps, how many there are in all, and
/// the name of the party organization it is narrowed to.
#[derive(Debug)]
pub struct MemberPage {
    pub total: i64,
    pub rows: Vec<MemberView>,
    pub party_org_name: Option<String>,
}

impl MemberPage {
    pub fn pages(&self, size: i64) -> i64 {
        ((self.total + size - 1) / size).max(1)
    }
}

/// The name of the party organization a search is narrowed to; not found outside the scope.
fn party_org_name(
    store: &mut liangxin_store::Store,
    scope: &Scope,
    key: Option<Key>,
) -> Result<Option<String>, WebError> {
    key.map(|k| {
        store
            .party_org(scope, k)?
            .map(|p| p.name)
            .ok_or_else(WebError::not_found)
    })
    .transpose()
}

pub async fn load(
    state: &Arc<AppState>,
    scope: &Scope,
    s: &MemberSearch,
) -> Result<MemberPage, WebError> {
    let total = list_count(state, scope, Counted::Members(s.filter.clone())).await?;
    let (scope, s) = (scope.clone(), s.clone());
    let (rows, party_org_name) = state
        .pool
        .read(move |store| {
            let name = party_org_name(store, &scope, s.filter.party_org)?;
            let rows = store.members_page(&scope, &s.filter, (s.page - 1) * s.size, s.size)?;
            Ok((rows, name))
        })
        .await?;
    Ok(MemberPage {
        total,
        rows,
        party_org_name,
    })
}

/// One member as the list and its files show them.
#[derive(Debug)]
pub struct MemberRowView {
    pub href: String,
    pub name: String,
    pub sex: &'static str,
    pub masked: String,
    pub status: &'static str,
    pub joined: String,
    pub confirmed: String,
    pub party_org: String,
    pub workplace: String,
    pub flow: String,
    /// 民族、学历、职业, 未填 where unknown.
    pub ethnicity: &'static str,
    pub education: &'static str,
    pub occupation: &'static str,
}

impl From<MemberView> for MemberRowView {
    fn from(m: MemberView) -> Self {
        MemberRowView {
            href: format!("/members/{}/{}", m.key.county, m.key.id),
            sex: m.sex.label(),
            masked: m.resident_id_masked,
            status: m.status.label(),
            joined: m.joined_on.to_string(),
            confirmed: m
                .confirmed_on
                .map(|d| d.to_string())
                .unwrap_or_else(|| "—".into()),
            party_org: m.party_org_name,
            workplace: m.workplace.map(|(_, n)| n).unwrap_or_else(|| "—".into()),
            flow: match m.flow_destination {
                Some(d) => format!("{}（{d}）", m.flow.label()),
                None => m.flow.label().to_owned(),
            },
            ethnicity: m.background.ethnicity.map_or("未填", |v| v.label()),
            education: m.background.education.map_or("未填", |v| v.label()),
            occupation: m.background.occupation.map_or("未填", |v| v.label()),
            name: m.name,
        }
    }
}

/// The columns of the list, as exported.
const EXPORT_HEADERS: [&str; 9] = [
    "姓名",
    "性别",
    "公民身份号码",
    "党员类别",
    "入党时间",
    "转正时间",
    "所在党组织",
    "工作单位",
    "流动情况",
];

/// A member as a row of the file: the days as days, the rest as the list shows it.
fn export_row(m: MemberView) -> Vec<Cell> {
    let (joined, confirmed) = (export::day(m.joined_on), m.confirmed_on.map(export::day));
    let v = MemberRowView::from(m);
    vec![
        v.name.into(),
        v.sex.into(),
        v.masked.into(),
        v.status.into(),
        joined,
        confirmed.unwrap_or(Cell::Empty),
        v.party_org.into(),
        v.workplace.into(),
        v.flow.into(),
    ]
}

/// Party organizations an export reads at a time (a few hundred members).
const EXPORT_RUN: usize = 40;

/// Every row of a search as a file (the page and size are not the file's).
pub async fn export(
    state: Arc<AppState>,
    auth: Auth,
    s: MemberSearch,
    format: Format,
) -> Result<Response, WebError> {
    let scope = auth.scope.clone();
    let (sc, key) = (scope.clone(), s.filter.party_org);
    let po_name = state
        .pool
        .read(move |store| party_org_name(store, &sc, key))
        .await?;
    let what = po_name.map_or_else(|| "党员".to_owned(), |n| format!("{n}的党员"));
    let e = Export {
        file_stem: "members",
        sheet: "党员",
        title: format!(
            "{what}（导出于{}，身份证号已遮蔽）",
            crate::today().format("%Y年%m月%d日")
        ),
        headers: EXPORT_HEADERS.to_vec(),
    };
    // Runs of party organizations in the tree's order, each read whole: the file costs one
    // walk of the scope, where pages by offset re-read every row before each page.
    let mut runs: Option<std::vec::IntoIter<(String, String)>> = None;
    export::respond(&state, e, format, move |store, _| {
        let runs = match &mut runs {
            Some(r) => r,
            None => {
                let (low, high) = scope.path_range();
                let mut bounds = vec![low];
                bounds.extend(store.party_org_runs(&scope, EXPORT_RUN)?);
                bounds.push(high);
                let pairs: Vec<(String, String)> = bounds
                    .windows(2)
                    .map(|w| (w[0].clone(), w[1].clone()))
                    .collect();
                runs.insert(pairs.into_iter())
            }
        };
        for (from, to) in runs.by_ref() {
            let rows = store.members_between(&scope, &s.filter, &from, &to)?;
            if !rows.is_empty() {
                return Ok(rows.into_iter().map(export_row).collect());
            }
        }
        Ok(Vec::new())
    })
    .await
}
