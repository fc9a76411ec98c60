//! `GET /`: the 驾驶舱 — coverage rates of the user's scope, broken down the natural way,
//! drawn as SVG, every figure a link to the rows behind it.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use liangxin_docs::svg::{Bar, Line, percent_bars, percent_lines};
use liangxin_domain::history::TrendPoint;
use liangxin_domain::registry::Key;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use liangxin_domain::kinds::{Role, TransferState};

use crate::report::{ScopeTodo, group_label, scope_report, scope_todo, scope_trend};
use crate::view::{Figure, Layout, count, rate, render};

struct GroupRow {
    name: String,
    href: Option<String>,
    total: Figure,
    org: Figure,
    work: Figure,
    gap: Figure,
    org_rate: String,
    work_rate: String,
    needing: Figure,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    as_of: String,
    total: Figure,
    org_rate: String,
    org_covered: Figure,
    work_rate: String,
    work_covered: Figure,
    gap: Figure,
    needing: Figure,
    by_label: &'static str,
    chart_org: String,
    chart_work: String,
    chart_trend: String,
    trend: Vec<TrendRow>,
    todo: Option<TodoView>,
    rows: Vec<GroupRow>,
}

/// 待办 of a committee: what is open in its scope, summed by the organization directly
/// below it (UI.md: a committee's 待办 never lists thousands of lines).
struct TodoView {
    meetings: u64,
    meeting_orgs: u64,
    dues: u64,
    /// The month's members without a regular payment entered, all of them.
    dues_href: String,
    findings: u64,
    rows: Vec<SubordinateRow>,
    /// The organizations below not listed (`?todo=all` lists them), summed.
    rest: Option<Rest>,
    /// Letters waiting for this scope: to receive, a 回执 to record, or past their validity.
    transfers: Vec<crate::lists::transfers::Line>,
    /// What the evaluation asks next.
    evaluation: Vec<EvaluationTask>,
}

/// One thing the evaluation asks of a scope, with where to do it.
#[derive(Debug)]
pub struct EvaluationTask {
    pub text: String,
    pub href: String,
    pub count: u32,
}

/// The evaluation's open items of `todo` as tasks; `root` is the scope's own organization,
/// whose checkup page lists its members' checkups and open corrections.
pub fn evaluation_tasks(
    todo: &liangxin_store::todo::EvaluationTodo,
    root: Key,
) -> Vec<EvaluationTask> {
    let checkups = format!("/party-orgs/{}/{}/checkups", root.county, root.id);
    let mut out = Vec::new();
    let mut add = |count: u32, text: String, href: String| {
        if count > 0 {
            out.push(EvaluationTask { text, href, count });
        }
    };
    add(
        todo.stars_waiting,
        format!("双强六好评星待本级办理 {} 个", todo.stars_waiting),
        "/stars?step=yours".into(),
    );
    add(
        todo.rectifications_overdue,
        format!("软弱涣散整顿逾期未销号 {} 个", todo.rectifications_overdue),
        "/weak".into(),
    );
    add(
        todo.rectifications_due_soon,
        format!(
            "软弱涣散整顿{}天内到期 {} 个",
            liangxin_store::todo::DUE_SOON_DAYS,
            todo.rectifications_due_soon
        ),
        "/weak".into(),
    );
    add(
        todo.corrections_due,
        format!("不合格党员限期改正到期待评议 {} 人", todo.corrections_due),
        checkups.clone(),
    );
    add(
        todo.tasks_overdue_owned,
        format!("责任清单任务逾期未完成 {} 项", todo.tasks_overdue_owned),
        "/tasks".into(),
    );
    add(
        todo.tasks_overdue_given,
        format!("下达给其他单位的任务逾期 {} 项", todo.tasks_overdue_given),
        "/tasks".into(),
    );
    add(
        todo.spot_checks_to_rectify,
        format!(
            "随机抽查提出的整改待完成 {} 项",
            todo.spot_checks_to_rectify
        ),
        "/spot-checks".into(),
    );
    add(
        todo.spot_checks_overdue,
        format!("随机抽查整改逾期未销号 {} 项", todo.spot_checks_overdue),
        "/spot-checks".into(),
    );
    if let Some((year, late)) = todo.review_report_owed {
        let text = if late {
            format!("{year}年度书记抓党建述职报告逾期未提交")
        } else {
            format!("{year}年度书记抓党建述职报告待提交")
        };
        add(1, text, format!("/reviews?year={year}&show=own"));
    }
    add(
        todo.review_reports_to_grade,
        format!("书记述职报告待本级评议 {} 份", todo.review_reports_to_grade),
        "/reviews?show=to_grade".into(),
    );
    add(
        todo.review_rectifications_overdue,
        format!(
            "述职评议整改事项逾期未完成 {} 项",
            todo.review_rectifications_overdue
        ),
        "/reviews?show=overdue".into(),
    );
    add(
        todo.projects_late,
        format!("书记领办项目逾期 {} 个", todo.projects_late),
        "/projects?show=late".into(),
    );
    add(
        todo.checkups_to_review,
        format!("党性体检待支部评议 {} 份", todo.checkups_to_review),
        checkups,
    );
    out
}

