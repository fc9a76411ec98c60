//! A province of the demo city's shape: Zhejiang's eleven cities with their real GB/T 2260
//! codes and county-level divisions, each generated as the demo city is, one after the
//! other, so that a whole province never has to be held at once.

use chrono::NaiveDate;
use liangxin_domain::registry::{Key, PartyOrg, Region};

use crate::{CITY_CODE, City, CitySpec, County, IdBase, Size, generate_city};

/// The province code `liangxin demo --province` knows.
pub const ZHEJIANG: i32 = 330000;

/// (code, name, zone-code letters, share of the province's organizations, its divisions
/// as (code, name, short name)). Shares follow the cities' weight in the private economy.
type CityRow = (
    i32,
    &'static str,
    &'static str,
    f64,
    &'static [(i32, &'static str, &'static str)],
);

const CITIES: &[CityRow] = &[
    (
        330100,
        "杭州市",
        "HZ",
        0.18,
        &[
            (330102, "上城区", "上城"),
            (330105, "拱墅区", "拱墅"),
            (330106, "西湖区", "西湖"),
            (330108, "滨江区", "滨江"),
            (330109, "萧山区", "萧山"),
            (330110, "余杭区", "余杭"),
            (330111, "富阳区", "富阳"),
            (330112, "临安区", "临安"),
            (330113, "临平区", "临平"),
            (330114, "钱塘区", "钱塘"),
            (330122, "桐庐县", "桐庐"),
            (330127, "淳安县", "淳安"),
            (330182, "建德市", "建德"),
        ],
    ),
    (
        330200,
        "宁波市",
        "NB",
        0.15,
        &[
            (330203, "海曙区", "海曙"),
            (330205, "江北区", "江北"),
            (330206, "北仑区", "北仑"),
            (330211, "镇海区", "镇海"),
            (330212, "鄞州区", "鄞州"),
            (330213, "奉化区", "奉化"),
            (330225, "象山县", "象山"),
            (330226, "宁海县", "宁海"),
            (330281, "余姚市", "余姚"),
            (330282, "慈溪市", "慈溪"),
        ],
    ),
    (
        330300,
        "温州市",
        "WZ",
        0.13,
        &[
            (330302, "鹿城区", "鹿城"),
            (330303, "龙湾区", "龙湾"),
            (330304, "瓯海区", "瓯海"),
            (330305, "洞头区", "洞头"),
            (330324, "永嘉县", "永嘉"),
            (330326, "平阳县", "平阳"),
            (330327, "苍南县", "苍南"),
            (330328, "文成县", "文成"),
            (330329, "泰顺县", "泰顺"),
            (330381, "瑞安市", "瑞安"),
            (330382, "乐清市", "乐清"),
            (330383, "龙港市", "龙港"),
        ],
    ),
    (
        330400,
        "嘉兴市",
        "JX",
        0.08,
        &[
            (330402, "南湖区", "南湖"),
            (330411, "秀洲区", "秀洲"),
            (330421, "嘉善县", "嘉善"),
            (330424, "海盐县", "海盐"),
            (330481, "海宁市", "海宁"),
            (330482, "平湖市", "平湖"),
            (330483, "桐乡市", "桐乡"),
        ],
    ),
    (
        330500,
        "湖州市",
        "HU",
        0.06,
        &[
            (330502, "吴兴区", "吴兴"),
            (330503, "南浔区", "南浔"),
            (330521, "德清县", "德清"),
            (330522, "长兴县", "长兴"),
            (330523, "安吉县", "安吉"),
        ],
    ),
    (
        330600,
        "绍兴市",
        "SX",
        0.09,
        &[
            (330602, "越城区", "越城"),
            (330603, "柯桥区", "柯桥"),
            (330604, "上虞区", "上虞"),
            (330624, "新昌县", "新昌"),
            (330681, "诸暨市", "诸暨"),
            (330683, "嵊州市", "嵊州"),
        ],
    ),
    (
        330700,
        "金华市",
        "JH",
        0.11,
        &[
            (330702, "婺城区", "婺城"),
            (330703, "金东区", "金东"),
            (330723, "武义县", "武义"),
            (330726, "浦江县", "浦江"),
            (330727, "磐安县", "磐安"),
            (330781, "兰溪市", "兰溪"),
            (330782, "义乌市", "义乌"),
            (330783, "东阳市", "东阳"),
            (330784, "永康市", "永康"),
        ],
    ),
    // Quzhou's divisions, shares and named places are the demo city's.
    (CITY_CODE, "衢州市", "QZ", 0.04, &[]),
    (
        330900,
        "舟山市",
        "ZS",
        0.02,
        &[
            (330902, "定海区", "定海"),
            (330903, "普陀区", "普陀"),
            (330921, "岱山县", "岱山"),
            (330922, "嵊泗县", "嵊泗"),
        ],
    ),
    (
        331000,
        "台州市",
        "TZ",
        0.09,
        &[
            (331002, "椒江区", "椒江"),
            (331003, "黄岩区", "黄岩"),
            (331004, "路桥区", "路桥"),
            (331022, "三门县", "三门"),
            (331023, "天台县", "天台"),
            (331024, "仙居县", "仙居"),
            (331081, "温岭市", "温岭"),
            (331082, "临海市", "临海"),
            (331083, "玉环市", "玉环"),
        ],
    ),
    (
        331100,
        "丽水市",
        "LS",
        0.05,
        &[
            (331102, "莲都区", "莲都"),
            (331121, "青田县", "青田"),
            (331122, "缙云县", "缙云"),
            (331123, "遂昌县", "遂昌"),
            (331124, "松阳县", "松阳"),
            (331125, "云和县", "云和"),
            (331126, "庆元县", "庆元"),
            (331127, "景宁畲族自治县", "景宁"),
            (331181, "龙泉市", "龙泉"),
        ],
    ),
];

