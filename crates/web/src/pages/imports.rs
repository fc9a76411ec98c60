//! 导入导出. `GET /imports` uploads a spreadsheet and lists the uploads and the imports
//! made in the scope; `POST /imports` takes a file (a plain form, no script) and checks it
//! in the background; `GET /imports/uploads/{id}` shows the check's progress, then its
//! preview (counts, every problem, what would be written), and commits or discards it;
//! `GET|POST /imports/{id}/undo` takes a committed import back, once asked.

use std::fmt::Write as _;
use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_docs::sheet::MAX_BYTES;
use liangxin_docs::xlsx::TemplateColumn;
use liangxin_store::import::ImportRecord;
use liangxin_store::uploads::{KINDS, Preview, PreviewProblem, PreviewRow, Upload};

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::csv_cell;
use crate::view::{Layout, render, thousands};
use crate::{AppState, import_jobs, multipart, params};

/// Problems listed on the page; all of them are in the CSV.
const PROBLEMS_SHOWN: usize = 1_000;

/// The largest upload body: the file and the form around it.
pub const UPLOAD_LIMIT: usize = MAX_BYTES + 64 * 1024;

fn state_label(u: &Upload) -> (&'static str, &'static str) {
    if u.interrupted {
        return ("已中断", "warn");
    }
    match u.state.as_str() {
        "checking" => ("校验中", ""),
        "checked" => match &u.preview {
            Some(p) if p.errors > 0 => ("有错误", "bad"),
            _ => ("待确认", "warn"),
        },
        "failed" => ("无法导入", "bad"),
        "committing" => ("导入中", ""),
        "committed" => ("已导入", "ok"),
        "discarded" => ("已放弃", ""),
        _ => ("已过期", ""),
    }
}

/// The sheets of each kind, as the upload form names them.
const SHEETS: &[(&str, &str)] = &[
    ("members", "党员名册"),
    ("organizations", "两新组织名录"),
    ("party_orgs", "党组织名册"),
    ("assignments", "党建指导员选派表"),
    ("payments", "党费缴纳记录"),
    ("meetings", "组织生活出席记录"),
    ("zones", "园区小镇名录"),
    ("posts", "委员会成员名单"),
];

fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("其他", |(_, l)| l)
}

