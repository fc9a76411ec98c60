//! 党群服务中心 on pages.
//!
//! - `GET /centers`: the centers of the scope's zones with what the records say of each
//!   (服务的两新组织和流动党员, the last three months' activities and participants, 实体化运行
//!   by the rule), the form to register one; the scope's own bookings and the form to book
//!   a center of its county.
//! - `GET /centers/{county}/{id}`: one center, its activities by the scope's organizations,
//!   the form to close it.
//! - `POST /centers`, `/centers/{county}/{id}/close`, `/centers/bookings`,
//!   `/centers/bookings/{county}/{id}/cancel`.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use liangxin_domain::registry::Key;
use liangxin_store::centers::{Booking, CenterFacts, NewCenter};

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Layout, SavedQuery, cn_day, render};
use crate::{AppState, params};

/// A center as its line shows it.
struct CenterLine {
    href: String,
    zone: String,
    name: String,
    address: String,
    area_m2: i32,
    hours: String,
    staff: String,
    units: u32,
    floating: u32,
    activities: u32,
    participants: u32,
    booked_ahead: u32,
    /// 实体化运行, 运行不足 or 已停用.
    state: &'static str,
    running: bool,
}

fn center_line(f: &CenterFacts) -> CenterLine {
    let c = &f.center;
    CenterLine {
        href: format!("/centers/{}/{}", c.key.county, c.key.id),
        zone: c.zone_name.clone(),
        name: c.name.clone(),
        address: c.address.clone(),
        area_m2: c.area_m2,
        hours: format!("{}（每周{}天）", c.opening_hours, c.open_days_per_week),
        staff: format!("专职{}名、兼职{}名", c.staff_full_time, c.staff_part_time),
        units: f.units,
        floating: f.floating,
        activities: f.activities,
        participants: f.participants,
        booked_ahead: f.booked_ahead,
        state: if c.closed_on.is_some() {
            "已停用"
        } else if f.running {
            "实体化运行"
        } else {
            "运行不足"
        },
        running: f.running,
    }
}

struct BookingLine {
    code: String,
    center: String,
    party_org: String,
    day: String,
    purpose: String,
    /// 已取消, the meeting held (its topic and who was present), 待开展 or 未开展.
    state: String,
    cancellable: bool,
}

fn booking_line(b: &Booking, today: NaiveDate) -> BookingLine {
    BookingLine {
        code: format!("{}/{}", b.key.county, b.key.id),
        center: b.center_name.clone(),
        party_org: b.party_org_name.clone(),
        day: cn_day(b.booked_for),
        purpose: b.purpose.clone(),
        state: match (&b.cancelled_on, &b.held) {
            (Some(d), _) => format!("{}取消", cn_day(*d)),
            (None, Some((_, topic, n))) => format!("已开展：{topic}（出席{n}人）"),
            (None, None) if b.booked_for >= today => "待开展".into(),
            (None, None) => "未记录活动".into(),
        },
        cancellable: b.cancelled_on.is_none() && b.booked_for >= today,
    }
}

