//! 书记抓党建述职评议考核. Each year the 书记 of every party organization (not a 党小组)
//! reports on its party building to its reviewing committee, the nearest 党委 or 党工委
//! above it; the committee holds its 述职评议会, grades each report 好 / 较好 / 一般 / 差
//! with comments, and lists the problems to rectify, each with a measure and a deadline.
//! The organization marks a rectification done with what it did; one still open shows on
//! the next year's report (carried over) and, past its deadline, in the 待办.
//!
//! A report is the organization's own act: its secretary files it from the organization's
//! account, and may file it again until it is graded. A scope sees the reports of its
//! organizations; data flows up.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::kinds::{PartyOrgType, Post, ReviewGrade};
use liangxin_domain::registry::Key;
use liangxin_domain::review::{ReportFile, ReviewRules, reportable};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{
    party_orgs as po, review_meetings as rm, review_rectifications as rr,
    secretary_report_files as rf, secretary_reports as sr,
};
use crate::{Scope, Store};

/// A report as the organization files it.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub year: i32,
    pub body: String,
    /// Who reports, used when no 书记 is on the register.
    pub reporter: String,
    pub file: Option<ReportFile>,
}

/// A rectification as the reviewing committee lists it.
#[derive(Debug, Clone)]
pub struct NewRectification {
    pub problem: String,
    pub measure: String,
    pub deadline: NaiveDate,
}

/// A grade as the reviewing committee gives it, on the report as it read it.
#[derive(Debug, Clone)]
pub struct Grading {
    pub meeting: Key,
    pub grade: ReviewGrade,
    pub comments: String,
    /// The [`SecretaryReport::version`] the committee read: a report filed again since
    /// is not graded unread.
    pub seen: String,
}

/// A 述职评议会 as the committee records it.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    /// The year whose reports it reviews.
    pub year: i32,
    pub held_on: NaiveDate,
    pub place: String,
    /// 参会人员: the committee's members, the secretaries, the members' representatives.
    pub attendance: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewMeeting {
    pub key: Key,
    pub committee: Key,
    pub committee_name: String,
    pub year: i32,
    pub held_on: NaiveDate,
    pub place: String,
    pub attendance: String,
}

/// A report's state as a roster line shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSummary {
    pub key: Key,
    pub secretary: String,
    pub reported_on: NaiveDate,
    pub grade: Option<ReviewGrade>,
    pub has_file: bool,
    /// Rectifications of this report not yet done.
    pub open: u32,
}

/// One organization that owes the year's report, and what it filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterLine {
    pub party_org: Key,
    pub name: String,
    pub path: String,
    pub org_type: PartyOrgType,
    /// The reviewing committee: the nearest 党委 or 党工委 above.
    pub reviewer: Key,
    pub reviewer_name: String,
    pub report: Option<ReportSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRectification {
    pub key: Key,
    pub report: Key,
    /// The year of the report that raised it.
    pub year: i32,
    pub problem: String,
    pub measure: String,
    pub deadline: NaiveDate,
    pub raised_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub done_note: Option<String>,
}

/// A report with its review and its rectifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretaryReport {
    pub key: Key,
    pub party_org: Key,
    pub party_org_name: String,
    pub party_org_path: String,
    pub reviewer: Key,
    pub reviewer_name: String,
    pub year: i32,
    pub secretary: String,
    pub body: String,
    pub file_name: Option<String>,
    pub file_sha256: Option<String>,
    pub reported_on: NaiveDate,
    pub meeting: Option<ReviewMeeting>,
    pub grade: Option<ReviewGrade>,
    pub comments: Option<String>,
    pub rectifications: Vec<ReviewRectification>,
    /// Rectifications of earlier years' reports still open: carried into this one.
    pub carried: Vec<ReviewRectification>,
}

impl SecretaryReport {
    /// What identifies the report as filed: its day, text and attachment.
    pub fn version(&self) -> String {
        report_version(
            self.reported_on,
            &self.body,
            self.file_sha256.as_deref().unwrap_or(""),
        )
    }
}

fn report_version(on: NaiveDate, body: &str, file: &str) -> String {
    crate::uploads::sha256_hex(format!("{on}\n{file}\n{body}").as_bytes())
}