fn when(t: chrono::NaiveDateTime) -> String {
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

struct UploadLine {
    href: String,
    file: String,
    kind: &'static str,
    at: String,
    state: &'static str,
    class: &'static str,
    summary: String,
}

struct ImportLine {
    id: i64,
    file: String,
    kind: &'static str,
    at: String,
    actor: String,
    rows: String,
    undone: Option<String>,
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ListPage {
    layout: Layout,
    error: Option<String>,
    /// The kinds this role may import: value and the sheet's name.
    kinds: Vec<(&'static str, &'static str)>,
    uploads: Vec<UploadLine>,
    imports: Vec<ImportLine>,
    limit_mb: usize,
}

fn summary(u: &Upload) -> String {
    match (&u.preview, u.state.as_str()) {
        (_, "checking") if u.total_rows > 0 => format!(
            "已读{}/{}行",
            thousands(u64::try_from(u.done_rows).unwrap_or(0)),
            thousands(u64::try_from(u.total_rows).unwrap_or(0))
        ),
        (_, "failed") => u.message.clone().unwrap_or_default(),
        (Some(p), _) => format!(
            "读取{}行，新增{}，更新{}，跳过{}，错误{}个",
            thousands(p.rows_read as u64),
            thousands(p.create as u64),
            thousands(p.update as u64),
            thousands(p.skip as u64),
            thousands(p.errors as u64)
        ),
        _ => String::new(),
    }
}

async fn list_page(
    state: &Arc<AppState>,
    auth: &Auth,
    error: Option<String>,
) -> Result<ListPage, WebError> {
    let scope = auth.scope.clone();
    let (uploads, imports): (Vec<Upload>, Vec<ImportRecord>) = state
        .pool
        .run(move |store| Ok((store.uploads(&scope, 30)?, store.imports(&scope)?)))
        .await?;
    let layout = Layout::new(state, auth, "导入导出", "imports").await?;
    Ok(ListPage {
        layout,
        error,
        kinds: SHEETS
            .iter()
            .copied()
            .filter(|(k, _)| crate::routes::require_import_right(auth.role, k).is_ok())
            .collect(),
        uploads: uploads
            .iter()
            .filter(|u| u.state != "committed")
            .map(|u| {
                let (state, class) = state_label(u);
                UploadLine {
                    href: format!("/imports/uploads/{}", u.id),
                    file: u.file_name.clone(),
                    kind: kind_label(&u.kind),
                    at: when(u.uploaded_at),
                    state,
                    class,
                    summary: summary(u),
                }
            })
            .collect(),
        imports: imports
            .into_iter()
            .take(100)
            .map(|i| ImportLine {
                id: i.id,
                kind: kind_label(&i.kind),
                at: when(i.imported_at),
                rows: format!(
                    "读取{}行，新增{}，跳过{}",
                    i.rows_read, i.created, i.skipped
                ),
                undone: i.undone_at.map(when),
                actor: i.actor_name,
                file: i.file_name,
            })
            .collect(),
        limit_mb: MAX_BYTES / 1024 / 1024,
    })
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Response, WebError> {
    Ok(render(&list_page(&state, &auth, None).await?)?.into_response())
}

/// `POST /imports`: a `multipart/form-data` form with `_csrf`, `kind` and `file`.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(boundary) = multipart::boundary(content_type) else {
        // Not a file form: its token is checked all the same, then it is refused.
        let csrf = params::form_pairs(&body)?
            .into_iter()
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v)
            .unwrap_or_default();
        auth.check_csrf(&csrf)?;
        return refuse(
            &state,
            &auth,
            WebError::bad_field("文件", "请选择要上传的文件"),
        )
        .await;
    };
    let parts = multipart::parts(&body, &boundary)?;
    let field = |name: &str| parts.iter().find(|p| p.name == name);
    auth.check_csrf(
        &field("_csrf")
            .map(multipart::Part::text)
            .unwrap_or_default(),
    )?;
    let kind = field("kind").map_or_else(|| "members".to_owned(), multipart::Part::text);
    let Some(file) = field("file").filter(|f| !f.body.is_empty()) else {
        return refuse(
            &state,
            &auth,
            WebError::bad_field("文件", "请选择要上传的文件"),
        )
        .await;
    };
    let file_name = file.file_name.clone().unwrap_or_default();
    let bytes = file.body.to_vec();
    drop(parts);
    let id = import_jobs::stage(&state, &auth, &kind, &file_name, bytes).await;
    match id {
        Ok(id) => Ok(Redirect::to(&format!("/imports/uploads/{id}")).into_response()),
        Err(e) if e.field.is_some() || e.status == StatusCode::FORBIDDEN => {
            refuse(&state, &auth, e).await
        }
        Err(e) => Err(e),
    }
}

async fn refuse(state: &Arc<AppState>, auth: &Auth, e: WebError) -> Result<Response, WebError> {
    let status = e.status;
    let p = list_page(state, auth, Some(e.message)).await?;
    Ok((status, render(&p)?).into_response())
}

struct ProblemLine {
    row: usize,
    column: String,
    value: String,
    reason: String,
    error: bool,
}

#[derive(Template)]
#[template(path = "import_upload.html")]
struct UploadPage {
    layout: Layout,
    u: Upload,
    p: Preview,
    state: &'static str,
    class: &'static str,
    working: bool,
    can_commit: bool,
    can_discard: bool,
    percent: u64,
    done: String,
    total: String,
    problems: Vec<ProblemLine>,
    more_problems: usize,
    sample: Vec<PreviewRow>,
    skipped: Vec<(usize, String)>,
    more_skipped: usize,
    counter: &'static str,
    noun: &'static str,
    identifier: &'static str,
    update_note: &'static str,
    name_label: &'static str,
}

/// How the pages speak of a kind's records.
struct KindWords {
    /// 名, 个, 次.
    counter: &'static str,
    noun: &'static str,
    /// The column that names a record, and the one that tells records apart.
    name: &'static str,
    identifier: &'static str,
    /// What an import cannot change of them.
    update_note: &'static str,
    /// What stops an undo.
    blocked_by: &'static str,
}

