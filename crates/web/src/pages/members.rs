//! `GET /members` and `GET /members/{county}/{id}`: members of the scope with their
//! resident ID masked; a member sees only themselves.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use liangxin_domain::kinds::{FlowStatus, MemberStatus};
use liangxin_domain::registry::Key;
use liangxin_domain::resident_id::ResidentId;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::Format;
use crate::lists::members::{self, MemberRowView, MembersQuery};
use crate::params;
use crate::view::{Choice, Crumb, Layout, SavedQuery, choices, render, thousands};

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    layout: Layout,
    heading: String,
    total: String,
    total_n: i64,
    page: i64,
    pages: i64,
    rows: Vec<MemberRowView>,
    prev: Option<String>,
    next: Option<String>,
    csv: String,
    xlsx: String,
    /// The search form's fields as they were submitted.
    name: String,
    party_org: String,
    statuses: Vec<Choice>,
    flows: Vec<Choice>,
    sizes: Vec<Choice>,
    /// The search on page 1, for the page-jump form's hidden fields.
    search: Vec<(&'static str, String)>,
    /// 按身份证号查找, for those whose scope is a subtree.
    can_find: bool,
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<MembersQuery>,
) -> Result<Html<String>, WebError> {
    let s = q.check()?;
    let layout = Layout::new(&state, &auth, "党员", "members").await?;
    let found = members::load(&state, &auth.scope, &s).await?;
    let pages = found.pages(s.size);
    let f = &s.filter;
    render(&MembersPage {
        layout,
        heading: found
            .party_org_name
            .map(|n| format!("{n}的党员"))
            .unwrap_or_else(|| "党员".into()),
        total: thousands(u64::try_from(found.total).unwrap_or(0)),
        total_n: found.total,
        page: s.page,
        pages,
        rows: found.rows.into_iter().map(MemberRowView::from).collect(),
        prev: (s.page > 1).then(|| format!("/members{}", s.link(s.page - 1))),
        next: (s.page < pages).then(|| format!("/members{}", s.link(s.page + 1))),
        csv: format!("/members.csv{}", s.files()),
        xlsx: format!("/members.xlsx{}", s.files()),
        name: f.name.clone().unwrap_or_default(),
        party_org: f
            .party_org
            .map(|k| format!("{}-{}", k.county, k.id))
            .unwrap_or_default(),
        statuses: choices::<MemberStatus>(f.status.map_or("", |x| x.code())),
        flows: choices::<FlowStatus>(f.flow.map_or("", |x| x.code())),
        sizes: size_choices(s.size),
        search: s.fields(),
        can_find: crate::routes::Who::Staff.admits(auth.role),
    })
}

/// `POST /members/find`: the scope's member with the resident ID typed (按身份证号查找),
/// through the keyed hash. A POST, so the full number is in no address, link or history;
/// the page shows it masked, and a hit is logged and rationed like every confirmation.
pub async fn find(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: axum::body::Bytes,
) -> Result<Html<String>, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let typed = params::field(&pairs, "resident_id");
    let id = ResidentId::parse(typed.trim())
        .map_err(|e| WebError::bad_field("身份证号", e.to_string()))?
        .value;
    let masked = id.masked();
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let found = state
        .pool
        .run(move |store| Ok(store.search_member_by_resident_id(&actor, &scope, &id)?))
        .await?;
    let layout = Layout::new(&state, &auth, "党员", "members").await?;
    let s = MembersQuery::default().check()?;
    let total = i64::from(found.is_some());
    render(&MembersPage {
        layout,
        heading: format!("身份证号为 {masked} 的党员"),
        total: total.to_string(),
        total_n: total,
        page: 1,
        pages: 1,
        rows: found.into_iter().map(MemberRowView::from).collect(),
        prev: None,
        next: None,
        csv: "/members.csv".into(),
        xlsx: "/members.xlsx".into(),
        name: String::new(),
        party_org: String::new(),
        statuses: choices::<MemberStatus>(""),
        flows: choices::<FlowStatus>(""),
        sizes: size_choices(s.size),
        search: Vec::new(),
        can_find: true,
    })
}

fn size_choices(size: i64) -> Vec<Choice> {
    params::PAGE_SIZES
        .iter()
        .map(|n| Choice {
            value: n.to_string(),
            label: format!("{n}条"),
            selected: *n == size,
        })
        .collect()
}

pub(crate) async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: MembersQuery,
    format: Format,
) -> Result<Response, WebError> {
    members::export(state, auth, q.check()?, format).await
}

crate::export::file_handlers!(MembersQuery);

