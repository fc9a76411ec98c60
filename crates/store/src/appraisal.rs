//! 民主评议党员: rounds, their secret ballots and the 支委会's 组织评定.
//!
//! What is kept is what secrecy allows (see [`liangxin_domain::appraisal`]): the round, its
//! roll, a salted digest per credential issued, and the ballots under their trackers. No
//! table has a voter column; credentials and ballots are keyed by digest and tracker (on
//! SQLite `WITHOUT ROWID`, so not even the file's order follows the order of casting), and
//! closing writes both again in key order in one transaction, then (on PostgreSQL) VACUUMs
//! them. While a round is open, PostgreSQL's system columns (xmin) still say which
//! credential was marked in the transaction that stored which ballot, and in what order:
//! someone reading the database then, and holding the slips' credentials with whom each
//! went to, could link them. Casting writes nothing to the audit log: an entry would carry
//! a time.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::appraisal::{
    self, AppraisalRules, Ballot, Bulletin, CorrectionOutcome, CorrectionSource, Credential, Grade,
};
use liangxin_domain::kinds::{MeetingKind, PartyOrgType};
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::life::party_org_in_scope;
use crate::schema::{
    appraisal_ballots as ab, appraisal_credentials as ac, appraisal_roll as ar,
    appraisal_rounds as rd, party_orgs as po,
};
use crate::{Scope, Store};

/// A round just opened, with its credentials: shown this once, for printing, and kept
/// nowhere.
#[derive(Debug)]
pub struct OpenedRound {
    pub key: Key,
    pub title: String,
    pub credentials: Vec<Credential>,
}

/// A round as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSummary {
    pub key: Key,
    pub party_org: Key,
    pub year: i32,
    pub title: String,
    pub opened_on: NaiveDate,
    /// Credentials issued.
    pub eligible: i64,
    /// Ballots cast so far.
    pub cast: i64,
    pub closed_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
}

/// One member of a round's roll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollLine {
    pub member: Key,
    pub name: String,
    /// 组织评定, once decided.
    pub grade: Option<Grade>,
    /// 个人自评, as the member wrote it (or the branch entered it from their paper).
    pub self_assessment: Option<String>,
}

/// A roll row: the member, name, grade and 个人自评.
type RollRow = (i32, i64, String, Option<String>, Option<String>);

/// A whole round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundView {
    pub summary: RoundSummary,
    pub party_org_name: String,
    pub roll: Vec<RollLine>,
    /// The published bulletin, recounted as it is read, once closed.
    pub bulletin: Option<Bulletin>,
    /// Its text and hash, as published.
    pub bulletin_text: Option<String>,
    pub bulletin_hash: Option<String>,
    /// How many of the roll may be graded 优秀 (the rule in force today), with the rule.
    pub excellent_limit: usize,
    pub excellent_rule: std::sync::Arc<liangxin_domain::rules::RuleRef>,
}

/// What a voter sees once their credential is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotPaper {
    pub title: String,
    pub roll: Vec<String>,
    pub open: bool,
    /// The credential has been used.
    pub used: bool,
    /// Once closed: the bulletin. Which ballot is the voter's, only their receipt says.
    pub bulletin: Option<Bulletin>,
}

/// A ballot cast: the receipt drawn for it and its tracker, shown to the voter once. The
/// tracker is of the receipt, not of the credential: whoever printed or handed out the
/// slips holds the credentials, and must not be able to find a ballot by one.
#[derive(Debug)]
pub struct Cast {
    pub receipt: Credential,
    pub tracker: String,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}：{e}"))
}

