//! `/organizations/new` and `/organizations/{county}/{id}/edit` (GET shows, POST saves): a
//! committee registers a two-new organization in its region or changes one it sees (the
//! route table admits committees only; the store checks the scope). Every field is checked
//! on the server; errors stand next to their field in Chinese and the values are kept.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::credit_code::CreditCode;
use liangxin_domain::kinds::{OrgKind, SectorSet, SectorTag};
use liangxin_domain::registry::{Key, Organization};

use crate::auth::Auth;
use crate::error::WebError;
use crate::pages::organizations::county_choices;
use crate::view::{Choice, Layout, render};
use crate::{AppState, params};

#[derive(Debug, Default)]
struct FieldErrors {
    name: Option<String>,
    county: Option<String>,
    kind: Option<String>,
    credit_code: Option<String>,
    zone: Option<String>,
    employees: Option<String>,
    registered_on: Option<String>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        self.name.is_some()
            || self.county.is_some()
            || self.kind.is_some()
            || self.credit_code.is_some()
            || self.zone.is_some()
            || self.employees.is_some()
            || self.registered_on.is_some()
    }
}

#[derive(Template)]
#[template(path = "organization_form.html")]
struct FormPage {
    layout: Layout,
    /// Where the form posts.
    action: String,
    /// The organization being changed; none when registering.
    editing: Option<String>,
    /// The version of the record the form shows (editing only).
    version: String,
    /// The record changed after the form was opened: who changed what.
    conflict: Option<String>,
    error: Option<String>,
    errors: FieldErrors,
    name: String,
    credit_code: String,
    employees: String,
    registered_on: String,
    counties: Vec<Choice>,
    kinds: Vec<Choice>,
    zones: Vec<Choice>,
    sectors: Vec<Choice>,
}

/// What was typed, as typed.
#[derive(Debug, Default, Clone)]
struct Typed {
    csrf: String,
    name: String,
    county: String,
    kind: String,
    credit_code: String,
    zone: String,
    sectors: Vec<String>,
    employees: String,
    registered_on: String,
    version: String,
}

fn parse_body(body: &[u8]) -> Result<Typed, WebError> {
    let pairs = params::form_pairs(body)?;
    let mut t = Typed::default();
    for (k, v) in pairs {
        match k.as_str() {
            "_csrf" => t.csrf = v,
            "name" => t.name = v,
            "county" => t.county = v,
            "kind" => t.kind = v,
            "credit_code" => t.credit_code = v,
            "zone" => t.zone = v,
            "sector" => t.sectors.push(v),
            "employees" => t.employees = v,
            "registered_on" => t.registered_on = v,
            "version" => t.version = v,
            _ => {}
        }
    }
    Ok(t)
}

/// Registering a new organization, or changing the one with this key.
#[derive(Debug, Clone, Copy)]
enum Mode {
    New,
    Edit(Key),
}

impl Mode {
    fn action(self) -> String {
        match self {
            Mode::New => "/organizations/new".into(),
            Mode::Edit(k) => format!("/organizations/{}/{}/edit", k.county, k.id),
        }
    }
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    mode: Mode,
    t: &Typed,
    errors: FieldErrors,
    error: Option<String>,
) -> Result<FormPage, WebError> {
    let title = match mode {
        Mode::New => "登记两新组织",
        Mode::Edit(_) => "修改两新组织信息",
    };
    let layout = Layout::new(state, auth, title, "organizations").await?;
    let selected_county: Option<i32> = t.county.parse().ok();
    let mut counties = match mode {
        Mode::New => county_choices(state, auth, selected_county).await?,
        // The county is the distribution key of the organization's rows: it stays.
        Mode::Edit(k) => {
            let names = state.pool.run(|store| Ok(store.region_names()?)).await?;
            vec![Choice {
                value: k.county.to_string(),
                label: names.get(&k.county).cloned().unwrap_or_default(),
                selected: true,
            }]
        }
    };
    if counties.is_empty() {
        // A county or zone committee registers in its own county.
        // (A zone committee's county is its zone's.)
        let zone_county = match auth.scope.zone {
            Some(_) => {
                let scope = auth.scope.clone();
                state
                    .pool
                    .run(move |store| Ok(store.zones_of(&scope)?))
                    .await?
                    .first()
                    .map(|z| z.county)
            }
            None => None,
        };
        let own = auth.scope.county_range().map(|(lo, _)| lo).or(zone_county);
        let names = state.pool.run(|store| Ok(store.region_names()?)).await?;
        if let Some(c) = own {
            counties.push(Choice {
                value: c.to_string(),
                label: names.get(&c).cloned().unwrap_or_default(),
                selected: true,
            });
        }
    }
    let zone_scope = auth.scope.clone();
    let zones = state
        .pool
        .run(move |store| Ok(store.zones_in(&zone_scope)?))
        .await?;
    Ok(FormPage {
        layout,
        action: mode.action(),
        editing: match mode {
            Mode::New => None,
            Mode::Edit(k) => Some(format!("/organizations/{}/{}", k.county, k.id)),
        },
        version: t.version.clone(),
        conflict: None,
        error,
        errors,
        name: t.name.clone(),
        credit_code: t.credit_code.clone(),
        employees: t.employees.clone(),
        registered_on: t.registered_on.clone(),
        counties,
        kinds: crate::view::choices::<OrgKind>(&t.kind),
        zones: zones
            .into_iter()
            .map(|(id, name, _)| Choice {
                value: id.to_string(),
                label: name,
                selected: t.zone == id.to_string(),
            })
            .collect(),
        sectors: SectorTag::ALL
            .iter()
            .map(|s| Choice {
                value: s.code().into(),
                label: s.label().into(),
                selected: t.sectors.iter().any(|x| x == s.code()),
            })
            .collect(),
    })
}

