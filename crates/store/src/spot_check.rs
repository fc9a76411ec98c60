//! 随机抽查: a committee publishes a round (the seed, the register's day, how many, of what,
//! stratified by what) and then draws it; the draw is kept item by item with its stratum and
//! rank, so anyone can redraw it from the seed and the register (`liangxin spot-check`) and
//! compare. Each drawn item is inspected once; a problem found demands rectification by a
//! deadline and stays open until it is accepted (验收销号).
//!
//! The frame is the committee's: its subtree's party organizations (not itself, not
//! 党小组) or the units of its region or zone, as they stood on the round's day
//! ([`Store::spot_check_frame`]). A round is seen, and worked, by the scopes that hold
//! the committee; data flows up.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::kinds::{InspectionResult, PartyOrgType, SpotCheckOf, SpotCheckStrata};
use liangxin_domain::registry::Key;
use liangxin_domain::spot_check::{self, Draw, FrameItem, Seed};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::coverage::{Lookup, scoped_alive};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{
    organizations as o, party_orgs as po, spot_check_findings as sf, spot_check_items as si,
    spot_check_rounds as sr, zones as z,
};
use crate::{DbConnection, Scope, Store};

/// A round as the committee publishes it.
#[derive(Debug, Clone)]
pub struct NewRound {
    pub title: String,
    pub of: SpotCheckOf,
    pub by: SpotCheckStrata,
    pub size: u32,
    pub seed: Seed,
    /// The register's day the frame is read on.
    pub as_of: NaiveDate,
}

/// The most a round draws: a day's inspections by a handful of teams, many times over.
pub const MAX_SIZE: u32 = 500;

/// A round as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSummary {
    pub key: Key,
    pub owner: Key,
    pub owner_name: String,
    pub title: String,
    pub of: SpotCheckOf,
    pub by: SpotCheckStrata,
    pub size: u32,
    pub seed: Seed,
    pub as_of: NaiveDate,
    pub published_on: NaiveDate,
    pub published_by: String,
    pub frame: FrameScope,
    /// Drawn on, by; the frame's size and digest.
    pub drawn: Option<(NaiveDate, String, usize, String)>,
    pub items: usize,
    pub inspected: usize,
    pub findings_open: usize,
    pub findings_overdue: usize,
    pub findings_closed: usize,
}

impl RoundSummary {
    /// 待抽取, 检查中, 整改中, 已完成: from the facts, never set by hand.
    pub fn state(&self) -> &'static str {
        if self.drawn.is_none() {
            "已公布待抽取"
        } else if self.inspected < self.items {
            "检查中"
        } else if self.findings_open > 0 {
            "整改中"
        } else {
            "已完成"
        }
    }
}

/// One inspection of a drawn item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub on: NaiveDate,
    pub inspectors: String,
    pub result: InspectionResult,
    pub note: String,
}

/// A drawn item and its inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnItem {
    pub seq: i32,
    pub stratum: String,
    pub stratum_label: String,
    /// `county-id` of the party organization or unit.
    pub code: String,
    pub name: String,
    pub rank: String,
    pub inspection: Option<Inspection>,
}

/// A problem found and the rectification it demands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub key: Key,
    pub seq: i32,
    pub problem: String,
    pub demand: String,
    pub deadline: NaiveDate,
    pub raised_on: NaiveDate,
    pub raised_by: String,
    /// Accepted on, by, with what note.
    pub closed: Option<(NaiveDate, String, String)>,
}

impl Finding {
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.closed.is_none() && self.deadline < today
    }
}

/// A rectification demanded of one of the scope's organizations by a round (its own
/// committee's or one above): what the organization must do, by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demand {
    pub round: Key,
    pub round_title: String,
    pub committee_name: String,
    pub party_org: Key,
    pub party_org_name: String,
    pub problem: String,
    pub demand: String,
    pub deadline: NaiveDate,
}

/// A round with its items and its findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundView {
    pub summary: RoundSummary,
    pub items: Vec<DrawnItem>,
    pub findings: Vec<Finding>,
}

type RoundRow = (
    (
        i32,
        i64,
        i64,
        Option<i32>,
        Option<i64>,
        String,
        String,
        String,
    ),
    (i32, i64, NaiveDate, NaiveDate, String),
    (
        Option<NaiveDate>,
        Option<String>,
        Option<i32>,
        Option<String>,
    ),
    String,
    String,
    Option<String>,
);