type RoundRow = (
    i32,
    i64,
    i64,
    i32,
    String,
    NaiveDate,
    i32,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

fn summaries(conn: &mut DbConnection, rows: Vec<RoundRow>) -> Result<Vec<RoundSummary>> {
    rows.into_iter()
        .map(
            |(county, id, po_id, year, title, opened_on, eligible, closed, decided)| {
                let cast: i64 = ab::table
                    .filter(ab::county_code.eq(county))
                    .filter(ab::round_id.eq(id))
                    .count()
                    .get_result(conn)?;
                Ok(RoundSummary {
                    key: Key { county, id },
                    party_org: Key { county, id: po_id },
                    year,
                    title,
                    opened_on,
                    eligible: i64::from(eligible),
                    cast,
                    closed_on: closed,
                    decided_on: decided,
                })
            },
        )
        .collect()
}

macro_rules! round_columns {
    () => {
        (
            rd::county_code,
            rd::id,
            rd::party_org_id,
            rd::year,
            rd::title,
            rd::opened_on,
            rd::eligible,
            rd::closed_on,
            rd::decided_on,
        )
    };
}

/// The round and its party organization's path, if the organization is in `scope`.
fn round_in_scope(conn: &mut DbConnection, scope: &Scope, key: Key) -> Result<RoundRow> {
    let row: Option<RoundRow> = rd::table
        .filter(rd::county_code.eq(key.county))
        .filter(rd::id.eq(key.id))
        .select(round_columns!())
        .first(conn)
        .optional()?;
    let row = row.ok_or_else(|| StoreError::invalid("民主评议", "不存在或不在您的管理范围内"))?;
    party_org_in_scope(
        conn,
        scope,
        Key {
            county: key.county,
            id: row.2,
        },
    )
    .map_err(|_| StoreError::invalid("民主评议", "不存在或不在您的管理范围内"))?;
    Ok(row)
}

fn roll_names(conn: &mut DbConnection, key: Key) -> Result<Vec<String>> {
    Ok(ar::table
        .filter(ar::county_code.eq(key.county))
        .filter(ar::round_id.eq(key.id))
        .order(ar::position)
        .select(ar::name)
        .load(conn)?)
}

fn ballots(conn: &mut DbConnection, key: Key, roll: usize) -> Result<Vec<(String, Ballot)>> {
    let rows: Vec<(String, String)> = ab::table
        .filter(ab::county_code.eq(key.county))
        .filter(ab::round_id.eq(key.id))
        .order(ab::tracker)
        .select((ab::tracker, ab::marks))
        .load(conn)?;
    rows.into_iter()
        .map(|(t, m)| Ok((t, Ballot::parse(&m, roll).map_err(|e| corrupt("选票", e))?)))
        .collect()
}

impl Store {
    /// Opens the `year`'s 民主评议 of a branch in `scope`: the roll is its 正式党员 on the
    /// register today, in name order, and one credential is issued to each member on the
    /// register (预备党员 vote too). The credentials are returned this once.
    pub fn open_appraisal(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        party_org: Key,
        year: i32,
    ) -> Result<OpenedRound> {
        if year != today.year() && year != today.year() - 1 {
            return Err(StoreError::invalid(
                "评议年度",
                format!("只能是今年（{}）或上一年", today.year()),
            ));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let (_, org_type) = party_org_in_scope(conn, scope, party_org)?;
            let org_type = PartyOrgType::parse(&org_type).map_err(|e| corrupt("党组织类型", e))?;
            if !org_type.is_branch() {
                return Err(StoreError::invalid(
                    "党组织",
                    "民主评议党员以党支部为单位开展，请在党支部（联合党支部）中发起",
                ));
            }
            let exists: i64 = rd::table
                .filter(rd::county_code.eq(party_org.county))
                .filter(rd::party_org_id.eq(party_org.id))
                .filter(rd::year.eq(year))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                return Err(StoreError::invalid(
                    "评议年度",
                    format!("该支部{year}年度的民主评议已经发起"),
                ));
            }
            let name: String = po::table
                .filter(po::county_code.eq(party_org.county))
                .filter(po::id.eq(party_org.id))
                .select(po::name)
                .first(conn)?;
            // The branch and its 党小组 on the day; hosted floating members vote at home.
            let members: Vec<_> =
                crate::life::expected(conn, party_org, MeetingKind::BranchAssembly, today)?
                    .into_iter()
                    .filter(|m| !m.hosted)
                    .collect();
            let roll: Vec<_> = members.iter().filter(|m| m.voter).collect();
            if roll.is_empty() {
                return Err(StoreError::invalid(
                    "党组织",
                    "该支部今天没有正式党员，无法开展民主评议",
                ));
            }
            let title = format!("{name} {year}年度民主评议党员");
            let salt = hex::encode(crate::crypto::random_bytes::<16>()?);
            let eligible = i32::try_from(members.len())
                .map_err(|_| StoreError::invalid("党组织", "党员人数过多"))?;
            let id = crate::registry::allocate(conn, "appraisal_rounds", 1)?;
            let key = Key {
                county: party_org.county,
                id,
            };
            diesel::insert_into(rd::table)
                .values((
                    rd::county_code.eq(key.county),
                    rd::id.eq(id),
                    rd::party_org_id.eq(party_org.id),
                    rd::year.eq(year),
                    rd::title.eq(&title),
                    rd::opened_on.eq(today),
                    rd::opened_by.eq(actor),
                    rd::salt.eq(&salt),
                    rd::eligible.eq(eligible),
                ))
                .execute(conn)?;
            for (i, m) in roll.iter().enumerate() {
                diesel::insert_into(ar::table)
                    .values((
                        ar::county_code.eq(key.county),
                        ar::round_id.eq(id),
                        ar::position.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                        ar::member_county.eq(m.member.county),
                        ar::member_id.eq(m.member.id),
                        ar::name.eq(&m.name),
                    ))
                    .execute(conn)?;
            }
            let mut credentials = Vec::with_capacity(members.len());
            let mut digests = Vec::with_capacity(members.len());
            while credentials.len() < members.len() {
                let c = Credential::from_random(crate::crypto::random_bytes()?);
                let d = c.digest(&salt);
                // 80 random bits do not repeat; the check keeps one digest one credential.
                if !digests.contains(&d) {
                    digests.push(d);
                    credentials.push(c);
                }
            }
            digests.sort_unstable();
            write_credentials(conn, key, digests.into_iter().map(|d| (d, false)).collect())?;
            credentials.sort_by_key(Credential::grouped);
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "open",
                    entity: "appraisal_round",
                    county: key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "party_org": { "county": party_org.county, "id": party_org.id },
                        "year": year,
                        "eligible": eligible,
                        "roll": roll.iter().map(|m| json!({ "county": m.member.county, "id": m.member.id })).collect::<Vec<_>>(),
                    })),
                },
            )?;
            Ok(OpenedRound {
                key,
                title,
                credentials,
            })
        })
    }

    /// The rounds of a party organization in `scope`, newest first.
    pub fn appraisal_rounds(&mut self, scope: &Scope, party_org: Key) -> Result<Vec<RoundSummary>> {
        party_org_in_scope(&mut self.conn, scope, party_org)?;
        let rows: Vec<RoundRow> = rd::table
            .filter(rd::county_code.eq(party_org.county))
            .filter(rd::party_org_id.eq(party_org.id))
            .order((rd::year.desc(), rd::id.desc()))
            .select(round_columns!())
            .load(&mut self.conn)?;
        summaries(&mut self.conn, rows)
    }

    /// A round of `scope`, with its roll, the bulletin once closed, and the one-third rule.
    pub fn appraisal_round(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
    ) -> Result<RoundView> {
        let rules = AppraisalRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let conn = &mut self.conn;
        let row = round_in_scope(conn, scope, key)?;
        let summary = summaries(conn, vec![row])?.remove(0);
        let party_org_name: String = po::table
            .filter(po::county_code.eq(key.county))
            .filter(po::id.eq(summary.party_org.id))
            .select(po::name)
            .first(conn)?;
        let roll: Vec<RollRow> = ar::table
            .filter(ar::county_code.eq(key.county))
            .filter(ar::round_id.eq(key.id))
            .order(ar::position)
            .select((
                ar::member_county,
                ar::member_id,
                ar::name,
                ar::grade,
                ar::self_assessment,
            ))
            .load(conn)?;
        let roll = roll
            .into_iter()
            .map(|(county, id, name, grade, self_assessment)| {
                Ok(RollLine {
                    member: Key { county, id },
                    name,
                    self_assessment,
                    grade: grade
                        .map(|g| Grade::parse(&g))
                        .transpose()
                        .map_err(|e| corrupt("评议等次", e))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let (text, hash): (Option<String>, Option<String>) = rd::table
            .filter(rd::county_code.eq(key.county))
            .filter(rd::id.eq(key.id))
            .select((rd::bulletin, rd::bulletin_hash))
            .first(conn)?;
        let bulletin = text
            .as_deref()
            .map(Bulletin::verify)
            .transpose()
            .map_err(|e| corrupt("唱票结果公告", e))?;
        Ok(RoundView {
            excellent_limit: rules.excellent_limit(roll.len()),
            excellent_rule: rules.excellent_denominator.rule.clone(),
            summary,
            party_org_name,
            roll,
            bulletin,
            bulletin_text: text,
            bulletin_hash: hash,
        })
    }

    /// What the holder of `credential` may see of round `key`: the ballot paper while the
    /// round is open, the bulletin once it is closed. No scope: the credential is the
    /// authority, and a wrong one learns nothing (not even the title).
    pub fn ballot_paper(&mut self, key: Key, credential: &Credential) -> Result<BallotPaper> {
        let conn = &mut self.conn;
        let round: Option<(String, String, Option<String>)> = rd::table
            .filter(rd::county_code.eq(key.county))
            .filter(rd::id.eq(key.id))
            .select((rd::title, rd::salt, rd::bulletin))
            .first(conn)
            .optional()?;
        let not_valid = || StoreError::invalid("凭证", "凭证无效：请核对凭证条上的16位字母和数字");
        let (title, salt, text) = round.ok_or_else(not_valid)?;
        let used: bool = ac::table
            .filter(ac::county_code.eq(key.county))
            .filter(ac::round_id.eq(key.id))
            .filter(ac::digest.eq(credential.digest(&salt)))
            .select(ac::used)
            .first(conn)
            .optional()?
            .ok_or_else(not_valid)?;
        let bulletin = text
            .as_deref()
            .map(Bulletin::verify)
            .transpose()
            .map_err(|e| corrupt("唱票结果公告", e))?;
        Ok(BallotPaper {
            title,
            roll: roll_names(conn, key)?,
            open: bulletin.is_none(),
            used,
            bulletin,
        })
    }

    /// The closed round `key`'s bulletin with the ballot of `receipt` in it: what a voter
    /// checks, with the receipt shown when they cast. No scope: the receipt is the
    /// authority, so one that finds no ballot is refused and learns nothing of the round.
    pub fn find_ballot(
        &mut self,
        key: Key,
        receipt: &Credential,
    ) -> Result<(Bulletin, (String, Ballot))> {
        let text: Option<Option<String>> = rd::table
            .filter(rd::county_code.eq(key.county))
            .filter(rd::id.eq(key.id))
            .select(rd::bulletin)
            .first(&mut self.conn)
            .optional()?;
        let not_found = || StoreError::invalid("回执码", "没有这个回执码的选票，请核对回执码");
        // An open round and an unknown one answer alike: the receipt finds nothing (yet).
        let Some(Some(text)) = text else {
            return Err(not_found());
        };
        let bulletin = Bulletin::verify(&text).map_err(|e| corrupt("唱票结果公告", e))?;
        let mine = bulletin
            .ballots
            .iter()
            .find(|(t, ballot)| *t == appraisal::tracker(receipt, ballot))
            .cloned()
            .ok_or_else(not_found)?;
        Ok((bulletin, mine))
    }

    /// Casts the ballot of `credential` in round `key`, in one transaction: the credential
    /// from unused to used, and the ballot stored under the tracker of a receipt drawn now,
    /// both returned for the voter (they find their ballot in the bulletin by them). Nothing
    /// of it is logged or kept but the tracker and the marks.
    pub fn cast_ballot(&mut self, key: Key, credential: &Credential, marks: &str) -> Result<Cast> {
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let round: Option<(String, Option<NaiveDate>)> = rd::table
                .filter(rd::county_code.eq(key.county))
                .filter(rd::id.eq(key.id))
                .select((rd::salt, rd::closed_on))
                .first(conn)
                .optional()?;
            let Some((salt, closed)) = round else {
                return Err(StoreError::invalid(
                    "凭证",
                    "凭证无效：请核对凭证条上的16位字母和数字",
                ));
            };
            if closed.is_some() {
                return Err(StoreError::invalid("选票", "本轮评议已结束投票"));
            }
            let roll: i64 = ar::table
                .filter(ar::county_code.eq(key.county))
                .filter(ar::round_id.eq(key.id))
                .count()
                .get_result(conn)?;
            let roll = usize::try_from(roll).unwrap_or(0);
            let ballot = Ballot::parse(marks, roll)
                .map_err(|e| StoreError::invalid("选票", e.to_string()))?;
            let digest = credential.digest(&salt);
            let marked = diesel::update(
                ac::table
                    .filter(ac::county_code.eq(key.county))
                    .filter(ac::round_id.eq(key.id))
                    .filter(ac::digest.eq(&digest))
                    .filter(ac::used.eq(false)),
            )
            .set(ac::used.eq(true))
            .execute(conn)?;
            if marked != 1 {
                let known: i64 = ac::table
                    .filter(ac::county_code.eq(key.county))
                    .filter(ac::round_id.eq(key.id))
                    .filter(ac::digest.eq(&digest))
                    .count()
                    .get_result(conn)?;
                return Err(if known > 0 {
                    StoreError::invalid("凭证", "这张凭证已经投过票，每张凭证只能投一次")
                } else {
                    StoreError::invalid("凭证", "凭证无效：请核对凭证条上的16位字母和数字")
                });
            }
            let receipt = Credential::from_random(crate::crypto::random_bytes()?);
            let tracker = appraisal::tracker(&receipt, &ballot);
            diesel::insert_into(ab::table)
                .values((
                    ab::county_code.eq(key.county),
                    ab::round_id.eq(key.id),
                    ab::tracker.eq(&tracker),
                    ab::marks.eq(ballot.text()),
                ))
                .execute(conn)?;
            Ok(Cast { receipt, tracker })
        })
    }

    /// Closes round `key` of `scope`: the ballots counted into the bulletin, chained to the
    /// branch's last closed round, and the credentials and ballots written again in key
    /// order. Returns the bulletin.
    pub fn close_appraisal(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
    ) -> Result<Bulletin> {
        let bulletin = self.close_appraisal_in(actor, scope, today, key)?;
        // DIALECT: PostgreSQL keeps the rows deleted by the rewrite, with the transaction
        // that wrote each (the order of casting), until a VACUUM; it cannot run inside a
        // transaction, hence after the commit.
        if let DbConnection::Postgres(c) = &mut self.conn {
            diesel::sql_query("VACUUM appraisal_ballots, appraisal_credentials").execute(c)?;
        }
        Ok(bulletin)
    }

    fn close_appraisal_in(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
    ) -> Result<Bulletin> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let row = round_in_scope(conn, scope, key)?;
            let (_, _, po_id, _, title, _, eligible, closed, _) = row;
            if closed.is_some() {
                return Err(StoreError::invalid("民主评议", "本轮评议已经结束投票"));
            }
            let previous: Option<String> = rd::table
                .filter(rd::county_code.eq(key.county))
                .filter(rd::party_org_id.eq(po_id))
                .filter(rd::bulletin_hash.is_not_null())
                .order((rd::closed_on.desc(), rd::id.desc()))
                .select(rd::bulletin_hash)
                .first::<Option<String>>(conn)
                .optional()?
                .flatten();
            let roll = roll_names(conn, key)?;
            let cast = ballots(conn, key, roll.len())?;
            let eligible = usize::try_from(eligible).unwrap_or(0);
            let bulletin = Bulletin::close(&title, previous.clone(), eligible, roll, cast)
                .map_err(|e| corrupt("选票", e))?;
            // Written again in key order: whatever order the rows were written in is gone.
            let creds: Vec<(String, bool)> = ac::table
                .filter(ac::county_code.eq(key.county))
                .filter(ac::round_id.eq(key.id))
                .order(ac::digest)
                .select((ac::digest, ac::used))
                .load(conn)?;
            diesel::delete(
                ac::table
                    .filter(ac::county_code.eq(key.county))
                    .filter(ac::round_id.eq(key.id)),
            )
            .execute(conn)?;
            write_credentials(conn, key, creds)?;
            diesel::delete(
                ab::table
                    .filter(ab::county_code.eq(key.county))
                    .filter(ab::round_id.eq(key.id)),
            )
            .execute(conn)?;
            for chunk in bulletin.ballots.chunks(500) {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|(t, b)| {
                        (
                            ab::county_code.eq(key.county),
                            ab::round_id.eq(key.id),
                            ab::tracker.eq(t.clone()),
                            ab::marks.eq(b.text()),
                        )
                    })
                    .collect();
                crate::batch_insert!(conn, ab::table, &rows)?;
            }
            let text = bulletin.text();
            let hash = bulletin.hash();
            diesel::update(
                rd::table
                    .filter(rd::county_code.eq(key.county))
                    .filter(rd::id.eq(key.id)),
            )
            .set((
                rd::closed_on.eq(today),
                rd::closed_by.eq(actor),
                rd::bulletin.eq(&text),
                rd::bulletin_hash.eq(&hash),
                rd::previous_hash.eq(&previous),
            ))
            .execute(conn)?;
            // The statistics read closed rounds: they are kept per records version.
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "close",
                    entity: "appraisal_round",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({
                        "eligible": bulletin.eligible,
                        "cast": bulletin.ballots.len(),
                        "bulletin_hash": hash,
                        "previous": previous,
                    })),
                },
            )?;
            Ok(bulletin)
        })
    }

    /// Records the 支委会's 组织评定 of a closed round of `scope`: one grade per member of the
    /// roll, in roll order, within the 优秀 rule. The grades go to the members' records (and
    /// the audit log); the ballot totals stay beside them, unchanged.
    pub fn decide_appraisal(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        grades: &[Grade],
    ) -> Result<()> {
        let rules = AppraisalRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let (_, _, _, _, _, _, _, closed, decided) = round_in_scope(conn, scope, key)?;
            if closed.is_none() {
                return Err(StoreError::invalid(
                    "组织评定",
                    "投票结束、唱票结果公告之后才能进行组织评定",
                ));
            }
            if decided.is_some() {
                return Err(StoreError::invalid("组织评定", "本轮的组织评定已经记录"));
            }
            let roll: Vec<(i32, i32, i64)> = ar::table
                .filter(ar::county_code.eq(key.county))
                .filter(ar::round_id.eq(key.id))
                .order(ar::position)
                .select((ar::position, ar::member_county, ar::member_id))
                .load(conn)?;
            appraisal::check_decision(&rules, grades, roll.len())
                .map_err(|e| StoreError::invalid("组织评定", e.to_string()))?;
            for ((position, _, _), grade) in roll.iter().zip(grades) {
                diesel::update(
                    ar::table
                        .filter(ar::county_code.eq(key.county))
                        .filter(ar::round_id.eq(key.id))
                        .filter(ar::position.eq(position)),
                )
                .set(ar::grade.eq(grade.label()))
                .execute(conn)?;
            }
            diesel::update(
                rd::table
                    .filter(rd::county_code.eq(key.county))
                    .filter(rd::id.eq(key.id)),
            )
            .set((rd::decided_on.eq(today), rd::decided_by.eq(actor)))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "decide",
                    entity: "appraisal_round",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({
                        "rule": {
                            "key": rules.excellent_denominator.rule.key,
                            "version": rules.excellent_denominator.rule.version,
                        },
                        "grades": roll.iter().zip(grades).map(|((_, c, i), g)| json!({
                            "member": { "county": c, "id": i },
                            "grade": g.label(),
                        })).collect::<Vec<_>>(),
                    })),
                },
            )?;
            Ok(())
        })
    }
}