/// What the lines not shown hold: how many organizations, and their sums.
struct Rest {
    lines: usize,
    organizations: u64,
    meetings: u64,
    dues: u64,
    findings: u64,
}

/// Organizations below the committee the 待办 lists unless asked for all: the ones with
/// most to do. A county has hundreds of branches directly below it; listing every one made
/// its home a 365 KB page.
const TODO_SUBORDINATES: usize = 20;

/// `/?todo=all`: every organization below in the 待办.
#[derive(Debug, Default, serde::Deserialize)]
pub struct HomeQuery {
    pub todo: Option<String>,
}

/// One organization below the committee, with what is open under it.
struct SubordinateRow {
    name: String,
    href: String,
    organizations: u64,
    meeting_orgs: u64,
    meetings: u64,
    dues: u64,
    findings: Figure,
}

/// Letters of the scope a 待办 names: to receive, a 回执 to record, or past their validity.
pub(crate) async fn transfers_to_act_on(
    state: &Arc<AppState>,
    auth: &Auth,
) -> Result<Vec<crate::lists::transfers::Line>, WebError> {
    let today = crate::today();
    let open = crate::lists::transfers::read(state, auth, Some(TransferState::Issued)).await?;
    Ok(open
        .iter()
        .filter(|v| v.may_receive() || v.overdue(today))
        .take(TODO_ROWS)
        .map(|v| crate::lists::transfers::line(v, today))
        .collect())
}

/// Lines of letters a 待办 shows at most.
const TODO_ROWS: usize = 10;

fn todo_view(todo: &ScopeTodo, all: bool) -> TodoView {
    let list = &todo.branches;
    // 本级 first, then those with most to do.
    let mut lines: Vec<&liangxin_store::todo::SubordinateTodo> =
        todo.by_subordinate.iter().collect();
    lines.sort_by_key(|s| {
        (
            !s.own,
            std::cmp::Reverse((s.organizations, s.findings_open, s.dues_unmarked)),
        )
    });
    let shown = if all { lines.len() } else { TODO_SUBORDINATES };
    let rest = (lines.len() > shown).then(|| {
        let rest = &lines[shown..];
        Rest {
            lines: rest.len(),
            organizations: rest.iter().map(|s| u64::from(s.organizations)).sum(),
            meetings: rest.iter().map(|s| u64::from(s.meetings)).sum(),
            dues: rest.iter().map(|s| u64::from(s.dues_unmarked)).sum(),
            findings: rest.iter().map(|s| u64::from(s.findings_open)).sum(),
        }
    });
    let rows = lines
        .into_iter()
        .take(shown)
        .map(|s| {
            let org = format!("{}-{}", s.key.county, s.key.id);
            SubordinateRow {
                name: if s.own {
                    format!("本级（{}）", s.name)
                } else {
                    s.name.clone()
                },
                href: format!("/party-orgs/{}/{}", s.key.county, s.key.id),
                organizations: u64::from(s.organizations),
                meeting_orgs: u64::from(s.meeting_orgs),
                meetings: u64::from(s.meetings),
                dues: u64::from(s.dues_unmarked),
                findings: Figure {
                    text: count(u64::from(s.findings_open), "项"),
                    n: u64::from(s.findings_open),
                    href: Some(if s.own {
                        format!("/audit?org={org}&own=1")
                    } else {
                        format!("/audit?org={org}")
                    }),
                },
            }
        })
        .collect();
    TodoView {
        meetings: list.iter().map(|t| t.meetings_due.len() as u64).sum(),
        meeting_orgs: list.iter().filter(|t| !t.meetings_due.is_empty()).count() as u64,
        dues: list.iter().map(|t| u64::from(t.dues_unmarked)).sum(),
        dues_href: crate::lists::dues::href(
            liangxin_domain::period::Period::containing_month(crate::today()),
            "unmarked",
            None,
        ),
        findings: list.iter().map(|t| u64::from(t.findings_open)).sum(),
        rows,
        rest,
        transfers: Vec::new(),
        evaluation: Vec::new(),
    }
}

/// One month of the trend, as the table under the chart shows it.
struct TrendRow {
    month: String,
    total: String,
    org_rate: String,
    work_rate: String,
    gap: String,
}

