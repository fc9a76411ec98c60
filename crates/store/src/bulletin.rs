//! 定期通报: a scope's figures for a month or a quarter, gathered from the records by the
//! same reads the pages use, so a bulletin and the pages it points to agree.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::audit::AuditKind;
use liangxin_domain::bulletin::{
    BulletinFacts, BulletinPeriod, CoverageLine, DuesLine, EffectLine, ExemplarLine, FindingLine,
    LifeLine, RectificationFigures, SpotCheckFigures,
};
use liangxin_domain::coverage::{self, GroupBy, GroupKey, Tally};
use liangxin_domain::effectiveness::{Composite, Count, Criterion, EffectivenessRules, composite};
use liangxin_domain::kinds::PartyOrgType;
use liangxin_domain::life::{self, LifeRules, PeriodState};
use liangxin_domain::period::Period;
use liangxin_domain::registry::Key;
use liangxin_domain::rules::CoverageRules;

use crate::error::{Result, StoreError};
use crate::schema::{
    audit_findings as af, organizations as o, party_org_coverage as pc, party_orgs as po,
    star_assessments as sa,
};
use crate::{Scope, Store};

/// Addressees the 发 line names one by one at most; more are named together.
const ADDRESSEES_NAMED: usize = 8;

/// Exemplars a bulletin names at most.
const EXEMPLARS_NAMED: usize = 5;

