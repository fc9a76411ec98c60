//! A town's or park's profile (一镇一策, 五个一, 五个同步): what its class asks, which of the
//! 五个一 the records answer — a 党工委 leads it; its 党群服务中心 is registered and runs;
//! its 党工委's ledger received money this year — and the rest as its committee or a level above entered them, with evidence.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::registry::{Key, Zone};
use liangxin_domain::rules::RuleRef;
use liangxin_domain::town::{self, FiveItem, ItemState, TownRules};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{fund_lines as fl, zone_items as zi};
use crate::{Scope, Store};

/// One item of the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileItem {
    pub code: &'static str,
    pub label: &'static str,
    pub state: ItemState,
    /// What shows it: the records' facts, or the evidence entered.
    pub evidence: String,
    /// Answered by the records (not entered).
    pub by_records: bool,
    /// Entered on and by.
    pub updated: Option<(NaiveDate, String)>,
    /// The rule that puts it in the 五个一.
    pub rule: Option<RuleRef>,
}

/// A zone's profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneProfile {
    pub zone: Zone,
    /// The 党工委 that leads it.
    pub committee: Option<(Key, String)>,
    /// The guidance focus of its class, when it has one.
    pub focus: Option<&'static str>,
    pub five: Vec<ProfileItem>,
    pub sync: Vec<ProfileItem>,
    pub class_items: Vec<ProfileItem>,
}

impl ZoneProfile {
    /// 五个一 done, of those owed.
    pub fn five_done(&self) -> (usize, usize) {
        (
            self.five
                .iter()
                .filter(|i| i.state == ItemState::Done)
                .count(),
            self.five.len(),
        )
    }
}

type ItemRow = (String, String, String, NaiveDate, String);

/// The item code's label, if it is one of the zone's (its class's checklist included).
fn label_of(code: &str, zone: &Zone) -> Option<&'static str> {
    FiveItem::ALL
        .iter()
        .filter(|i| !i.from_records())
        .find(|i| i.code() == code)
        .map(|i| i.label())
        .or_else(|| town::SYNC.iter().find(|(c, _)| *c == code).map(|(_, l)| *l))
        .or_else(|| {
            zone.class.and_then(|c| {
                town::focus(c)
                    .1
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map(|(_, l)| *l)
            })
        })
}

