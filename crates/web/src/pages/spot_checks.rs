//! 随机抽查 on pages.
//!
//! - `GET /spot-checks`: the rounds of the committees in the user's scope, with their state
//!   from the facts; the user's committee publishes a round there (`POST /spot-checks`): the
//!   seed (typed, e.g. a public lottery's number, or drawn by the server), the register's
//!   day, how many, of what and by which strata, recorded before any draw.
//! - `GET /spot-checks/{county}/{id}`: the round, its strata and sample, the check that the
//!   register of its day still redraws it, the command that redraws it, the inspections
//!   and the rectifications; `POST …/draw`, `…/inspect`, `…/findings`, `…/close` are its
//!   steps. `GET …/sample.xlsx|csv`: the sample with its inspections and rectifications.
//!
//! Outside the scope: 404.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use liangxin_domain::kinds::{InspectionResult, SpotCheckOf, SpotCheckStrata};
use liangxin_domain::registry::Key;
use liangxin_domain::spot_check::Seed;
use liangxin_store::spot_check::{FrameScope, Inspection, NewRound, RoundSummary, RoundView};

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::view::{Crumb, Layout, SavedQuery, render};
use crate::{AppState, params};

use crate::view::cn_day;

struct RoundLine {
    href: String,
    title: String,
    owner: String,
    what: String,
    published: String,
    state: &'static str,
    progress: String,
    overdue: usize,
}

fn line(s: &RoundSummary) -> RoundLine {
    RoundLine {
        href: format!("/spot-checks/{}/{}", s.key.county, s.key.id),
        title: s.title.clone(),
        owner: s.owner_name.clone(),
        what: format!(
            "{}，{}，抽取{}个，随机种子 {}",
            s.of.label(),
            s.by.label(),
            s.size,
            s.seed
        ),
        published: cn_day(s.published_on),
        state: s.state(),
        progress: if s.drawn.is_some() {
            format!(
                "已检查 {}/{}，整改 {} 项（已销号 {}）",
                s.inspected,
                s.items,
                s.findings_open + s.findings_closed,
                s.findings_closed
            )
        } else {
            String::new()
        },
        overdue: s.findings_overdue,
    }
}

/// A rectification demanded of one of the scope's organizations.
struct DemandLine {
    round: String,
    round_href: String,
    org: String,
    org_href: String,
    problem: String,
    demand: String,
    deadline: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "spot_checks.html")]
struct ListPage {
    layout: Layout,
    rounds: Vec<RoundLine>,
    demands: Vec<DemandLine>,
    /// The user's committee, which publishes rounds (none for a branch).
    committee: Option<String>,
    ofs: Vec<(&'static str, &'static str)>,
    bys: Vec<(&'static str, &'static str)>,
    today: String,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl ListPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }

    fn chosen(&self, name: &str, code: &str) -> bool {
        params::field(&self.typed, name) == code
    }

    /// Whether the scope sees the round (a committee's above it is not the scope's page).
    fn sees(&self, href: &str) -> bool {
        self.rounds.iter().any(|r| r.href == href)
    }
}