macro_rules! round_columns {
    () => {
        (
            (
                sr::county_code,
                sr::id,
                sr::owner_id,
                sr::region,
                sr::zone_id,
                sr::title,
                sr::population,
                sr::strata,
            ),
            (
                sr::size,
                sr::seed,
                sr::as_of,
                sr::published_on,
                sr::published_by,
            ),
            (sr::drawn_on, sr::drawn_by, sr::frame_size, sr::frame_digest),
            po::name,
            po::path,
            z::code.nullable(),
        )
    };
}

/// Whose register a round's frame is: what `liangxin spot-check` is told to redraw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameScope {
    /// A city's or a county's committee: the region's units (`--county`, none for a city).
    Region(i32),
    /// A park's or town's 党工委: the zone's units (`--zone CODE`).
    Zone(String),
    /// Another committee: its subtree (`--party-org`).
    Subtree,
}

/// A round's row read back: its summary (counts not yet filled), the owner's path and the
/// frame's region and zone.
struct Round {
    summary: RoundSummary,
    owner_path: String,
    region: Option<i32>,
    zone: Option<i64>,
}

fn round_of(row: RoundRow) -> Result<Round> {
    let (
        (county, id, owner, region, zone, title, of, by),
        (size, seed, as_of, on, by_whom),
        drawn,
        name,
        path,
        zone_code,
    ) = row;
    let frame = match (region, zone_code) {
        (_, Some(code)) => FrameScope::Zone(code),
        (Some(r), None) => FrameScope::Region(r),
        (None, None) => FrameScope::Subtree,
    };
    let bad = |field: &'static str, e: String| StoreError::invalid(field, e);
    let drawn = match drawn {
        (Some(d), Some(who), Some(n), Some(digest)) => {
            Some((d, who, usize::try_from(n).unwrap_or(0), digest))
        }
        _ => None,
    };
    Ok(Round {
        summary: RoundSummary {
            key: Key { county, id },
            owner: Key { county, id: owner },
            owner_name: name,
            title,
            of: SpotCheckOf::parse(&of).map_err(|e| bad("抽查对象", e.to_string()))?,
            by: SpotCheckStrata::parse(&by).map_err(|e| bad("分层方式", e.to_string()))?,
            size: u32::try_from(size).unwrap_or(0),
            seed: Seed::new(u64::try_from(seed).unwrap_or(0))
                .map_err(|e| bad("随机种子", e.to_string()))?,
            as_of,
            published_on: on,
            published_by: by_whom,
            frame,
            drawn,
            items: 0,
            inspected: 0,
            findings_open: 0,
            findings_overdue: 0,
            findings_closed: 0,
        },
        owner_path: path,
        region,
        zone,
    })
}

fn not_found() -> StoreError {
    StoreError::invalid("抽查", "不存在或不在您的管理范围内")
}

