//! 出资人: the investors of the two-new organizations (法定代表人, 实际控制人, 股东, 合伙人,
//! 举办者), and especially the 新生代出资人, the young owners the party organizations are to
//! reach with contact and education (走访谈心, 教育培训, 座谈交流). Who counts as 新生代, and how
//! often each is to be reached in a year, are rule parameters: neither is fixed nationally.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::rules::{RuleError, RuleParam, RuleRef, RuleSet};

pub mod keys {
    pub const NEW_GENERATION_MAX_AGE: &str = "investors.new_generation_max_age";
    pub const CONTACTS_PER_YEAR: &str = "investors.new_generation_contacts_per_year";
}

const SOURCE_AGE: &str = "新生代企业家（出资人）的年龄口径各地不一，浙江省新生代企业家联谊会等多以45周岁及以下为准；本平台默认值（可配置）";
const SOURCE_CONTACTS: &str = "中共中央办公厅《关于加强新时代民营经济统战工作的意见》（2020）要求做好年轻一代民营经济人士的教育培养；两新组织党组织联系出资人的频次为本平台默认值（可配置）";

pub fn default_params(from: NaiveDate) -> Vec<RuleParam> {
    vec![
        RuleParam {
            key: keys::NEW_GENERATION_MAX_AGE.to_owned(),
            version: 1,
            value: 45,
            effective_from: from,
            title: "当年年满周岁不超过此年龄的出资人为新生代出资人".to_owned(),
            source: SOURCE_AGE.to_owned(),
        },
        RuleParam {
            key: keys::CONTACTS_PER_YEAR.to_owned(),
            version: 1,
            value: 1,
            effective_from: from,
            title: "每名新生代出资人每年至少由党组织联系或教育此次数".to_owned(),
            source: SOURCE_CONTACTS.to_owned(),
        },
    ]
}

/// The investor rules in force on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestorRules {
    /// The oldest age (reached in the year) of a 新生代出资人.
    pub max_age: u32,
    pub age_rule: Arc<RuleRef>,
    /// Contacts each 新生代出资人 is owed in a year.
    pub contacts_per_year: u32,
    pub contacts_rule: Arc<RuleRef>,
}

impl InvestorRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let age = set.in_force(keys::NEW_GENERATION_MAX_AGE, as_of)?;
        let max_age = u32::try_from(age.value)
            .ok()
            .filter(|a| (18..=100).contains(a))
            .ok_or_else(|| RuleError::OutOfRange {
                key: keys::NEW_GENERATION_MAX_AGE.to_owned(),
                value: age.value,
                reason: "应为18至100之间的周岁",
            })?;
        let contacts = set.in_force(keys::CONTACTS_PER_YEAR, as_of)?;
        let contacts_per_year = u32::try_from(contacts.value)
            .ok()
            .filter(|c| (1..=52).contains(c))
            .ok_or_else(|| RuleError::OutOfRange {
                key: keys::CONTACTS_PER_YEAR.to_owned(),
                value: contacts.value,
                reason: "应为1至52之间的次数",
            })?;
        Ok(InvestorRules {
            max_age,
            age_rule: Arc::new(age.rule_ref()),
            contacts_per_year,
            contacts_rule: Arc::new(contacts.rule_ref()),
        })
    }

    /// Whether someone born in `birth_year` is 新生代 in `year`: the age they reach in it
    /// is at most the rule's (only the year of birth is recorded, so the age is the
    /// year's, the same for the whole of it).
    pub fn new_generation(&self, birth_year: i32, year: i32) -> bool {
        let age = i64::from(year) - i64::from(birth_year);
        age >= 0 && age <= i64::from(self.max_age)
    }

    /// Whether a 新生代出资人 reached `contacts` times in a year has had what they are owed.
    pub fn reached(&self, contacts: u32) -> bool {
        contacts >= self.contacts_per_year
    }
}

/// The years of birth an investor may have on `today`: grown (16, the age of full civil
/// capacity by one's own labour) and alive within reason.
pub fn birth_years(today: NaiveDate) -> std::ops::RangeInclusive<i32> {
    use chrono::Datelike;
    (today.year() - 100)..=(today.year() - 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn rules() -> InvestorRules {
        InvestorRules::resolve(&RuleSet::defaults(), day(2026, 11, 27)).unwrap()
    }

    #[test]
    fn new_generation_is_the_age_reached_in_the_year() {
        let r = rules();
        assert_eq!(r.max_age, 45);
        // 45 in 2026: still 新生代; 46: not; the same person was in 2025.
        assert!(r.new_generation(1981, 2026));
        assert!(!r.new_generation(1980, 2026));
        assert!(r.new_generation(1980, 2025));
        assert!(!r.new_generation(2027, 2026));
    }

    #[test]
    fn reached_follows_the_yearly_count() {
        let r = rules();
        assert!(!r.reached(0));
        assert!(r.reached(1));
    }

    #[test]
    fn out_of_range_rules_are_refused() {
        let mut params = RuleSet::defaults().params().to_vec();
        for p in &mut params {
            if p.key == keys::NEW_GENERATION_MAX_AGE {
                p.value = 7;
            }
        }
        let set = RuleSet::new(params);
        assert!(matches!(
            InvestorRules::resolve(&set, day(2026, 11, 27)),
            Err(RuleError::OutOfRange { .. })
        ));
    }

    #[test]
    fn birth_years_are_of_grown_people() {
        let r = birth_years(day(2026, 11, 27));
        assert!(r.contains(&2010) && !r.contains(&2011));
        assert!(r.contains(&1926) && !r.contains(&1925));
    }
}