fn kind_words(kind: &str) -> KindWords {
    match kind {
        "organizations" => KindWords {
            counter: "个",
            noun: "两新组织",
            name: "单位名称",
            identifier: "统一社会信用代码",
            update_note: "所在县(市、区)不能通过导入变更。",
            blocked_by: "只要新增的单位已被党组织覆盖、选派了党建指导员或有党员以它为工作单位，或更新的单位在导入后又被修改，就不能撤销。",
        },
        "assignments" => KindWords {
            counter: "次",
            noun: "选派",
            name: "单位名称",
            identifier: "单位",
            update_note: "已有的选派不会变更。",
            blocked_by: "只要这批选派有的已在导入之后结束或调整，或新登记的指导员已有其他选派或账号，就不能撤销。",
        },
        "payments" => KindWords {
            counter: "条",
            noun: "党费记录",
            name: "姓名",
            identifier: "公民身份号码",
            update_note: "已登记的月份不会变更，如有差错请在党费页面登记更正。",
            blocked_by: "只要这批党费记录的月份在导入之后登记过更正，就不能撤销。",
        },
        "meetings" => KindWords {
            counter: "次",
            noun: "会议",
            name: "党组织",
            identifier: "会议日期",
            update_note: "已登记的会议不会变更。",
            blocked_by: "会议记录随时可以整批撤销。",
        },
        "posts" => KindWords {
            counter: "届",
            noun: "任职",
            name: "姓名",
            identifier: "公民身份号码",
            update_note: "已登记的任职不会变更，请在党组织的委员会页面登记离任或调整。",
            blocked_by: "只要这批任职中现任的有人在导入之后登记了离任（包括新书记到任使原书记离任），就不能撤销。",
        },
        "zones" => KindWords {
            counter: "个",
            noun: "园区小镇",
            name: "园区小镇名称",
            identifier: "所在县(市、区)",
            update_note: "已登记的园区小镇不会变更，请在园区小镇页面修改。",
            blocked_by: "只要这批园区小镇中已有两新组织、党组织（其党工委除外）或账号，就不能撤销；撤销后，领导它们的党工委不再领导园区小镇。",
        },
        "party_orgs" => KindWords {
            counter: "个",
            noun: "党组织",
            name: "党组织名称",
            identifier: "组织编号",
            update_note: "上级党组织和覆盖单位不能通过导入变更，请在党组织页面调整。",
            blocked_by: "只要新建的党组织已有党员、会议、下级党组织、账号、转接、流动党员、后来添加的覆盖单位或已处理的问题，或更新的党组织在导入后又被修改，就不能撤销。",
        },
        _ => KindWords {
            counter: "名",
            noun: "党员",
            name: "姓名",
            identifier: "公民身份号码",
            update_note: "所在党组织不能通过导入变更，请办理组织关系转接。",
            blocked_by: "只要新增的党员中有人已有会议出席、党费、档案、转接、流动党员记录或账号，或更新的党员在导入后又被修改，就不能撤销。",
        },
    }
}

async fn load(state: &Arc<AppState>, auth: &Auth, id: i64) -> Result<Upload, WebError> {
    let scope = auth.scope.clone();
    state
        .pool
        .run(move |store| store.upload(&scope, id)?.ok_or_else(WebError::not_found))
        .await
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let u = load(&state, &auth, id).await?;
    let layout = Layout::new(&state, &auth, &format!("导入：{}", u.file_name), "imports").await?;
    let p = u.preview.clone().unwrap_or_default();
    let (label, class) = state_label(&u);
    let KindWords {
        counter,
        noun,
        name: name_label,
        identifier,
        update_note,
        ..
    } = kind_words(&u.kind);
    let total = u64::try_from(u.total_rows).unwrap_or(0);
    let done = u64::try_from(u.done_rows).unwrap_or(0);
    let problems: Vec<ProblemLine> = p
        .problems
        .iter()
        .take(PROBLEMS_SHOWN)
        .map(|x: &PreviewProblem| ProblemLine {
            row: x.row,
            column: x.column.clone(),
            value: x.value.clone(),
            reason: x.reason.clone(),
            error: x.error,
        })
        .collect();
    let page = UploadPage {
        layout,
        state: label,
        class,
        working: u.working(),
        can_commit: u.can_commit(),
        can_discard: matches!(u.state.as_str(), "checked" | "failed") || u.interrupted,
        percent: (done * 100).checked_div(total).unwrap_or(0).min(100),
        done: thousands(done),
        total: thousands(total),
        // The preview keeps the first problems; the counts are whole.
        more_problems: (p.errors + p.warnings).saturating_sub(p.problems.len().min(PROBLEMS_SHOWN)),
        problems,
        sample: p.sample.clone(),
        skipped: p.skipped.iter().take(100).cloned().collect(),
        more_skipped: p.skipped.len().saturating_sub(100),
        counter,
        noun,
        identifier,
        update_note,
        name_label,
        p,
        u,
    };
    Ok(render(&page)?.into_response())
}