/// Writes a round's credentials in the order given (their digests, sorted).
fn write_credentials(conn: &mut DbConnection, key: Key, rows: Vec<(String, bool)>) -> Result<()> {
    for chunk in rows.chunks(500) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(d, used)| {
                (
                    ac::county_code.eq(key.county),
                    ac::round_id.eq(key.id),
                    ac::digest.eq(d.clone()),
                    ac::used.eq(*used),
                )
            })
            .collect();
        crate::batch_insert!(conn, ac::table, &values)?;
    }
    Ok(())
}

/// What a member's 不合格 case can start from: the latest 不合格 grade, and the open
/// six-month findings, each in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grounds {
    pub source: CorrectionSource,
    pub text: String,
}

/// One 不合格党员处置 case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionView {
    pub key: Key,
    pub source: CorrectionSource,
    pub grounds: String,
    pub measures: String,
    pub helper: String,
    pub deadline: NaiveDate,
    pub opened_on: NaiveDate,
    pub outcome: Option<CorrectionOutcome>,
    pub review: Option<String>,
    pub decision: Option<String>,
    pub approval: Option<String>,
    pub closed_on: Option<NaiveDate>,
}

/// A case to open.
#[derive(Debug, Clone)]
pub struct CorrectionOpen {
    pub member: Key,
    pub source: CorrectionSource,
    /// 改正措施
    pub measures: String,
    /// 帮教人: who helps.
    pub helper: String,
}