/// The province's own rows: its region and its 两新工委, the root every city hangs from.
#[derive(Debug)]
pub struct Top {
    pub region: Region,
    pub committee: PartyOrg,
}

/// A province to generate: its top, and its cities in order with the organizations each
/// gets out of `organizations`.
#[derive(Debug)]
pub struct Province {
    pub top: Top,
    pub cities: Vec<(CitySpec, usize)>,
}

impl Province {
    /// Only the cities `codes` name are generated, each as it is in the whole province
    /// (the same units from the same stream of the seed): a county can then be measured in
    /// provinces of different sizes.
    pub fn only(&mut self, codes: &[i32]) {
        for (spec, units) in &mut self.cities {
            if !codes.contains(&spec.code) {
                *units = 0;
            }
        }
    }

    /// The province as it is loaded, one city at a time: first its top (the region and the
    /// committee, as a city of two rows), then each city generated from its own stream of
    /// the seed with its ids placed after the ones before. Only the city being yielded is
    /// held.
    pub fn cities(self, seed: u64, as_of: NaiveDate) -> impl Iterator<Item = City> {
        let top = City {
            regions: vec![self.top.region],
            party_orgs: vec![self.top.committee],
            records_start: crate::life::first_month(as_of),
            ..City::default()
        };
        let mut base = IdBase {
            party_orgs: top.party_orgs.iter().map(|p| p.key.id).max().unwrap_or(0) + 1,
            ..IdBase::default()
        };
        let cities = self.cities.into_iter().enumerate();
        std::iter::once(top).chain(cities.filter(|(_, (_, units))| *units > 0).map(
            move |(i, (spec, units))| {
                let seed = seed.wrapping_add(i as u64);
                let mut city = generate_city(
                    spec,
                    seed,
                    Size {
                        organizations: units,
                    },
                    as_of,
                );
                base = city.shift_ids(base);
                city
            },
        ))
    }
}