/// `GET /imports/templates/members.xlsx`: the member template, its columns and
/// drop-downs from the importer's own column list (what it reads is what it offers).
pub async fn member_template() -> Result<Response, WebError> {
    use liangxin_domain::import::{MEMBER_COLUMNS, MEMBER_TEMPLATE_NOTES, member_choices};
    template_file(
        "党员名册",
        MEMBER_COLUMNS,
        member_choices,
        MEMBER_TEMPLATE_NOTES,
        "members-template.xlsx",
    )
}

/// `GET /imports/templates/organizations.xlsx`: the organization template (两新组织名录).
pub async fn organization_template() -> Result<Response, WebError> {
    use liangxin_domain::import::organizations::{
        ORGANIZATION_COLUMNS, ORGANIZATION_TEMPLATE_NOTES, organization_choices,
    };
    template_file(
        "两新组织名录",
        ORGANIZATION_COLUMNS,
        organization_choices,
        ORGANIZATION_TEMPLATE_NOTES,
        "organizations-template.xlsx",
    )
}

/// `GET /imports/templates/party-orgs.xlsx`: the party-organization template (党组织名册).
pub async fn party_org_template() -> Result<Response, WebError> {
    use liangxin_domain::import::party_orgs::{
        PARTY_ORG_COLUMNS, PARTY_ORG_TEMPLATE_NOTES, party_org_choices,
    };
    template_file(
        "党组织名册",
        PARTY_ORG_COLUMNS,
        party_org_choices,
        PARTY_ORG_TEMPLATE_NOTES,
        "party-orgs-template.xlsx",
    )
}

/// `GET /imports/templates/assignments.xlsx`: the instructor template (党建指导员选派表).
pub async fn assignment_template() -> Result<Response, WebError> {
    use liangxin_domain::import::assignments::{ASSIGNMENT_COLUMNS, ASSIGNMENT_TEMPLATE_NOTES};
    template_file(
        "党建指导员选派表",
        ASSIGNMENT_COLUMNS,
        |_| Vec::new(),
        ASSIGNMENT_TEMPLATE_NOTES,
        "assignments-template.xlsx",
    )
}

/// `GET /imports/templates/payments.xlsx`: the dues-history template (党费缴纳记录).
pub async fn payment_template() -> Result<Response, WebError> {
    use liangxin_domain::import::payments::{PAYMENT_COLUMNS, PAYMENT_TEMPLATE_NOTES};
    template_file(
        "党费缴纳记录",
        PAYMENT_COLUMNS,
        |_| Vec::new(),
        PAYMENT_TEMPLATE_NOTES,
        "payments-template.xlsx",
    )
}

/// `GET /imports/templates/meetings.xlsx`: the attendance template (组织生活出席记录).
pub async fn meeting_template() -> Result<Response, WebError> {
    use liangxin_domain::import::meetings::{
        MEETING_COLUMNS, MEETING_TEMPLATE_NOTES, meeting_choices,
    };
    template_file(
        "组织生活出席记录",
        MEETING_COLUMNS,
        meeting_choices,
        MEETING_TEMPLATE_NOTES,
        "meetings-template.xlsx",
    )
}

/// `GET /imports/templates/zones.xlsx`: the zone template (园区小镇名录).
pub async fn zone_template() -> Result<Response, WebError> {
    use liangxin_domain::import::zones::{ZONE_COLUMNS, ZONE_TEMPLATE_NOTES, zone_choices};
    template_file(
        "园区小镇名录",
        ZONE_COLUMNS,
        zone_choices,
        ZONE_TEMPLATE_NOTES,
        "zones-template.xlsx",
    )
}

/// `GET /imports/templates/posts.xlsx`: the committee template (委员会成员名单).
pub async fn post_template() -> Result<Response, WebError> {
    use liangxin_domain::import::posts::{POST_COLUMNS, POST_TEMPLATE_NOTES, post_choices};
    template_file(
        "委员会成员名单",
        POST_COLUMNS,
        post_choices,
        POST_TEMPLATE_NOTES,
        "posts-template.xlsx",
    )
}

