//! `GET /ballot/{county}/{id}` and `POST …`: a voter casts a 民主评议 ballot with the
//! credential from their slip, signed in or not: the credential is the authority, and no
//! account, time or address is kept with the ballot. The GET is only the credential form
//! (it says nothing of the round, to anyone). A POST with the credential alone shows the
//! ballot paper while the round is open, or, once closed, the bulletin's totals with the
//! voter's own ballot found by its tracker; a POST with the marks casts it.

use std::sync::Arc;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use liangxin_domain::appraisal::Credential;
use liangxin_domain::appraisal::{Ballot, Bulletin};
use liangxin_domain::registry::Key;
use liangxin_store::appraisal::BallotPaper;

use crate::error::WebError;
use crate::view::render;
use crate::{AppState, params};

/// One member on the ballot paper, or a line of the bulletin.
struct Line {
    position: usize,
    name: String,
    /// The mark typed (A–D, `-`), to keep it when a cast is refused.
    typed: String,
    /// In the bulletin: 优秀, 合格, 基本合格, 不合格, 弃权.
    totals: [u32; 5],
    /// In the bulletin: this voter's mark for the member.
    mine: &'static str,
}

#[derive(Template)]
#[template(path = "ballot.html")]
struct BallotPage {
    action: String,
    demo: bool,
    error: Option<String>,
    /// Step: "credential" (the form), "paper", "cast" (done), "used", "bulletin".
    step: &'static str,
    credential: String,
    title: String,
    lines: Vec<Line>,
    /// (letter, label) of the four grades, then 弃权.
    marks: Vec<(&'static str, &'static str)>,
    tracker: String,
    /// 回执码: shown once, at cast; it finds the voter's ballot in the bulletin.
    receipt: String,
    eligible: usize,
    cast: usize,
    hash: String,
}

const MARKS: [(&str, &str); 5] = [
    ("A", "优秀"),
    ("B", "合格"),
    ("C", "基本合格"),
    ("D", "不合格"),
    ("-", "弃权"),
];

fn blank(state: &AppState, key: Key) -> BallotPage {
    BallotPage {
        action: format!("/ballot/{}/{}", key.county, key.id),
        demo: state.config.demo,
        error: None,
        step: "credential",
        credential: String::new(),
        title: String::new(),
        lines: Vec::new(),
        marks: MARKS.to_vec(),
        tracker: String::new(),
        receipt: String::new(),
        eligible: 0,
        cast: 0,
        hash: String::new(),
    }
}

/// Never cached, never indexed: a ballot paper is one voter's.
fn respond(status: StatusCode, page: &BallotPage) -> Result<Response, WebError> {
    Ok((
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::HeaderName::from_static("x-robots-tag"), "noindex"),
        ],
        render(page)?,
    )
        .into_response())
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    respond(StatusCode::OK, &blank(&state, Key { county, id }))
}

fn paper_lines(paper: &BallotPaper, typed: &[(String, String)]) -> Vec<Line> {
    paper
        .roll
        .iter()
        .enumerate()
        .map(|(i, name)| Line {
            position: i + 1,
            name: name.clone(),
            typed: params::field(typed, &format!("m_{}", i + 1)),
            totals: [0; 5],
            mine: "",
        })
        .collect()
}