async fn list_page(
    state: &Arc<AppState>,
    auth: &Auth,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<ListPage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (root, rounds, demands) = state
        .pool
        .run(move |store| {
            Ok((
                store.scope_root(&scope)?,
                store.spot_checks(&scope, today)?,
                store.spot_check_demands(&scope)?,
            ))
        })
        .await?;
    Ok(ListPage {
        layout: Layout::new(state, auth, "随机抽查", "spot_checks").await?,
        rounds: rounds.iter().map(line).collect(),
        demands: demands
            .iter()
            .map(|d| DemandLine {
                round: format!("{}（{}）", d.round_title, d.committee_name),
                round_href: format!("/spot-checks/{}/{}", d.round.county, d.round.id),
                org: d.party_org_name.clone(),
                org_href: format!("/party-orgs/{}/{}", d.party_org.county, d.party_org.id),
                problem: d.problem.clone(),
                demand: d.demand.clone(),
                deadline: cn_day(d.deadline),
                overdue: d.deadline < today,
            })
            .collect(),
        committee: root
            .filter(|r| r.org_type.is_committee() && auth.scope.member.is_none())
            .map(|r| r.name),
        ofs: SpotCheckOf::ALL
            .iter()
            .map(|o| (o.code(), o.label()))
            .collect(),
        bys: SpotCheckStrata::ALL
            .iter()
            .map(|b| (b.code(), b.label()))
            .collect(),
        today: today.to_string(),
        error,
        typed,
    })
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = list_page(&state, &auth, Vec::new(), None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

/// The round a publishing form asks for; a blank seed is drawn by the server.
fn new_round(pairs: &[(String, String)]) -> Result<NewRound, WebError> {
    let today = crate::today();
    let of = SpotCheckOf::parse(&params::field(pairs, "of"))
        .map_err(|e| WebError::bad_field("抽查对象", e.to_string()))?;
    let by = SpotCheckStrata::parse(&params::field(pairs, "by"))
        .map_err(|e| WebError::bad_field("分层方式", e.to_string()))?;
    let size: u32 = params::field(pairs, "size")
        .trim()
        .parse()
        .map_err(|_| WebError::bad_field("抽取数量", "应为正整数"))?;
    let seed = match params::field(pairs, "seed").trim() {
        "" => {
            use rand::TryRngCore;
            let n = rand::rngs::OsRng
                .try_next_u64()
                .map_err(WebError::internal)?;
            Seed::new(n % (Seed::MAX + 1))
                .map_err(|e| WebError::bad_field("随机种子", e.to_string()))?
        }
        typed => Seed::parse(typed).map_err(|e| WebError::bad_field("随机种子", e.to_string()))?,
    };
    let as_of = params::form_date(&params::field(pairs, "as_of"), today)
        .map_err(|m| WebError::bad_field("名录日期", m))?
        .unwrap_or(today);
    Ok(NewRound {
        title: params::field(pairs, "title"),
        of,
        by,
        size,
        seed,
        as_of,
    })
}

/// `POST /spot-checks`: `title`, `of`, `by`, `size`, `seed` (blank: the server draws one),
/// `as_of` (blank: today).
pub async fn publish(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let done = match new_round(&pairs) {
        Ok(round) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            let today = crate::today();
            state
                .pool
                .run(move |store| Ok(store.publish_spot_check(&actor, &scope, today, &round)?))
                .await
        }
        Err(e) => Err(e),
    };
    let to = match &done {
        Ok(key) => format!(
            "/spot-checks/{}/{}?saved=spot_published",
            key.county, key.id
        ),
        Err(_) => String::new(),
    };
    crate::view::after_post(done.map(|_| ()), to, |message| {
        list_page(&state, &auth, pairs, Some(message))
    })
    .await
}

struct ItemLine {
    seq: i32,
    stratum: String,
    href: String,
    code: String,
    name: String,
    rank: String,
    inspection: Option<String>,
    issues: bool,
}

struct FindingLine {
    code: String,
    item: String,
    problem: String,
    demand: String,
    deadline: String,
    overdue: bool,
    closed: Option<String>,
}

#[derive(Template)]
#[template(path = "spot_check.html")]
struct RoundPage {
    layout: Layout,
    base: String,
    s: RoundSummary,
    state: &'static str,
    as_of: String,
    published: String,
    /// When and by whom, the frame's size; the frame's digest.
    drawn: Option<(String, String)>,
    /// Each stratum: label, code, size in the register now, drawn.
    strata: Vec<(String, String, usize, usize)>,
    /// Whether the register of the round's day still gives the kept sample.
    verified: Option<bool>,
    command: String,
    items: Vec<ItemLine>,
    findings: Vec<FindingLine>,
    results: Vec<(&'static str, &'static str)>,
    today: String,
    error: Option<String>,
}

/// The command that redraws a round from its seed and register.
fn redraw_command(s: &RoundSummary) -> String {
    // A round of party organizations draws from the committee's subtree alone: name it, not
    // a region or zone whose committee may have changed since.
    let within = match &s.frame {
        _ if s.of == SpotCheckOf::PartyOrgs => {
            format!(" --party-org {}-{}", s.owner.county, s.owner.id)
        }
        FrameScope::Region(r) if r % 100 == 0 => String::new(),
        FrameScope::Region(r) => format!(" --county {r}"),
        FrameScope::Zone(code) => format!(" --zone {code}"),
        FrameScope::Subtree => format!(" --party-org {}-{}", s.owner.county, s.owner.id),
    };
    format!(
        "liangxin spot-check --seed {} --size {} --of {} --by {} --as-of {}{within}",
        s.seed,
        s.size,
        s.of.code().replace('_', "-"),
        s.by.code(),
        s.as_of
    )
}

async fn round_view(state: &Arc<AppState>, auth: &Auth, key: Key) -> Result<RoundView, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    state
        .pool
        .run(move |store| {
            store
                .spot_check(&scope, key, today)?
                .ok_or_else(WebError::not_found)
        })
        .await
}

