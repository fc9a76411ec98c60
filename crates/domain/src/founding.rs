//! 建库: what a new city's database starts from. The city and its county-level divisions
//! (GB/T 2260), the city's 两新工委 and one 两新工委 per county under it. Everything else
//! (units, zones, party organizations, members) is imported from there.

use thiserror::Error;

use crate::kinds::PartyOrgType;
use crate::region::{RegionCode, RegionLevel};
use crate::registry::{Key, PartyOrg, Region};

/// A division as the region list names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    pub code: RegionCode,
    pub name: String,
}

/// Why a city cannot be founded as given.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FoundingError {
    #[error("{code} 不是地级市代码（应为6位、以00结尾、不以0000结尾，如 330800）")]
    NotACity { code: String },
    #[error("{code} 不是 {city} 下的县级行政区划代码")]
    NotInCity { code: String, city: String },
    #[error("行政区划代码 {code} 重复")]
    Duplicate { code: String },
    #[error("行政区划 {code} 的名称为空")]
    NoName { code: String },
    #[error("{city} 下没有县级行政区划：请用 --counties 给出区划清单")]
    NoCounties { city: String },
}

/// What `init` writes: regions and the committees, keyed as the store keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Founding {
    pub regions: Vec<Region>,
    /// The city's committee first, then the counties' in code order.
    pub committees: Vec<PartyOrg>,
}

impl Founding {
    /// The city's 两新工委 (the root of every scope).
    pub fn city_committee(&self) -> &PartyOrg {
        &self.committees[0]
    }
}

fn number(code: &RegionCode) -> i32 {
    // A parsed code is 6 digits here: it fits.
    code.as_str().parse().unwrap_or_default()
}

/// Founds `city` with `counties` (each a county-level division within it).
pub fn found_city(city: &Division, counties: &[Division]) -> Result<Founding, FoundingError> {
    if city.code.level() != RegionLevel::City {
        return Err(FoundingError::NotACity {
            code: city.code.to_string(),
        });
    }
    if city.name.trim().is_empty() {
        return Err(FoundingError::NoName {
            code: city.code.to_string(),
        });
    }
    if counties.is_empty() {
        return Err(FoundingError::NoCounties {
            city: city.name.clone(),
        });
    }
    let mut counties: Vec<&Division> = counties.iter().collect();
    counties.sort_by(|a, b| a.code.cmp(&b.code));
    for pair in counties.windows(2) {
        if pair[0].code == pair[1].code {
            return Err(FoundingError::Duplicate {
                code: pair[0].code.to_string(),
            });
        }
    }
    for c in &counties {
        if c.code.level() != RegionLevel::County || !c.code.is_within(&city.code) {
            return Err(FoundingError::NotInCity {
                code: c.code.to_string(),
                city: city.name.clone(),
            });
        }
        if c.name.trim().is_empty() {
            return Err(FoundingError::NoName {
                code: c.code.to_string(),
            });
        }
    }
    let city_code = number(&city.code);
    let root = Key {
        county: city_code,
        id: 1,
    };
    let committee = |key: Key, parent: Option<Key>, name: &str| PartyOrg {
        key,
        parent,
        name: format!("中共{}两新组织工作委员会", name.trim()),
        org_type: PartyOrgType::WorkingCommittee,
        formation_mode: None,
        zone: None,
        has_committee: false,
        // A 工委 is appointed by the level above: no elected term.
        term_started: None,
    };
    let mut regions = vec![Region {
        code: city_code,
        name: city.name.trim().to_owned(),
        parent: None,
    }];
    let mut committees = vec![committee(root, None, &city.name)];
    for (i, c) in counties.iter().enumerate() {
        let code = number(&c.code);
        regions.push(Region {
            code,
            name: c.name.trim().to_owned(),
            parent: Some(city_code),
        });
        committees.push(committee(
            Key {
                county: code,
                id: i as i64 + 2,
            },
            Some(root),
            &c.name,
        ));
    }
    Ok(Founding {
        regions,
        committees,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(code: &str, name: &str) -> Division {
        Division {
            code: RegionCode::parse(code).unwrap(),
            name: name.into(),
        }
    }

    #[test]
    fn a_city_gets_its_committee_and_one_per_county() {
        let f = found_city(
            &d("330800", "衢州市"),
            &[d("330825", "龙游县"), d("330802", "柯城区")],
        )
        .unwrap();
        assert_eq!(f.regions.len(), 3);
        assert_eq!(f.city_committee().name, "中共衢州市两新组织工作委员会");
        assert_eq!(f.committees[1].name, "中共柯城区两新组织工作委员会");
        assert_eq!(f.committees[1].key.county, 330802);
        assert_eq!(f.committees[2].parent, Some(f.city_committee().key));
        let ids: std::collections::HashSet<i64> = f.committees.iter().map(|c| c.key.id).collect();
        assert_eq!(ids.len(), 3);
    }

    #[test]
    fn only_a_city_with_its_own_counties_is_founded() {
        assert!(matches!(
            found_city(&d("330000", "浙江省"), &[d("330802", "柯城区")]),
            Err(FoundingError::NotACity { .. })
        ));
        assert!(matches!(
            found_city(&d("330800", "衢州市"), &[d("330702", "婺城区")]),
            Err(FoundingError::NotInCity { .. })
        ));
        assert!(matches!(
            found_city(
                &d("330800", "衢州市"),
                &[d("330802", "柯城区"), d("330802", "柯城区")]
            ),
            Err(FoundingError::Duplicate { .. })
        ));
        assert!(matches!(
            found_city(&d("330800", "衢州市"), &[]),
            Err(FoundingError::NoCounties { .. })
        ));
    }
}
