//! `GET /party-orgs/{county}/{id}/edit` and `POST …/edit`: change a party organization of
//! the user's subtree: name, type, formation mode, committee and term, and the units it
//! covers (the ones covered now are ticked to keep; new ones are named by credit code). A
//! unit let go keeps its history, so past coverage still computes. Checked on the server;
//! errors stand beside their field.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::kinds::{FormationMode, PartyOrgType};
use liangxin_domain::registry::Key;
use liangxin_store::registry::PartyOrgChange;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Choice, Layout, render};
use crate::{AppState, params};

#[derive(Debug, Default)]
struct FieldErrors {
    name: Option<String>,
    org_type: Option<String>,
    formation_mode: Option<String>,
    term_started: Option<String>,
    covers: Option<String>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        [
            &self.name,
            &self.org_type,
            &self.formation_mode,
            &self.term_started,
            &self.covers,
        ]
        .iter()
        .any(|e| e.is_some())
    }
}

/// A unit covered now, with whether it stays ticked.
struct Unit {
    value: String,
    name: String,
    kept: bool,
}

#[derive(Template)]
#[template(path = "party_org_edit.html")]
struct EditPage {
    layout: Layout,
    action: String,
    back: String,
    error: Option<String>,
    errors: FieldErrors,
    /// The version of the record the form shows.
    version: String,
    /// The record changed after the form was opened: who changed what.
    conflict: Option<String>,
    name: String,
    types: Vec<Choice>,
    modes: Vec<Choice>,
    term_started: String,
    has_committee: bool,
    units: Vec<Unit>,
    add: String,
}

#[derive(Debug, Default, Clone)]
struct Typed {
    csrf: String,
    name: String,
    org_type: String,
    formation_mode: String,
    term_started: String,
    has_committee: bool,
    /// `county/id` of each covered unit left ticked.
    keep: Vec<String>,
    /// `county/id` of each covered unit the form listed, ticked or not.
    shown: Vec<String>,
    /// Credit codes of units to add, one per line.
    add: String,
    version: String,
}

fn parse_body(body: &[u8]) -> Result<Typed, WebError> {
    let mut t = Typed::default();
    for (k, v) in params::form_pairs(body)? {
        match k.as_str() {
            "_csrf" => t.csrf = v,
            "name" => t.name = v,
            "org_type" => t.org_type = v,
            "formation_mode" => t.formation_mode = v,
            "term_started" => t.term_started = v,
            "has_committee" => t.has_committee = v == "1",
            "keep" => t.keep.push(v),
            "shown" => t.shown.push(v),
            "add" => t.add = v,
            "version" => t.version = v,
            _ => {}
        }
    }
    Ok(t)
}

/// What is recorded now: the party organization and the units the user sees it cover.
struct Recorded {
    key: Key,
    typed: Typed,
    units: Vec<(Key, String)>,
}

