//! `GET /organizations/{county}/{id}/instructor` and `POST …`: a committee assigns a
//! 党建指导员 of the unit's county (工作覆盖 through 派员驻建).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::registry::{InstructorAssignment, Key};

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Choice, Layout, render};
use crate::{AppState, params};

#[derive(Template)]
#[template(path = "instructor_assign.html")]
struct AssignPage {
    layout: Layout,
    org: String,
    action: String,
    instructors: Vec<Choice>,
    since: String,
    error: Option<String>,
    error_instructor: Option<String>,
    error_since: Option<String>,
}

struct Typed {
    csrf: String,
    instructor: String,
    since: String,
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    org: Key,
    t: &Typed,
    errors: (Option<String>, Option<String>),
    error: Option<String>,
) -> Result<AssignPage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (name, instructors) = state
        .pool
        .run(move |store| {
            let row = store
                .organization(&scope, today, org)?
                .ok_or_else(WebError::not_found)?;
            Ok((row.name, store.instructors_in(org.county)?))
        })
        .await?;
    let layout = Layout::new(state, auth, "选派党建指导员", "organizations").await?;
    Ok(AssignPage {
        layout,
        action: format!("/organizations/{}/{}/instructor", org.county, org.id),
        org: name,
        instructors: instructors
            .into_iter()
            .map(|(k, n)| Choice {
                selected: t.instructor == k.id.to_string(),
                value: k.id.to_string(),
                label: n,
            })
            .collect(),
        since: if t.since.is_empty() {
            today.to_string()
        } else {
            t.since.clone()
        },
        error,
        error_instructor: errors.0,
        error_since: errors.1,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let t = Typed {
        csrf: String::new(),
        instructor: String::new(),
        since: String::new(),
    };
    Ok(
        render(&page(&state, &auth, Key { county, id }, &t, (None, None), None).await?)?
            .into_response(),
    )
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    let get = |k: &str| params::field(&pairs, k).trim().to_owned();
    let t = Typed {
        csrf: get("_csrf"),
        instructor: get("instructor"),
        since: get("since"),
    };
    auth.check_csrf(&t.csrf)?;
    let org = Key { county, id };
    let today = crate::today();
    let instructor = t
        .instructor
        .parse::<i64>()
        .ok()
        .map(|id| Key { county, id });
    let since = match params::form_date(&t.since, today) {
        Ok(Some(d)) => Ok(d),
        Ok(None) => Err("必填".to_owned()),
        Err(m) => Err(m),
    };
    let (Some(instructor), Ok(since)) = (instructor, since.clone()) else {
        let errors = (
            instructor.is_none().then(|| "请选择".to_owned()),
            since.err(),
        );
        let p = page(
            &state,
            &auth,
            org,
            &t,
            errors,
            Some("请改正标红的项目".into()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let a = InstructorAssignment {
        organization: org,
        instructor,
        since,
        until: None,
    };
    match state
        .pool
        .run(move |store| Ok(store.assign_instructor(&actor, &scope, a)?))
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/organizations/{county}/{id}")).into_response()),
        Err(e) if e.field == Some("党建指导员") => {
            let p = page(
                &state,
                &auth,
                org,
                &t,
                (Some(e.message.clone()), None),
                Some(e.message),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}
