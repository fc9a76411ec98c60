//! `/party-orgs/{county}/{id}/members/new` and `/members/{county}/{id}/edit` (GET shows,
//! POST saves): register a member in one of the user's party organizations, or correct a
//! member's record. The resident ID is parsed (GB 11643; an old 15-digit number is
//! converted with a warning) and is not edited afterwards; dates are checked against each
//! other and today (by the store as well, which alone holds the ID of a registered member);
//! the workplace is named by credit code. One transaction, audited, the ID encrypted.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::ethnicity::Ethnicity;
use liangxin_domain::kinds::{
    Coded, Education, FlowStatus, MemberStatus, Occupation, UnknownValue,
};
use liangxin_domain::registry::{Background, Key, Member, check_member_dates};
use liangxin_domain::resident_id::{ResidentId, ResidentIdWarning};
use liangxin_store::registry::MemberChange;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Choice, Layout, render};
use crate::{AppState, params};

#[derive(Debug, Default, Clone)]
struct Form {
    csrf: String,
    name: String,
    resident_id: String,
    status: String,
    joined_on: String,
    confirmed_on: String,
    workplace: String,
    phone: String,
    ethnicity: String,
    education: String,
    occupation: String,
    /// The version of the record the form shows (correcting only).
    version: String,
}

#[derive(Debug, Default)]
struct FieldErrors {
    name: Option<String>,
    resident_id: Option<String>,
    status: Option<String>,
    joined_on: Option<String>,
    confirmed_on: Option<String>,
    workplace: Option<String>,
    phone: Option<String>,
    ethnicity: Option<String>,
    education: Option<String>,
    occupation: Option<String>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        [
            &self.name,
            &self.resident_id,
            &self.status,
            &self.joined_on,
            &self.confirmed_on,
            &self.workplace,
            &self.phone,
            &self.ethnicity,
            &self.education,
            &self.occupation,
        ]
        .iter()
        .any(|e| e.is_some())
    }
}

#[derive(Template)]
#[template(path = "member_form.html")]
struct FormPage {
    layout: Layout,
    party_org: String,
    action: String,
    /// The member being corrected (their page, their masked ID); none when registering.
    editing: Option<(String, String)>,
    error: Option<String>,
    warning: Option<String>,
    errors: FieldErrors,
    /// The record changed after the form was opened: who changed what.
    conflict: Option<String>,
    f: Form,
    statuses: Vec<Choice>,
    ethnicities: Vec<Choice>,
    educations: Vec<Choice>,
    occupations: Vec<Choice>,
}

fn parse_body(body: &[u8]) -> Result<Form, WebError> {
    let pairs = params::form_pairs(body)?;
    let mut f = Form::default();
    for (k, v) in pairs {
        match k.as_str() {
            "_csrf" => f.csrf = v,
            "name" => f.name = v,
            "resident_id" => f.resident_id = v,
            "status" => f.status = v,
            "joined_on" => f.joined_on = v,
            "confirmed_on" => f.confirmed_on = v,
            "workplace" => f.workplace = v,
            "phone" => f.phone = v,
            "ethnicity" => f.ethnicity = v,
            "education" => f.education = v,
            "occupation" => f.occupation = v,
            "version" => f.version = v,
            _ => {}
        }
    }
    Ok(f)
}

/// Registering in a party organization, or correcting a member's record.
#[derive(Debug, Clone)]
enum Mode {
    New {
        party_org: Key,
        name: String,
    },
    Edit {
        member: Key,
        party_org: String,
        masked: String,
    },
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    mode: &Mode,
    f: Form,
    errors: FieldErrors,
    error: Option<String>,
    warning: Option<String>,
) -> Result<FormPage, WebError> {
    let (title, action, party_org, editing) = match mode {
        Mode::New { party_org, name } => (
            "登记党员",
            format!(
                "/party-orgs/{}/{}/members/new",
                party_org.county, party_org.id
            ),
            name.clone(),
            None,
        ),
        Mode::Edit {
            member,
            party_org,
            masked,
        } => (
            "修改党员信息",
            format!("/members/{}/{}/edit", member.county, member.id),
            party_org.clone(),
            Some((
                format!("/members/{}/{}", member.county, member.id),
                masked.clone(),
            )),
        ),
    };
    let layout = Layout::new(state, auth, title, "members").await?;
    Ok(FormPage {
        layout,
        action,
        party_org,
        editing,
        error,
        warning,
        errors,
        conflict: None,
        statuses: crate::view::choices::<MemberStatus>(&f.status),
        ethnicities: crate::view::choices::<Ethnicity>(&f.ethnicity),
        educations: crate::view::choices::<Education>(&f.education),
        occupations: crate::view::choices::<Occupation>(&f.occupation),
        f,
    })
}

pub async fn show_new(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let (party_org, name) =
        crate::pages::party_org::visible(&state, &auth, Key { county, id }).await?;
    let mode = Mode::New { party_org, name };
    let p = page(
        &state,
        &auth,
        &mode,
        Form::default(),
        FieldErrors::default(),
        None,
        None,
    )
    .await?;
    Ok(render(&p)?.into_response())
}

