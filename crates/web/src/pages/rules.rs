//! 规则参数, for the 安全管理员 and the city's committee: `GET /rules` shows every parameter
//! with its versions, effective dates and sources, and which is in force today;
//! `POST /rules/versions` adds a version from a date (today or later). Nothing is
//! overwritten: the engines read the version in force on the day they judge. Rules are the
//! city's: only a city-level account adds versions (a county's would change its
//! neighbours' figures).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::params;
use crate::view::{Layout, render};

#[derive(Debug, Clone)]
struct Version {
    version: i32,
    value: i64,
    from: String,
    source: String,
    in_force: bool,
}

#[derive(Debug, Clone)]
struct Param {
    key: String,
    title: String,
    current: String,
    versions: Vec<Version>,
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    layout: Layout,
    params: Vec<Param>,
    may_add: bool,
    /// The algorithms the database keeps personal data and the audit chain with.
    crypto: &'static str,
    today: String,
    notice: Option<String>,
    error: Option<String>,
    /// The form's values after an error.
    form: (String, String, String, String),
}

/// Whether the account keeps the city's rules (not a county's account).
fn may_add(auth: &Auth) -> bool {
    auth.scope.region.is_some_and(|r| r % 100 == 0)
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    notice: Option<String>,
    error: Option<String>,
    form: (String, String, String, String),
) -> Result<Html<String>, WebError> {
    let set = state.pool.run(|store| Ok(store.rule_set()?)).await?;
    let today = crate::today();
    let mut params: Vec<Param> = Vec::new();
    for p in set.params() {
        if params.last().is_none_or(|last| last.key != p.key) {
            params.push(Param {
                key: p.key.clone(),
                title: p.title.clone(),
                current: "—".into(),
                versions: Vec::new(),
            });
        }
        if let Some(last) = params.last_mut() {
            last.versions.push(Version {
                version: p.version,
                value: p.value,
                from: p.effective_from.to_string(),
                source: p.source.clone(),
                in_force: false,
            });
        }
    }
    for param in &mut params {
        let in_force = param
            .versions
            .iter()
            .filter(|v| v.from <= today.to_string())
            .max_by_key(|v| (v.from.clone(), v.version))
            .map(|v| v.version);
        for v in &mut param.versions {
            v.in_force = Some(v.version) == in_force;
            if v.in_force {
                param.current = v.value.to_string();
            }
        }
    }
    let layout = Layout::new(state, auth, "规则参数", "rules").await?;
    let crypto = state
        .pool
        .run(|store| Ok(store.cipher().suite().label()))
        .await?;
    render(&RulesPage {
        crypto,
        layout,
        params,
        may_add: may_add(auth),
        today: today.to_string(),
        notice,
        error,
        form,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Html<String>, WebError> {
    page(&state, &auth, None, None, Default::default()).await
}

pub async fn add_version(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    if !may_add(&auth) {
        return Err(WebError::forbidden(
            "规则参数全市统一，只有市级的安全管理员或市两新工委可以增加版本",
        ));
    }
    let form = (
        params::field(&pairs, "key").trim().to_owned(),
        params::field(&pairs, "value").trim().to_owned(),
        params::field(&pairs, "effective_from").trim().to_owned(),
        params::field(&pairs, "source").trim().to_owned(),
    );
    let today = crate::today();
    let refuse = |message: String, form| async {
        let html = page(&state, &auth, None, Some(message), form).await?;
        Ok::<Response, WebError>((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    let value: i64 = match form.1.parse() {
        Ok(v) => v,
        Err(_) => return refuse("取值：应为整数".into(), form).await,
    };
    // A version may start on a later day (a record's date may not; this one may).
    let from = match chrono::NaiveDate::parse_from_str(&form.2, "%Y-%m-%d") {
        _ if form.2.is_empty() => return refuse("生效日期：必填".into(), form).await,
        Ok(d) => d,
        Err(_) => return refuse("生效日期：应为 年-月-日，如 2027-01-01".into(), form).await,
    };
    // 三员分立: the sign-in limits are the 安全管理员's alone, not a business account's.
    if form.0.starts_with("security.") && auth.role != liangxin_domain::kinds::Role::SecurityAdmin {
        return refuse("参数：安全设置只能由安全管理员调整".into(), form).await;
    }
    let (key, source) = (form.0.clone(), form.3.clone());
    let actor = format!("user:{}", auth.user.id);
    let added = state
        .pool
        .run(move |store| {
            let set = store.rule_set()?;
            match liangxin_domain::rule_versions::propose(&set, &key, value, from, &source, today) {
                Ok(param) => {
                    store.add_rule_version(&actor, &param)?;
                    Ok(Ok(param))
                }
                Err(e) => Ok(Err(format!("{}：{e}", e.field()))),
            }
        })
        .await?;
    match added {
        Ok(p) => Ok(page(
            &state,
            &auth,
            Some(format!(
                "已增加 {} 第{}版：{}，自{}起执行",
                p.key, p.version, p.value, p.effective_from
            )),
            None,
            Default::default(),
        )
        .await?
        .into_response()),
        Err(message) => refuse(message, form).await,
    }
}