/// The ids on a path, root first: `/1/5/9/` → 1, 5, 9.
fn path_ids(path: &str) -> Vec<i64> {
    path.split('/').filter_map(|s| s.parse().ok()).collect()
}

fn parse_grade(code: Option<String>) -> Result<Option<ReviewGrade>> {
    code.map(|c| ReviewGrade::parse(&c).map_err(|e| StoreError::Corrupt(e.to_string())))
        .transpose()
}

type OrgRow = (i32, i64, String, String, String, Option<NaiveDate>);

const COMMITTEE_TYPES: [PartyOrgType; 3] = [
    PartyOrgType::Committee,
    PartyOrgType::WorkingCommittee,
    PartyOrgType::ComprehensiveCommittee,
];

impl Store {
    /// The organizations of `scope` that owe `year`'s report (live at the year's end or
    /// later, not 党小组, with a committee above them), each with its reviewing committee.
    fn review_subjects(&mut self, scope: &Scope, year: i32) -> Result<Vec<RosterLine>> {
        if !scope.is_staff() {
            return Ok(Vec::new());
        }
        let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
        let (low, high) = scope.path_range();
        let select = (
            po::county_code,
            po::id,
            po::path,
            po::name,
            po::org_type,
            po::dissolved_on,
        );
        let mut rows: Vec<OrgRow> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .select(select)
            .load(self.conn())?;
        // The committees above the scope's root name the root's own reviewer.
        let above: Vec<i64> = path_ids(&scope.party_path);
        rows.extend(
            po::table
                .filter(po::id.eq_any(&above))
                .filter(po::path.lt(&low))
                .select(select)
                .load::<OrgRow>(self.conn())?,
        );
        let mut by_id: HashMap<i64, (Key, String, PartyOrgType)> = HashMap::new();
        let mut parsed = Vec::with_capacity(rows.len());
        for (county, id, path, name, t, dissolved) in rows {
            let t = PartyOrgType::parse(&t).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            by_id.insert(id, (Key { county, id }, name.clone(), t));
            parsed.push((Key { county, id }, path, name, t, dissolved));
        }
        let mut out = Vec::new();
        for (key, path, name, t, dissolved) in parsed {
            if t == PartyOrgType::Group
                || dissolved.is_some_and(|d| d <= end)
                || !scope.contains_path(&path)
            {
                continue;
            }
            let ids = path_ids(&path);
            let reviewer = ids
                .iter()
                .rev()
                .skip(1)
                .find_map(|id| by_id.get(id).filter(|(_, _, t)| t.is_committee()));
            if let Some((rk, rn, _)) = reviewer {
                out.push(RosterLine {
                    party_org: key,
                    name,
                    path,
                    org_type: t,
                    reviewer: *rk,
                    reviewer_name: rn.clone(),
                    report: None,
                });
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// The reviewing committee of the organization at `path`: the nearest 党委 or 党工委
    /// above it (none for a 党小组, nor for the top of the tree).
    fn reviewer_of(&mut self, path: &str, org_type: PartyOrgType) -> Result<Option<(Key, String)>> {
        if org_type == PartyOrgType::Group {
            return Ok(None);
        }
        let mut above = path_ids(path);
        above.pop();
        let committees: Vec<(i32, i64, String)> = po::table
            .filter(po::id.eq_any(&above))
            .filter(po::org_type.eq_any(COMMITTEE_TYPES.map(PartyOrgType::code)))
            .select((po::county_code, po::id, po::name))
            .load(self.conn())?;
        Ok(above.iter().rev().find_map(|id| {
            committees
                .iter()
                .find(|(_, c, _)| c == id)
                .map(|(county, id, name)| {
                    (
                        Key {
                            county: *county,
                            id: *id,
                        },
                        name.clone(),
                    )
                })
        }))
    }

    /// `year`'s roster in `scope`: every organization that owes a report, with its report.
    pub fn review_roster(&mut self, scope: &Scope, year: i32) -> Result<Vec<RosterLine>> {
        let mut lines = self.review_subjects(scope, year)?;
        if lines.is_empty() {
            return Ok(lines);
        }
        let (low, high) = scope.path_range();
        type Row = (
            (i32, i64, i64, String),
            (NaiveDate, Option<String>, Option<String>),
        );
        let reports: Vec<Row> = sr::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(sr::county_code)
                    .and(po::id.eq(sr::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(sr::year.eq(year))
            .select((
                (
                    sr::county_code,
                    sr::id,
                    sr::party_org_id,
                    sr::secretary_name,
                ),
                (sr::reported_on, sr::grade, sr::file_name),
            ))
            .load(self.conn())?;
        let open: Vec<(i32, i64)> = rr::table
            .inner_join(
                sr::table.on(sr::county_code
                    .eq(rr::county_code)
                    .and(sr::id.eq(rr::report_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(sr::county_code)
                    .and(po::id.eq(sr::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(sr::year.eq(year))
            .filter(rr::done_on.is_null())
            .select((rr::county_code, rr::report_id))
            .load(self.conn())?;
        let mut open_by: HashMap<Key, u32> = HashMap::new();
        for (county, id) in open {
            *open_by.entry(Key { county, id }).or_default() += 1;
        }
        let mut by_org: HashMap<Key, ReportSummary> = HashMap::new();
        for ((county, id, org, secretary), (reported_on, grade, file)) in reports {
            let key = Key { county, id };
            by_org.insert(
                Key { county, id: org },
                ReportSummary {
                    key,
                    secretary,
                    reported_on,
                    grade: parse_grade(grade)?,
                    has_file: file.is_some(),
                    open: open_by.get(&key).copied().unwrap_or(0),
                },
            );
        }
        for l in &mut lines {
            l.report = by_org.remove(&l.party_org);
        }
        Ok(lines)
    }

    /// The 述职评议会 of `year` held by the committees of `scope`.
    pub fn review_meetings(&mut self, scope: &Scope, year: i32) -> Result<Vec<ReviewMeeting>> {
        if !scope.is_staff() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        self.meetings_where(Some((low, high)), year, None)
    }

    fn meetings_where(
        &mut self,
        range: Option<(String, String)>,
        year: i32,
        committee: Option<Key>,
    ) -> Result<Vec<ReviewMeeting>> {
        let mut q = rm::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(rm::county_code)
                    .and(po::id.eq(rm::committee_id))),
            )
            .filter(rm::year.eq(year))
            .select((
                (rm::county_code, rm::id, rm::committee_id, po::name),
                (rm::year, rm::held_on, rm::place, rm::attendance),
            ))
            .order((rm::held_on, rm::id))
            .into_boxed();
        if let Some((low, high)) = range {
            q = q.filter(po::path.ge(low).and(po::path.lt(high)));
        }
        if let Some(c) = committee {
            q = q
                .filter(rm::county_code.eq(c.county))
                .filter(rm::committee_id.eq(c.id));
        }
        type Row = ((i32, i64, i64, String), (i32, NaiveDate, String, String));
        let rows: Vec<Row> = q.load(self.conn())?;
        Ok(rows
            .into_iter()
            .map(
                |((county, id, committee, name), (year, held_on, place, attendance))| {
                    ReviewMeeting {
                        key: Key { county, id },
                        committee: Key {
                            county,
                            id: committee,
                        },
                        committee_name: name,
                        year,
                        held_on,
                        place,
                        attendance,
                    }
                },
            )
            .collect())
    }

    /// The organization at the root of `scope` files its secretary's report on `year` (or
    /// files it again, while it is not graded). The reporter is the 书记 on the register;
    /// with none recorded, the report names who reports (a committee's 书记 who is not on
    /// the two-new register, or the 副书记 standing in for a vacant post).
    pub fn file_secretary_report(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        report: &NewReport,
    ) -> Result<Key> {
        let (year, file) = (report.year, report.file.as_ref());
        let root = if scope.is_staff() {
            self.scope_root(scope)?
        } else {
            None
        };
        let root = root.ok_or_else(|| StoreError::invalid("述职报告", "由党组织书记提交"))?;
        if !reportable(year, today) {
            return Err(StoreError::invalid(
                "述职年度",
                format!(
                    "现在可以提交{}年度的述职报告",
                    ReviewRules::owed_year(today)
                ),
            ));
        }
        if self.reviewer_of(&root.path, root.org_type)?.is_none() {
            return Err(StoreError::invalid(
                "述职报告",
                "本组织没有上级党委、党工委评议，不需要提交",
            ));
        }
        let body = typed_text("述职报告", &report.body, true, 20_000)?;
        let (secretary_id, secretary) = match crate::posts::posts_in(self.conn(), root.key)?
            .into_iter()
            // The term covering the day (a report may be filed for a day already past).
            .find(|p| {
                p.post == Post::Secretary && p.since <= today && p.until.is_none_or(|u| u >= today)
            }) {
            Some(p) => (Some(p.member.id), p.name),
            None => {
                let typed = typed_text("述职人", &report.reporter, false, 50)?;
                if typed.is_empty() {
                    return Err(StoreError::invalid(
                        "述职人",
                        "本组织没有记录在任书记，请填写述职人的姓名和职务",
                    ));
                }
                (None, typed)
            }
        };
        let sha = file.map(|f| crate::uploads::sha256_hex(f.bytes()));
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let existing: Option<(i64, Option<String>)> = sr::table
                .filter(sr::county_code.eq(root.key.county))
                .filter(sr::party_org_id.eq(root.key.id))
                .filter(sr::year.eq(year))
                .select((sr::id, sr::grade))
                .first(conn)
                .optional()?;
            let id = match existing {
                Some((_, Some(_))) => {
                    return Err(StoreError::invalid("述职报告", "已评议，不能再修改"));
                }
                Some((id, None)) => {
                    diesel::update(
                        sr::table
                            .filter(sr::county_code.eq(root.key.county))
                            .filter(sr::id.eq(id)),
                    )
                    .set((
                        sr::secretary_id.eq(secretary_id),
                        sr::secretary_name.eq(&secretary),
                        sr::body.eq(&body),
                        sr::reported_on.eq(today),
                        sr::reported_by.eq(actor),
                    ))
                    .execute(conn)?;
                    id
                }
                None => {
                    let id = crate::registry::allocate(conn, "secretary_reports", 1)?;
                    diesel::insert_into(sr::table)
                        .values((
                            sr::county_code.eq(root.key.county),
                            sr::id.eq(id),
                            sr::party_org_id.eq(root.key.id),
                            sr::year.eq(year),
                            sr::secretary_id.eq(secretary_id),
                            sr::secretary_name.eq(&secretary),
                            sr::body.eq(&body),
                            sr::reported_on.eq(today),
                            sr::reported_by.eq(actor),
                        ))
                        .execute(conn)?;
                    id
                }
            };
            if let (Some(f), Some(sha)) = (file, &sha) {
                diesel::delete(
                    rf::table
                        .filter(rf::county_code.eq(root.key.county))
                        .filter(rf::report_id.eq(id)),
                )
                .execute(conn)?;
                diesel::insert_into(rf::table)
                    .values((
                        rf::county_code.eq(root.key.county),
                        rf::report_id.eq(id),
                        rf::content.eq(f.bytes()),
                    ))
                    .execute(conn)?;
                diesel::update(
                    sr::table
                        .filter(sr::county_code.eq(root.key.county))
                        .filter(sr::id.eq(id)),
                )
                .set((sr::file_name.eq(f.name()), sr::file_sha256.eq(sha)))
                .execute(conn)?;
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: if existing.is_some() {
                        "update"
                    } else {
                        "create"
                    },
                    entity: "secretary_report",
                    county: root.key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "party_org": format!("{}-{}", root.key.county, root.key.id),
                        "year": year,
                        "secretary": secretary_id,
                        "reporter": secretary,
                        "chars": body.chars().count(),
                        "file_sha256": sha,
                    })),
                },
            )?;
            Ok(Key {
                county: root.key.county,
                id,
            })
        })
    }

    /// The committee at the root of `scope` records its 述职评议会 for a year.
    pub fn record_review_meeting(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        meeting: &NewMeeting,
    ) -> Result<Key> {
        let root = self.reviewing_committee(scope)?;
        if meeting.year > today.year() || meeting.year < today.year() - 2 {
            return Err(StoreError::invalid("评议年度", "应为今年或前两年"));
        }
        if meeting.held_on > today {
            return Err(StoreError::invalid("召开日期", "不能晚于今天"));
        }
        let first = NaiveDate::from_ymd_opt(meeting.year, 11, 1).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(meeting.year + 1, 12, 31).unwrap_or(NaiveDate::MAX);
        if meeting.held_on < first || meeting.held_on > last {
            return Err(StoreError::invalid(
                "召开日期",
                format!(
                    "评议{}年度的会议应在{}年11月1日至{}年12月31日之间召开",
                    meeting.year,
                    meeting.year,
                    meeting.year + 1
                ),
            ));
        }
        let place = typed_text("召开地点", &meeting.place, true, 100)?;
        let attendance = typed_text("参会人员", &meeting.attendance, true, 500)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let id = crate::registry::allocate(conn, "review_meetings", 1)?;
            diesel::insert_into(rm::table)
                .values((
                    rm::county_code.eq(root.county),
                    rm::id.eq(id),
                    rm::committee_id.eq(root.id),
                    rm::year.eq(meeting.year),
                    rm::held_on.eq(meeting.held_on),
                    rm::place.eq(&place),
                    rm::attendance.eq(&attendance),
                    rm::recorded_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "review_meeting",
                    county: root.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "committee": root.id,
                        "year": meeting.year,
                        "held_on": meeting.held_on,
                        "place": place,
                    })),
                },
            )?;
            Ok(Key {
                county: root.county,
                id,
            })
        })
    }

    /// The root of a staff scope that is a 党委 or 党工委: the one who reviews.
    fn reviewing_committee(&mut self, scope: &Scope) -> Result<Key> {
        let root = if scope.is_staff() {
            self.scope_root(scope)?
                .filter(|r| r.org_type.is_committee())
        } else {
            None
        };
        root.map(|r| r.key)
            .ok_or_else(|| StoreError::invalid("述职评议", "由党委、党工委开展"))
    }

    /// A report of `scope`, with its review, its rectifications and those carried over.
    pub fn secretary_report(&mut self, scope: &Scope, key: Key) -> Result<Option<SecretaryReport>> {
        if !scope.is_staff() {
            return Ok(None);
        }
        type Row = (
            (i64, i32, String, String, String),
            (String, String, Option<String>, Option<String>, NaiveDate),
            (Option<i32>, Option<i64>, Option<String>, Option<String>),
        );
        let row: Option<Row> = sr::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(sr::county_code)
                    .and(po::id.eq(sr::party_org_id))),
            )
            .filter(sr::county_code.eq(key.county))
            .filter(sr::id.eq(key.id))
            .select((
                (sr::party_org_id, sr::year, po::name, po::path, po::org_type),
                (
                    sr::secretary_name,
                    sr::body,
                    sr::file_name,
                    sr::file_sha256,
                    sr::reported_on,
                ),
                (sr::meeting_county, sr::meeting_id, sr::grade, sr::comments),
            ))
            .first(self.conn())
            .optional()?;
        let Some((
            (org, year, org_name, path, org_type),
            (secretary, body, file_name, file_sha256, reported_on),
            (meeting_county, meeting_id, grade, comments),
        )) = row
        else {
            return Ok(None);
        };
        if !scope.contains_path(&path) {
            return Ok(None);
        }
        let party_org = Key {
            county: key.county,
            id: org,
        };
        let org_type =
            PartyOrgType::parse(&org_type).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let Some((reviewer, reviewer_name)) = self.reviewer_of(&path, org_type)? else {
            return Err(StoreError::Corrupt(format!(
                "述职报告 {}-{} 的党组织没有评议的上级",
                key.county, key.id
            )));
        };
        let meeting = match (meeting_county, meeting_id) {
            (Some(county), Some(id)) => self
                .meetings_where(None, year, Some(reviewer))?
                .into_iter()
                .find(|mt| mt.key == Key { county, id }),
            _ => None,
        };
        let all = self.review_rectifications_of(party_org)?;
        let (rectifications, carried) = all
            .into_iter()
            .filter(|r| r.year <= year)
            .partition::<Vec<_>, _>(|r| r.report == key);
        Ok(Some(SecretaryReport {
            key,
            party_org,
            party_org_name: org_name,
            party_org_path: path,
            reviewer,
            reviewer_name,
            year,
            secretary,
            body,
            file_name,
            file_sha256,
            reported_on,
            meeting,
            grade: parse_grade(grade)?,
            comments,
            rectifications,
            carried: carried
                .into_iter()
                .filter(|r| r.done_on.is_none())
                .collect(),
        }))
    }

    /// Every rectification of an organization's reports, oldest first.
    fn review_rectifications_of(&mut self, org: Key) -> Result<Vec<ReviewRectification>> {
        type Row = (
            (i32, i64, i64, i32),
            (String, String, NaiveDate, NaiveDate),
            (Option<NaiveDate>, Option<String>),
        );
        let rows: Vec<Row> = rr::table
            .inner_join(
                sr::table.on(sr::county_code
                    .eq(rr::county_code)
                    .and(sr::id.eq(rr::report_id))),
            )
            .filter(sr::county_code.eq(org.county))
            .filter(sr::party_org_id.eq(org.id))
            .select((
                (rr::county_code, rr::id, rr::report_id, sr::year),
                (rr::problem, rr::measure, rr::deadline, rr::raised_on),
                (rr::done_on, rr::done_note),
            ))
            .order((sr::year, rr::id))
            .load(self.conn())?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    (county, id, report, year),
                    (problem, measure, deadline, raised_on),
                    (done_on, done_note),
                )| ReviewRectification {
                    key: Key { county, id },
                    report: Key { county, id: report },
                    year,
                    problem,
                    measure,
                    deadline,
                    raised_on,
                    done_on,
                    done_note,
                },
            )
            .collect())
    }

    /// The attachment of a report of `scope`: its name and bytes.
    pub fn secretary_report_file(
        &mut self,
        scope: &Scope,
        key: Key,
    ) -> Result<Option<(String, Vec<u8>)>> {
        let Some(r) = self.secretary_report(scope, key)? else {
            return Ok(None);
        };
        let Some(name) = r.file_name else {
            return Ok(None);
        };
        let content: Option<Vec<u8>> = rf::table
            .filter(rf::county_code.eq(key.county))
            .filter(rf::report_id.eq(key.id))
            .select(rf::content)
            .first(self.conn())
            .optional()?;
        Ok(content.map(|c| (name, c)))
    }

    /// A report the committee at the root of `scope` reviews, checked for a grader: its
    /// reviewer must be that committee.
    fn report_to_review(&mut self, scope: &Scope, key: Key) -> Result<SecretaryReport> {
        let committee = self.reviewing_committee(scope)?;
        let report = self
            .secretary_report(scope, key)?
            .ok_or_else(|| StoreError::invalid("述职报告", "不存在或不在您的管理范围内"))?;
        if report.reviewer != committee {
            return Err(StoreError::invalid(
                "述职报告",
                format!("由{}评议", report.reviewer_name),
            ));
        }
        Ok(report)
    }

    /// The reviewing committee grades a report at one of its meetings of the report's year,
    /// as the report stood when it read it.
    pub fn grade_secretary_report(
        &mut self,
        actor: &str,
        scope: &Scope,
        key: Key,
        g: &Grading,
    ) -> Result<()> {
        let report = self.report_to_review(scope, key)?;
        if report.grade.is_some() {
            return Err(StoreError::invalid("评议等次", "已评议"));
        }
        let held = self
            .meetings_where(None, report.year, Some(report.reviewer))?
            .into_iter()
            .find(|mt| mt.key == g.meeting)
            .ok_or_else(|| StoreError::invalid("述职评议会", "应为本级评议该年度述职的会议"))?;
        let comments = typed_text("评议意见", &g.comments, true, 1000)?;
        let (meeting, grade) = (g.meeting, g.grade);
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            // Read again under the write lock: filed again since it was read, it waits.
            let now: Option<(NaiveDate, String, Option<String>, Option<String>)> = sr::table
                .filter(sr::county_code.eq(key.county))
                .filter(sr::id.eq(key.id))
                .select((sr::reported_on, sr::body, sr::file_sha256, sr::grade))
                .first(conn)
                .optional()?;
            let Some((reported_on, body, file, graded)) = now else {
                return Err(StoreError::invalid("述职报告", "不存在"));
            };
            if graded.is_some() {
                return Err(StoreError::invalid("评议等次", "已评议"));
            }
            if report_version(reported_on, &body, file.as_deref().unwrap_or("")) != g.seen {
                return Err(StoreError::invalid(
                    "述职报告",
                    "报告已重新提交，请阅读新的报告后再评议",
                ));
            }
            if held.held_on < reported_on {
                return Err(StoreError::invalid(
                    "述职评议会",
                    "会议早于报告提交日期，不能评议这份报告",
                ));
            }
            diesel::update(
                sr::table
                    .filter(sr::county_code.eq(key.county))
                    .filter(sr::id.eq(key.id)),
            )
            .set((
                sr::meeting_county.eq(meeting.county),
                sr::meeting_id.eq(meeting.id),
                sr::grade.eq(grade.code()),
                sr::comments.eq(&comments),
                sr::graded_by.eq(actor),
            ))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "grade",
                    entity: "secretary_report",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({
                        "meeting": format!("{}-{}", meeting.county, meeting.id),
                        "grade": grade.code(),
                        "comments": comments,
                        "version": g.seen,
                    })),
                },
            )?;
            Ok(())
        })
    }

    /// The reviewing committee lists a problem of a graded report to rectify.
    pub fn raise_review_rectification(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        report: Key,
        x: &NewRectification,
    ) -> Result<Key> {
        let r = self.report_to_review(scope, report)?;
        if r.grade.is_none() {
            return Err(StoreError::invalid("整改事项", "请先评议这份报告"));
        }
        let problem = typed_text("存在问题", &x.problem, true, 500)?;
        let measure = typed_text("整改措施", &x.measure, true, 500)?;
        let deadline = x.deadline;
        if deadline <= today {
            return Err(StoreError::invalid("整改期限", "应晚于今天"));
        }
        if deadline > today + Days::new(366) {
            return Err(StoreError::invalid("整改期限", "不能超过一年"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let id = crate::registry::allocate(conn, "review_rectifications", 1)?;
            diesel::insert_into(rr::table)
                .values((
                    rr::county_code.eq(report.county),
                    rr::id.eq(id),
                    rr::report_id.eq(report.id),
                    rr::problem.eq(&problem),
                    rr::measure.eq(&measure),
                    rr::deadline.eq(deadline),
                    rr::raised_on.eq(today),
                    rr::raised_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "review_rectification",
                    county: report.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "report": report.id,
                        "problem": problem,
                        "measure": measure,
                        "deadline": deadline,
                    })),
                },
            )?;
            Ok(Key {
                county: report.county,
                id,
            })
        })
    }

    /// The organization (or a superior in `scope`) marks a rectification `id` of a report
    /// done, saying what was done.
    pub fn finish_review_rectification(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        report: Key,
        id: i64,
        note: &str,
    ) -> Result<()> {
        let key = Key {
            county: report.county,
            id,
        };
        let path: Option<String> = if scope.is_staff() {
            rr::table
                .inner_join(
                    sr::table.on(sr::county_code
                        .eq(rr::county_code)
                        .and(sr::id.eq(rr::report_id))),
                )
                .inner_join(
                    po::table.on(po::county_code
                        .eq(sr::county_code)
                        .and(po::id.eq(sr::party_org_id))),
                )
                .filter(rr::county_code.eq(key.county))
                .filter(rr::id.eq(key.id))
                .filter(rr::report_id.eq(report.id))
                .select(po::path)
                .first(self.conn())
                .optional()?
        } else {
            None
        };
        if !path.is_some_and(|p| scope.contains_path(&p)) {
            return Err(StoreError::invalid(
                "整改事项",
                "不存在或不在您的管理范围内",
            ));
        }
        let note = typed_text("整改情况", note, true, 1000)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let changed = diesel::update(
                rr::table
                    .filter(rr::county_code.eq(key.county))
                    .filter(rr::id.eq(key.id))
                    .filter(rr::done_on.is_null()),
            )
            .set((
                rr::done_on.eq(today),
                rr::done_note.eq(&note),
                rr::done_by.eq(actor),
            ))
            .execute(conn)?;
            if changed == 0 {
                return Err(StoreError::invalid("整改事项", "已完成"));
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "finish",
                    entity: "review_rectification",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({ "done_on": today, "note": note })),
                },
            )?;
            Ok(())
        })
    }

    /// The rectifications of the scope's organizations open past their deadline on
    /// `today`, oldest deadline first, each with its organization (key and name).
    pub fn overdue_review_rectifications(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
    ) -> Result<Vec<(ReviewRectification, Key, String)>> {
        if !scope.is_staff() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        type Row = (
            (i32, i64, i64, i32, i64, String),
            (String, String, NaiveDate, NaiveDate),
        );
        let rows: Vec<Row> = rr::table
            .inner_join(
                sr::table.on(sr::county_code
                    .eq(rr::county_code)
                    .and(sr::id.eq(rr::report_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(sr::county_code)
                    .and(po::id.eq(sr::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(rr::done_on.is_null())
            .filter(rr::deadline.lt(today))
            .select((
                (
                    rr::county_code,
                    rr::id,
                    rr::report_id,
                    sr::year,
                    sr::party_org_id,
                    po::name,
                ),
                (rr::problem, rr::measure, rr::deadline, rr::raised_on),
            ))
            .order((rr::deadline, rr::county_code, rr::id))
            .load(self.conn())?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    (county, id, report, year, org, name),
                    (problem, measure, deadline, raised_on),
                )| {
                    (
                        ReviewRectification {
                            key: Key { county, id },
                            report: Key { county, id: report },
                            year,
                            problem,
                            measure,
                            deadline,
                            raised_on,
                            done_on: None,
                            done_note: None,
                        },
                        Key { county, id: org },
                        name,
                    )
                },
            )
            .collect())
    }

    /// What the 述职 asks of `scope` on `today`: the root's own report owed (the year, and
    /// whether it is past due), the owed year's reports filed to the root awaiting its
    /// grade, and the rectifications of the scope's organizations open past their deadline.
    pub fn review_todo(&mut self, scope: &Scope, today: NaiveDate) -> Result<ReviewTodo> {
        let mut out = ReviewTodo::default();
        if !scope.is_staff() {
            return Ok(out);
        }
        let rules = ReviewRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let year = ReviewRules::owed_year(today);
        let Some(root) = self.scope_root(scope)? else {
            return Ok(out);
        };
        if self.reviewer_of(&root.path, root.org_type)?.is_some() {
            let filed: i64 = sr::table
                .filter(sr::county_code.eq(root.key.county))
                .filter(sr::party_org_id.eq(root.key.id))
                .filter(sr::year.eq(year))
                .count()
                .get_result(self.conn())?;
            if filed == 0 {
                out.report_owed = Some((year, today > rules.due_on(year)));
            }
        }
        let (low, high) = scope.path_range();
        if root.org_type.is_committee() {
            // Ungraded reports below the root, then those whose reviewer is the root.
            // As the roster counts them: not a 党小组, not dissolved by the year's end.
            let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
            let waiting: Vec<(i32, i64, String)> = sr::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(sr::county_code)
                        .and(po::id.eq(sr::party_org_id))),
                )
                .filter(po::path.gt(&low).and(po::path.lt(&high)))
                .filter(po::org_type.ne(PartyOrgType::Group.code()))
                .filter(po::dissolved_on.is_null().or(po::dissolved_on.gt(end)))
                .filter(sr::grade.is_null())
                .filter(sr::year.eq(year))
                .select((sr::county_code, sr::party_org_id, po::path))
                .load(self.conn())?;
            if !waiting.is_empty() {
                let committees: std::collections::HashSet<i64> = po::table
                    .filter(po::path.gt(&low).and(po::path.lt(&high)))
                    .filter(po::org_type.eq_any(COMMITTEE_TYPES.map(PartyOrgType::code)))
                    .select(po::id)
                    .load::<i64>(self.conn())?
                    .into_iter()
                    .collect();
                // A report is the root's to grade when no committee stands between.
                out.reports_to_grade = count(waiting.iter().filter(|(_, id, p)| {
                    !path_ids(p)
                        .iter()
                        .filter(|x| *x != id)
                        .any(|x| committees.contains(x))
                }));
            }
        }
        let overdue = self.overdue_review_rectifications(scope, today)?.len();
        out.rectifications_overdue = u32::try_from(overdue).unwrap_or(u32::MAX);
        Ok(out)
    }
}

fn count<T>(it: impl Iterator<Item = T>) -> u32 {
    u32::try_from(it.count()).unwrap_or(u32::MAX)
}

/// What the 述职 asks of a scope next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReviewTodo {
    /// The root's own report not filed: the year, and whether it is past due.
    pub report_owed: Option<(i32, bool)>,
    /// Reports filed to the root (its reviewer) and not yet graded.
    pub reports_to_grade: u32,
    /// Rectifications of the scope's organizations open past their deadline.
    pub rectifications_overdue: u32,
}