/// The bulletin's totals per member, with the voter's own marks when their receipt found
/// their ballot.
fn bulletin_lines(b: &Bulletin, mine: Option<&Ballot>) -> Vec<Line> {
    let mine = mine.map(|ballot| ballot.marks().to_vec());
    b.roll
        .iter()
        .zip(&b.totals)
        .enumerate()
        .map(|(i, (name, t))| Line {
            position: i + 1,
            name: name.clone(),
            typed: String::new(),
            totals: [
                t.grades[0],
                t.grades[1],
                t.grades[2],
                t.grades[3],
                t.abstained,
            ],
            mine: match mine.as_ref().map(|m| m[i]) {
                Some(Some(g)) => g.label(),
                Some(None) => "弃权",
                None => "",
            },
        })
        .collect()
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    let pairs = params::form_pairs(&body)?;
    let mut page = blank(&state, key);
    // A receipt, after the count: the voter's own ballot in the bulletin.
    let receipt = params::field(&pairs, "receipt");
    if !receipt.trim().is_empty() {
        return find(&state, key, page, &receipt).await;
    }
    let typed = params::field(&pairs, "credential");
    let credential = match Credential::parse(&typed) {
        Ok(c) => c,
        Err(e) => {
            page.error = Some(format!("凭证：{e}"));
            page.credential = typed.chars().take(40).collect();
            return respond(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    page.credential = credential.grouped();
    let casting = !params::field(&pairs, "cast").is_empty();
    let c = credential.clone();
    let paper = state
        .pool
        .run(move |store| Ok(store.ballot_paper(key, &c)?))
        .await;
    let paper = match paper {
        Ok(p) => p,
        Err(e) if e.field.is_some() => {
            page.error = Some(e.message);
            return respond(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        Err(e) => return Err(e),
    };
    page.title = paper.title.clone();
    if let Some(b) = &paper.bulletin {
        page.step = "bulletin";
        page.eligible = b.eligible;
        page.cast = b.ballots.len();
        page.hash = b.hash();
        page.lines = bulletin_lines(b, None);
        return respond(StatusCode::OK, &page);
    }
    if paper.used {
        page.step = "used";
        return respond(StatusCode::OK, &page);
    }
    page.step = "paper";
    page.lines = paper_lines(&paper, &pairs);
    if !casting {
        return respond(StatusCode::OK, &page);
    }
    // Every member marked by choice, 弃权 included: nothing is filled in for the voter.
    let mut marks = String::with_capacity(page.lines.len());
    for l in &page.lines {
        match l.typed.as_str() {
            m @ ("A" | "B" | "C" | "D" | "-") => marks.push_str(m),
            _ => {
                page.error = Some(format!(
                    "选票：请为第 {} 名 {} 选择等次或弃权",
                    l.position, l.name
                ));
                return respond(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
        }
    }
    let cast = state
        .pool
        .run(move |store| Ok(store.cast_ballot(key, &credential, &marks)?))
        .await;
    match cast {
        Ok(cast) => {
            page.step = "cast";
            page.tracker = cast.tracker;
            page.receipt = cast.receipt.grouped();
            page.lines.clear();
            respond(StatusCode::OK, &page)
        }
        Err(e) if e.field.is_some() => {
            page.error = Some(e.message);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e),
    }
}

/// The bulletin, with the ballot of `typed` (a receipt) marked as the voter's; a receipt
/// that finds no ballot is refused and shown nothing of the round.
async fn find(
    state: &Arc<AppState>,
    key: Key,
    mut page: BallotPage,
    typed: &str,
) -> Result<Response, WebError> {
    let receipt = match Credential::parse(typed) {
        Ok(r) => r,
        Err(_) => {
            page.error = Some("回执码：应为投票成功时显示的16位字母和数字".into());
            return respond(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    page.receipt = receipt.grouped();
    let found = state
        .pool
        .run(move |store| Ok(store.find_ballot(key, &receipt)?))
        .await;
    let (bulletin, mine) = match found {
        Ok(x) => x,
        Err(e) if e.field.is_some() => {
            page.error = Some(e.message);
            return respond(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        Err(e) => return Err(e),
    };
    page.step = "bulletin";
    page.title = bulletin.round.clone();
    page.eligible = bulletin.eligible;
    page.cast = bulletin.ballots.len();
    page.hash = bulletin.hash();
    page.tracker = mine.0.clone();
    page.lines = bulletin_lines(&bulletin, Some(&mine.1));
    respond(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use liangxin_domain::appraisal::Grade;

    #[test]
    fn the_ballot_offers_the_four_grades_in_their_order_and_abstaining() {
        let letters: String = MARKS.iter().map(|(l, _)| *l).collect();
        let expected: String = Grade::ALL.iter().map(|g| g.letter()).chain(['-']).collect();
        assert_eq!(letters, expected);
        for (l, label) in &MARKS[..4] {
            let g = Grade::from_letter(l.chars().next().unwrap()).unwrap();
            assert_eq!(g.label(), *label);
        }
    }
}
