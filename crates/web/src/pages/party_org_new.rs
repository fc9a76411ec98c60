//! `GET /party-orgs/{county}/{id}/new` and `POST …/new`: set up a party organization under
//! one of the user's own, with its formation mode, term and the units it covers (named by
//! credit code). Checked on the server; errors stand beside their field.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::kinds::{FormationMode, PartyOrgType};
use liangxin_domain::registry::{Key, PartyOrg};

use crate::auth::Auth;
use crate::error::WebError;
use crate::pages::organizations::county_choices;
use crate::view::{Choice, Layout, render};
use crate::{AppState, params};

#[derive(Debug, Default)]
struct FieldErrors {
    name: Option<String>,
    county: Option<String>,
    org_type: Option<String>,
    formation_mode: Option<String>,
    term_started: Option<String>,
    covers: Option<String>,
}

#[derive(Template)]
#[template(path = "party_org_new.html")]
struct NewPage {
    layout: Layout,
    parent: String,
    action: String,
    error: Option<String>,
    errors: FieldErrors,
    name: String,
    counties: Vec<Choice>,
    types: Vec<Choice>,
    modes: Vec<Choice>,
    term_started: String,
    has_committee: bool,
    covers: String,
}

#[derive(Debug, Default, Clone)]
struct Typed {
    csrf: String,
    name: String,
    county: String,
    org_type: String,
    formation_mode: String,
    term_started: String,
    has_committee: bool,
    covers: String,
}

fn parse_body(body: &[u8]) -> Result<Typed, WebError> {
    let pairs = params::form_pairs(body)?;
    let mut t = Typed::default();
    for (k, v) in pairs {
        match k.as_str() {
            "_csrf" => t.csrf = v,
            "name" => t.name = v,
            "county" => t.county = v,
            "org_type" => t.org_type = v,
            "formation_mode" => t.formation_mode = v,
            "term_started" => t.term_started = v,
            "has_committee" => t.has_committee = v == "1",
            "covers" => t.covers = v,
            _ => {}
        }
    }
    Ok(t)
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    parent: (Key, String),
    t: &Typed,
    errors: FieldErrors,
    error: Option<String>,
) -> Result<NewPage, WebError> {
    let layout = Layout::new(state, auth, "建立党组织", "party_orgs").await?;
    // Under a city-level node the county is chosen; otherwise it is the parent's.
    let counties = if parent.0.county % 100 == 0 {
        county_choices(state, auth, t.county.parse().ok()).await?
    } else {
        Vec::new()
    };
    Ok(NewPage {
        layout,
        action: format!("/party-orgs/{}/{}/new", parent.0.county, parent.0.id),
        parent: parent.1,
        error,
        errors,
        name: t.name.clone(),
        counties,
        types: crate::view::choices::<PartyOrgType>(&t.org_type),
        modes: crate::view::choices::<FormationMode>(&t.formation_mode),
        term_started: t.term_started.clone(),
        has_committee: t.has_committee,
        covers: t.covers.clone(),
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let parent = crate::pages::party_org::visible(&state, &auth, Key { county, id }).await?;
    Ok(render(
        &page(
            &state,
            &auth,
            parent,
            &Typed::default(),
            FieldErrors::default(),
            None,
        )
        .await?,
    )?
    .into_response())
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let t = parse_body(&body)?;
    auth.check_csrf(&t.csrf)?;
    let parent = crate::pages::party_org::visible(&state, &auth, Key { county, id }).await?;
    let today = crate::today();
    let mut e = FieldErrors::default();
    let name = t.name.trim().to_owned();
    match name.chars().count() {
        0 => e.name = Some("必填".into()),
        1 => e.name = Some("至少2个字".into()),
        n if n > 100 => e.name = Some("不能超过100个字".into()),
        _ => {}
    }
    let own_county = if parent.0.county % 100 == 0 {
        match t.county.trim().parse::<i32>() {
            Ok(c) if c % 100 != 0 => Some(c),
            _ => {
                e.county = Some("请选择".into());
                None
            }
        }
    } else {
        Some(parent.0.county)
    };
    let org_type = PartyOrgType::parse(&t.org_type)
        .map_err(|x| e.org_type = Some(x.to_string()))
        .ok();
    let mode = FormationMode::parse(&t.formation_mode)
        .map_err(|x| e.formation_mode = Some(x.to_string()))
        .ok();
    let term_started = params::form_date(&t.term_started, today)
        .map_err(|m| e.term_started = Some(m))
        .ok()
        .flatten();
    let codes: Vec<String> = t
        .covers
        .lines()
        .map(|l| l.trim().to_uppercase())
        .filter(|l| !l.is_empty())
        .collect();
    if codes.len() > 200 {
        e.covers = Some("一次最多200个单位".into());
    }
    let scope = auth.scope.clone();
    let lookup = codes.clone();
    let found = state
        .pool
        .run(move |store| Ok(store.organizations_by_credit_code(&scope, today, &lookup)?))
        .await?;
    let unknown: Vec<&str> = codes
        .iter()
        .filter(|c| !found.iter().any(|(_, f)| f == *c))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        e.covers = Some(format!(
            "以下代码不存在或不在您的管理范围内：{}",
            unknown.join("、")
        ));
    }
    let any = e.name.is_some()
        || e.county.is_some()
        || e.org_type.is_some()
        || e.formation_mode.is_some()
        || e.term_started.is_some()
        || e.covers.is_some();
    let (Some(county), Some(org_type), Some(mode), false) = (own_county, org_type, mode, any)
    else {
        let p = page(
            &state,
            &auth,
            parent,
            &t,
            e,
            Some("请改正标红的项目".into()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    };
    let po = PartyOrg {
        key: Key { county, id: 0 },
        parent: Some(parent.0),
        name,
        org_type,
        formation_mode: Some(mode),
        zone: None,
        has_committee: t.has_committee,
        term_started,
    };
    let covers: Vec<Key> = found.into_iter().map(|(k, _)| k).collect();
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let key = state
        .pool
        .run(move |store| Ok(store.insert_party_org(&actor, &scope, po, &covers, today)?))
        .await?;
    Ok(Redirect::to(&format!("/party-orgs/{}/{}", key.county, key.id)).into_response())
}