/// 组织覆盖率 and 工作覆盖率 at each month's end.
fn trend_chart(points: &[TrendPoint]) -> String {
    let labels: Vec<String> = points
        .iter()
        .map(|p| p.on.format("%-m月").to_string())
        .collect();
    percent_lines(
        "覆盖率走势（月末）",
        "每月末的覆盖率，由登记记录中的成立、注销、入党、转正、覆盖起止和指导员选派日期计算",
        &labels,
        &[
            Line {
                name: "组织覆盖率".into(),
                values: points.iter().map(TrendPoint::organization_rate).collect(),
                color: "#b3261e",
            },
            Line {
                name: "工作覆盖率".into(),
                values: points.iter().map(TrendPoint::work_rate).collect(),
                color: "#5a6b7d",
            },
        ],
    )
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    axum::extract::Query(q): axum::extract::Query<HomeQuery>,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    // An administrator's home is its work: the accounts (it sees no member data).
    if crate::routes::Who::Admins.admits(auth.role) {
        return Ok(axum::response::Redirect::to("/accounts").into_response());
    }
    if crate::routes::Who::Auditors.admits(auth.role) {
        return Ok(axum::response::Redirect::to("/audit-log").into_response());
    }
    if auth.role == Role::SecurityAdmin {
        return Ok(axum::response::Redirect::to("/rules").into_response());
    }
    let all = q.todo.as_deref() == Some("all");
    Ok(dashboard(state, auth, all).await?.into_response())
}

async fn dashboard(state: Arc<AppState>, auth: Auth, all: bool) -> Result<Html<String>, WebError> {
    // Homes show one's own work: a member their record, a secretary the branch's month,
    // an instructor the units they guide; a committee the coverage of its scope first.
    if let Some(me) = auth.scope.member {
        return crate::pages::member_home::show(&state, &auth, me).await;
    }
    match auth.role {
        Role::Secretary => return crate::pages::secretary_home::show(&state, &auth).await,
        Role::Instructor => return crate::pages::instructor_home::show(&state, &auth).await,
        _ => {}
    }
    let layout = Layout::new(&state, &auth, "驾驶舱", "home").await?;
    let sr = scope_report(&state, auth.scope.clone(), None).await?;
    let trend = scope_trend(&state, auth.scope.clone()).await?;
    let todo = if crate::routes::Who::Committees.admits(auth.role) {
        let todo = scope_todo(&state, auth.scope.clone()).await?;
        let mut t = todo_view(&todo, all);
        t.transfers = transfers_to_act_on(&state, &auth).await?;
        let scope = auth.scope.clone();
        if let Some(root) = state
            .pool
            .run(move |store| Ok(store.scope_root(&scope)?))
            .await?
        {
            t.evaluation = evaluation_tasks(&todo.evaluation, root.key);
        }
        Some(t)
    } else {
        None
    };
    let t = sr.report.total;
    let as_of = sr.report.as_of.format("%Y年%m月%d日").to_string();
    let mut org_bars = Vec::new();
    let mut work_bars = Vec::new();
    let mut rows = Vec::new();
    for (key, g) in &sr.report.groups {
        let name = sr.group_name(key);
        let base = crate::report::group_filter(key);
        let base = base.as_str();
        let href = Figure::units(g.total, base, "").href;
        org_bars.push(Bar {
            label: name.clone(),
            percent: g.organization_rate().unwrap_or(0.0),
            text: format!(
                "{}（{}）",
                rate(g.organization_rate()),
                count(g.organization_covered, "个")
            ),
            href: href.clone(),
        });
        work_bars.push(Bar {
            label: name.clone(),
            percent: g.work_rate().unwrap_or(0.0),
            text: format!(
                "{}（{}）",
                rate(g.work_rate()),
                count(g.organization_covered + g.work_covered, "个")
            ),
            href: href.clone(),
        });
        rows.push(GroupRow {
            name,
            href,
            total: Figure::units(g.total, base, ""),
            org: Figure::units(g.organization_covered, base, "state=organization"),
            work: Figure::units(g.work_covered, base, "state=work_only"),
            gap: Figure::units(g.gap, base, "state=gap"),
            org_rate: rate(g.organization_rate()),
            work_rate: rate(g.work_rate()),
            needing: Figure::units(g.needing_action, base, "action=any"),
        });
    }
    let by_label = group_label(sr.by);
    let caption = format!("按{by_label}统计的两新组织，截至{as_of}");
    let page = DashboardPage {
        layout,
        total: Figure::units(t.total, "", ""),
        org_rate: rate(t.organization_rate()),
        org_covered: Figure::units(t.organization_covered, "", "state=organization"),
        work_rate: rate(t.work_rate()),
        work_covered: Figure::units(t.organization_covered + t.work_covered, "", "state=work"),
        gap: Figure::units(t.gap, "", "state=gap"),
        needing: Figure::units(t.needing_action, "", "action=any"),
        by_label,
        chart_org: percent_bars(&format!("按{by_label}的组织覆盖率"), &caption, &org_bars),
        chart_work: percent_bars(&format!("按{by_label}的工作覆盖率"), &caption, &work_bars),
        chart_trend: trend_chart(&trend),
        todo,
        trend: trend
            .iter()
            .map(|p| TrendRow {
                month: p.on.format("%Y年%m月").to_string(),
                total: count(p.total, "个"),
                org_rate: rate(p.organization_rate()),
                work_rate: rate(p.work_rate()),
                gap: count(p.gap, "个"),
            })
            .collect(),
        rows,
        as_of,
    };
    render(&page)
}