#[derive(Template)]
#[template(path = "centers.html")]
struct CentersPage {
    layout: Layout,
    centers: Vec<CenterLine>,
    /// Zones of the scope without an open center: (id, name), for the register form.
    zones: Vec<(i64, String)>,
    /// The centers the scope's organization may book: (code, name).
    bookable: Vec<(String, String)>,
    bookings: Vec<BookingLine>,
    window: String,
    rule: String,
    today: String,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl CentersPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

fn window_text(from: NaiveDate, to: NaiveDate) -> String {
    format!("{}至{}", cn_day(from), cn_day(to))
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<CentersPage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (from, to) = liangxin_domain::center::CenterRules::window(today);
    let facts = crate::report::centers(state, &auth.scope).await?;
    let (zones, bookable, bookings, rules) = state
        .pool
        .run(move |store| {
            let rules = liangxin_domain::center::CenterRules::resolve(&store.rule_set()?, today)
                .map_err(|e| liangxin_store::StoreError::Corrupt(e.to_string()))?;
            Ok((
                store.zones_of(&scope)?,
                store.bookable_centers(&scope)?,
                store.bookings(&scope, today, None)?,
                rules,
            ))
        })
        .await?;
    let open: Vec<i64> = facts
        .iter()
        .filter(|f| f.center.closed_on.is_none())
        .map(|f| f.center.zone)
        .collect();
    Ok(CentersPage {
        layout: Layout::new(state, auth, "党群服务中心", "centers").await?,
        centers: facts.iter().map(center_line).collect(),
        zones: zones
            .into_iter()
            .filter(|z| !open.contains(&z.id))
            .map(|z| (z.id, z.name))
            .collect(),
        bookable: bookable
            .iter()
            .map(|c| {
                (
                    format!("{}-{}", c.key.county, c.key.id),
                    format!("{}（{}）", c.name, c.zone_name),
                )
            })
            .collect(),
        bookings: bookings.iter().map(|b| booking_line(b, today)).collect(),
        window: window_text(from, to),
        rule: format!(
            "{}：每月{}次（{}第{}版）",
            rules.rule.title, rules.min_activities_per_month, rules.rule.key, rules.rule.version
        ),
        today: today.to_string(),
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, Vec::new(), None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

fn number(pairs: &[(String, String)], name: &str, field: &'static str) -> Result<i32, WebError> {
    params::field(pairs, name)
        .trim()
        .parse()
        .map_err(|_| WebError::bad_field(field, "应为整数"))
}

/// One action of the list page: the form parsed, the store called, back to the page (or
/// the page again with the field's message).
async fn act<F>(
    state: Arc<AppState>,
    auth: Auth,
    body: Bytes,
    saved: &'static str,
    parse: F,
) -> Result<Response, WebError>
where
    F: FnOnce(&[(String, String)], NaiveDate) -> Result<crate::view::StoreCall, WebError>,
{
    crate::view::form_post(
        &state,
        &auth,
        &body,
        format!("/centers?saved={saved}"),
        parse,
        |pairs, message| page(&state, &auth, pairs, Some(message)),
    )
    .await
}

/// `POST /centers`: `zone`, `name`, `address`, `area_m2`, `opening_hours`,
/// `open_days_per_week`, `staff_full_time`, `staff_part_time`, `opened_on`.
pub async fn register(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, body, "center", |pairs, today| {
        let c = NewCenter {
            zone: params::field(pairs, "zone")
                .trim()
                .parse()
                .map_err(|_| WebError::bad_field("所在小镇园区", "请选择"))?,
            name: params::field(pairs, "name"),
            address: params::field(pairs, "address"),
            area_m2: number(pairs, "area_m2", "面积（平方米）")?,
            opening_hours: params::field(pairs, "opening_hours"),
            open_days_per_week: number(pairs, "open_days_per_week", "每周开放天数")?,
            staff_full_time: number(pairs, "staff_full_time", "专职工作人员")?,
            staff_part_time: number(pairs, "staff_part_time", "兼职工作人员")?,
            opened_on: params::form_date(&params::field(pairs, "opened_on"), today)
                .map_err(|m| WebError::bad_field("启用日期", m))?
                .ok_or_else(|| WebError::bad_field("启用日期", "必填"))?,
        };
        Ok(Box::new(move |store, actor, scope| {
            store.register_center(actor, scope, today, &c)?;
            Ok(())
        }))
    })
    .await
}

/// `POST /centers/bookings`: `center` (330825-3), `booked_for`, `purpose`.
pub async fn book(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, body, "center_booked", |pairs, today| {
        let center = params::party_org(&Some(params::field(pairs, "center")))
            .ok()
            .flatten()
            .ok_or_else(|| WebError::bad_field("党群服务中心", "请选择"))?;
        let day = params::deadline("预约日期", &params::field(pairs, "booked_for"))?;
        let purpose = params::field(pairs, "purpose");
        Ok(Box::new(move |store, actor, scope| {
            store.book_center(actor, scope, today, center, day, &purpose)?;
            Ok(())
        }))
    })
    .await
}

/// `POST /centers/bookings/{county}/{id}/cancel`.
pub async fn cancel(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, body, "center_cancelled", move |_, today| {
        Ok(Box::new(move |store, actor, scope| {
            store.cancel_booking(actor, scope, today, Key { county, id })?;
            Ok(())
        }))
    })
    .await
}

#[derive(Template)]
#[template(path = "center.html")]
struct CenterPage {
    layout: Layout,
    base: String,
    c: CenterLine,
    opened: String,
    closed: Option<String>,
    window: String,
    min_per_month: u32,
    held: Vec<BookingLine>,
    today: String,
    error: Option<String>,
}

async fn center_page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    error: Option<String>,
) -> Result<CenterPage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (from, to) = liangxin_domain::center::CenterRules::window(today);
    let all = crate::report::centers(state, &auth.scope).await?;
    let f = all
        .iter()
        .find(|f| f.center.key == key)
        .ok_or_else(WebError::not_found)?;
    let bookings = state
        .pool
        .run(move |store| Ok(store.bookings(&scope, from, Some(key))?))
        .await?;
    Ok(CenterPage {
        layout: Layout::new(state, auth, &f.center.name, "centers").await?,
        base: format!("/centers/{}/{}", key.county, key.id),
        opened: cn_day(f.center.opened_on),
        closed: f.center.closed_on.map(cn_day),
        window: window_text(from, to),
        min_per_month: f.min_per_month,
        held: bookings
            .iter()
            .filter(|b| b.center == key)
            .map(|b| booking_line(b, today))
            .collect(),
        c: center_line(f),
        today: today.to_string(),
        error,
    })
}

pub async fn show_one(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = center_page(&state, &auth, Key { county, id }, None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

/// `POST /centers/{county}/{id}/close`: `closed_on` (blank: today).
pub async fn close(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let today = crate::today();
    let done = match params::form_date(&params::field(&pairs, "closed_on"), today) {
        Ok(on) => {
            let on = on.unwrap_or(today);
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| {
                    store.close_center(&actor, &scope, today, key, on)?;
                    Ok(())
                })
                .await
        }
        Err(m) => Err(WebError::bad_field("停用日期", m)),
    };
    crate::view::after_post(
        done,
        format!("/centers/{county}/{id}?saved=center_closed"),
        |message| center_page(&state, &auth, key, Some(message)),
    )
    .await
}
