//! 党建经费 on pages. `GET /party-orgs/{county}/{id}/funds[?year=2026]`: the organization's
//! ledger of a year (carried over, receipts by source, spending by use, budget, balance,
//! every line with its voucher) and its subtree summed by the organizations directly below
//! it; the forms to enter a line, reverse one and set the budget. `POST …/funds`,
//! `…/funds/reverse`, `…/funds/budget`. `GET …/funds.xlsx` is the roll-up and the lines.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use liangxin_domain::kinds::{FundSource, FundUse};
use liangxin_domain::money::Fen;
use liangxin_domain::registry::Key;
use liangxin_store::funds::{FundKind, FundTotals, NewFundLine};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::view::{Crumb, Layout, SavedQuery, render};
use crate::{AppState, params};

#[derive(Debug, Deserialize)]
pub struct FundsQuery {
    pub year: Option<String>,
    pub saved: Option<String>,
}

struct Line {
    id: i64,
    date: String,
    kind: &'static str,
    label: &'static str,
    amount: String,
    note: String,
    evidence: String,
    /// 已冲销 (by line N) or 冲销第N号.
    mark: String,
    reversible: bool,
}

struct Row {
    name: String,
    href: Option<String>,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "funds.html")]
struct FundsPage {
    layout: Layout,
    name: String,
    year: i32,
    years: Vec<i32>,
    action: String,
    carried: String,
    received: String,
    spent: String,
    balance: String,
    negative: bool,
    budget: String,
    spent_of_budget: String,
    sources: Vec<(&'static str, String)>,
    uses: Vec<(&'static str, String)>,
    lines: Vec<Line>,
    any_reversible: bool,
    heads: Vec<&'static str>,
    rows: Vec<Row>,
    kinds: Vec<(String, &'static str)>,
    error: Option<String>,
    typed: Vec<(String, String)>,
    today: String,
}

impl FundsPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

fn yuan(f: Fen) -> String {
    f.to_string()
}

/// The roll-up's columns: each source, received, each use, spent, budget, balance of the
/// year's flow.
fn heads() -> Vec<&'static str> {
    let mut h: Vec<&'static str> = FundSource::ALL.iter().map(|s| s.label()).collect();
    h.push("收入合计");
    h.extend(FundUse::ALL.iter().map(|u| u.label()));
    h.extend(["支出合计", "年度预算"]);
    h
}

fn cells(t: &FundTotals) -> Vec<Fen> {
    let mut c = t.receipts.clone();
    c.push(t.received());
    c.extend(t.spending.iter().copied());
    c.push(t.spent());
    c.push(t.budget.unwrap_or(Fen::ZERO));
    c
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    year: i32,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<FundsPage, WebError> {
    let kept = crate::report::funds(state, &auth.scope, key, year).await?;
    let (ledger, up) = &*kept;
    let today = crate::today();
    let layout = Layout::new(state, auth, "党建经费", "party_orgs")
        .await?
        .at(state, auth, key, vec![Crumb::here("党建经费")])
        .await?;
    let t = &ledger.totals;
    let mut rows = vec![Row {
        name: "合计（含下级）".into(),
        href: None,
        cells: cells(&up.all).into_iter().map(yuan).collect(),
    }];
    rows.extend(up.rows.iter().map(|r| Row {
        name: if r.own {
            "本级".into()
        } else {
            r.name.clone()
        },
        href: (!r.own).then(|| {
            format!(
                "/party-orgs/{}/{}/funds?year={year}",
                r.party_org.county, r.party_org.id
            )
        }),
        cells: cells(&r.totals).into_iter().map(yuan).collect(),
    }));
    Ok(FundsPage {
        layout,
        name: ledger.party_org_name.clone(),
        year,
        years: crate::view::year_choices(today, year),
        action: format!("/party-orgs/{}/{}/funds", key.county, key.id),
        carried: yuan(ledger.carried),
        received: yuan(t.received()),
        spent: yuan(t.spent()),
        balance: yuan(ledger.balance()),
        negative: ledger.balance() < Fen::ZERO,
        budget: t.budget.map(yuan).unwrap_or_else(|| "未编制".into()),
        spent_of_budget: match t.budget {
            Some(b) if b > Fen::ZERO => {
                format!("{:.1}%", t.spent().fen() as f64 * 100.0 / b.fen() as f64)
            }
            _ => "—".into(),
        },
        sources: FundSource::ALL
            .iter()
            .zip(&t.receipts)
            .map(|(s, f)| (s.label(), yuan(*f)))
            .collect(),
        uses: FundUse::ALL
            .iter()
            .zip(&t.spending)
            .map(|(u, f)| (u.label(), yuan(*f)))
            .collect(),
        lines: ledger
            .lines
            .iter()
            .map(|l| Line {
                id: l.key.id,
                date: l.booked_on.format("%Y-%m-%d").to_string(),
                kind: if l.kind.is_receipt() {
                    "收入"
                } else {
                    "支出"
                },
                label: l.kind.label(),
                amount: yuan(l.amount),
                note: l.note.clone(),
                evidence: l.evidence.clone(),
                mark: match (l.reverses, l.reversed_by) {
                    (Some(of), _) => format!("冲销第{of}号"),
                    (None, Some(by)) => format!("已由第{by}号冲销"),
                    _ => String::new(),
                },
                reversible: l.reverses.is_none() && l.reversed_by.is_none(),
            })
            .collect(),
        any_reversible: ledger
            .lines
            .iter()
            .any(|l| l.reverses.is_none() && l.reversed_by.is_none()),
        heads: heads(),
        rows,
        kinds: FundSource::ALL
            .iter()
            .map(|s| (format!("receipt:{}", s.code()), s.label()))
            .chain(
                FundUse::ALL
                    .iter()
                    .map(|u| (format!("spending:{}", u.code()), u.label())),
            )
            .collect(),
        error,
        typed,
        today: today.to_string(),
    })
}

fn year_of(q: &Option<String>) -> Result<i32, WebError> {
    let today = crate::today();
    Ok(params::year(q, today)?.unwrap_or(today.year()))
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<FundsQuery>,
) -> Result<Response, WebError> {
    let year = year_of(&q.year)?;
    let mut p = page(&state, &auth, Key { county, id }, year, Vec::new(), None).await?;
    p.layout = p.layout.saved(&SavedQuery { saved: q.saved });
    Ok(render(&p)?.into_response())
}

/// A line's kind from the form: `receipt:finance`, `spending:activities` ….
fn kind(code: &str) -> Result<FundKind, WebError> {
    let bad = || WebError::bad_field("收支类别", "请选择收入来源或支出用途");
    match code.split_once(':') {
        Some(("receipt", c)) => FundSource::parse(c)
            .map(FundKind::Receipt)
            .map_err(|_| bad()),
        Some(("spending", c)) => FundUse::parse(c).map(FundKind::Spending).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

fn amount(typed: &str, field: &'static str) -> Result<Fen, WebError> {
    Fen::from_yuan_str(typed).map_err(|e| WebError::bad_field(field, e.to_string()))
}

/// After a form: to the ledger with the notice, or the page again with the error (422).
async fn after(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    year: i32,
    done: Result<(), WebError>,
    saved: &str,
    pairs: Vec<(String, String)>,
) -> Result<Response, WebError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "/party-orgs/{}/{}/funds?year={year}&saved={saved}",
            key.county, key.id
        ))
        .into_response()),
        Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => {
            let p = page(state, auth, key, year, pairs, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /party-orgs/{county}/{id}/funds`: a line (日期, 收支类别, 金额, 摘要, 凭证).
pub async fn enter(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let today = crate::today();
    let checked = (|| {
        let on: NaiveDate = params::form_date(&params::field(&pairs, "on"), today)
            .map_err(|m| WebError::bad_field("日期", m))?
            .ok_or_else(|| WebError::bad_field("日期", "必填"))?;
        Ok(NewFundLine {
            party_org: key,
            booked_on: on,
            kind: kind(&params::field(&pairs, "kind"))?,
            amount: amount(&params::field(&pairs, "amount"), "金额")?,
            note: params::field(&pairs, "note"),
            evidence: params::field(&pairs, "evidence"),
        })
    })();
    let year = checked
        .as_ref()
        .map_or(today.year(), |l| l.booked_on.year());
    let done = match checked {
        Ok(l) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| {
                    store.record_fund_line(&actor, &scope, today, &l)?;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    after(&state, &auth, key, year, done, "fund_line", pairs).await
}

/// `POST /party-orgs/{county}/{id}/funds/reverse`: reverses line `line` with `reason`.
pub async fn reverse(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let today = crate::today();
    let year = year_of(&params::text(&Some(params::field(&pairs, "year"))))?;
    let line: Result<i64, WebError> = params::field(&pairs, "line")
        .trim()
        .parse()
        .map_err(|_| WebError::bad_field("账目", "请选择要冲销的账目"));
    let reason = params::field(&pairs, "reason");
    let done = match line {
        Ok(line) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| {
                    let of = Key { county, id: line };
                    store.reverse_fund_line(&actor, &scope, today, key, of, &reason)?;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    // The reversal is booked today: the ledger of this year shows both.
    let shown = if done.is_ok() { today.year() } else { year };
    after(&state, &auth, key, shown, done, "fund_reversed", Vec::new()).await
}

/// `POST /party-orgs/{county}/{id}/funds/budget`: the year's budget (年度, 预算).
pub async fn budget(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let today = crate::today();
    let year: Result<i32, WebError> = params::field(&pairs, "year")
        .trim()
        .parse()
        .map_err(|_| WebError::bad_field("年度", "应为年份"));
    let shown = year.as_ref().copied().unwrap_or(today.year());
    let done = match (year, amount(&params::field(&pairs, "budget"), "预算")) {
        (Ok(year), Ok(amount)) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| {
                    store.set_fund_budget(&actor, &scope, today, key, year, amount)?;
                    Ok(())
                })
                .await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let shown = if (today.year() - 10..=today.year()).contains(&shown) {
        shown
    } else {
        today.year()
    };
    after(&state, &auth, key, shown, done, "fund_budget", pairs).await
}

/// `GET /party-orgs/{county}/{id}/funds.xlsx[?year=]`: the roll-up, then the lines.
pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<FundsQuery>,
) -> Result<Response, WebError> {
    let year = year_of(&q.year)?;
    let kept = crate::report::funds(&state, &auth.scope, Key { county, id }, year).await?;
    let (ledger, up) = &*kept;
    let mut headers = vec!["党组织"];
    headers.extend(heads());
    let e = Export {
        file_stem: "funds",
        sheet: "党建经费",
        title: format!(
            "{}{year}年度党建经费（单位：元；导出于{}）",
            ledger.party_org_name,
            crate::today().format("%Y年%m月%d日")
        ),
        headers,
    };
    let row = |name: String, t: &FundTotals| {
        let mut r = vec![Cell::Text(name)];
        r.extend(cells(t).into_iter().map(|f| Cell::Fen(f.fen())));
        r
    };
    let mut rows = vec![row("合计（含下级）".into(), &up.all)];
    rows.extend(up.rows.iter().map(|r| {
        row(
            if r.own {
                "本级".into()
            } else {
                r.name.clone()
            },
            &r.totals,
        )
    }));
    // The organization's own lines below, as a second table.
    rows.push(Vec::new());
    rows.push(
        [
            "本级账目：日期",
            "收支",
            "类别",
            "金额",
            "摘要",
            "凭证",
            "冲销",
        ]
        .map(|h| Cell::Text(h.into()))
        .to_vec(),
    );
    rows.extend(ledger.lines.iter().map(|l| {
        vec![
            export::day(l.booked_on),
            Cell::Text(
                if l.kind.is_receipt() {
                    "收入"
                } else {
                    "支出"
                }
                .into(),
            ),
            Cell::Text(l.kind.label().into()),
            Cell::Fen(l.amount.fen()),
            Cell::Text(l.note.clone()),
            Cell::Text(l.evidence.clone()),
            Cell::Text(match (l.reverses, l.reversed_by) {
                (Some(of), _) => format!("冲销第{of}号"),
                (None, Some(by)) => format!("已由第{by}号冲销"),
                _ => String::new(),
            }),
        ]
    }));
    export::respond_whole(&state, e, Format::Xlsx, rows).await
}