/// A template as a download: the sheet named `sheet` (its Chinese name also the file's).
fn template_file(
    sheet: &str,
    columns: &[liangxin_domain::cells::ColumnSpec],
    choices: fn(&str) -> Vec<&'static str>,
    notes: &[&str],
    ascii_name: &str,
) -> Result<Response, WebError> {
    let columns: Vec<TemplateColumn<'_>> = columns
        .iter()
        .map(|c| TemplateColumn {
            label: c.label,
            required: c.required,
            hint: c.hint,
            example: c.example,
            choices: choices(c.key),
        })
        .collect();
    let bytes =
        liangxin_docs::xlsx::template(sheet, &columns, notes).map_err(WebError::internal)?;
    let disposition = format!(
        "attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
        crate::auth::urlencode(&format!("{sheet}导入模板.xlsx"))
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /imports/uploads/{id}/problems.csv`: every problem of the preview, for Excel.
pub async fn problems_csv(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = auth.scope.clone();
    let problems = state
        .pool
        .run(move |store| Ok(store.upload_problems(&scope, id)?))
        .await?;
    // A byte-order mark so that Excel reads the UTF-8 as such.
    let mut out = String::from("\u{feff}行号,列,内容,问题,类别\r\n");
    for x in &problems {
        let _ = write!(
            out,
            "{},{},{},{},{}\r\n",
            x.row,
            csv_cell(&x.column),
            csv_cell(&x.value),
            csv_cell(&x.reason),
            if x.error { "错误" } else { "提示" }
        );
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"import-{id}-problems.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

fn csrf_of(body: &Bytes) -> Result<String, WebError> {
    Ok(params::form_pairs(body)?
        .into_iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v)
        .unwrap_or_default())
}

pub async fn commit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    auth.check_csrf(&csrf_of(&body)?)?;
    import_jobs::start_commit(&state, &auth, id).await?;
    Ok(Redirect::to(&format!("/imports/uploads/{id}")).into_response())
}

pub async fn discard(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    auth.check_csrf(&csrf_of(&body)?)?;
    let scope = auth.scope.clone();
    state
        .pool
        .run(move |store| Ok(store.discard_upload(&scope, id)?))
        .await?;
    Ok(Redirect::to("/imports").into_response())
}

#[derive(Template)]
#[template(path = "import_undo.html")]
struct UndoPage {
    layout: Layout,
    i: ImportLine,
    created: i32,
    updated: i32,
    error: Option<String>,
    kind: String,
    counter: &'static str,
    noun: &'static str,
    blocked_by: &'static str,
}

async fn undo_page(
    state: &Arc<AppState>,
    auth: &Auth,
    id: i64,
    error: Option<String>,
) -> Result<UndoPage, WebError> {
    let scope = auth.scope.clone();
    let found = state
        .pool
        .run(move |store| Ok(store.imports(&scope)?.into_iter().find(|i| i.id == id)))
        .await?
        .ok_or_else(WebError::not_found)?;
    let layout = Layout::new(state, auth, "撤销导入", "imports").await?;
    let KindWords {
        counter,
        noun,
        blocked_by,
        ..
    } = kind_words(&found.kind);
    Ok(UndoPage {
        layout,
        counter,
        noun,
        blocked_by,
        kind: found.kind.clone(),
        created: found.created,
        updated: found.updated,
        i: ImportLine {
            id: found.id,
            kind: kind_label(&found.kind),
            at: when(found.imported_at),
            rows: format!(
                "读取{}行，新增{}，更新{}，跳过{}",
                found.rows_read, found.created, found.updated, found.skipped
            ),
            undone: found.undone_at.map(when),
            actor: found.actor_name,
            file: found.file_name,
        },
        error,
    })
}

pub async fn undo_confirm(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    Ok(render(&undo_page(&state, &auth, id, None).await?)?.into_response())
}

pub async fn undo(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    auth.check_csrf(&csrf_of(&body)?)?;
    import_jobs::undo_right(&state, &auth, id).await?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let done = state
        .pool
        .run(move |store| Ok(store.undo_import(&actor, &scope, id)?))
        .await;
    match done {
        Ok(_) => Ok(Redirect::to("/imports").into_response()),
        Err(e) if e.field.is_some() => {
            let p = undo_page(&state, &auth, id, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}