async fn recorded(state: &Arc<AppState>, auth: &Auth, key: Key) -> Result<Recorded, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    state
        .pool
        .run(move |store| {
            let po = store
                .party_org(&scope, key)?
                .ok_or_else(WebError::not_found)?;
            let units = store.covered_units(&scope, today, key)?;
            let typed = Typed {
                name: po.name,
                org_type: po.org_type.code().into(),
                formation_mode: po
                    .formation_mode
                    .map(|m| m.code().to_owned())
                    .unwrap_or_default(),
                term_started: po.term_started.map(|d| d.to_string()).unwrap_or_default(),
                has_committee: po.has_committee,
                keep: units
                    .iter()
                    .map(|(k, _)| format!("{}/{}", k.county, k.id))
                    .collect(),
                version: po.version.to_string(),
                ..Typed::default()
            };
            Ok(Recorded {
                key: po.key,
                typed,
                units,
            })
        })
        .await
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    r: &Recorded,
    t: &Typed,
    errors: FieldErrors,
    error: Option<String>,
) -> Result<EditPage, WebError> {
    let layout = Layout::new(state, auth, "修改党组织信息", "party_orgs").await?;
    let (county, id) = (r.key.county, r.key.id);
    Ok(EditPage {
        layout,
        action: format!("/party-orgs/{county}/{id}/edit"),
        back: format!("/party-orgs/{county}/{id}"),
        error,
        errors,
        version: t.version.clone(),
        conflict: None,
        name: t.name.clone(),
        types: crate::view::choices::<PartyOrgType>(&t.org_type),
        modes: crate::view::choices::<FormationMode>(&t.formation_mode),
        term_started: t.term_started.clone(),
        has_committee: t.has_committee,
        units: r
            .units
            .iter()
            .map(|(k, name)| {
                let value = format!("{}/{}", k.county, k.id);
                Unit {
                    kept: t.keep.contains(&value),
                    value,
                    name: name.clone(),
                }
            })
            .collect(),
        add: t.add.clone(),
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let r = recorded(&state, &auth, Key { county, id }).await?;
    let p = page(&state, &auth, &r, &r.typed, FieldErrors::default(), None).await?;
    Ok(render(&p)?.into_response())
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let mut t = parse_body(&body)?;
    auth.check_csrf(&t.csrf)?;
    let seen = t
        .version
        .trim()
        .parse::<i64>()
        .map_err(|_| WebError::bad_field("版本", "表单缺少记录的版本，请重新打开修改页面"))?;
    let r = recorded(&state, &auth, Key { county, id }).await?;
    let today = crate::today();
    let mut e = FieldErrors::default();
    let name = t.name.trim().to_owned();
    match name.chars().count() {
        0 => e.name = Some("必填".into()),
        1 => e.name = Some("至少2个字".into()),
        n if n > 100 => e.name = Some("不能超过100个字".into()),
        _ => {}
    }
    let org_type = PartyOrgType::parse(&t.org_type)
        .map_err(|x| e.org_type = Some(x.to_string()))
        .ok();
    let mode = match t.formation_mode.trim() {
        "" => None,
        m => FormationMode::parse(m)
            .map_err(|x| e.formation_mode = Some(x.to_string()))
            .ok(),
    };
    let term_started = params::form_date(&t.term_started, today)
        .map_err(|m| e.term_started = Some(m))
        .ok()
        .flatten();
    // Ticked units must be among those covered now (a forged value is not a way in).
    let mut covers: Vec<Key> = Vec::new();
    for v in &t.keep {
        match r
            .units
            .iter()
            .find(|(k, _)| format!("{}/{}", k.county, k.id) == *v)
        {
            Some((k, _)) => covers.push(*k),
            None => return Err(WebError::bad_field("覆盖单位", "不是本组织现在覆盖的单位")),
        }
    }
    let codes: Vec<String> = t
        .add
        .lines()
        .map(|l| l.trim().to_uppercase())
        .filter(|l| !l.is_empty())
        .collect();
    if codes.len() > 200 {
        e.covers = Some("一次最多200个单位".into());
    } else if !codes.is_empty() {
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
        if unknown.is_empty() {
            covers.extend(found.into_iter().map(|(k, _)| k));
        } else {
            e.covers = Some(format!(
                "以下代码不存在或不在您的管理范围内：{}",
                unknown.join("、")
            ));
        }
    }
    let (Some(org_type), false) = (org_type, e.any()) else {
        let p = page(&state, &auth, &r, &t, e, Some("请改正标红的项目".into())).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    };
    let change = PartyOrgChange {
        name,
        org_type,
        formation_mode: mode,
        has_committee: t.has_committee,
        term_started,
        covers,
    };
    let (scope, key) = (auth.scope.clone(), r.key);
    let actor = format!("user:{}", auth.user.id);
    let saved = state
        .pool
        .run(move |store| Ok(store.update_party_org(&actor, &scope, today, key, change, seen)?))
        .await;
    match saved {
        Ok(()) => Ok(Redirect::to(&format!("/party-orgs/{county}/{id}")).into_response()),
        Err(err) if err.status == StatusCode::CONFLICT => {
            // The form again with what was typed, over the version and the units recorded
            // now, and what changed: saving once more is a decision taken knowing it.
            let r = recorded(&state, &auth, key).await?;
            t.version = r.typed.version.clone();
            // Units covered since the form was opened stay ticked: leaving them unticked
            // would let a second save undo the other person's change unseen.
            for (k, _) in &r.units {
                let value = format!("{}/{}", k.county, k.id);
                if !t.shown.contains(&value) && !t.keep.contains(&value) {
                    t.keep.push(value);
                }
            }
            let change = state
                .pool
                .run(move |store| {
                    crate::conflict::last_change(
                        store,
                        "party_org",
                        key.county,
                        key.id,
                        &[
                            ("name", "名称"),
                            ("org_type", "类型"),
                            ("formation_mode", "组建方式"),
                            ("has_committee", "设委员会"),
                            ("term_started", "本届任期开始"),
                            ("covers_added", "新增覆盖单位"),
                            ("covers_removed", "不再覆盖的单位"),
                        ],
                        |field, value| match field {
                            "org_type" => crate::conflict::coded::<PartyOrgType>(value),
                            "formation_mode" => crate::conflict::coded::<FormationMode>(value),
                            "has_committee" => value
                                .as_bool()
                                .map(|b| if b { "是" } else { "否" }.to_owned()),
                            "covers_added" | "covers_removed" => None,
                            _ => crate::conflict::plain(value),
                        },
                    )
                })
                .await?;
            let mut p = page(
                &state,
                &auth,
                &r,
                &t,
                FieldErrors::default(),
                Some(err.message),
            )
            .await?;
            p.conflict = Some(change);
            Ok((StatusCode::CONFLICT, render(&p)?).into_response())
        }
        Err(err) if err.field.is_some() => {
            let mut e = FieldErrors::default();
            match err.field {
                Some("本届任期开始") => e.term_started = Some(err.message.clone()),
                _ => e.covers = Some(err.message.clone()),
            }
            let p = page(&state, &auth, &r, &t, e, Some(err.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(err) => Err(err),
    }
}