impl Store {
    /// The frame of a spot check: what `scope`'s committee would draw from on `as_of`,
    /// each item with its stratum under `by`, in code order.
    pub fn spot_check_frame(
        &mut self,
        scope: &Scope,
        of: SpotCheckOf,
        by: SpotCheckStrata,
        as_of: NaiveDate,
    ) -> Result<Vec<FrameItem>> {
        if !scope.is_staff() {
            return Ok(Vec::new());
        }
        let counties = self.region_names()?;
        let zones: HashMap<i64, (String, String)> = z::table
            .select((z::id, z::code, z::name))
            .load::<(i64, String, String)>(self.conn())?
            .into_iter()
            .map(|(id, code, name)| (id, (code, name)))
            .collect();
        let stratum = |county: i32, zone: Option<i64>, kind: (&str, &str)| match by {
            SpotCheckStrata::County => (
                county.to_string(),
                counties
                    .get(&county)
                    .cloned()
                    .unwrap_or_else(|| county.to_string()),
            ),
            SpotCheckStrata::Zone => match zone.and_then(|z| zones.get(&z)) {
                Some((code, name)) => (code.clone(), name.clone()),
                None => ("none".to_owned(), "未划入园区小镇".to_owned()),
            },
            SpotCheckStrata::Kind => (kind.0.to_owned(), kind.1.to_owned()),
        };
        let mut frame = Vec::new();
        match of {
            SpotCheckOf::PartyOrgs => {
                let (low, high) = scope.path_range();
                let rows: Vec<(i32, i64, String, String, Option<i64>)> = po::table
                    .filter(po::path.gt(&scope.party_path))
                    .filter(po::path.lt(&high))
                    .filter(po::path.ge(&low))
                    .filter(po::org_type.ne(PartyOrgType::Group.code()))
                    .filter(po::dissolved_on.is_null().or(po::dissolved_on.gt(as_of)))
                    .select((po::county_code, po::id, po::name, po::org_type, po::zone_id))
                    .load(self.conn())?;
                for (county, id, name, t, zone) in rows {
                    let t = PartyOrgType::parse(&t)
                        .map_err(|e| StoreError::invalid("党组织类型", e.to_string()))?;
                    let (s, label) = stratum(county, zone, (t.code(), t.label()));
                    frame.push(FrameItem {
                        code: format!("{county}-{id}"),
                        name,
                        stratum: s,
                        stratum_label: label,
                    });
                }
            }
            SpotCheckOf::Units => {
                let rows: Vec<(i32, i64, String, String, Option<i64>)> =
                    scoped_alive(scope, as_of, Lookup::ByRegion, Some(as_of))
                        .filter(o::registered_on.is_null().or(o::registered_on.le(as_of)))
                        .select((o::county_code, o::id, o::name, o::kind, o::zone_id))
                        .load(self.conn())?;
                for (county, id, name, k, zone) in rows {
                    let k = liangxin_domain::kinds::OrgKind::parse(&k)
                        .map_err(|e| StoreError::invalid("组织类别", e.to_string()))?;
                    let (s, label) = stratum(county, zone, (k.code(), k.label()));
                    frame.push(FrameItem {
                        code: format!("{county}-{id}"),
                        name,
                        stratum: s,
                        stratum_label: label,
                    });
                }
            }
        }
        frame.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(frame)
    }