pub async fn submit_new(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let f = parse_body(&body)?;
    auth.check_csrf(&f.csrf)?;
    let (party_org, name) =
        crate::pages::party_org::visible(&state, &auth, Key { county, id }).await?;
    submit(state, auth, Mode::New { party_org, name }, f).await
}

async fn member(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
) -> Result<liangxin_store::people::MemberView, WebError> {
    let scope = auth.scope.clone();
    state
        .pool
        .run(move |store| Ok(store.member(&scope, key)?))
        .await?
        .ok_or_else(WebError::not_found)
}

fn edit_mode(m: &liangxin_store::people::MemberView) -> Mode {
    Mode::Edit {
        member: m.key,
        party_org: m.party_org_name.clone(),
        masked: m.resident_id_masked.clone(),
    }
}

pub async fn show_edit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let m = member(&state, &auth, Key { county, id }).await?;
    let f = Form {
        csrf: String::new(),
        name: m.name.clone(),
        resident_id: String::new(),
        status: m.status.code().into(),
        joined_on: m.joined_on.to_string(),
        confirmed_on: m.confirmed_on.map(|d| d.to_string()).unwrap_or_default(),
        workplace: m.workplace_credit_code.clone().unwrap_or_default(),
        phone: m.phone.clone().unwrap_or_default(),
        ethnicity: code_of(m.background.ethnicity),
        education: code_of(m.background.education),
        occupation: code_of(m.background.occupation),
        version: m.version.to_string(),
    };
    let p = page(
        &state,
        &auth,
        &edit_mode(&m),
        f,
        FieldErrors::default(),
        None,
        None,
    )
    .await?;
    Ok(render(&p)?.into_response())
}

fn code_of<T: Coded>(v: Option<T>) -> String {
    v.map(|v| v.code().to_owned()).unwrap_or_default()
}

/// An optional choice: none when left 未填, the field's message when not one of the list.
fn optional<T>(
    value: &str,
    parse: fn(&str) -> Result<T, UnknownValue>,
    slot: &mut Option<String>,
) -> Option<T> {
    match value.trim() {
        "" => None,
        v => parse(v).map_err(|x| *slot = Some(x.to_string())).ok(),
    }
}

pub async fn submit_edit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let f = parse_body(&body)?;
    auth.check_csrf(&f.csrf)?;
    let m = member(&state, &auth, Key { county, id }).await?;
    // A workplace outside the user's view is kept as it is when its code is unchanged.
    let kept_workplace = m
        .workplace
        .as_ref()
        .map(|w| w.0)
        .filter(|_| m.workplace_credit_code.as_deref() == Some(f.workplace.trim()));
    submit_with(state, auth, edit_mode(&m), f, kept_workplace).await
}

async fn submit(
    state: Arc<AppState>,
    auth: Auth,
    mode: Mode,
    f: Form,
) -> Result<Response, WebError> {
    submit_with(state, auth, mode, f, None).await
}