/// The province `code` (only Zhejiang, 330000, is known), `organizations` units in all.
pub fn province(code: i32, organizations: usize) -> Option<Province> {
    if code != ZHEJIANG {
        return None;
    }
    let committee = PartyOrg {
        key: Key {
            county: code,
            id: 1,
        },
        parent: None,
        name: "中共浙江省两新组织工作委员会".into(),
        org_type: liangxin_domain::kinds::PartyOrgType::WorkingCommittee,
        formation_mode: None,
        zone: None,
        has_committee: true,
        term_started: None,
    };
    let top = Top {
        region: Region {
            code,
            name: "浙江省".into(),
            parent: None,
        },
        committee,
    };
    let seq_width = 1000 / CITIES.len() as u16;
    let cities = CITIES
        .iter()
        .enumerate()
        .map(|(i, &(city, name, prefix, share, divisions))| {
            let mut spec = if city == CITY_CODE {
                CitySpec::quzhou()
            } else {
                CitySpec {
                    code: city,
                    name,
                    counties: divisions
                        .iter()
                        .map(|&(code, name, short)| County {
                            code,
                            name,
                            short,
                            // Districts of the centre are denser than the hill counties.
                            share: if code % 100 < 20 { 1.3 } else { 1.0 },
                            towns: 8 + (code % 7) as usize,
                        })
                        .collect(),
                    named_zones: &[],
                    zone_prefix: prefix,
                    province: None,
                    resident_seq: (0, 1000),
                }
            };
            let total: f64 = spec.counties.iter().map(|c| c.share).sum();
            for c in &mut spec.counties {
                c.share /= total;
            }
            spec.zone_prefix = prefix;
            spec.province = Some((code, top.committee.key));
            let from = i as u16 * seq_width;
            spec.resident_seq = (from, from + seq_width);
            let units = (organizations as f64 * share).round().max(1.0) as usize;
            (spec, units)
        })
        .collect();
    Some(Province { top, cities })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn eleven_cities_with_their_real_codes_and_shares_that_add_up() {
        let p = province(ZHEJIANG, 600_000).unwrap();
        assert_eq!(p.cities.len(), 11);
        let shares: f64 = CITIES.iter().map(|c| c.3).sum();
        assert!((shares - 1.0).abs() < 1e-9, "{shares}");
        let units: usize = p.cities.iter().map(|c| c.1).sum();
        assert!((599_990..=600_010).contains(&units), "{units}");
        let counties: HashSet<i32> = p
            .cities
            .iter()
            .flat_map(|(s, _)| s.counties.iter().map(|c| c.code))
            .collect();
        assert_eq!(counties.len(), 90, "Zhejiang's 90 county-level divisions");
        for (spec, _) in &p.cities {
            for c in &spec.counties {
                assert_eq!(c.code / 100 * 100, spec.code, "{} in {}", c.name, spec.name);
            }
        }
        assert!(province(110000, 1).is_none());
    }

    /// Cities generated one after another and shifted apart share no id and no ID number,
    /// and every reference points inside the province.
    #[test]
    fn cities_placed_one_after_another_share_no_id_and_no_id_number() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let mut cities = province(ZHEJIANG, 6_000).unwrap().cities(7, as_of);
        let top = cities.next().unwrap();
        assert_eq!(top.regions[0].code, ZHEJIANG);
        let (mut pos, mut members, mut orgs, mut zones, mut ids) = (
            HashSet::from([top.party_orgs[0].key.id]),
            HashSet::new(),
            HashSet::new(),
            HashSet::new(),
            HashSet::new(),
        );
        let mut meetings = 0;
        let mut n = 0;
        let mut certificates = HashSet::new();
        for city in cities {
            n += 1;
            for po in &city.party_orgs {
                assert!(pos.insert(po.key.id), "party organization id {}", po.key.id);
                let parent = po.parent.expect("every city hangs from the province");
                assert!(pos.contains(&parent.id), "{} before its parent", po.name);
            }
            for z in &city.zones {
                assert!(zones.insert(z.id));
            }
            for o in &city.organizations {
                assert!(orgs.insert(o.key.id));
                assert!(o.zone.is_none_or(|z| zones.contains(&z)));
            }
            for f in &city.floating {
                if let Some(no) = &f.certificate_no {
                    assert!(certificates.insert(no.clone()), "certificate {no}");
                }
            }
            for m in &city.members {
                assert!(members.insert(m.key.id));
                assert!(pos.contains(&m.party_org_id));
                assert!(m.workplace.is_none_or(|w| orgs.contains(&w.id)));
                assert!(ids.insert(m.resident_id.expose().to_owned()));
            }
            for m in &city.meetings {
                assert!(pos.contains(&m.record.party_org.id));
                assert!(
                    m.record
                        .attendance
                        .iter()
                        .all(|a| members.contains(&a.member.id))
                );
            }
            meetings += city.meetings.len();
        }
        assert!(meetings > 0);
        assert_eq!(n, 11);
    }

    /// One city alone is the same city as in the whole province.
    #[test]
    fn a_city_generated_alone_is_the_city_of_the_whole_province() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let of = |only: Option<&[i32]>| {
            let mut p = province(ZHEJIANG, 3_000).unwrap();
            if let Some(codes) = only {
                p.only(codes);
            }
            p.cities(7, as_of)
                .find(|c| c.regions[0].code == CITY_CODE)
                .map(|c| (c.organizations, c.members.len()))
                .unwrap()
        };
        let alone = of(Some(&[CITY_CODE]));
        let (orgs, _) = of(None);
        assert_eq!(
            alone.0.iter().map(|o| &o.name).collect::<Vec<_>>(),
            orgs.iter().map(|o| &o.name).collect::<Vec<_>>()
        );
        let mut p = province(ZHEJIANG, 3_000).unwrap();
        p.only(&[CITY_CODE]);
        assert_eq!(p.cities(7, as_of).count(), 2, "the top and Quzhou");
    }
}
