//! 个人自评 of 民主评议党员: each full member on a round's roll writes how they did this
//! year, or the branch enters it from their paper, until the 支委会 records its grades. The
//! round's page shows it beside the ballot totals; it is the member's own word, not a vote.

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{appraisal_roll as ar, appraisal_rounds as rd};
use crate::{Scope, Store};

/// The round a member writes their 自评 for: the latest of their branch not yet decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfAssessment {
    pub round: Key,
    pub title: String,
    pub year: i32,
    pub text: Option<String>,
}

/// The member's latest undecided round with them on its roll: (round, title, year, text).
fn open_round(conn: &mut DbConnection, member: Key) -> Result<Option<SelfAssessment>> {
    let row: Option<(i32, i64, String, i32, Option<String>)> = ar::table
        .inner_join(
            rd::table.on(rd::county_code
                .eq(ar::county_code)
                .and(rd::id.eq(ar::round_id))),
        )
        .filter(ar::member_county.eq(member.county))
        .filter(ar::member_id.eq(member.id))
        .filter(rd::decided_on.is_null())
        .order(rd::year.desc())
        .select((
            rd::county_code,
            rd::id,
            rd::title,
            rd::year,
            ar::self_assessment,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(county, id, title, year, text)| SelfAssessment {
        round: Key { county, id },
        title,
        year,
        text,
    }))
}

impl Store {
    /// The round `member` writes their 自评 for, if one is open to it.
    pub fn self_assessment(
        &mut self,
        scope: &Scope,
        member: Key,
    ) -> Result<Option<SelfAssessment>> {
        self.member_in_scope(scope, member)?;
        open_round(self.conn(), member)
    }

    /// Writes (or rewrites) the member's 自评 for their open round, by the member or by the
    /// branch or above for them, until the grades are recorded. One transaction, audited.
    pub fn record_self_assessment(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        member: Key,
        text: &str,
    ) -> Result<Key> {
        self.member_in_scope(scope, member)?;
        let text = typed_text("个人自评", text, true, 2000)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let Some(open) = open_round(conn, member)? else {
                return Err(StoreError::invalid(
                    "个人自评",
                    "没有正在进行的民主评议（或组织评定已完成）",
                ));
            };
            diesel::update(
                ar::table
                    .filter(ar::county_code.eq(open.round.county))
                    .filter(ar::round_id.eq(open.round.id))
                    .filter(ar::member_county.eq(member.county))
                    .filter(ar::member_id.eq(member.id)),
            )
            .set(ar::self_assessment.eq(&text))
            .execute(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "self_assessment",
                    entity: "appraisal_round",
                    county: open.round.county,
                    entity_id: open.round.id,
                    before: open.text.as_ref().map(|t| json!({ "text": t })),
                    after: Some(json!({
                        "member": { "county": member.county, "id": member.id },
                        "on": today,
                        "text": text,
                    })),
                },
            )?;
            Ok(open.round)
        })
    }
}
