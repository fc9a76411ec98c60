//! `GET /members` and `GET /members/{county}/{id}`: members of the scope with their
//! resident ID masked; a member sees only themselves.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use liangxin_domain::registry::Key;
use liangxin_store::people::MemberView;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Export, Format, PAGE_ROWS};
use crate::params;
use crate::view::{Layout, query, render, thousands};

const PAGE_SIZE: i64 = 50;

#[derive(Debug)]
struct MemberRowView {
    href: String,
    name: String,
    sex: &'static str,
    masked: String,
    status: &'static str,
    joined: String,
    confirmed: String,
    party_org: String,
    workplace: String,
    flow: String,
}

impl From<MemberView> for MemberRowView {
    fn from(m: MemberView) -> Self {
        MemberRowView {
            href: format!("/members/{}/{}", m.key.county, m.key.id),
            sex: if m.sex == "male" { "男" } else { "女" },
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
            name: m.name,
        }
    }
}

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
}

#[derive(Debug, Default, Deserialize)]
pub struct MembersQuery {
    party_org: Option<String>,
    page: Option<String>,
}

fn parse_key(s: &str, field: &'static str) -> Result<Key, WebError> {
    let (c, i) = s
        .split_once('-')
        .ok_or_else(|| WebError::bad_field(field, "格式应为 县代码-编号"))?;
    match (c.parse(), i.parse()) {
        (Ok(county), Ok(id)) => Ok(Key { county, id }),
        _ => Err(WebError::bad_field(field, "格式应为 县代码-编号")),
    }
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<MembersQuery>,
) -> Result<Html<String>, WebError> {
    let party_org = q
        .party_org
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| parse_key(s, "党组织"))
        .transpose()?;
    let page = params::page(&q.page)?;
    let scope = auth.scope.clone();
    let (total, rows, po_name) = state
        .pool
        .run(move |store| {
            let po_name = match party_org {
                Some(k) => Some(
                    store
                        .party_org(&scope, k)?
                        .ok_or_else(WebError::not_found)?
                        .name,
                ),
                None => None,
            };
            let total = store.members_count(&scope, party_org)?;
            let rows = store.members_page(&scope, party_org, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
            Ok((total, rows, po_name))
        })
        .await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let po_param = q.party_org.clone().unwrap_or_default();
    let link = |p: i64| {
        format!(
            "/members{}",
            query(&[("party_org", po_param.clone()), ("page", p.to_string())])
        )
    };
    let layout = Layout::new(&state, &auth, "党员", "members").await?;
    render(&MembersPage {
        layout,
        heading: po_name
            .map(|n| format!("{n}的党员"))
            .unwrap_or_else(|| "党员".into()),
        total: thousands(u64::try_from(total).unwrap_or(0)),
        total_n: total,
        page,
        pages,
        rows: rows.into_iter().map(MemberRowView::from).collect(),
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        csv: format!("/members.csv{}", query(&[("party_org", po_param.clone())])),
        xlsx: format!("/members.xlsx{}", query(&[("party_org", po_param.clone())])),
    })
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

fn export_row(m: MemberView) -> Vec<String> {
    let v = MemberRowView::from(m);
    vec![
        v.name,
        v.sex.to_owned(),
        v.masked,
        v.status.to_owned(),
        v.joined,
        v.confirmed,
        v.party_org,
        v.workplace,
        v.flow,
    ]
}

pub(crate) async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: MembersQuery,
    format: Format,
) -> Result<Response, WebError> {
    let party_org = q
        .party_org
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| parse_key(s, "党组织"))
        .transpose()?;
    let scope = auth.scope.clone();
    let po_name = match party_org {
        Some(k) => {
            let scope = scope.clone();
            Some(
                state
                    .pool
                    .run(move |store| {
                        Ok(store
                            .party_org(&scope, k)?
                            .ok_or_else(WebError::not_found)?
                            .name)
                    })
                    .await?,
            )
        }
        None => None,
    };
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
    let page_size = i64::try_from(PAGE_ROWS).unwrap_or(i64::MAX);
    export::respond(&state, e, format, move |store, offset| {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        Ok(store
            .members_page(&scope, party_org, offset, page_size)?
            .into_iter()
            .map(export_row)
            .collect())
    })
    .await
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
    /// 党员档案: each checklist item and when it was received.
    archive: Vec<(&'static str, String)>,
    completeness: String,
    archive_action: Option<String>,
    archive_items: Vec<crate::view::Choice>,
    today: String,
    /// 在册, or when and why the record left; and the day received for one transferred in.
    standing: String,
    transfer_href: Option<String>,
    leave_href: Option<String>,
    /// 外出登记 for a member not away; the floating list for one who is.
    outflow_href: Option<(String, &'static str)>,
    transfers: Vec<crate::pages::transfers::Line>,
    /// 出勤率 over the last twelve months.
    attendance: String,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Html<String>, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (m, (items, completeness), (transfers, rate)) = state
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
            // The member's letters as this scope sees them (both records of a transfer).
            let transfers: Vec<_> = store
                .transfers(&scope, None)?
                .into_iter()
                .filter(|t| t.member == key || t.new_member == Some(key))
                .collect();
            Ok((m, archive, (transfers, rate)))
        })
        .await?;
    let layout = Layout::new(&state, &auth, &m.name, "members").await?;
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
        if m.flow == liangxin_domain::kinds::FlowStatus::Settled {
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
        archive_items: crate::view::choices::<liangxin_domain::kinds::ArchiveItem>(""),
        today: today.to_string(),
        standing,
        transfer_href: (active && !open_letter).then(|| format!("/members/{county}/{id}/transfer")),
        leave_href: (active && !open_letter).then(|| format!("/members/{county}/{id}/leave")),
        outflow_href,
        attendance: rate.describe(),
        transfers: transfers
            .iter()
            .map(|t| crate::pages::transfers::line(t, today))
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