    /// The committee at the root of `scope` publishes a round: its seed before any draw.
    pub fn publish_spot_check(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        round: &NewRound,
    ) -> Result<Key> {
        if !scope.is_staff() {
            return Err(StoreError::invalid("抽查", "随机抽查由党委、党工委组织"));
        }
        let owner = self
            .scope_root(scope)?
            .filter(|r| r.org_type.is_committee())
            .ok_or_else(|| StoreError::invalid("抽查", "随机抽查由党委、党工委组织"))?;
        let title = typed_text("抽查名称", &round.title, true, 100)?;
        if round.size == 0 || round.size > MAX_SIZE {
            return Err(StoreError::invalid(
                "抽取数量",
                format!("应为1至{MAX_SIZE}之间的整数"),
            ));
        }
        if round.as_of > today {
            return Err(StoreError::invalid("名录日期", "不能晚于今天"));
        }
        if round.as_of < today - Days::new(366) {
            return Err(StoreError::invalid("名录日期", "不能早于一年前"));
        }
        let seed =
            i64::try_from(round.seed.get()).map_err(|_| StoreError::invalid("随机种子", "过大"))?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let id = crate::registry::allocate(conn, "spot_check_rounds", 1)?;
            let key = Key {
                county: owner.key.county,
                id,
            };
            diesel::insert_into(sr::table)
                .values((
                    (
                        sr::county_code.eq(key.county),
                        sr::id.eq(id),
                        sr::owner_id.eq(owner.key.id),
                        sr::region.eq(scope.region),
                        sr::zone_id.eq(scope.zone),
                        sr::title.eq(&title),
                        sr::population.eq(round.of.code()),
                        sr::strata.eq(round.by.code()),
                    ),
                    (
                        sr::size.eq(round.size as i32),
                        sr::seed.eq(seed),
                        sr::as_of.eq(round.as_of),
                        sr::published_on.eq(today),
                        sr::published_by.eq(actor),
                    ),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "spot_check",
                    county: key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "owner": owner.key.id,
                        "title": title,
                        "of": round.of.code(),
                        "by": round.by.code(),
                        "size": round.size,
                        "seed": round.seed.get(),
                        "as_of": round.as_of,
                    })),
                },
            )?;
            Ok(key)
        })
    }

    /// A round's row if `scope` holds its committee.
    fn round_row(conn: &mut DbConnection, scope: &Scope, key: Key) -> Result<Option<Round>> {
        if !scope.is_staff() {
            return Ok(None);
        }
        let row: Option<RoundRow> = sr::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(sr::county_code)
                    .and(po::id.eq(sr::owner_id))),
            )
            .left_join(z::table.on(sr::zone_id.eq(z::id.nullable())))
            .filter(sr::county_code.eq(key.county))
            .filter(sr::id.eq(key.id))
            .select(round_columns!())
            .first(conn)
            .optional()?;
        match row {
            Some(r) => {
                let round = round_of(r)?;
                Ok(scope.contains_path(&round.owner_path).then_some(round))
            }
            None => Ok(None),
        }
    }

    /// The round drawn again from its committee's register as it stands now for the round's
    /// day, and whether that gives the kept frame digest and sample: what anyone redrawing
    /// from the published seed would check. `None` before the draw or outside the scope.
    pub fn redraw_spot_check(&mut self, scope: &Scope, key: Key) -> Result<Option<(Draw, bool)>> {
        let Some(round) = Self::round_row(&mut self.conn, scope, key)? else {
            return Ok(None);
        };
        let Some((.., digest)) = round.summary.drawn.clone() else {
            return Ok(None);
        };
        let kept: Vec<String> = si::table
            .filter(si::county_code.eq(key.county))
            .filter(si::round_id.eq(key.id))
            .order(si::seq)
            .select(si::item_code)
            .load(self.conn())?;
        let again = self.round_draw(&round)?;
        let same =
            again.frame_digest == digest && again.sample.iter().map(|d| &d.code).eq(kept.iter());
        Ok(Some((again, same)))
    }

    fn round_draw(&mut self, round: &Round) -> Result<Draw> {
        let frame_scope = Scope {
            region: round.region,
            zone: round.zone,
            ..Scope::subtree(round.owner_path.clone())
        };
        let s = &round.summary;
        let frame = self.spot_check_frame(&frame_scope, s.of, s.by, s.as_of)?;
        Ok(spot_check::draw(s.seed, s.size as usize, &frame))
    }

    /// Draws a published round from its committee's register on its day, once.
    pub fn draw_spot_check(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
    ) -> Result<Draw> {
        let round = Self::round_row(&mut self.conn, scope, key)?.ok_or_else(not_found)?;
        if round.summary.drawn.is_some() {
            return Err(StoreError::invalid("抽查", "已抽取，不能重抽"));
        }
        let drawn = self.round_draw(&round)?;
        if drawn.frame_size == 0 {
            return Err(StoreError::invalid("抽查", "名录中没有可抽取的对象"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            // Under the write lock: a second draw at the same time finds this one.
            let already: Option<NaiveDate> = sr::table
                .filter(sr::county_code.eq(key.county))
                .filter(sr::id.eq(key.id))
                .select(sr::drawn_on)
                .first(conn)?;
            if already.is_some() {
                return Err(StoreError::invalid("抽查", "已抽取，不能重抽"));
            }
            diesel::update(
                sr::table
                    .filter(sr::county_code.eq(key.county))
                    .filter(sr::id.eq(key.id)),
            )
            .set((
                sr::drawn_on.eq(today),
                sr::drawn_by.eq(actor),
                sr::frame_size.eq(i32::try_from(drawn.frame_size).unwrap_or(i32::MAX)),
                sr::frame_digest.eq(&drawn.frame_digest),
            ))
            .execute(conn)?;
            let labels: HashMap<&str, &str> = drawn
                .strata
                .iter()
                .map(|s| (s.code.as_str(), s.label.as_str()))
                .collect();
            for (seq, d) in drawn.sample.iter().enumerate() {
                diesel::insert_into(si::table)
                    .values((
                        si::county_code.eq(key.county),
                        si::round_id.eq(key.id),
                        si::seq.eq(seq as i32 + 1),
                        si::stratum.eq(&d.stratum),
                        si::stratum_label.eq(labels.get(d.stratum.as_str()).copied().unwrap_or("")),
                        si::item_code.eq(&d.code),
                        si::item_name.eq(&d.name),
                        si::item_rank.eq(&d.rank),
                    ))
                    .execute(conn)?;
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "draw",
                    entity: "spot_check",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({
                        "frame_size": drawn.frame_size,
                        "frame_digest": drawn.frame_digest,
                        "sample": drawn.sample.iter().map(|d| &d.code).collect::<Vec<_>>(),
                    })),
                },
            )?;
            Ok(())
        })?;
        Ok(drawn)
    }

    /// The rounds of committees in `scope`, newest first.
    pub fn spot_checks(&mut self, scope: &Scope, today: NaiveDate) -> Result<Vec<RoundSummary>> {
        if !scope.is_staff() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        let rows: Vec<RoundRow> = sr::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(sr::county_code)
                    .and(po::id.eq(sr::owner_id))),
            )
            .left_join(z::table.on(sr::zone_id.eq(z::id.nullable())))
            .filter(po::path.ge(&low))
            .filter(po::path.lt(&high))
            .order((sr::published_on.desc(), sr::county_code, sr::id.desc()))
            .select(round_columns!())
            .load(self.conn())?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut s = round_of(row)?.summary;
            self.count_round(&mut s, today)?;
            out.push(s);
        }
        Ok(out)
    }

    fn count_round(&mut self, s: &mut RoundSummary, today: NaiveDate) -> Result<()> {
        let items: Vec<Option<NaiveDate>> = si::table
            .filter(si::county_code.eq(s.key.county))
            .filter(si::round_id.eq(s.key.id))
            .select(si::inspected_on)
            .load(self.conn())?;
        s.items = items.len();
        s.inspected = items.iter().filter(|i| i.is_some()).count();
        let findings: Vec<(NaiveDate, Option<NaiveDate>)> = sf::table
            .filter(sf::county_code.eq(s.key.county))
            .filter(sf::round_id.eq(s.key.id))
            .select((sf::deadline, sf::closed_on))
            .load(self.conn())?;
        s.findings_closed = findings.iter().filter(|(_, c)| c.is_some()).count();
        s.findings_open = findings.len() - s.findings_closed;
        s.findings_overdue = findings
            .iter()
            .filter(|(d, c)| c.is_none() && *d < today)
            .count();
        Ok(())
    }

    /// A round with its strata, items and findings, if `scope` holds its committee.
    pub fn spot_check(
        &mut self,
        scope: &Scope,
        key: Key,
        today: NaiveDate,
    ) -> Result<Option<RoundView>> {
        let Some(round) = Self::round_row(&mut self.conn, scope, key)? else {
            return Ok(None);
        };
        let mut summary = round.summary;
        self.count_round(&mut summary, today)?;
        type ItemRow = (
            i32,
            String,
            String,
            String,
            String,
            String,
            Option<NaiveDate>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<ItemRow> = si::table
            .filter(si::county_code.eq(key.county))
            .filter(si::round_id.eq(key.id))
            .order(si::seq)
            .select((
                si::seq,
                si::stratum,
                si::stratum_label,
                si::item_code,
                si::item_name,
                si::item_rank,
                si::inspected_on,
                si::inspectors,
                si::result,
                si::note,
            ))
            .load(self.conn())?;
        let mut items = Vec::with_capacity(rows.len());
        for (seq, stratum, stratum_label, code, name, rank, on, who, result, note) in rows {
            let inspection = match (on, result) {
                (Some(on), Some(r)) => Some(Inspection {
                    on,
                    inspectors: who.unwrap_or_default(),
                    result: InspectionResult::parse(&r)
                        .map_err(|e| StoreError::invalid("检查结论", e.to_string()))?,
                    note: note.unwrap_or_default(),
                }),
                _ => None,
            };
            items.push(DrawnItem {
                seq,
                stratum,
                stratum_label,
                code,
                name,
                rank,
                inspection,
            });
        }
        type FindingRow = (
            i32,
            i64,
            i32,
            String,
            String,
            NaiveDate,
            NaiveDate,
            String,
            Option<NaiveDate>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<FindingRow> = sf::table
            .filter(sf::county_code.eq(key.county))
            .filter(sf::round_id.eq(key.id))
            .order((sf::seq, sf::id))
            .select((
                sf::county_code,
                sf::id,
                sf::seq,
                sf::problem,
                sf::demand,
                sf::deadline,
                sf::raised_on,
                sf::raised_by,
                sf::closed_on,
                sf::closed_by,
                sf::closing_note,
            ))
            .load(self.conn())?;
        let findings = rows
            .into_iter()
            .map(
                |(county, id, seq, problem, demand, deadline, raised_on, raised_by, c, cb, cn)| {
                    Finding {
                        key: Key { county, id },
                        seq,
                        problem,
                        demand,
                        deadline,
                        raised_on,
                        raised_by,
                        closed: c.map(|c| (c, cb.unwrap_or_default(), cn.unwrap_or_default())),
                    }
                },
            )
            .collect();
        Ok(Some(RoundView {
            summary,
            items,
            findings,
        }))
    }

    /// The open rectifications demanded of the scope's party organizations by any round,
    /// by deadline: theirs to do, though the round is the committee's above.
    pub fn spot_check_demands(&mut self, scope: &Scope) -> Result<Vec<Demand>> {
        if !scope.is_staff() {
            return Ok(Vec::new());
        }
        // Open findings are few (a round draws at most 500): read them all, keep the
        // scope's by the drawn organization's path.
        type Row = (
            i32,
            i64,
            String,
            String,
            String,
            String,
            String,
            NaiveDate,
            String,
        );
        let rows: Vec<Row> = sf::table
            .inner_join(
                si::table.on(si::county_code
                    .eq(sf::county_code)
                    .and(si::round_id.eq(sf::round_id))
                    .and(si::seq.eq(sf::seq))),
            )
            .inner_join(
                sr::table.on(sr::county_code
                    .eq(sf::county_code)
                    .and(sr::id.eq(sf::round_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(sr::county_code)
                    .and(po::id.eq(sr::owner_id))),
            )
            .filter(sf::closed_on.is_null())
            .filter(sr::population.eq(SpotCheckOf::PartyOrgs.code()))
            .select((
                sr::county_code,
                sr::id,
                sr::title,
                po::name,
                si::item_code,
                sf::problem,
                sf::demand,
                sf::deadline,
                si::item_name,
            ))
            .order(sf::deadline)
            .load(self.conn())?;
        let mut out = Vec::new();
        for (county, id, title, committee, code, problem, demand, deadline, name) in rows {
            let Some(org) = Key::parse_code(&code) else {
                continue;
            };
            let path: Option<String> = po::table
                .filter(po::county_code.eq(org.county))
                .filter(po::id.eq(org.id))
                .select(po::path)
                .first(self.conn())
                .optional()?;
            if path.is_some_and(|p| scope.contains_path(&p)) {
                out.push(Demand {
                    round: Key { county, id },
                    round_title: title,
                    committee_name: committee,
                    party_org: org,
                    party_org_name: name,
                    problem,
                    demand,
                    deadline,
                });
            }
        }
        Ok(out)
    }

    /// Records the inspection of a drawn item, once.
    pub fn inspect_spot_check_item(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        (key, seq): (Key, i32),
        inspection: &Inspection,
    ) -> Result<()> {
        let round = Self::round_row(&mut self.conn, scope, key)?.ok_or_else(not_found)?;
        let Some((drawn_on, ..)) = round.summary.drawn else {
            return Err(StoreError::invalid("抽查", "尚未抽取"));
        };
        if inspection.on > today {
            return Err(StoreError::invalid("检查日期", "不能晚于今天"));
        }
        if inspection.on < drawn_on {
            return Err(StoreError::invalid("检查日期", "不能早于抽取日期"));
        }
        let inspectors = typed_text("检查人员", &inspection.inspectors, true, 100)?;
        let note = typed_text("检查情况", &inspection.note, false, 2000)?;
        if inspection.result == InspectionResult::Issues && note.is_empty() {
            return Err(StoreError::invalid("检查情况", "发现问题时须写明检查情况"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let done: Option<Option<NaiveDate>> = si::table
                .filter(si::county_code.eq(key.county))
                .filter(si::round_id.eq(key.id))
                .filter(si::seq.eq(seq))
                .select(si::inspected_on)
                .first(conn)
                .optional()?;
            match done {
                None => return Err(StoreError::invalid("抽查对象", "不是本轮抽中的对象")),
                Some(Some(_)) => return Err(StoreError::invalid("抽查对象", "已检查，不能再记录")),
                Some(None) => {}
            }
            diesel::update(
                si::table
                    .filter(si::county_code.eq(key.county))
                    .filter(si::round_id.eq(key.id))
                    .filter(si::seq.eq(seq)),
            )
            .set((
                si::inspected_on.eq(inspection.on),
                si::inspectors.eq(&inspectors),
                si::result.eq(inspection.result.code()),
                si::note.eq(&note),
            ))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "inspect",
                    entity: "spot_check",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({
                        "seq": seq,
                        "on": inspection.on,
                        "inspectors": inspectors,
                        "result": inspection.result.code(),
                        "note": note,
                    })),
                },
            )?;
            Ok(())
        })
    }

    /// A problem the inspection of item `seq` found, and the rectification it demands.
    #[allow(clippy::too_many_arguments)]
    pub fn raise_spot_check_finding(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        (key, seq): (Key, i32),
        problem: &str,
        demand: &str,
        deadline: NaiveDate,
    ) -> Result<Key> {
        Self::round_row(&mut self.conn, scope, key)?.ok_or_else(not_found)?;
        let problem = typed_text("存在问题", problem, true, 500)?;
        let demand = typed_text("整改要求", demand, true, 1000)?;
        if deadline < today {
            return Err(StoreError::invalid("整改时限", "不能早于今天"));
        }
        if deadline > today + Days::new(366) {
            return Err(StoreError::invalid("整改时限", "不能超过一年"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let result: Option<Option<String>> = si::table
                .filter(si::county_code.eq(key.county))
                .filter(si::round_id.eq(key.id))
                .filter(si::seq.eq(seq))
                .select(si::result)
                .first(conn)
                .optional()?;
            match result.as_ref().map(|r| r.as_deref()) {
                None => return Err(StoreError::invalid("抽查对象", "不是本轮抽中的对象")),
                Some(Some(r)) if r == InspectionResult::Issues.code() => {}
                Some(_) => {
                    return Err(StoreError::invalid(
                        "抽查对象",
                        "检查结论为“发现问题”后才能提出整改",
                    ));
                }
            }
            let id = crate::registry::allocate(conn, "spot_check_findings", 1)?;
            diesel::insert_into(sf::table)
                .values((
                    sf::county_code.eq(key.county),
                    sf::id.eq(id),
                    sf::round_id.eq(key.id),
                    sf::seq.eq(seq),
                    sf::problem.eq(&problem),
                    sf::demand.eq(&demand),
                    sf::deadline.eq(deadline),
                    sf::raised_on.eq(today),
                    sf::raised_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "spot_check_finding",
                    county: key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "round": key.id,
                        "seq": seq,
                        "problem": problem,
                        "demand": demand,
                        "deadline": deadline,
                    })),
                },
            )?;
            Ok(Key {
                county: key.county,
                id,
            })
        })
    }

    /// Accepts a rectification (验收销号), once, with the acceptance note.
    pub fn close_spot_check_finding(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        (round, finding): (Key, Key),
        note: &str,
    ) -> Result<()> {
        Self::round_row(&mut self.conn, scope, round)?.ok_or_else(not_found)?;
        let note = typed_text("验收意见", note, true, 1000)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let closed: Option<Option<NaiveDate>> = sf::table
                .filter(sf::county_code.eq(finding.county))
                .filter(sf::id.eq(finding.id))
                .filter(sf::county_code.eq(round.county))
                .filter(sf::round_id.eq(round.id))
                .select(sf::closed_on)
                .first(conn)
                .optional()?;
            match closed {
                None => return Err(StoreError::invalid("整改事项", "不是本轮的整改事项")),
                Some(Some(_)) => return Err(StoreError::invalid("整改事项", "已验收销号")),
                Some(None) => {}
            }
            diesel::update(
                sf::table
                    .filter(sf::county_code.eq(finding.county))
                    .filter(sf::id.eq(finding.id)),
            )
            .set((
                sf::closed_on.eq(today),
                sf::closed_by.eq(actor),
                sf::closing_note.eq(&note),
            ))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "close",
                    entity: "spot_check_finding",
                    county: finding.county,
                    entity_id: finding.id,
                    before: None,
                    after: Some(json!({ "closed_on": today, "note": note })),
                },
            )?;
            Ok(())
        })
    }
}