async fn round_page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    error: Option<String>,
) -> Result<RoundPage, WebError> {
    let today = crate::today();
    let v = round_view(state, auth, key).await?;
    let again = crate::report::spot_check_redraw(state, &auth.scope, key).await?;
    let s = v.summary.clone();
    let base = format!("/spot-checks/{}/{}", key.county, key.id);
    let layout = Layout::new(state, auth, &s.title, "spot_checks")
        .await?
        .at(
            state,
            auth,
            s.owner,
            vec![
                Crumb::link("随机抽查", "/spot-checks"),
                Crumb::here(s.title.clone()),
            ],
        )
        .await?;
    let item_href = |code: &str| {
        let path = match s.of {
            SpotCheckOf::PartyOrgs => "party-orgs",
            SpotCheckOf::Units => "organizations",
        };
        Key::parse_code(code)
            .map(|k| format!("/{path}/{}/{}", k.county, k.id))
            .unwrap_or_default()
    };
    let names: std::collections::HashMap<i32, String> = v
        .items
        .iter()
        .map(|i| (i.seq, format!("{}（{}）", i.name, i.code)))
        .collect();
    Ok(RoundPage {
        layout,
        state: s.state(),
        as_of: cn_day(s.as_of),
        published: cn_day(s.published_on),
        drawn: s.drawn.as_ref().map(|(on, _, n, digest)| {
            (
                format!("{}；名录 {n} 个，摘要 SHA-256", cn_day(*on)),
                digest.clone(),
            )
        }),
        strata: again
            .as_ref()
            .as_ref()
            .map(|(d, _)| {
                d.strata
                    .iter()
                    .map(|x| (x.label.clone(), x.code.clone(), x.size, x.drawn))
                    .collect()
            })
            .unwrap_or_default(),
        verified: again.as_ref().as_ref().map(|(_, same)| *same),
        command: redraw_command(&s),
        items: v
            .items
            .iter()
            .map(|i| ItemLine {
                seq: i.seq,
                stratum: i.stratum_label.clone(),
                href: item_href(&i.code),
                code: i.code.clone(),
                name: i.name.clone(),
                rank: i.rank[..16].to_owned(),
                inspection: i.inspection.as_ref().map(|x| {
                    let mut t = format!("{} {}：{}", cn_day(x.on), x.inspectors, x.result.label());
                    if !x.note.is_empty() {
                        t.push('。');
                        t.push_str(&x.note);
                    }
                    t
                }),
                issues: i
                    .inspection
                    .as_ref()
                    .is_some_and(|x| x.result == InspectionResult::Issues),
            })
            .collect(),
        findings: v
            .findings
            .iter()
            .map(|f| FindingLine {
                code: format!("{}-{}", f.key.county, f.key.id),
                item: names.get(&f.seq).cloned().unwrap_or_default(),
                problem: f.problem.clone(),
                demand: f.demand.clone(),
                deadline: cn_day(f.deadline),
                overdue: f.overdue(today),
                closed: f
                    .closed
                    .as_ref()
                    .map(|(on, _, note)| format!("{} 验收销号：{note}", cn_day(*on))),
            })
            .collect(),
        results: InspectionResult::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        today: today.to_string(),
        base,
        s,
        error,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = round_page(&state, &auth, Key { county, id }, None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

/// One step of a round: the form parsed, the store called, the round shown again with the
/// field's message on bad input.
async fn step<F>(
    state: Arc<AppState>,
    auth: Auth,
    key: Key,
    body: Bytes,
    saved: &'static str,
    parse: F,
) -> Result<Response, WebError>
where
    F: FnOnce(&[(String, String)], chrono::NaiveDate) -> Result<crate::view::StoreCall, WebError>,
{
    crate::view::form_post(
        &state,
        &auth,
        &body,
        format!("/spot-checks/{}/{}?saved={saved}", key.county, key.id),
        parse,
        |_, message| round_page(&state, &auth, key, Some(message)),
    )
    .await
}

fn seq_of(pairs: &[(String, String)]) -> Result<i32, WebError> {
    params::field(pairs, "seq")
        .trim()
        .parse()
        .map_err(|_| WebError::bad_field("抽查对象", "请选择抽中的对象"))
}

/// `POST /spot-checks/{county}/{id}/draw`.
pub async fn draw(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    step(state, auth, key, body, "spot_drawn", move |_, today| {
        Ok(Box::new(move |store, actor, scope| {
            store.draw_spot_check(actor, scope, today, key)?;
            Ok(())
        }))
    })
    .await
}

/// `POST /spot-checks/{county}/{id}/inspect`: `seq`, `on`, `inspectors`, `result`, `note`.
pub async fn inspect(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    step(
        state,
        auth,
        key,
        body,
        "spot_inspected",
        move |pairs, today| {
            let seq = seq_of(pairs)?;
            let on = params::form_date(&params::field(pairs, "on"), today)
                .map_err(|m| WebError::bad_field("检查日期", m))?
                .ok_or_else(|| WebError::bad_field("检查日期", "必填"))?;
            let result = InspectionResult::parse(&params::field(pairs, "result"))
                .map_err(|e| WebError::bad_field("检查结论", e.to_string()))?;
            let inspection = Inspection {
                on,
                inspectors: params::field(pairs, "inspectors"),
                result,
                note: params::field(pairs, "note"),
            };
            Ok(Box::new(move |store, actor, scope| {
                store.inspect_spot_check_item(actor, scope, today, (key, seq), &inspection)?;
                Ok(())
            }))
        },
    )
    .await
}

/// `POST /spot-checks/{county}/{id}/findings`: `seq`, `problem`, `demand`, `deadline`.
pub async fn raise(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    step(
        state,
        auth,
        key,
        body,
        "spot_finding",
        move |pairs, today| {
            let seq = seq_of(pairs)?;
            let deadline = params::deadline("整改时限", &params::field(pairs, "deadline"))?;
            let problem = params::field(pairs, "problem");
            let demand = params::field(pairs, "demand");
            Ok(Box::new(move |store, actor, scope| {
                store.raise_spot_check_finding(
                    actor,
                    scope,
                    today,
                    (key, seq),
                    &problem,
                    &demand,
                    deadline,
                )?;
                Ok(())
            }))
        },
    )
    .await
}

/// `POST /spot-checks/{county}/{id}/close`: `finding` (330825-7), `note`.
pub async fn close(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    step(
        state,
        auth,
        key,
        body,
        "spot_closed",
        move |pairs, today| {
            let finding = Key::parse_code(params::field(pairs, "finding").trim())
                .ok_or_else(|| WebError::bad_field("整改事项", "请选择整改事项"))?;
            let note = params::field(pairs, "note");
            Ok(Box::new(move |store, actor, scope| {
                store.close_spot_check_finding(actor, scope, today, (key, finding), &note)?;
                Ok(())
            }))
        },
    )
    .await
}

/// `GET /spot-checks/{county}/{id}/sample.xlsx|csv`: every drawn item with its inspection and the
/// rectifications demanded of it.
async fn export(
    state: Arc<AppState>,
    auth: Auth,
    key: Key,
    format: Format,
) -> Result<Response, WebError> {
    let today = crate::today();
    let v = round_view(&state, &auth, key).await?;
    let s = &v.summary;
    let e = Export {
        file_stem: "spot-check",
        sheet: "随机抽查",
        title: format!(
            "{}（{}，随机种子 {}，名录日期 {}，导出于{}）",
            s.title,
            s.owner_name,
            s.seed,
            cn_day(s.as_of),
            cn_day(today)
        ),
        headers: vec![
            "序号",
            "分层",
            "编号",
            "名称",
            "排序值",
            "检查日期",
            "检查人员",
            "检查结论",
            "检查情况",
            "存在问题",
            "整改要求",
            "整改时限",
            "验收销号",
        ],
    };
    let mut rows = Vec::new();
    for i in &v.items {
        let x = i.inspection.as_ref();
        let base = vec![
            export::int(i.seq),
            Cell::Text(i.stratum_label.clone()),
            Cell::Text(i.code.clone()),
            Cell::Text(i.name.clone()),
            Cell::Text(i.rank.clone()),
            x.map(|x| export::day(x.on))
                .unwrap_or(Cell::Text(String::new())),
            Cell::Text(x.map(|x| x.inspectors.clone()).unwrap_or_default()),
            Cell::Text(x.map(|x| x.result.label().to_owned()).unwrap_or_default()),
            Cell::Text(x.map(|x| x.note.clone()).unwrap_or_default()),
        ];
        let found: Vec<_> = v.findings.iter().filter(|f| f.seq == i.seq).collect();
        if found.is_empty() {
            let mut row = base.clone();
            row.extend((0..4).map(|_| Cell::Text(String::new())));
            rows.push(row);
        }
        for f in found {
            let mut row = base.clone();
            row.push(Cell::Text(f.problem.clone()));
            row.push(Cell::Text(f.demand.clone()));
            row.push(export::day(f.deadline));
            row.push(Cell::Text(
                f.closed
                    .as_ref()
                    .map(|(on, _, note)| format!("{} {note}", cn_day(*on)))
                    .unwrap_or_else(|| {
                        if f.overdue(today) {
                            "逾期未销号".into()
                        } else {
                            "整改中".into()
                        }
                    }),
            ));
            rows.push(row);
        }
    }
    export::respond_whole(&state, e, format, rows).await
}

pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    export(state, auth, Key { county, id }, Format::Xlsx).await
}

pub async fn csv(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    export(state, auth, Key { county, id }, Format::Csv).await
}
