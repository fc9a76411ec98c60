//! `GET /party-orgs` (the scope's own party organization) and
//! `GET /party-orgs/{county}/{id}`: one node of the tree with its ancestors as a breadcrumb,
//! its children, the units it covers, its members and what the rules demand of it.
//! `GET /party-orgs.csv|xlsx`: the scope's register of party organizations (党组织名册) in
//! the columns of the party-organization import, so that it can be edited and uploaded.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use liangxin_domain::coverage::Subject;
use liangxin_domain::registry::Key;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::report::scope_report;
use crate::view::{Layout, Pager, count, render};
use crate::{AppState, params};

#[derive(Template)]
#[template(path = "party_org.html")]
struct PartyOrgPage {
    layout: Layout,
    name: String,
    org_type: &'static str,
    formation: &'static str,
    leadership: &'static str,
    /// Who holds the 书记 (组长 for a 党小组) today; none is a vacancy.
    head: Option<String>,
    head_post: &'static str,
    committee_href: String,
    term: String,
    /// 台账起始月, and where the level above may move it (none at the organization's own
    /// level).
    records_start: String,
    records_start_href: Option<String>,
    members: String,
    /// The count the members list opened by `members_href` holds.
    members_n: i64,
    members_href: String,
    /// 组织编号 (`county-id`), by which a sender names this organization on a letter.
    code: String,
    archive: Option<String>,
    new_href: String,
    edit_href: String,
    life_href: String,
    /// 民主评议党员, held by branches.
    appraisals_href: Option<String>,
    /// 双强六好评星, of every organization but a 党小组 or a 党工委.
    stars_href: Option<String>,
    vanguard_href: String,
    checkups_href: String,
    funds_href: String,
    tables_href: String,
    statistics_href: String,
    dues_href: String,
    audit_href: String,
    member_new_href: String,
    findings: Vec<(&'static str, String, String)>,
    /// (page, name, type, members, the list of those members, the organization above when
    /// a search found it further down): a page of the children, or of those searched.
    children: Vec<(String, String, &'static str, i64, String, String)>,
    /// 组织树: (page, name, depth, whether it is this page's organization).
    tree: Vec<(String, String, usize, bool)>,
    /// The children the search finds (all pages), and the search.
    children_total: i64,
    children_search: String,
    children_pager: Pager,
    units: Vec<(String, String)>,
}

/// `/party-orgs`: the top of the user's subtree.
pub async fn root(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Html<String>, WebError> {
    let scope = auth.scope.clone();
    let root = state
        .pool
        .run(move |store| Ok(store.scope_root(&scope)?))
        .await?
        .ok_or_else(WebError::not_found)?;
    page(&state, &auth, root.key, ChildrenQuery::default()).await
}

/// The search of a party organization's children (`?name=…&page=2`).
#[derive(Debug, Default, Deserialize)]
pub struct ChildrenQuery {
    /// Part of the name, or the 组织编号 `county-id`.
    pub name: Option<String>,
    pub page: Option<String>,
    /// 每页条数, one of [`params::PAGE_SIZES`].
    pub size: Option<String>,
}

/// Children a page shows unless the user picks another size.
const CHILDREN_PAGE: i64 = 50;

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<ChildrenQuery>,
) -> Result<Html<String>, WebError> {
    page(&state, &auth, Key { county, id }, q).await
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    q: ChildrenQuery,
) -> Result<Html<String>, WebError> {
    let Key { county, id } = key;
    let scope = auth.scope.clone();
    let search = params::name_part(&q.name, "下级党组织名称或编号")?;
    let asked_page = params::page(&q.page)?;
    let size = params::page_size(&q.size)?.unwrap_or(CHILDREN_PAGE);
    let wanted = search.clone();
    let (po, children, units, members, posts, tree) = state
        .pool
        .run(move |store| {
            let po = store
                .party_org(&scope, key)?
                .ok_or_else(WebError::not_found)?;
            let (n, _) = store.party_org_children(key, wanted.as_deref(), 0, 0)?;
            let pages = ((n + size - 1) / size).max(1);
            let offset = (asked_page.min(pages) - 1) * size;
            let children = (
                n,
                store
                    .party_org_children(key, wanted.as_deref(), offset, size)?
                    .1,
            );
            let units = store.covered_units(&scope, crate::today(), key)?;
            let members = store.members_count(
                &scope,
                &liangxin_store::people::MemberFilter::in_party_org(key),
            )?;
            let posts = store.posts_of(&scope, key)?;
            let tree = store.party_org_tree(&scope, key)?;
            Ok((po, children, units, members, posts, tree))
        })
        .await?;
    // 信息完整度 for branches and groups (a committee's is its branches').
    let archive =
        if po.org_type.is_branch() || po.org_type == liangxin_domain::kinds::PartyOrgType::Group {
            let scope = auth.scope.clone();
            let kept = crate::report::from_records(
                state,
                &state.reports.archives,
                &auth.scope,
                key,
                move |store| Ok(store.party_org_archive(&scope, crate::today(), key)?),
            )
            .await?;
            Some(*kept)
        } else {
            None
        };
    let sr = scope_report(state, auth.scope.clone(), None).await?;
    let findings = sr
        .report
        .findings
        .iter()
        .filter(|f| f.subject == Subject::PartyOrg { key })
        .map(|f| {
            (
                f.action.label(),
                f.reason.clone(),
                format!("{}（{}）", f.rule.title, f.rule.source),
            )
        })
        .collect();
    let layout = Layout::new(state, auth, &po.name, "party_orgs")
        .await?
        .at(state, auth, key, Vec::new())
        .await?;
    let head_post = liangxin_domain::kinds::Post::head_of(po.org_type);
    let today = crate::today();
    let head = posts
        .iter()
        .find(|h| h.post == head_post && h.current(today))
        .map(|h| format!("{}（{}起）", h.name, h.since));
    render(&PartyOrgPage {
        head,
        head_post: head_post.label(),
        committee_href: format!("/party-orgs/{county}/{id}/committee"),
        audit_href: format!("/audit?org={county}-{id}"),
        layout,
        org_type: po.org_type.label(),
        formation: po.formation_mode.map(|m| m.label()).unwrap_or("未登记"),
        leadership: if po.has_committee {
            "委员会"
        } else {
            "书记（未设委员会）"
        },
        term: po
            .term_started
            .map(|d| d.format("%Y年%m月%d日").to_string())
            .unwrap_or_else(|| "未登记".into()),
        records_start: liangxin_domain::period::Period::containing_month(po.records_start)
            .label_zh(),
        records_start_href: auth
            .scope
            .may_move_records_start(&po.path, po.org_type)
            .then(|| format!("/party-orgs/{county}/{id}/records-start")),
        members: count(u64::try_from(members).unwrap_or(0), "名"),
        members_n: members,
        members_href: format!("/members?party_org={county}-{id}"),
        code: format!("{county}-{id}"),
        archive: archive
            .map(|(n, complete, mean)| format!("平均{mean}%，{n}名党员中{complete}名档案齐全")),
        new_href: format!("/party-orgs/{county}/{id}/new"),
        edit_href: format!("/party-orgs/{county}/{id}/edit"),
        life_href: format!("/party-orgs/{county}/{id}/life"),
        appraisals_href: po
            .org_type
            .is_branch()
            .then(|| format!("/party-orgs/{county}/{id}/appraisals")),
        stars_href: (!matches!(
            po.org_type,
            liangxin_domain::kinds::PartyOrgType::Group
                | liangxin_domain::kinds::PartyOrgType::WorkingCommittee
        ))
        .then(|| format!("/party-orgs/{county}/{id}/stars")),
        dues_href: format!("/party-orgs/{county}/{id}/dues"),
        vanguard_href: format!("/party-orgs/{county}/{id}/vanguard"),
        checkups_href: format!("/party-orgs/{county}/{id}/checkups"),
        funds_href: format!("/party-orgs/{county}/{id}/funds"),
        tables_href: format!("/party-orgs/{county}/{id}/evaluation-tables"),
        statistics_href: format!("/party-orgs/{county}/{id}/statistics"),
        member_new_href: format!("/party-orgs/{county}/{id}/members/new"),
        findings,
        children_total: children.0,
        children_pager: Pager::new(
            &format!("/party-orgs/{county}/{id}"),
            vec![
                ("name", search.clone().unwrap_or_default()),
                (
                    "size",
                    if size == CHILDREN_PAGE {
                        String::new()
                    } else {
                        size.to_string()
                    },
                ),
            ],
            asked_page,
            usize::try_from(children.0).unwrap_or(0),
            usize::try_from(size).unwrap_or(1),
        ),
        children_search: search.unwrap_or_default(),
        children: children
            .1
            .into_iter()
            .map(|c| {
                (
                    format!("/party-orgs/{}/{}", c.key.county, c.key.id),
                    c.name,
                    c.org_type.label(),
                    c.members,
                    format!("/members?party_org={}-{}", c.key.county, c.key.id),
                    c.above.unwrap_or_default(),
                )
            })
            .collect(),
        tree: tree
            .into_iter()
            .map(|l| {
                (
                    format!("/party-orgs/{}/{}", l.key.county, l.key.id),
                    l.name,
                    l.depth,
                    l.here,
                )
            })
            .collect(),
        units: units
            .into_iter()
            .map(|(k, n)| (format!("/organizations/{}/{}", k.county, k.id), n))
            .collect(),
        name: po.name,
    })
}

/// Key and name of a party organization the user's scope holds; otherwise 404. The forms
/// set under one (a child organization, a member) start here.
pub async fn visible(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
) -> Result<(Key, String), WebError> {
    let scope = auth.scope.clone();
    let po = state
        .pool
        .run(move |store| Ok(store.party_org(&scope, key)?))
        .await?
        .ok_or_else(WebError::not_found)?;
    Ok((po.key, po.name))
}

/// The scope's party organizations as a file: the import template's columns first (组织编号,
/// 党组织名称, 上级党组织 by its code …), then what the register counts.
async fn export(
    state: Arc<AppState>,
    auth: Auth,
    _q: NoQuery,
    format: crate::export::Format,
) -> Result<Response, WebError> {
    use liangxin_domain::import::party_orgs::column_label as label;
    let scope = auth.scope.clone();
    let today = crate::today();
    let e = crate::export::Export {
        file_stem: "party-orgs",
        sheet: "党组织名册",
        title: format!("党组织名册（截至{}）", today.format("%Y年%m月%d日")),
        headers: vec![
            label("code"),
            label("name"),
            label("parent"),
            label("org_type"),
            label("formation_mode"),
            label("zone"),
            label("has_committee"),
            label("term_started"),
            "直属党员",
            "覆盖单位数",
        ],
    };
    let code = |k: Key| format!("{}-{}", k.county, k.id);
    crate::export::respond(&state, e, format, move |store, offset| {
        let rows = store.party_org_register(
            &scope,
            i64::try_from(offset).unwrap_or(i64::MAX),
            crate::export::PAGE_ROWS as i64,
        )?;
        Ok(rows
            .into_iter()
            .map(|r| {
                vec![
                    code(r.key),
                    r.name,
                    r.parent.map(code).unwrap_or_default(),
                    r.org_type.label().to_owned(),
                    r.formation_mode
                        .map(|m| m.label().to_owned())
                        .unwrap_or_default(),
                    r.zone.unwrap_or_default(),
                    if r.has_committee { "是" } else { "否" }.to_owned(),
                    r.term_started.map(|d| d.to_string()).unwrap_or_default(),
                    r.members.to_string(),
                    r.covered_units.to_string(),
                ]
            })
            .map(crate::export::text_row)
            .collect())
    })
    .await
}

/// The register takes no filter: it is the scope's.
#[derive(Debug, serde::Deserialize)]
pub struct NoQuery {}

crate::export::file_handlers!(NoQuery);