/// How a case is closed.
#[derive(Debug, Clone)]
pub struct CorrectionClose {
    pub outcome: CorrectionOutcome,
    /// The review: how the member was found, for every outcome.
    pub review: String,
    /// 劝退 or 除名: the 支部党员大会's decision (date, votes) and the higher committee's
    /// approval (its document).
    pub decision: String,
    pub approval: String,
}

type CorrectionRow = (
    i32,
    i64,
    String,
    String,
    String,
    String,
    NaiveDate,
    NaiveDate,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
);

impl Store {
    /// What a 不合格 case of `member` may start from today.
    pub fn correction_grounds(&mut self, scope: &Scope, member: Key) -> Result<Vec<Grounds>> {
        use crate::schema::audit_findings as af;
        use crate::schema::correction_cases as cc;
        use liangxin_domain::audit::{AuditKind, Severity};
        if scope.member.is_some_and(|me| me != member) {
            return Err(StoreError::invalid("党员", "不存在或不在您的管理范围内"));
        }
        crate::transfer::member_active(self.conn(), scope, member)?;
        let conn = self.conn();
        // What a past case already answered does not start another.
        let since: Option<NaiveDate> = cc::table
            .filter(cc::member_county.eq(member.county))
            .filter(cc::member_id.eq(member.id))
            .select(diesel::dsl::max(cc::opened_on))
            .first(conn)?;
        // Before any grade or finding (DIALECT: PostgreSQL's dates do not reach chrono's MIN).
        let since = since
            .or(NaiveDate::from_ymd_opt(1900, 1, 1))
            .unwrap_or_default();
        let mut out = Vec::new();
        let graded: Option<(String, Option<NaiveDate>)> = ar::table
            .inner_join(
                rd::table.on(rd::county_code
                    .eq(ar::county_code)
                    .and(rd::id.eq(ar::round_id))),
            )
            .filter(ar::member_county.eq(member.county))
            .filter(ar::member_id.eq(member.id))
            .filter(ar::grade.eq(Grade::Unqualified.label()))
            .filter(rd::decided_on.gt(since))
            .order(rd::decided_on.desc())
            .select((rd::title, rd::decided_on))
            .first(conn)
            .optional()?;
        if let Some((title, decided)) = graded {
            out.push(Grounds {
                source: CorrectionSource::Appraisal,
                text: format!(
                    "{title}：支委会评定为不合格{}",
                    decided.map(|d| format!("（{d}）")).unwrap_or_default()
                ),
            });
        }
        let flagged: Vec<String> = af::table
            .filter(af::subject_type.eq("member"))
            .filter(af::subject_id.eq(member.id))
            .filter(af::county_code.eq(member.county))
            .filter(af::severity.eq(Severity::Flag.code()))
            .filter(af::kind.eq_any([
                AuditKind::NoOrganizationalLife.code(),
                AuditKind::DuesUnpaid.code(),
            ]))
            .filter(af::closed_on.is_null())
            .filter(af::first_found_on.gt(since))
            .select(af::detail)
            .load(conn)?;
        out.extend(flagged.into_iter().map(|text| Grounds {
            source: CorrectionSource::SixMonth,
            text,
        }));
        Ok(out)
    }