impl Store {
    /// The profile of zone `id` if `scope` holds it, as of `today`.
    pub fn zone_profile(
        &mut self,
        scope: &Scope,
        id: i64,
        today: NaiveDate,
    ) -> Result<Option<ZoneProfile>> {
        let Some((zone, committee)) = self.zone_in_scope(scope, id)? else {
            return Ok(None);
        };
        let rules = TownRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let rows: Vec<ItemRow> = zi::table
            .filter(zi::zone_id.eq(id))
            .select((
                zi::item,
                zi::state,
                zi::evidence,
                zi::updated_on,
                zi::updated_by,
            ))
            .load(self.conn())?;
        let entered = |code: &'static str, label: &'static str| -> ProfileItem {
            match rows.iter().find(|r| r.0 == code) {
                Some((_, state, evidence, on, by)) => ProfileItem {
                    code,
                    label,
                    state: ItemState::parse(state).unwrap_or(ItemState::Missing),
                    evidence: evidence.clone(),
                    by_records: false,
                    updated: Some((*on, by.clone())),
                    rule: None,
                },
                None => ProfileItem {
                    code,
                    label,
                    state: ItemState::Missing,
                    evidence: String::new(),
                    by_records: false,
                    updated: None,
                    rule: None,
                },
            }
        };
        // This year's money the 党工委's ledger received, by source.
        // Read only when the scope holds the 党工委 (a county may see a zone led from
        // elsewhere: its ledger is not the county's to read).
        let leader_path: Option<String> = match &committee {
            Some((k, _)) => crate::schema::party_orgs::table
                .filter(crate::schema::party_orgs::county_code.eq(k.county))
                .filter(crate::schema::party_orgs::id.eq(k.id))
                .select(crate::schema::party_orgs::path)
                .first::<String>(self.conn())
                .optional()?
                .filter(|p| scope.contains_path(p)),
            None => None,
        };
        let leader_in_scope = leader_path.is_some();
        let received: Vec<(String, i64)> = match &committee {
            Some((k, _)) if leader_in_scope => {
                let from = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
                fl::table
                    .filter(fl::county_code.eq(k.county))
                    .filter(fl::party_org_id.eq(k.id))
                    .filter(fl::direction.eq("receipt"))
                    .filter(fl::booked_on.between(from, today))
                    .select((fl::category, fl::amount_fen))
                    .load(self.conn())?
            }
            _ => Vec::new(),
        };
        // Net by source: a source whose lines were reversed is not named.
        let mut by_source: std::collections::BTreeMap<&str, i64> = Default::default();
        for (c, a) in &received {
            *by_source.entry(c.as_str()).or_default() += a;
        }
        let mut five = Vec::new();
        for (item, rule) in &rules.five {
            let mut line = match item {
                FiveItem::Committee => ProfileItem {
                    code: item.code(),
                    label: item.label(),
                    state: if committee.is_some() {
                        ItemState::Done
                    } else {
                        ItemState::Missing
                    },
                    evidence: committee
                        .as_ref()
                        .map(|(_, n)| format!("{n}（党组织登记）"))
                        .unwrap_or_else(|| "没有登记领导本区域的党工委".into()),
                    by_records: true,
                    updated: None,
                    rule: None,
                },
                FiveItem::Funding => {
                    let total: i64 = by_source.values().sum();
                    let sources: Vec<&str> = by_source
                        .iter()
                        .filter(|(_, a)| **a > 0)
                        .filter_map(|(c, _)| {
                            liangxin_domain::kinds::FundSource::parse(c)
                                .ok()
                                .map(|s| s.label())
                        })
                        .collect();
                    ProfileItem {
                        code: item.code(),
                        label: item.label(),
                        state: if total > 0 {
                            ItemState::Done
                        } else {
                            ItemState::Missing
                        },
                        evidence: if total > 0 {
                            format!(
                                "本年党工委经费账收入 {}（{}）",
                                liangxin_domain::money::Fen::new(total),
                                sources.join("、")
                            )
                        } else {
                            "本年党工委经费账没有收入".into()
                        },
                        by_records: true,
                        updated: None,
                        rule: None,
                    }
                }
                FiveItem::Center => {
                    let center = self
                        .centers_in(&[id])?
                        .into_iter()
                        .filter(|c| c.closed_on.is_none())
                        .collect::<Vec<_>>();
                    let facts = self.facts_of(center, today)?;
                    let (state, evidence) = match facts.first() {
                        Some(f) => (
                            if f.running {
                                ItemState::Done
                            } else {
                                ItemState::Underway
                            },
                            format!(
                                "{}（{}，{}平方米）：近三个月活动{}次、出席{}人次，{}（标准每月{}次）",
                                f.center.name,
                                f.center.address,
                                f.center.area_m2,
                                f.activities,
                                f.participants,
                                if f.running {
                                    "实体化运行"
                                } else {
                                    "未达到实体化运行"
                                },
                                f.min_per_month
                            ),
                        ),
                        None => (ItemState::Missing, "没有登记党群服务中心".into()),
                    };
                    ProfileItem {
                        code: item.code(),
                        label: item.label(),
                        state,
                        evidence,
                        by_records: true,
                        updated: None,
                        rule: None,
                    }
                }
                FiveItem::Team => {
                    let (state, evidence) = match (&leader_path, &committee) {
                        (Some(path), _) => self.team_evidence(path, today)?,
                        (None, Some(_)) => (
                            ItemState::Missing,
                            "领导本区域的党工委不在本账号的管理范围内，其党务工作者由其上级查看"
                                .into(),
                        ),
                        (None, None) => (ItemState::Missing, "没有登记领导本区域的党工委".into()),
                    };
                    ProfileItem {
                        code: item.code(),
                        label: item.label(),
                        state,
                        evidence,
                        by_records: true,
                        updated: None,
                        rule: None,
                    }
                }
                _ => entered(item.code(), item.label()),
            };
            line.rule = Some((**rule).clone());
            five.push(line);
        }
        let sync = town::SYNC.iter().map(|(c, l)| entered(c, l)).collect();
        let (focus, class_items) = match zone.class {
            Some(c) => {
                let (f, items) = town::focus(c);
                (Some(f), items.iter().map(|(c, l)| entered(c, l)).collect())
            }
            None => (None, Vec::new()),
        };
        Ok(Some(ZoneProfile {
            zone,
            committee,
            focus,
            five,
            sync,
            class_items,
        }))
    }