impl Scope {
    /// How a scope's figures are compared by default: a city's counties, a county's towns
    /// and parks, a town's sectors, anything smaller by kind of organization.
    pub fn natural_group(&self) -> GroupBy {
        match self.region {
            Some(code) if code % 100 == 0 => GroupBy::County,
            Some(_) => GroupBy::Zone,
            None if self.zone.is_some() => GroupBy::Sector,
            None => GroupBy::Kind,
        }
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What [`Store::group_counts`] counts for one group.
#[derive(Debug, Clone, Default)]
struct GroupCounts {
    /// Party organizations owing meetings, and their periods kept of those ended.
    branches: u32,
    life: Count,
    dues: DuesLine,
    findings: Count,
    stars: Count,
    rectifications: Count,
}

/// The 成效评估's counts of a group: its coverage and what the records counted.
fn criteria(coverage: &Tally, c: Option<&GroupCounts>) -> Vec<(Criterion, Count)> {
    let mut out = vec![(
        Criterion::WorkCoverage,
        Count {
            part: coverage.organization_covered + coverage.work_covered,
            whole: coverage.total,
        },
    )];
    if let Some(c) = c {
        out.extend([
            (Criterion::Life, c.life),
            // Of every member: one without a standard counts against the group.
            (
                Criterion::Dues,
                Count {
                    part: u64::from(c.dues.paid_members),
                    whole: u64::from(c.dues.members),
                },
            ),
            (Criterion::FindingsClosed, c.findings),
            (Criterion::Stars, c.stars),
            (Criterion::Rectification, c.rectifications),
        ]);
    }
    out
}

/// A party organization as the grouper reads it: key, path, zone, type, dissolution.
type PartyOrgRow = (i32, i64, String, Option<i64>, String, Option<NaiveDate>);

/// Which group a party organization's figures fall in: its county for a city; for a
/// county, the town or park it or the nearest organization above it belongs to; for
/// anything smaller, the scope as a whole (`None`).
struct Grouper {
    by: GroupBy,
    zone_of: HashMap<Key, Option<i64>>,
    /// Organizations 双强六好 rates, by group.
    rated: HashMap<Option<GroupKey>, u64>,
    /// The year the scope's records start: 整顿 cases are read from it on.
    first_year: i32,
}

impl Grouper {
    fn key(&self, k: Key) -> Option<GroupKey> {
        match self.by {
            GroupBy::County => Some(GroupKey::County(k.county)),
            GroupBy::Zone => Some(GroupKey::Zone(self.zone_of.get(&k).copied().flatten())),
            GroupBy::Sector | GroupBy::Kind => None,
        }
    }
}

impl Store {
    /// The grouper of `scope` by `by`, and the organizations 双强六好 rates by group (not
    /// 党工委 nor 党小组, not dissolved by `end`).
    fn grouper(
        &mut self,
        scope: &Scope,
        by: GroupBy,
        end: NaiveDate,
        first_year: i32,
    ) -> Result<Grouper> {
        let (low, high) = scope.path_range();
        let mut rows: Vec<PartyOrgRow> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .select((
                po::county_code,
                po::id,
                po::path,
                po::zone_id,
                po::org_type,
                po::dissolved_on,
            ))
            .load(self.conn())?;
        let mut zone_of: HashMap<Key, Option<i64>> = HashMap::new();
        if by == GroupBy::Zone {
            // An organization is in its own zone; without one, in the zone of the units it
            // covers (a company's branch in a park, a social organization's branch under the
            // county's 综合党委: the first zone by id, as the exemplars place it); without
            // either, in its parent's.
            let covered: HashMap<Key, Option<i64>> = pc::table
                .inner_join(
                    o::table.on(o::county_code
                        .eq(pc::county_code)
                        .and(o::id.eq(pc::organization_id))),
                )
                .inner_join(
                    po::table.on(po::county_code
                        .eq(pc::party_org_county)
                        .and(po::id.eq(pc::party_org_id))),
                )
                .filter(po::path.ge(&low).and(po::path.lt(&high)))
                .filter(o::zone_id.is_not_null())
                .filter(o::dissolved_on.is_null())
                .group_by((pc::party_org_county, pc::party_org_id))
                .select((
                    pc::party_org_county,
                    pc::party_org_id,
                    diesel::dsl::min(o::zone_id),
                ))
                .load::<(i32, i64, Option<i64>)>(self.conn())?
                .into_iter()
                .map(|(county, id, z)| (Key { county, id }, z))
                .collect();
            // Parents before children.
            rows.sort_by_key(|r| r.2.len());
            let mut by_path: HashMap<String, Option<i64>> = HashMap::new();
            for (county, id, path, own, _, _) in &rows {
                let key = Key {
                    county: *county,
                    id: *id,
                };
                let parent = path
                    .trim_end_matches('/')
                    .rfind('/')
                    .and_then(|i| by_path.get(&path[..=i]).copied())
                    .flatten();
                let zone = own.or(covered.get(&key).copied().flatten()).or(parent);
                by_path.insert(path.clone(), zone);
                zone_of.insert(key, zone);
            }
        }
        let mut rated: HashMap<Option<GroupKey>, u64> = HashMap::new();
        let grouper = Grouper {
            by,
            zone_of,
            rated: HashMap::new(),
            first_year,
        };
        for (county, id, _, _, org_type, dissolved) in &rows {
            let unrated = [
                PartyOrgType::WorkingCommittee.code(),
                PartyOrgType::Group.code(),
            ];
            if unrated.contains(&org_type.as_str()) || dissolved.is_some_and(|d| d <= end) {
                continue;
            }
            *rated
                .entry(grouper.key(Key {
                    county: *county,
                    id: *id,
                }))
                .or_default() += 1;
        }
        Ok(Grouper { rated, ..grouper })
    }

    /// Per group over `from..=end`: 三会一课 periods that ended in it (each judged the day
    /// after it ended, on its meetings all through it); dues of its last month; findings
    /// closed in it of those closed in it or open at its end; the year before's confirmed
    /// 双强六好 ratings of three stars or more; the year's 整顿 cases accepted by its end.
    fn group_counts(
        &mut self,
        scope: &Scope,
        grouper: &Grouper,
        from: NaiveDate,
        end: NaiveDate,
    ) -> Result<BTreeMap<Option<GroupKey>, GroupCounts>> {
        let mut out: BTreeMap<Option<GroupKey>, GroupCounts> = BTreeMap::new();
        let life_rules = LifeRules::resolve(&self.rule_set()?, end.succ_opt().unwrap_or(end))
            .map_err(|e| StoreError::invalid("规则", e.to_string()))?;
        let year_start = NaiveDate::from_ymd_opt(from.year(), 1, 1).unwrap_or(from);
        for f in self.life_facts(scope, year_start, end)? {
            let c = out.entry(grouper.key(f.key)).or_default();
            c.branches += 1;
            for p in life::assess(&f, &life_rules, from, end)
                .kinds
                .values()
                .flatten()
            {
                if !(from..=end).contains(&p.period.last_day()) {
                    continue;
                }
                match p.state {
                    PeriodState::Met => {
                        (c.life.part, c.life.whole) = (c.life.part + 1, c.life.whole + 1)
                    }
                    PeriodState::Missed => c.life.whole += 1,
                    PeriodState::Open => {}
                }
            }
        }
        let month = self.dues_month(scope, Period::containing_month(end))?;
        for r in &month.rollup {
            let d = &mut out.entry(grouper.key(r.key)).or_default().dues;
            d.members += r.totals.members;
            d.without_standard += r.totals.without_standard;
            d.paid_members += r.totals.paid_members;
            d.short_members += r.totals.short_members;
            d.unpaid_members += r.totals.unpaid_members;
        }
        let (low, high) = scope.path_range();
        let findings: Vec<(i32, i64, Option<NaiveDate>)> = af::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(af::county_code)
                    .and(po::id.eq(af::responsible_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(af::first_found_on.le(end))
            .filter(af::closed_on.is_null().or(af::closed_on.ge(from)))
            .select((af::county_code, af::responsible_id, af::closed_on))
            .load(self.conn())?;
        for (county, id, closed) in findings {
            let f = &mut out
                .entry(grouper.key(Key { county, id }))
                .or_default()
                .findings;
            f.whole += 1;
            if closed.is_some_and(|d| d <= end) {
                f.part += 1;
            }
        }
        // Three stars or more of the organizations rated, confirmed by the period's end: an
        // organization not yet rated counts against its group.
        for (group, n) in &grouper.rated {
            out.entry(group.clone()).or_default().stars.whole = *n;
        }
        for (key, n) in self.confirmed_stars(scope, end.year() - 1, end)? {
            out.entry(grouper.key(key)).or_default().stars.part += u64::from(n >= 3);
        }
        // Cases open at some time of the period's year up to its end (those carried over
        // from earlier years too), and of them the ones accepted by then.
        let year_start = NaiveDate::from_ymd_opt(end.year(), 1, 1).unwrap_or(end);
        for year in grouper.first_year.min(end.year())..=end.year() {
            for c in self.rectification_cases(scope, year)? {
                if c.opened_on > end || c.closed_on.is_some_and(|d| d < year_start) {
                    continue;
                }
                let r = &mut out
                    .entry(grouper.key(c.party_org))
                    .or_default()
                    .rectifications;
                r.whole += 1;
                r.part += u64::from(c.closed_on.is_some_and(|d| d <= end));
            }
        }
        Ok(out)
    }

    /// The 双强六好 ratings of `year` confirmed by `end`, by the organization rated: its
    /// stars, 0 for a veto.
    fn confirmed_stars(
        &mut self,
        scope: &Scope,
        year: i32,
        end: NaiveDate,
    ) -> Result<Vec<(Key, u8)>> {
        let (low, high) = scope.path_range();
        let rows: Vec<(i32, i64, Option<i32>)> = sa::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(sa::county_code)
                    .and(po::id.eq(sa::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(sa::year.eq(year))
            .filter(sa::confirmed_on.le(end))
            .filter(po::dissolved_on.is_null().or(po::dissolved_on.gt(end)))
            .select((sa::county_code, sa::party_org_id, sa::stars))
            .load(self.conn())?;
        Ok(rows
            .into_iter()
            .map(|(county, id, stars)| {
                let n = stars
                    .and_then(|n| u8::try_from(n.clamp(0, 5)).ok())
                    .unwrap_or(0);
                (Key { county, id }, n)
            })
            .collect())
    }

    /// The 成效评估 composites over `from..=end` of the groups `scope` compares and assesses:
    /// a city's counties, a county's towns and parks (not its organizations outside every
    /// town, nor a city's own among its counties). Empty for a smaller scope.
    pub fn group_composites(
        &mut self,
        scope: &Scope,
        from: NaiveDate,
        end: NaiveDate,
        today: NaiveDate,
    ) -> Result<Vec<(GroupKey, String, Composite)>> {
        let by = scope.natural_group();
        let Some(root) = self.scope_root(scope)? else {
            return Ok(Vec::new());
        };
        if !scope.is_staff() || !matches!(by, GroupBy::County | GroupBy::Zone) {
            return Ok(Vec::new());
        }
        let rules = self.rule_set()?;
        let coverage_rules = CoverageRules::resolve(&rules, end)
            .map_err(|e| StoreError::invalid("规则", e.to_string()))?;
        let effect_rules = EffectivenessRules::resolve(&rules, end)
            .map_err(|e| StoreError::invalid("规则", e.to_string()))?;
        let facts = self.coverage_facts_on(scope, today, end)?;
        let coverage =
            coverage::report(&facts.organizations, &facts.party_orgs, &coverage_rules, by);
        let grouper = self.grouper(scope, by, end, root.records_start.year())?;
        let counts = self.group_counts(scope, &grouper, from, end)?;
        let regions = self.region_names()?;
        let zones = self.zone_names()?;
        Ok(coverage
            .groups
            .iter()
            .filter(|(key, _)| match key {
                GroupKey::Zone(None) => false,
                GroupKey::County(c) => Some(*c) != scope.region,
                _ => true,
            })
            .map(|(key, tally)| {
                let c = composite(
                    &criteria(tally, counts.get(&Some(key.clone()))),
                    &effect_rules,
                );
                (key.clone(), key.name(&regions, &zones), c)
            })
            .collect())
    }

    /// The bulletin of `scope` for `period` (a month or a quarter), as of `today`: its
    /// figures at the period's end (today while it runs) beside the previous period's.
    pub fn bulletin_facts(
        &mut self,
        scope: &Scope,
        period: Period,
        today: NaiveDate,
    ) -> Result<BulletinFacts> {
        if !scope.is_staff() {
            return Err(StoreError::invalid(
                "通报",
                "只有党委（工委）的工作人员可以编发通报",
            ));
        }
        let Some(root) = self.scope_root(scope)? else {
            return Err(StoreError::invalid("通报", "不存在或不在您的管理范围内"));
        };
        let bp = BulletinPeriod::new(period, today, root.records_start)
            .map_err(|e| StoreError::invalid("期次", e.to_string()))?;
        let (from, end) = (bp.first_day(), bp.end);
        let regions = self.region_names()?;
        let zones = self.zone_names()?;

        // Coverage now and at the previous period's end, by the natural group and by town.
        let by = scope.natural_group();
        let now_facts = self.coverage_facts_on(scope, today, end)?;
        // The first issue has no previous period in the records: nothing to compare.
        let has_before = bp.previous_end() >= root.records_start;
        let before_facts = self.coverage_facts_on(scope, today, bp.previous_end())?;
        let rules_now = CoverageRules::resolve(&self.rule_set()?, end)
            .map_err(|e| StoreError::invalid("规则", e.to_string()))?;
        let rules_before = CoverageRules::resolve(&self.rule_set()?, bp.previous_end())
            .map_err(|e| StoreError::invalid("规则", e.to_string()))?;
        let lines = |by: GroupBy| {
            let now = coverage::report(
                &now_facts.organizations,
                &now_facts.party_orgs,
                &rules_now,
                by,
            );
            let before = coverage::report(
                &before_facts.organizations,
                &before_facts.party_orgs,
                &rules_before,
                by,
            );
            let groups: Vec<(GroupKey, CoverageLine)> = now
                .groups
                .iter()
                .map(|(key, t)| {
                    (
                        key.clone(),
                        CoverageLine {
                            name: key.name(&regions, &zones),
                            ranked: match key {
                                GroupKey::Zone(None) => false,
                                GroupKey::County(c) => Some(*c) != scope.region,
                                _ => true,
                            },
                            now: *t,
                            before: before
                                .groups
                                .get(key)
                                .copied()
                                .filter(|_| has_before)
                                .unwrap_or_default(),
                        },
                    )
                })
                .collect();
            (
                CoverageLine {
                    name: root.name.clone(),
                    ranked: false,
                    now: now.total,
                    before: if has_before {
                        before.total
                    } else {
                        Default::default()
                    },
                },
                groups,
            )
        };
        let (coverage_total, coverage_keys) = lines(by);
        let coverage: Vec<CoverageLine> = coverage_keys.iter().map(|(_, l)| l.clone()).collect();
        // A city's towns ranked beside its counties; a county's groups are its towns already.
        let towns = if by == GroupBy::County {
            let (_, towns) = lines(GroupBy::Zone);
            towns
                .into_iter()
                .map(|(_, t)| t)
                .filter(|t| t.ranked)
                .collect()
        } else {
            Vec::new()
        };

        // 三会一课, dues and what the 成效评估 counts, by the natural group; the previous
        // period's too, for the composite's change.
        let grouper = self.grouper(scope, by, end, root.records_start.year())?;
        let counts = self.group_counts(scope, &grouper, from, end)?;
        // Not ranked: those outside every town, and a city's own organizations among its
        // counties.
        let ranked = |key: &Option<GroupKey>| match key {
            Some(GroupKey::Zone(None)) | None => false,
            Some(GroupKey::County(c)) => Some(*c) != scope.region,
            Some(_) => true,
        };
        let name_of = |key: &Option<GroupKey>| match key {
            Some(k) => k.name(&regions, &zones),
            None => root.name.clone(),
        };
        let life: Vec<LifeLine> = counts
            .iter()
            .filter(|(_, c)| c.branches > 0)
            .map(|(k, c)| LifeLine {
                name: name_of(k),
                ranked: ranked(k),
                branches: c.branches,
                due: u32::try_from(c.life.whole).unwrap_or(u32::MAX),
                met: u32::try_from(c.life.part).unwrap_or(u32::MAX),
            })
            .collect();
        let life_total = LifeLine {
            name: root.name.clone(),
            ranked: false,
            branches: life.iter().map(|l| l.branches).sum(),
            due: life.iter().map(|l| l.due).sum(),
            met: life.iter().map(|l| l.met).sum(),
        };
        let dues: Vec<DuesLine> = counts
            .iter()
            .filter(|(_, c)| c.dues.members > 0)
            .map(|(k, c)| DuesLine {
                name: name_of(k),
                ranked: ranked(k),
                ..c.dues.clone()
            })
            .collect();
        let dues_month = Period::containing_month(end);
        let mut dues_total = DuesLine {
            name: root.name.clone(),
            ..DuesLine::default()
        };
        for d in &dues {
            dues_total.members += d.members;
            dues_total.without_standard += d.without_standard;
            dues_total.paid_members += d.paid_members;
            dues_total.short_members += d.short_members;
            dues_total.unpaid_members += d.unpaid_members;
        }

        let rules = self.rule_set()?;
        let effect_rules = EffectivenessRules::resolve(&rules, end)
            .map_err(|e| StoreError::invalid("规则", e.to_string()))?;
        // Compared only among counties or towns: a town's sectors are not accountable units.
        let compared = matches!(by, GroupBy::County | GroupBy::Zone);
        let previous = if has_before && compared {
            let prev = bp.period.prev();
            let before_counts =
                self.group_counts(scope, &grouper, prev.first_day(), prev.last_day())?;
            let prev_rules = EffectivenessRules::resolve(&rules, prev.last_day())
                .map_err(|e| StoreError::invalid("规则", e.to_string()))?;
            Some((before_counts, prev_rules))
        } else {
            None
        };
        let effectiveness: Vec<EffectLine> = coverage_keys
            .iter()
            .filter(|_| compared)
            .map(|(key, line)| {
                let group = Some(key.clone());
                let now = composite(&criteria(&line.now, counts.get(&group)), &effect_rules);
                let before = previous
                    .as_ref()
                    .and_then(|(c, r)| composite(&criteria(&line.before, c.get(&group)), r).score);
                EffectLine {
                    name: line.name.clone(),
                    ranked: line.ranked,
                    now,
                    before,
                }
            })
            .collect();

        let findings = self.finding_lines(scope, from, end)?;

        let mut spot_checks = SpotCheckFigures::default();
        for r in self.spot_checks(scope, today)? {
            if r.published_on < from || r.published_on > end {
                continue;
            }
            spot_checks.rounds += 1;
            spot_checks.items += count(r.items);
            spot_checks.inspected += count(r.inspected);
            spot_checks.findings_open += count(r.findings_open);
            spot_checks.findings_closed += count(r.findings_closed);
        }

        // 双强六好: the year before the period's (a year is rated early in the next), its
        // ratings confirmed by the period's end.
        let stars_year = end.year() - 1;
        let eligible = self
            .star_list(scope, Some(stars_year), stars_year)?
            .eligible;
        let mut stars = [0u32; 6];
        for (_, n) in self.confirmed_stars(scope, stars_year, end)? {
            stars[usize::from(n.min(5))] += 1;
        }

        let mut rectifications = RectificationFigures::default();
        for year in root.records_start.year().min(end.year())..=end.year() {
            for c in self.rectification_cases(scope, year)? {
                if c.opened_on > end {
                    continue;
                }
                if c.opened_on >= from {
                    rectifications.opened += 1;
                }
                match c.closed_on {
                    Some(d) if d <= end => {
                        if d >= from {
                            rectifications.accepted += 1;
                        }
                    }
                    _ => rectifications.open += 1,
                }
            }
        }

        let mut exemplars: Vec<ExemplarLine> = self
            .exemplars(scope)?
            .into_iter()
            .filter_map(|e| {
                let on = e.published_on?;
                (from..=end).contains(&on).then_some(ExemplarLine {
                    party_org: e.party_org_name,
                    title: e.title,
                    summary: e.summary,
                    published_on: on,
                })
            })
            .collect();
        let exemplars_published = u32::try_from(exemplars.len()).unwrap_or(u32::MAX);
        // The latest named, in the order they were published.
        exemplars.sort_by(|a, b| (a.published_on, &a.title).cmp(&(b.published_on, &b.title)));
        exemplars.drain(..exemplars.len().saturating_sub(EXEMPLARS_NAMED));

        let (sent_to, issued_to) = self.bulletin_addressees(&root.path)?;
        Ok(BulletinFacts {
            period_label: period.label_zh(),
            as_of: end,
            issued_on: today,
            number: bp.number(),
            total_number: bp.total(root.records_start),
            office: root.name.clone(),
            sent_to,
            issued_to,
            group_label: match by {
                GroupBy::County => "县（市、区）",
                GroupBy::Zone => "园区小镇",
                GroupBy::Sector => "行业",
                GroupBy::Kind => "组织类别",
            }
            .into(),
            coverage_total,
            coverage,
            life_total,
            life,
            dues_month: dues_month.label_zh(),
            dues_total,
            dues,
            findings,
            spot_checks,
            stars_year,
            stars_eligible: eligible,
            stars,
            rectifications,
            exemplars_published,
            exemplars,
            towns,
            effectiveness,
        })
    }

    /// 送: the root's superior, if it has one; 发: the 党工委 and 综合党委 directly below
    /// it and the 党委 leading a town or park (the counties' 两新工委, the towns' and parks'
    /// committees), by name while they are few.
    fn bulletin_addressees(&mut self, path: &str) -> Result<(Vec<String>, Vec<String>)> {
        let trimmed = path.trim_end_matches('/');
        let parent_path = trimmed
            .rfind('/')
            .map(|i| &trimmed[..=i])
            .filter(|p| p.len() > 1);
        let sent_to = match parent_path {
            Some(p) => po::table
                .filter(po::path.eq(p))
                .select(po::name)
                .first::<String>(self.conn())
                .optional()?
                .into_iter()
                .collect(),
            None => Vec::new(),
        };
        let issued_to: Vec<String> = po::table
            .filter(po::path.like(format!("{path}%/")))
            .filter(po::path.not_like(format!("{path}%/%/")))
            .filter(po::dissolved_on.is_null())
            .filter(
                po::org_type
                    .eq_any([
                        PartyOrgType::WorkingCommittee.code(),
                        PartyOrgType::ComprehensiveCommittee.code(),
                    ])
                    // A 党委 leading a town or park (a market's, a building's).
                    .or(po::org_type
                        .eq(PartyOrgType::Committee.code())
                        .and(po::zone_id.is_not_null())),
            )
            .order((po::county_code, po::id))
            .select(po::name)
            .load(self.conn())?;
        let issued_to = if issued_to.len() > ADDRESSEES_NAMED {
            vec!["本级所属各党工委、综合党委".to_string()]
        } else {
            issued_to
        };
        Ok((sent_to, issued_to))
    }

    /// Audit findings by kind: raised within `from..=end`, closed within it, open at `end`.
    fn finding_lines(
        &mut self,
        scope: &Scope,
        from: NaiveDate,
        end: NaiveDate,
    ) -> Result<Vec<FindingLine>> {
        let (low, high) = scope.path_range();
        let base = || {
            af::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(af::county_code)
                        .and(po::id.eq(af::responsible_id))),
                )
                .filter(po::path.ge(low.clone()).and(po::path.lt(high.clone())))
        };
        let opened: Vec<(String, i64)> = base()
            .filter(af::first_found_on.ge(from).and(af::first_found_on.le(end)))
            .group_by(af::kind)
            .select((af::kind, diesel::dsl::count_star()))
            .load(self.conn())?;
        let closed: Vec<(String, i64)> = base()
            .filter(af::closed_on.ge(from).and(af::closed_on.le(end)))
            .group_by(af::kind)
            .select((af::kind, diesel::dsl::count_star()))
            .load(self.conn())?;
        let open: Vec<(String, i64)> = base()
            .filter(af::first_found_on.le(end))
            .filter(af::closed_on.is_null().or(af::closed_on.gt(end)))
            .group_by(af::kind)
            .select((af::kind, diesel::dsl::count_star()))
            .load(self.conn())?;
        let mut by: BTreeMap<AuditKind, FindingLine> = BTreeMap::new();
        let mut add = |rows: Vec<(String, i64)>, set: fn(&mut FindingLine, u32)| {
            for (kind, n) in rows {
                if let Some(kind) = AuditKind::parse(&kind) {
                    let line = by.entry(kind).or_insert(FindingLine {
                        kind,
                        opened: 0,
                        closed: 0,
                        open: 0,
                    });
                    set(line, u32::try_from(n).unwrap_or(u32::MAX));
                }
            }
        };
        add(opened, |l, n| l.opened = n);
        add(closed, |l, n| l.closed = n);
        add(open, |l, n| l.open = n);
        Ok(by.into_values().collect())
    }
}