    /// 限期改正: opens a member's case from `source`, with the measures and who helps; the
    /// deadline follows the rule. One open case a member; the member's branch or above.
    pub fn open_correction(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        open: &CorrectionOpen,
    ) -> Result<Key> {
        let CorrectionOpen {
            member,
            source,
            ref measures,
            ref helper,
        } = *open;
        use crate::schema::correction_cases as cc;
        if scope.member.is_some() {
            return Err(StoreError::invalid("党员", "不存在或不在您的管理范围内"));
        }
        let rules = AppraisalRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let grounds = self
            .correction_grounds(scope, member)?
            .into_iter()
            .filter(|g| g.source == source)
            .map(|g| g.text)
            .collect::<Vec<_>>();
        if grounds.is_empty() {
            return Err(StoreError::invalid(
                "处置依据",
                format!("该党员没有“{}”的记录", source.label()),
            ));
        }
        let measures = crate::error::typed_text("改正措施", measures, true, 2000)?;
        let helper = crate::error::typed_text("帮教人", helper, true, 100)?;
        let months = u32::try_from(rules.correction_months.value).unwrap_or(6);
        let deadline = today
            .checked_add_months(chrono::Months::new(months))
            .unwrap_or(today);
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let open: i64 = cc::table
                .filter(cc::member_county.eq(member.county))
                .filter(cc::member_id.eq(member.id))
                .filter(cc::closed_on.is_null())
                .count()
                .get_result(conn)?;
            if open > 0 {
                return Err(StoreError::invalid(
                    "处置依据",
                    "该党员已有未结束的限期改正",
                ));
            }
            let id = crate::registry::allocate(conn, "correction_cases", 1)?;
            let key = Key {
                county: member.county,
                id,
            };
            diesel::insert_into(cc::table)
                .values((
                    cc::county_code.eq(key.county),
                    cc::id.eq(id),
                    cc::member_county.eq(member.county),
                    cc::member_id.eq(member.id),
                    cc::source.eq(source.code()),
                    cc::grounds.eq(grounds.join("\n")),
                    cc::measures.eq(&measures),
                    cc::helper.eq(&helper),
                    cc::deadline.eq(deadline),
                    cc::opened_on.eq(today),
                    cc::opened_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "open",
                    entity: "correction_case",
                    county: key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "member": { "county": member.county, "id": member.id },
                        "source": source.code(),
                        "grounds": grounds,
                        "measures": measures,
                        "helper": helper,
                        "deadline": deadline,
                        "rule": { "key": rules.correction_months.rule.key, "version": rules.correction_months.rule.version },
                    })),
                },
            )?;
            Ok(key)
        })
    }

    /// A member's cases, newest first.
    pub fn member_corrections(
        &mut self,
        scope: &Scope,
        member: Key,
    ) -> Result<Vec<CorrectionView>> {
        use crate::schema::correction_cases as cc;
        if self.member(scope, member)?.is_none() {
            return Err(StoreError::invalid("党员", "不存在或不在您的管理范围内"));
        }
        let rows: Vec<CorrectionRow> = cc::table
            .filter(cc::member_county.eq(member.county))
            .filter(cc::member_id.eq(member.id))
            .order((cc::opened_on.desc(), cc::id.desc()))
            .select((
                cc::county_code,
                cc::id,
                cc::source,
                cc::grounds,
                cc::measures,
                cc::helper,
                cc::deadline,
                cc::opened_on,
                cc::outcome,
                cc::review,
                cc::decision,
                cc::approval,
                cc::closed_on,
            ))
            .load(self.conn())?;
        rows.into_iter()
            .map(|r| {
                let (
                    county,
                    id,
                    source,
                    grounds,
                    measures,
                    helper,
                    deadline,
                    opened_on,
                    outcome,
                    review,
                    decision,
                    approval,
                    closed_on,
                ) = r;
                Ok(CorrectionView {
                    key: Key { county, id },
                    source: CorrectionSource::parse(&source)
                        .ok_or_else(|| corrupt("处置依据", &source))?,
                    grounds,
                    measures,
                    helper,
                    deadline,
                    opened_on,
                    outcome: outcome
                        .map(|o| {
                            CorrectionOutcome::parse(&o).ok_or_else(|| corrupt("处置结果", &o))
                        })
                        .transpose()?,
                    review,
                    decision,
                    approval,
                    closed_on,
                })
            })
            .collect()
    }

    /// Ends a member's open case: corrected, or 劝退 / 除名 with the 支部党员大会's decision
    /// and the higher committee's approval, which closes the member's record (党员减少) in
    /// the same transaction. A 预备党员 is neither persuaded out nor removed: their
    /// probation is extended or cancelled (党员减少, 取消预备党员资格).
    pub fn close_correction(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        member: Key,
        close: &CorrectionClose,
    ) -> Result<()> {
        use crate::schema::correction_cases as cc;
        use crate::schema::members as m;
        if scope.member.is_some() {
            return Err(StoreError::invalid("党员", "不存在或不在您的管理范围内"));
        }
        let review = crate::error::typed_text("复查情况", &close.review, true, 2000)?;
        let (decision, approval) = if close.outcome.ends_membership() {
            (
                Some(crate::error::typed_text(
                    "支部党员大会决议",
                    &close.decision,
                    true,
                    500,
                )?),
                Some(crate::error::typed_text(
                    "上级党组织批准",
                    &close.approval,
                    true,
                    500,
                )?),
            )
        } else {
            (None, None)
        };
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            crate::transfer::member_active(conn, scope, member)?;
            let open: Option<(i64, NaiveDate)> = cc::table
                .filter(cc::member_county.eq(member.county))
                .filter(cc::member_id.eq(member.id))
                .filter(cc::closed_on.is_null())
                .select((cc::id, cc::deadline))
                .first(conn)
                .optional()?;
            let Some((id, deadline)) = open else {
                return Err(StoreError::invalid(
                    "处置结果",
                    "该党员没有未结束的限期改正",
                ));
            };
            if close.outcome.ends_membership() && today < deadline {
                return Err(StoreError::invalid(
                    "处置结果",
                    format!("限期改正至{deadline}，期满仍无转变的才能劝退或除名"),
                ));
            }
            if close.outcome.ends_membership() {
                let confirmed: Option<NaiveDate> = m::table
                    .filter(m::county_code.eq(member.county))
                    .filter(m::id.eq(member.id))
                    .select(m::confirmed_on)
                    .first(conn)?;
                if confirmed.is_none_or(|c| c > today) {
                    return Err(StoreError::invalid(
                        "处置结果",
                        "预备党员不劝退、不除名：应延长预备期，或在“党员减少”中取消预备党员资格",
                    ));
                }
                let reason = match close.outcome {
                    CorrectionOutcome::PersuadedOut => {
                        liangxin_domain::kinds::LeaveReason::PersuadedOut
                    }
                    _ => liangxin_domain::kinds::LeaveReason::Removed,
                };
                let note = format!(
                    "不合格党员处置：{}；批准：{}",
                    decision.as_deref().unwrap_or_default(),
                    approval.as_deref().unwrap_or_default()
                );
                let leaving = crate::transfer::Leaving {
                    member,
                    reason,
                    on: today,
                    note,
                };
                crate::transfer::leave_in(conn, cipher, actor, scope, &leaving)?;
            }
            diesel::update(
                cc::table
                    .filter(cc::county_code.eq(member.county))
                    .filter(cc::id.eq(id)),
            )
            .set((
                cc::outcome.eq(close.outcome.code()),
                cc::review.eq(&review),
                cc::decision.eq(&decision),
                cc::approval.eq(&approval),
                cc::closed_on.eq(today),
                cc::closed_by.eq(actor),
            ))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "close",
                    entity: "correction_case",
                    county: member.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "outcome": close.outcome.code(),
                        "review": review,
                        "decision": decision,
                        "approval": approval,
                    })),
                },
            )
        })
    }
}
