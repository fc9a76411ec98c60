//! 定期通报: a scope's figures for a month or a quarter, gathered from the records by the
//! same reads the pages use, so a bulletin and the pages it points to agree.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::audit::AuditKind;
use liangxin_domain::bulletin::{
    BulletinFacts, BulletinPeriod, CoverageLine, DuesLine, ExemplarLine, FindingLine, LifeLine,
    RectificationFigures, SpotCheckFigures,
};
use liangxin_domain::coverage::{self, GroupBy, GroupKey};
use liangxin_domain::kinds::PartyOrgType;
use liangxin_domain::life::{self, LifeRules, PeriodState};
use liangxin_domain::period::Period;
use liangxin_domain::rules::CoverageRules;

use crate::error::{Result, StoreError};
use crate::schema::{audit_findings as af, party_orgs as po};
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

fn group_name(
    key: &GroupKey,
    regions: &HashMap<i32, String>,
    zones: &HashMap<i64, String>,
) -> String {
    match key {
        GroupKey::County(c) => regions.get(c).cloned().unwrap_or_else(|| c.to_string()),
        GroupKey::Zone(Some(z)) => zones.get(z).cloned().unwrap_or_else(|| z.to_string()),
        GroupKey::Zone(None) => "不在园区小镇".into(),
        GroupKey::Sector(Some(t)) => t.label().into(),
        GroupKey::Sector(None) => "未标注行业".into(),
        GroupKey::Kind(k) => k.label().into(),
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Store {
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
            let groups: Vec<CoverageLine> = now
                .groups
                .iter()
                .map(|(key, t)| CoverageLine {
                    name: group_name(key, &regions, &zones),
                    ranked: *key != GroupKey::Zone(None),
                    now: *t,
                    before: before
                        .groups
                        .get(key)
                        .copied()
                        .filter(|_| has_before)
                        .unwrap_or_default(),
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
        let (coverage_total, coverage) = lines(by);
        // A city's towns ranked beside its counties; a county's groups are its towns already.
        let towns = if by == GroupBy::County {
            let (_, mut towns) = lines(GroupBy::Zone);
            towns.retain(|t| t.ranked);
            towns
        } else {
            Vec::new()
        };

        // Organizational life: the meeting periods owed that ended within the bulletin's
        // (a quarter's or a year's too, judged the day after it ended, by its meetings all
        // through it), by county.
        let life_rules = LifeRules::resolve(&self.rule_set()?, end.succ_opt().unwrap_or(end))
            .map_err(|e| StoreError::invalid("规则", e.to_string()))?;
        let year_start = NaiveDate::from_ymd_opt(from.year(), 1, 1).unwrap_or(from);
        let mut life_by: BTreeMap<i32, LifeLine> = BTreeMap::new();
        for f in self.life_facts(scope, year_start, end)? {
            let (mut due, mut met) = (0, 0);
            for p in life::assess(&f, &life_rules, from, end)
                .kinds
                .values()
                .flatten()
            {
                if !(from..=end).contains(&p.period.last_day()) {
                    continue;
                }
                match p.state {
                    PeriodState::Met => (due, met) = (due + 1, met + 1),
                    PeriodState::Missed => due += 1,
                    PeriodState::Open => {}
                }
            }
            let line = life_by.entry(f.key.county).or_insert_with(|| LifeLine {
                name: regions
                    .get(&f.key.county)
                    .cloned()
                    .unwrap_or_else(|| f.key.county.to_string()),
                branches: 0,
                due: 0,
                met: 0,
            });
            line.branches += 1;
            line.due += due;
            line.met += met;
        }
        let life: Vec<LifeLine> = life_by.into_values().collect();
        let life_total = LifeLine {
            name: root.name.clone(),
            branches: life.iter().map(|l| l.branches).sum(),
            due: life.iter().map(|l| l.due).sum(),
            met: life.iter().map(|l| l.met).sum(),
        };

        // Dues of the period's last month begun, by county.
        let dues_month = Period::containing_month(end);
        let month = self.dues_month(scope, dues_month)?;
        let mut dues_by: BTreeMap<i32, DuesLine> = BTreeMap::new();
        for r in &month.rollup {
            let line = dues_by.entry(r.key.county).or_insert_with(|| DuesLine {
                name: regions
                    .get(&r.key.county)
                    .cloned()
                    .unwrap_or_else(|| r.key.county.to_string()),
                members: 0,
                without_standard: 0,
                paid_members: 0,
                short_members: 0,
                unpaid_members: 0,
            });
            line.members += r.totals.members;
            line.without_standard += r.totals.without_standard;
            line.paid_members += r.totals.paid_members;
            line.short_members += r.totals.short_members;
            line.unpaid_members += r.totals.unpaid_members;
        }
        let dues: Vec<DuesLine> = dues_by.into_values().collect();
        let dues_total = DuesLine {
            name: root.name.clone(),
            members: month.total.members,
            without_standard: month.total.without_standard,
            paid_members: month.total.paid_members,
            short_members: month.total.short_members,
            unpaid_members: month.total.unpaid_members,
        };

        let findings = self.finding_lines(scope, from, end)?;

        let mut spot_checks = SpotCheckFigures::default();
        for r in self.spot_checks(scope, today)? {
            if r.published_on < from || r.published_on > end {
                continue;
            }
            spot_checks.rounds += 1;
            spot_checks.items += count(r.items as i64);
            spot_checks.inspected += count(r.inspected as i64);
            spot_checks.findings_open += count(r.findings_open as i64);
            spot_checks.findings_closed += count(r.findings_closed as i64);
        }

        // 双强六好: the year before the period's (a year is rated early in the next), its
        // ratings confirmed by the day the bulletin is made.
        let stars_year = end.year() - 1;
        let stars = self.star_list(scope, Some(stars_year), stars_year)?;

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
            period: bp,
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
            stars_year: stars.year,
            stars_eligible: stars.eligible,
            stars: stars.confirmed_by_stars(),
            rectifications,
            exemplars_published,
            exemplars,
            towns,
        })
    }

    /// 送: the root's superior, if it has one; 发: the 党工委 and 综合党委 directly below
    /// it (the counties' 两新工委, the towns' and parks' 党工委), by name while they are few.
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
            .filter(po::org_type.eq_any([
                PartyOrgType::WorkingCommittee.code(),
                PartyOrgType::ComprehensiveCommittee.code(),
            ]))
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
                    set(line, count(n));
                }
            }
        };
        add(opened, |l, n| l.opened = n);
        add(closed, |l, n| l.closed = n);
        add(open, |l, n| l.open = n);
        Ok(by.into_values().collect())
    }
}