pub async fn show_new(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Response, WebError> {
    let t = Typed::default();
    let p = page(&state, &auth, Mode::New, &t, FieldErrors::default(), None).await?;
    Ok(render(&p)?.into_response())
}

pub async fn submit_new(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    submit(state, auth, Mode::New, body).await
}

pub async fn show_edit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    // The values and the version the save will be checked against: the primary's.
    crate::pool::read_from_primary();
    let d = crate::lists::organizations::load(&state, &auth, key).await?;
    let t = Typed {
        csrf: String::new(),
        name: d.row.name,
        county: county.to_string(),
        kind: d.row.kind.code().into(),
        credit_code: d.row.credit_code.unwrap_or_default(),
        zone: d.facts.zone.map(|z| z.to_string()).unwrap_or_default(),
        sectors: d
            .facts
            .sectors
            .iter()
            .map(|s| s.code().to_owned())
            .collect(),
        employees: d.row.employees.map(|e| e.to_string()).unwrap_or_default(),
        registered_on: d
            .row
            .registered_on
            .map(|r| r.to_string())
            .unwrap_or_default(),
        version: d.row.version.to_string(),
    };
    let p = page(
        &state,
        &auth,
        Mode::Edit(key),
        &t,
        FieldErrors::default(),
        None,
    )
    .await?;
    Ok(render(&p)?.into_response())
}

pub async fn submit_edit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    submit(state, auth, Mode::Edit(Key { county, id }), body).await
}