#[derive(Template)]
#[template(path = "member.html")]
struct MemberPage {
    layout: Layout,
    m: MemberRowView,
    edit_href: Option<String>,
    /// 查看完整号码, for the staff (each reveal logged and rationed).
    reveal_action: Option<String>,
    dues_href: String,
    vanguard_href: String,
    checkup_href: String,
    self_href: String,
    /// 不合格党员处置: the staff's.
    correction_href: Option<String>,
    /// 党员档案: each checklist item and when it was received.
    archive: Vec<(&'static str, String)>,
    completeness: String,
    archive_action: Option<String>,
    archive_items: Vec<Choice>,
    today: String,
    /// 在册, or when and why the record left; and the day received for one transferred in.
    standing: String,
    transfer_href: Option<String>,
    leave_href: Option<String>,
    /// 外出登记 for a member not away; the floating list for one who is.
    outflow_href: Option<(String, &'static str)>,
    transfers: Vec<crate::lists::transfers::Line>,
    /// 出勤率 over the last twelve months.
    attendance: String,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(saved): Query<SavedQuery>,
) -> Result<Html<String>, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (m, (items, completeness), rate) = state
        .pool
        .run(move |store| {
            let key = Key { county, id };
            let m = store.member(&scope, key)?.ok_or_else(WebError::not_found)?;
            let archive = store.member_archive(&scope, today, key)?;
            let year_ago = today
                .checked_sub_months(chrono::Months::new(12))
                .unwrap_or(today);
            let rate = liangxin_domain::life::AttendanceRate::of(
                store
                    .member_attendance(&scope, key, year_ago)?
                    .into_iter()
                    .map(|l| l.attendance),
            );
            Ok((m, archive, rate))
        })
        .await?;
    // The member's letters as this scope sees them (both records of a transfer), from the
    // scope's letters kept per change of the records.
    let key = Key { county, id };
    let transfers: Vec<_> = crate::lists::transfers::read(&state, &auth, None)
        .await?
        .iter()
        .filter(|t| t.member == key || t.new_member == Some(key))
        .cloned()
        .collect();
    let layout = Layout::new(&state, &auth, &m.name, "members")
        .await?
        .saved(&saved)
        .at(&state, &auth, m.party_org, vec![Crumb::here(&m.name)])
        .await?;
    let staff = crate::routes::Who::Staff.admits(auth.role);
    let day = |d: chrono::NaiveDate| d.format("%Y年%m月%d日").to_string();
    let mut standing = match (m.left_on, m.leave_reason) {
        (Some(on), Some(r)) => format!("已减少：{}（{}）", r.label(), day(on)),
        (Some(on), None) => format!("已减少（{}）", day(on)),
        _ => "在册".to_owned(),
    };
    if let Some(on) = m.arrived_on {
        standing.push_str(&format!("；{}转入本组织", day(on)));
    }
    let active = staff && m.left_on.is_none();
    let open_letter = transfers
        .iter()
        .any(|t| t.state.is_open() && t.member == m.key);
    let outflow_href = active.then(|| {
        if m.flow == FlowStatus::Settled {
            (format!("/members/{county}/{id}/outflow"), "外出登记")
        } else {
            ("/floating".to_owned(), "流动党员管理")
        }
    });
    render(&MemberPage {
        layout,
        m: m.into(),
        edit_href: staff.then(|| format!("/members/{county}/{id}/edit")),
        reveal_action: staff.then(|| format!("/members/{county}/{id}/resident-id")),
        dues_href: format!("/members/{county}/{id}/dues"),
        vanguard_href: format!("/members/{county}/{id}/vanguard"),
        checkup_href: format!("/members/{county}/{id}/checkup"),
        self_href: format!("/members/{county}/{id}/self-assessment"),
        correction_href: crate::routes::Who::Staff
            .admits(auth.role)
            .then(|| format!("/members/{county}/{id}/correction")),
        archive: items
            .iter()
            .map(|(item, on)| {
                (
                    item.label(),
                    on.map(|d| d.format("%Y年%m月%d日").to_string())
                        .unwrap_or_else(|| "未收到".into()),
                )
            })
            .collect(),
        completeness: if completeness.missing.is_empty() {
            format!("{}%", completeness.percent)
        } else {
            format!(
                "{}%（缺{}）",
                completeness.percent,
                completeness.missing.join("、")
            )
        },
        archive_action: staff.then(|| format!("/members/{county}/{id}/archive")),
        archive_items: choices::<liangxin_domain::kinds::ArchiveItem>(""),
        today: today.to_string(),
        standing,
        transfer_href: (active && !open_letter).then(|| format!("/members/{county}/{id}/transfer")),
        leave_href: (active && !open_letter).then(|| format!("/members/{county}/{id}/leave")),
        outflow_href,
        attendance: rate.describe(),
        transfers: transfers
            .iter()
            .map(|t| crate::lists::transfers::line(t, today))
            .collect(),
    })
}

/// `POST /members/{county}/{id}/archive`: record that an item reached the member's archive.
pub async fn record_archive(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    use axum::response::IntoResponse;
    let pairs = params::form_pairs(&body)?;
    let get = |k: &str| params::field(&pairs, k);
    auth.check_csrf(&get("_csrf"))?;
    let today = crate::today();
    let item = liangxin_domain::kinds::ArchiveItem::parse(&get("item"))
        .map_err(|e| WebError::bad_field("档案材料", e.to_string()))?;
    let received_on = params::form_date(&get("received_on"), today)
        .map_err(|m| WebError::bad_field("收到日期", m))?
        .ok_or_else(|| WebError::bad_field("收到日期", "必填"))?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    state
        .pool
        .run(move |store| {
            Ok(store.record_archive_item(
                &actor,
                &scope,
                today,
                Key { county, id },
                item,
                received_on,
            )?)
        })
        .await?;
    Ok(axum::response::Redirect::to(&format!("/members/{county}/{id}")).into_response())
}