    /// The 党务工作者队伍 of the 党工委 at `path` and its organizations, from the records: a
    /// team when someone serves full-time, begun when only part-time workers do.
    fn team_evidence(&mut self, path: &str, today: NaiveDate) -> Result<(ItemState, String)> {
        let sub = Scope::subtree(path);
        let workers = self.party_workers(&sub, today, false)?;
        let full = workers
            .iter()
            .filter(|w| w.duty == liangxin_domain::kinds::WorkerDuty::FullTime)
            .count();
        let part = workers.len() - full;
        let lines = self.secretary_lines(&sub, today)?;
        let vacant = lines.iter().filter(|l| l.vacancy.is_some()).count();
        let judged: Vec<_> = lines
            .iter()
            .filter(|l| l.last_year.as_ref().is_some_and(|y| y.days_in_post > 0))
            .collect();
        let met = judged.iter().filter(|l| !l.short_last_year()).count();
        let year = liangxin_domain::workforce::judged_year(today);
        let state = if full > 0 {
            ItemState::Done
        } else if part > 0 {
            ItemState::Underway
        } else {
            ItemState::Missing
        };
        Ok((
            state,
            format!(
                "党务工作者专职{full}人、兼职{part}人；书记在岗{}人、缺职{vacant}个，{year}年培训学时达标{met}/{}人",
                lines.len() - vacant,
                judged.len()
            ),
        ))
    }

    /// Enters where one of zone `id`'s items stands, with its evidence (the records' items
    /// are not entered). Audited with what it was.
    pub fn set_zone_item(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        id: i64,
        (code, state, evidence): (&str, ItemState, &str),
    ) -> Result<()> {
        let (zone, _) = self
            .zone_in_scope(scope, id)?
            .ok_or_else(|| StoreError::invalid("小镇园区", "不存在或不在您的管理范围内"))?;
        if FiveItem::ALL
            .iter()
            .any(|i| i.from_records() && i.code() == code)
        {
            return Err(StoreError::invalid(
                "项目",
                "党工委、党群服务中心、党务工作者队伍和经费保障四项由平台从党组织登记、中心登记和活动、党务工作者登记和培训、经费账计算，不能填报",
            ));
        }
        let code = label_of(code, &zone)
            .map(|_| code.to_owned())
            .ok_or_else(|| StoreError::invalid("项目", "不是本小镇（园区）的清单项目"))?;
        let evidence = typed_text("佐证", evidence, state != ItemState::Missing, 500)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let before: Option<(String, String)> = zi::table
                .filter(zi::zone_id.eq(id))
                .filter(zi::item.eq(&code))
                .select((zi::state, zi::evidence))
                .first(conn)
                .optional()?;
            diesel::delete(
                zi::table
                    .filter(zi::zone_id.eq(id))
                    .filter(zi::item.eq(&code)),
            )
            .execute(conn)?;
            diesel::insert_into(zi::table)
                .values((
                    zi::zone_id.eq(id),
                    zi::item.eq(&code),
                    zi::state.eq(state.code()),
                    zi::evidence.eq(&evidence),
                    zi::updated_on.eq(today),
                    zi::updated_by.eq(actor),
                ))
                .execute(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "update",
                    entity: "zone_item",
                    county: zone.county,
                    entity_id: id,
                    before: before.map(|(s, e)| json!({ "item": code, "state": s, "evidence": e })),
                    after: Some(
                        json!({ "item": code, "state": state.code(), "evidence": evidence }),
                    ),
                },
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liangxin_domain::kinds::{ZoneClass, ZoneKind};

    #[test]
    fn only_the_zones_own_items_are_known() {
        let zone = Zone {
            id: 1,
            code: "Z1".into(),
            name: "红木小镇".into(),
            kind: ZoneKind::Town,
            class: Some(ZoneClass::TraditionalIndustry),
            level: None,
            county: 330825,
            town: None,
        };
        assert!(label_of("five.brand", &zone).is_some());
        for code in ["five.committee", "five.center", "five.team", "five.funding"] {
            assert!(label_of(code, &zone).is_none(), "{code} from the records");
        }
        assert!(label_of("sync.planning", &zone).is_some());
        assert!(label_of("class.park_alliance", &zone).is_some());
        assert!(
            label_of("class.eco_villages", &zone).is_none(),
            "another class's"
        );
        assert!(label_of("bogus", &zone).is_none());
    }
}