async fn submit(
    state: Arc<AppState>,
    auth: Auth,
    mode: Mode,
    body: Bytes,
) -> Result<Response, WebError> {
    let mut t = parse_body(&body)?;
    if let Mode::Edit(k) = mode {
        t.county = k.county.to_string();
    }
    auth.check_csrf(&t.csrf)?;
    let seen =
        match mode {
            Mode::New => 0,
            Mode::Edit(_) => t.version.trim().parse::<i64>().map_err(|_| {
                WebError::bad_field("版本", "表单缺少记录的版本，请重新打开修改页面")
            })?,
        };
    let mut errors = FieldErrors::default();

    let name = t.name.trim().to_owned();
    match name.chars().count() {
        0 => errors.name = Some("必填".into()),
        1 => errors.name = Some("至少2个字".into()),
        n if n > 100 => errors.name = Some("不能超过100个字".into()),
        _ => {}
    }
    // The store checks the county against the scope (a zone's county included).
    let county = match t.county.trim().parse::<i32>() {
        Ok(c)
            if c % 100 != 0
                && (auth
                    .scope
                    .county_range()
                    .is_some_and(|(lo, hi)| (lo..=hi).contains(&c))
                    || auth.scope.zone.is_some()) =>
        {
            Some(c)
        }
        Ok(_) => {
            errors.county = Some("不在您的管理范围内".into());
            None
        }
        Err(_) => {
            errors.county = Some("请选择".into());
            None
        }
    };
    let kind = OrgKind::parse(&t.kind)
        .map_err(|e| errors.kind = Some(e.to_string()))
        .ok();
    let (credit_code, check_failed) = match t.credit_code.trim() {
        "" => (None, false),
        code => match CreditCode::parse(code) {
            Ok(p) => (Some(p.code), p.check_failed),
            Err(e) => {
                errors.credit_code = Some(e.to_string());
                (None, false)
            }
        },
    };
    let zone = match t.zone.trim() {
        "" => auth.scope.zone,
        z => match z.parse::<i64>() {
            Ok(z) if auth.scope.zone.is_none_or(|own| own == z) => Some(z),
            _ => {
                errors.zone = Some("不在您的管理范围内".into());
                None
            }
        },
    };
    let employees = match t.employees.trim() {
        "" => None,
        e => match e.parse::<i32>() {
            Ok(n) if (0..=1_000_000).contains(&n) => Some(n),
            _ => {
                errors.employees = Some("应为0到1000000之间的整数".into());
                None
            }
        },
    };
    let registered_on = params::form_date(&t.registered_on, crate::today())
        .map_err(|m| errors.registered_on = Some(m))
        .ok()
        .flatten();
    let mut sectors = SectorSet::EMPTY;
    for s in &t.sectors {
        match SectorTag::parse(s) {
            Ok(tag) => sectors = sectors.with(tag),
            Err(e) => return Err(WebError::bad_field("行业", e.to_string())),
        }
    }
    let (Some(county), Some(kind)) = (county, kind) else {
        let p = page(
            &state,
            &auth,
            mode,
            &t,
            errors,
            Some("请改正标红的项目".into()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    };
    if errors.any() {
        let p = page(
            &state,
            &auth,
            mode,
            &t,
            errors,
            Some("请改正标红的项目".into()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    }
    let org = Organization {
        key: match mode {
            Mode::New => Key { county, id: 0 },
            Mode::Edit(k) => k,
        },
        name,
        credit_code,
        credit_code_check_failed: check_failed,
        kind,
        sectors,
        town: None,
        zone,
        employees,
        registered_on,
    };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let saved = state
        .pool
        .run(move |store| match mode {
            Mode::New => Ok(store.insert_organization(&actor, &scope, org)?),
            Mode::Edit(k) => {
                store.update_organization(&actor, &scope, crate::today(), org, seen)?;
                Ok(k)
            }
        })
        .await;
    match saved {
        Ok(key) => {
            Ok(Redirect::to(&format!("/organizations/{}/{}", key.county, key.id)).into_response())
        }
        Err(e) if e.status == StatusCode::CONFLICT => {
            let Mode::Edit(key) = mode else {
                return Err(e);
            };
            // The form again with what was typed, now over the version that is stored, and
            // what changed: saving once more is a decision taken knowing it.
            let scope = auth.scope.clone();
            let (version, change) = state
                .pool
                .run(move |store| {
                    let row = store
                        .organization(&scope, crate::today(), key)?
                        .ok_or_else(WebError::not_found)?;
                    let change = crate::conflict::last_change(
                        store,
                        "organization",
                        key.county,
                        key.id,
                        &[
                            ("name", "单位名称"),
                            ("kind", "组织类别"),
                            ("credit_code", "统一社会信用代码"),
                            ("zone", "所在园区小镇"),
                            ("sectors", "行业"),
                            ("employees", "从业人员"),
                            ("registered_on", "成立日期"),
                        ],
                        |field, value| match field {
                            "kind" => crate::conflict::coded::<OrgKind>(value),
                            "zone" | "sectors" => None,
                            _ => crate::conflict::plain(value),
                        },
                    )?;
                    Ok((row.version, change))
                })
                .await?;
            t.version = version.to_string();
            let mut p = page(
                &state,
                &auth,
                mode,
                &t,
                FieldErrors::default(),
                Some(e.message),
            )
            .await?;
            p.conflict = Some(change);
            Ok((StatusCode::CONFLICT, render(&p)?).into_response())
        }
        Err(e) if e.field.is_some() => {
            let mut errors = FieldErrors::default();
            match e.field {
                Some("统一社会信用代码") => errors.credit_code = Some(e.message.clone()),
                Some("园区小镇") => errors.zone = Some(e.message.clone()),
                _ => errors.county = Some(e.message.clone()),
            }
            let p = page(&state, &auth, mode, &t, errors, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}