async fn submit_with(
    state: Arc<AppState>,
    auth: Auth,
    mode: Mode,
    f: Form,
    kept_workplace: Option<Key>,
) -> Result<Response, WebError> {
    let today = crate::today();
    let mut e = FieldErrors::default();
    let mut warning = None;
    let name = f.name.trim().to_owned();
    match name.chars().count() {
        0 => e.name = Some("必填".into()),
        1 => e.name = Some("至少2个字".into()),
        n if n > 50 => e.name = Some("不能超过50个字".into()),
        _ => {}
    }
    let editing = matches!(mode, Mode::Edit { .. });
    let resident_id = match ResidentId::parse(&f.resident_id) {
        _ if editing => None,
        Ok(p) => {
            if p.warnings.contains(&ResidentIdWarning::ConvertedFrom15) {
                warning = Some(format!("15位旧号码已转换为18位：{}", p.value.masked()));
            }
            Some(p.value)
        }
        Err(err) => {
            e.resident_id = Some(err.to_string());
            None
        }
    };
    let status = MemberStatus::parse(&f.status)
        .map_err(|x| e.status = Some(x.to_string()))
        .ok();
    let joined_on = match params::form_date(&f.joined_on, today) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            e.joined_on = Some("必填".into());
            None
        }
        Err(m) => {
            e.joined_on = Some(m);
            None
        }
    };
    let confirmed_on = params::form_date(&f.confirmed_on, today)
        .map_err(|m| e.confirmed_on = Some(m))
        .ok()
        .flatten();
    // The date rules are the domain's (党章): age at joining, the probation year, order.
    if let (Some(id), Some(status), Some(joined)) = (&resident_id, status, joined_on)
        && e.confirmed_on.is_none()
    {
        for (field, reason) in check_member_dates(id, status, joined, confirmed_on, today) {
            let slot = if field == "入党时间" {
                &mut e.joined_on
            } else {
                &mut e.confirmed_on
            };
            slot.get_or_insert_with(|| reason.to_owned());
        }
    }
    let phone = match f.phone.trim() {
        "" => None,
        p if p.len() == 11 && p.starts_with('1') && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.to_owned())
        }
        _ => {
            e.phone = Some("应为11位手机号码".into());
            None
        }
    };
    let background = Background {
        ethnicity: optional(&f.ethnicity, Ethnicity::parse, &mut e.ethnicity),
        education: optional(&f.education, Education::parse, &mut e.education),
        occupation: optional(&f.occupation, Occupation::parse, &mut e.occupation),
    };
    let workplace = match f.workplace.trim() {
        "" => None,
        _ if kept_workplace.is_some() => kept_workplace,
        code => {
            let scope = auth.scope.clone();
            let codes = vec![code.to_uppercase()];
            let found = state
                .pool
                .run(move |store| Ok(store.organizations_by_credit_code(&scope, today, &codes)?))
                .await?;
            match found.first() {
                Some((k, _)) => Some(*k),
                None => {
                    e.workplace = Some("该代码的单位不存在或不在您的管理范围内".into());
                    None
                }
            }
        }
    };
    let (Some(status), Some(joined_on), false) = (status, joined_on, e.any()) else {
        let p = page(
            &state,
            &auth,
            &mode,
            f,
            e,
            Some("请改正标红的项目".into()),
            warning,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let saved = match (&mode, resident_id) {
        (Mode::New { party_org, .. }, Some(resident_id)) => {
            let member = Member {
                key: Key {
                    county: party_org.county,
                    id: 0,
                },
                party_org_id: party_org.id,
                name,
                resident_id,
                status,
                joined_on,
                confirmed_on,
                workplace,
                flow: FlowStatus::Settled,
                flow_destination: None,
                phone,
                background,
            };
            state
                .pool
                .run(move |store| Ok(store.insert_member(&actor, &scope, today, member)?))
                .await
        }
        (Mode::Edit { member, .. }, _) => {
            let seen = f.version.trim().parse::<i64>().map_err(|_| {
                WebError::bad_field("版本", "表单缺少记录的版本，请重新打开修改页面")
            })?;
            let (key, change) = (
                *member,
                MemberChange {
                    name,
                    status,
                    joined_on,
                    confirmed_on,
                    workplace,
                    phone,
                    background,
                },
            );
            state
                .pool
                .run(move |store| {
                    store.update_member(&actor, &scope, today, key, change, seen)?;
                    Ok(key)
                })
                .await
        }
        (Mode::New { .. }, None) => {
            // The ID failed to parse: its message already stands next to the field.
            let p = page(
                &state,
                &auth,
                &mode,
                f,
                e,
                Some("请改正标红的项目".into()),
                warning,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
        }
    };
    match saved {
        Ok(key) => Ok(
            Redirect::to(&format!("/members/{}/{}?saved=member", key.county, key.id))
                .into_response(),
        ),
        Err(err) if err.status == StatusCode::CONFLICT => {
            let Mode::Edit { member: key, .. } = mode else {
                return Err(err);
            };
            // The form again with what was typed, now over the version that is stored, and
            // what changed: saving once more is a decision taken knowing it.
            let m = member(&state, &auth, key).await?;
            let change = state
                .pool
                .run(move |store| {
                    crate::conflict::last_change(
                        store,
                        "member",
                        key.county,
                        key.id,
                        &[
                            ("name", "姓名"),
                            ("status", "党员类别"),
                            ("joined_on", "入党时间"),
                            ("confirmed_on", "转正时间"),
                            ("workplace", "工作单位"),
                            ("party_org", "所在党组织"),
                            ("flow", "流动情况"),
                            ("ethnicity", "民族"),
                            ("education", "学历"),
                            ("occupation", "职业"),
                            ("phone", "联系电话"),
                        ],
                        |field, value| match field {
                            "status" => crate::conflict::coded::<MemberStatus>(value),
                            "flow" => crate::conflict::coded::<FlowStatus>(value),
                            "ethnicity" => crate::conflict::coded::<Ethnicity>(value),
                            "education" => crate::conflict::coded::<Education>(value),
                            "occupation" => crate::conflict::coded::<Occupation>(value),
                            "workplace" | "party_org" => None,
                            _ => crate::conflict::plain(value),
                        },
                    )
                })
                .await?;
            let f = Form {
                version: m.version.to_string(),
                ..f
            };
            let mut p = page(
                &state,
                &auth,
                &edit_mode(&m),
                f,
                FieldErrors::default(),
                Some(err.message),
                warning,
            )
            .await?;
            p.conflict = Some(change);
            Ok((StatusCode::CONFLICT, render(&p)?).into_response())
        }
        Err(err) if err.field.is_some() => {
            let mut e = FieldErrors::default();
            let slot = match err.field {
                Some("身份证号") => &mut e.resident_id,
                Some("入党时间") => &mut e.joined_on,
                Some("转正时间") => &mut e.confirmed_on,
                Some("工作单位") => &mut e.workplace,
                _ => &mut e.name,
            };
            *slot = Some(err.message.clone());
            let p = page(&state, &auth, &mode, f, e, Some(err.message), warning).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(err) => Err(err),
    }
}
