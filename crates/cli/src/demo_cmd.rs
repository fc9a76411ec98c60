//! `liangxin demo`: generate the demo city and load it in one transaction.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use liangxin_demo::{Size, generate};
use liangxin_store::registry::{Bulk, LoadMode};
use liangxin_store::{Store, Target};

use crate::CliError;

/// What `liangxin demo` was asked for.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub seed: u64,
    pub force: bool,
    pub if_empty: bool,
    pub as_of: chrono::NaiveDate,
    pub organizations: usize,
}

/// How the demo goes in: `None` when the database holds data and is to be kept.
fn load_mode(
    store: &mut Store,
    target: &Target,
    opts: &Options,
) -> Result<Option<LoadMode>, CliError> {
    // Anything registered (units, party organizations or members imported first) is data:
    // the demo city is never added beside it, only put in its place when forced.
    let existing = store.registry_counts()?;
    let held = format!(
        "{}个两新组织、{}个党组织、{}名党员",
        existing.organizations, existing.party_orgs, existing.members
    );
    if !existing.is_empty() && opts.if_empty {
        say!(
            "数据库 {} 已有登记数据（{held}），保留现有数据",
            target.describe()
        );
        return Ok(None);
    }
    if !existing.is_empty() && !opts.force {
        return Err(CliError::Refused(format!(
            "数据库 {} 已有登记数据（{held}），未作改动；如需重建演示数据请加 --force（将删除现有数据）",
            target.describe()
        )));
    }
    // Replacing happens in the load's own transaction: a failure keeps the old data.
    Ok(Some(if existing.is_empty() {
        LoadMode::Append
    } else {
        LoadMode::Replace
    }))
}

/// Loads `city` in one transaction behind a progress bar of its stages, `prefix` before it.
fn load(
    store: &mut Store,
    mode: LoadMode,
    city: &liangxin_demo::City,
    prefix: &str,
) -> Result<(), CliError> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{prefix} {msg:<8} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(prefix.to_owned());
    let mut stage = String::new();
    store.bulk_load("demo", mode, bulk(city), &mut |name, done, total| {
        if name != stage {
            stage = name.to_owned();
            bar.set_message(stage.clone());
            bar.set_length(total as u64);
        }
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    Ok(())
}

fn bulk(city: &liangxin_demo::City) -> Bulk<'_> {
    Bulk {
        regions: &city.regions,
        zones: &city.zones,
        organizations: &city.organizations,
        party_orgs: &city.party_orgs,
        coverage: &city.coverage,
        instructors: &city.instructors,
        assignments: &city.assignments,
        members: &city.members,
        meetings: &city.meetings,
        dues_standards: &city.dues_standards,
        dues_payments: &city.dues_payments,
        records_start: city.records_start,
        archive_items: &city.archive_items,
        floating: &city.floating,
    }
}

/// `liangxin demo --province`: the province's committee, then its cities one at a time,
/// each generated, loaded in its own transaction and let go before the next, so memory
/// holds one city, never the province. The registry, a year of meetings, attendance and
/// dues, archives and floating members; the evaluation and town records of the demo city
/// are not generated for a province.
pub fn province(
    store: &mut Store,
    target: &Target,
    opts: Options,
    code: i32,
    only: &[i32],
) -> Result<(), CliError> {
    let Some(mut province) = liangxin_demo::province::province(code, opts.organizations) else {
        return Err(CliError::Refused(format!(
            "--province：只能生成浙江省（330000），不是 {code}"
        )));
    };
    if let Some(unknown) = only
        .iter()
        .find(|c| !province.cities.iter().any(|(s, _)| s.code == **c))
    {
        return Err(CliError::Refused(format!(
            "--cities：{unknown} 不是{}的市",
            province.top.region.name
        )));
    }
    if !only.is_empty() {
        province.only(only);
    }
    let Some(mut mode) = load_mode(store, target, &opts)? else {
        return Ok(());
    };
    let started = Instant::now();
    let province_name = province.top.region.name.clone();
    let cities = province.cities.iter().filter(|c| c.1 > 0).count();
    let (mut organizations, mut party_orgs, mut members, mut meetings) = (0, 0, 0, 0);
    for (i, city) in province.cities(opts.seed, opts.as_of).enumerate() {
        let name = city
            .regions
            .first()
            .map(|r| r.name.clone())
            .unwrap_or_default();
        load(store, mode, &city, &format!("{name}（{i}/{cities}）"))?;
        mode = LoadMode::Append;
        organizations += city.organizations.len();
        party_orgs += city.party_orgs.len();
        members += city.members.len();
        meetings += city.meetings.len();
        if i > 0 {
            say!(
                "{name}：两新组织 {} 个，党组织 {} 个，党员 {} 名，会议 {} 次（累计用时 {:.0} 秒）",
                city.organizations.len(),
                city.party_orgs.len(),
                city.members.len(),
                city.meetings.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    let accounts =
        liangxin_web::demo_accounts::ensure(store).map_err(|e| CliError::Web(e.message))?;
    store.mark_demo()?;
    say!(
        "演示省已生成（{province_name}，种子 {}，基准日 {}）：{cities} 个市，两新组织 {organizations} 个，党组织 {party_orgs} 个，党员 {members} 名，会议 {meetings} 次；用时 {:.1} 秒",
        opts.seed,
        opts.as_of,
        started.elapsed().as_secs_f64()
    );
    say!("数据库：{}", target.describe());
    print_accounts(&accounts);
    Ok(())
}

pub fn run(store: &mut Store, target: &Target, opts: Options) -> Result<(), CliError> {
    let Some(mode) = load_mode(store, target, &opts)? else {
        return Ok(());
    };
    let Options {
        seed,
        as_of,
        organizations,
        ..
    } = opts;
    let started = Instant::now();
    let spinner = ProgressBar::new_spinner().with_message("生成演示城市…");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let city = generate(seed, Size { organizations }, as_of);
    spinner.finish_and_clear();

    load(store, mode, &city, "")?;
    let terms = liangxin_demo::committees::terms(&city, as_of);
    let posts = store.load_posts("demo", &terms)?;
    // Before any member moves away: a course's attendees were members on its days.
    let (workers, courses) = workforce(store, &city, &terms, seed, as_of)?;
    let (projects, late) = projects(store, &city, &terms, seed, as_of)?;
    let letters = transfers(store, &city, seed, as_of)?;
    let records = member_records(store, &city, seed, as_of)?;
    let (rounds, cases) = appraisals(store, &city, seed, as_of)?;
    let rated = stars(store, &city, seed, as_of)?;
    let rectifications = rectifications(store, &city, seed, as_of)?;
    let funds = funds(store, &city, seed, as_of)?;
    let town_items = town_items(store, &city, seed, as_of)?;
    let spot = spot_checks(store, &city, seed, as_of)?;
    let exemplars = exemplars(store, &city, as_of)?;
    let charges = charges(store, &city, as_of)?;
    let reviews = reviews(store, &city, seed, as_of)?;
    let (centers, bookings) = centers(store, &city, seed, as_of)?;
    let (investors, contacts) = investors(store, &city, seed, as_of)?;
    // Last: a final score is decided on the records as they stand.
    let (assessed, decided) = assessment(store, &city, seed, as_of)?;
    let accounts =
        liangxin_web::demo_accounts::ensure(store).map_err(|e| CliError::Web(e.message))?;
    store.mark_demo()?;
    say!(
        "演示城市已生成（种子 {seed}，基准日 {as_of}）：两新组织 {} 个，党组织 {} 个，党员 {} 名，党建指导员 {} 名，园区小镇 {} 个，委员会任职 {posts} 届，组织关系转接 {letters} 件，党员先锋指数记实 {records} 条，民主评议 {rounds} 轮（不合格党员限期改正 {cases} 件），双强六好评星 {rated} 个党组织，软弱涣散整顿 {rectifications} 个，党建经费账目 {funds} 笔，小镇园区清单填报 {town_items} 项，随机抽查 {spot} 轮，先进典型 {exemplars} 个，划片包干 {charges} 处，书记抓党建述职 {reviews} 份，党群服务中心 {centers} 个（预约 {bookings} 次），党务工作者 {workers} 名，培训 {courses} 期，出资人 {investors} 名（联系教育 {contacts} 次），书记领办项目 {projects} 个（逾期 {late} 个），年度考核评分 {assessed} 项（确定最终得分 {decided} 个）；用时 {:.1} 秒",
        city.organizations.len(),
        city.party_orgs.len(),
        city.members.len(),
        city.instructors.len(),
        city.zones.len(),
        started.elapsed().as_secs_f64()
    );
    say!("数据库：{}", target.describe());
    print_accounts(&accounts);
    Ok(())
}

/// Runs last year's 民主评议 of the planned branches through the platform's own steps (open,
/// every voter casting with a credential, close, the 支委会's grades) on their days, and
/// opens 限期改正 for each member graded 不合格, half of them corrected since. Returns the
/// rounds held and the cases opened.
fn appraisals(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<(usize, usize), CliError> {
    use liangxin_demo::appraisals::{grades, marks, plan, votes};
    use liangxin_domain::appraisal::{CorrectionOutcome, CorrectionSource, Grade};
    use liangxin_store::Scope;
    use liangxin_store::appraisal::{CorrectionClose, CorrectionOpen};
    let all = Scope::everything();
    let (mut rounds, mut cases) = (0, 0);
    for p in plan(seed, &city.party_orgs, as_of) {
        // A branch with no full member has nobody to grade: it holds no round.
        let opened = match store.open_appraisal("demo", &all, p.opened_on, p.branch, p.year) {
            Ok(o) => o,
            Err(liangxin_store::StoreError::Invalid { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        let roll = store
            .appraisal_round(&all, p.opened_on, opened.key)?
            .roll
            .len();
        for (i, c) in opened.credentials.iter().enumerate() {
            if votes(&p, i) {
                store.cast_ballot(opened.key, c, &marks(&p, i, roll))?;
            }
        }
        store.close_appraisal("demo", &all, p.closed_on, opened.key)?;
        let view = store.appraisal_round(&all, p.decided_on, opened.key)?;
        let totals: Vec<[u32; 4]> = view
            .bulletin
            .as_ref()
            .map(|b| b.totals.iter().map(|t| t.grades).collect())
            .unwrap_or_default();
        let decided = grades(&totals, view.excellent_limit);
        store.decide_appraisal("demo", &all, p.decided_on, opened.key, &decided)?;
        rounds += 1;
        for (line, grade) in view.roll.iter().zip(&decided) {
            if *grade != Grade::Unqualified {
                continue;
            }
            let opened_on = p.decided_on + chrono::Days::new(10);
            let open = CorrectionOpen {
                member: line.member,
                source: CorrectionSource::Appraisal,
                measures: "支部书记每月谈心谈话一次，按时参加组织生活、交纳党费".into(),
                helper: "支部书记".into(),
            };
            // A member who has since left the register is not followed up.
            match store.open_correction("demo", &all, opened_on, &open) {
                Ok(_) => cases += 1,
                Err(liangxin_store::StoreError::Invalid { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
            let review_on = opened_on + chrono::Days::new(150);
            if line.member.id % 2 == 0 && review_on <= as_of {
                store.close_correction(
                    "demo",
                    &all,
                    review_on,
                    line.member,
                    &CorrectionClose {
                        outcome: CorrectionOutcome::Corrected,
                        review: "期内按时参加组织生活、交纳党费，思想认识有提高，已改正".into(),
                        decision: String::new(),
                        approval: String::new(),
                    },
                )?;
            }
        }
    }
    Ok((rounds, cases))
}

/// The scopes that take an organization's rating steps: the town or zone 党工委 above it
/// (else its county) scores, its county reviews, the city confirms. `None` for the roots.
struct Raters {
    scorer: liangxin_store::Scope,
    county: liangxin_store::Scope,
    city: liangxin_store::Scope,
}

/// Each party organization's raters, from the tree: the root is the city's 两新工委, the
/// organizations directly below it the counties'.
fn raters(city: &liangxin_demo::City) -> std::collections::HashMap<i64, Raters> {
    use liangxin_domain::kinds::PartyOrgType;
    use liangxin_store::Scope;
    use std::collections::HashMap;
    let by_id: HashMap<i64, &liangxin_domain::registry::PartyOrg> =
        city.party_orgs.iter().map(|p| (p.key.id, p)).collect();
    // Parents come before children, as the loader takes them.
    let mut paths: HashMap<i64, String> = HashMap::new();
    for po in &city.party_orgs {
        let path = match po.parent.and_then(|k| paths.get(&k.id)) {
            Some(p) => format!("{p}{}/", po.key.id),
            None => format!("/{}/", po.key.id),
        };
        paths.insert(po.key.id, path);
    }
    let mut out = HashMap::new();
    for po in &city.party_orgs {
        let (mut zone, mut county, mut root) = (None, None, None);
        let mut at = po.parent;
        while let Some(k) = at {
            let Some(a) = by_id.get(&k.id) else { break };
            let path = paths.get(&k.id).cloned().unwrap_or_default();
            match a.parent {
                None => {
                    root = Some(Scope {
                        region: Some(liangxin_demo::CITY_CODE),
                        ..Scope::subtree(path)
                    })
                }
                Some(p) if by_id.get(&p.id).is_some_and(|g| g.parent.is_none()) => {
                    county = Some(Scope {
                        region: Some(a.key.county),
                        ..Scope::subtree(path)
                    })
                }
                _ if zone.is_none()
                    && a.org_type == PartyOrgType::WorkingCommittee
                    && a.zone.is_some() =>
                {
                    zone = Some(Scope {
                        zone: a.zone,
                        ..Scope::subtree(path)
                    })
                }
                _ => {}
            }
            at = a.parent;
        }
        if let (Some(county), Some(city)) = (county, root) {
            let scorer = zone.unwrap_or_else(|| county.clone());
            out.insert(
                po.key.id,
                Raters {
                    scorer,
                    county,
                    city,
                },
            );
        }
    }
    out
}

/// Runs last year's 双强六好 评星 through its four steps, each by the level that takes it on
/// its day: the organization's self-assessment with evidence, the town's (or county's)
/// scores, the county's review (now and then lowering an indicator), the city's
/// confirmation, with 示范点 among the five stars. Returns the organizations rated.
fn stars(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<usize, CliError> {
    use liangxin_domain::stars::{Indicator, Source};
    let raters = raters(city);
    let scheme = store.star_scheme(as_of)?;
    let assessed: Vec<(Indicator, i64)> = scheme
        .points
        .iter()
        .filter(|(i, _)| i.source() == Source::Assessed)
        .map(|(i, r)| (*i, r.value))
        .collect();
    let mut rated = 0;
    for p in liangxin_demo::stars::plan(seed, &city.party_orgs, as_of) {
        let Some(r) = raters.get(&p.party_org.id) else {
            continue;
        };
        let own: Vec<_> = assessed
            .iter()
            .map(|(i, max)| {
                (
                    *i,
                    p.self_points(*max),
                    format!("{}：见本单位年度工作总结及佐证材料", i.label()),
                )
            })
            .collect();
        let key =
            store.self_assess_stars("demo", &r.county, p.assessed_on, p.party_org, p.year, &own)?;
        let town: Vec<_> = assessed
            .iter()
            .map(|(i, max)| {
                (
                    *i,
                    p.town_points(*max),
                    "实地查看、查阅台账后评定".to_owned(),
                )
            })
            .collect();
        let vetoes: Vec<_> = p.veto.into_iter().collect();
        store.score_stars("demo", &r.scorer, p.scored_on, key, &town, &vetoes)?;
        let adjust: Vec<_> = assessed
            .iter()
            .take(usize::from(p.adjusted))
            .map(|(i, max)| (*i, (p.town_points(*max) - 1).max(0)))
            .collect();
        let note = if adjust.is_empty() {
            "同意评分"
        } else {
            "佐证材料不足，核减"
        };
        store.review_stars("demo", &r.county, p.reviewed_on, key, &adjust, note)?;
        let five = store
            .star_assessment(&r.city, p.reviewed_on, key)?
            .is_some_and(|v| v.summary.stars == Some(5));
        store.confirm_stars(
            "demo",
            &r.city,
            p.confirmed_on,
            key,
            five && p.demonstration,
        )?;
        rated += 1;
    }
    Ok(rated)
}

/// Opens this year's 软弱涣散 rectification for most of the organizations the rules point
/// to, as each county would (by the rules, with a 联系领导 and causes and measures found on
/// the spot), notes progress monthly, and accepts (销号) those whose deadline has passed
/// and whose progress was good. Returns the cases opened.
fn rectifications(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<usize, CliError> {
    use liangxin_demo::rectification::{identified_on, plan};
    use liangxin_store::weak::{Basis, OpenCase};
    let Some(start) = identified_on(as_of) else {
        return Ok(0);
    };
    let raters = raters(city);
    let found: Vec<_> = store
        .weak_candidates(&liangxin_store::Scope::everything(), start)?
        .into_iter()
        .map(|c| c.party_org)
        .collect();
    let planned = plan(seed, &found, as_of);
    let mut opened = 0;
    for p in planned {
        let Some(r) = raters.get(&p.party_org.id) else {
            continue;
        };
        let case = OpenCase {
            party_org: p.party_org,
            basis: Basis::Rules,
            nominated: String::new(),
            causes: "书记履职精力不足，组织生活不经常，制度执行不严".into(),
            measures:
                "调整充实支部班子，县两新工委班子成员挂联，指导员每月驻点指导，按月开展组织生活"
                    .into(),
            leader: "县两新工委副书记".into(),
            instructor: None,
            deadline: p.deadline,
        };
        // The records may have changed since the first of the month: no case then.
        let key = match store.open_rectification("demo", &r.county, p.opened_on, case) {
            Ok(k) => k,
            Err(liangxin_store::StoreError::Invalid { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        opened += 1;
        let mut day = p.opened_on + chrono::Days::new(30);
        while day <= as_of.min(p.deadline) {
            store.note_rectification(
                "demo",
                &r.county,
                day,
                key,
                "本月召开支部委员会，按期开展组织生活，指导员到场指导",
            )?;
            day = day + chrono::Days::new(30);
        }
        if p.accepted {
            store.accept_rectification(
                "demo",
                &r.county,
                p.deadline,
                key,
                "对照整顿措施逐项验收，组织生活和制度执行恢复正常，同意销号",
            )?;
        }
    }
    Ok(opened)
}

/// Fills in the towns' and parks' profiles (五个一, 五个同步, class checklists) as their
/// county committees would, each item its own step.
fn town_items(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<usize, CliError> {
    use liangxin_domain::town::ItemState;
    let city_scope = liangxin_store::Scope {
        region: Some(liangxin_demo::CITY_CODE),
        ..liangxin_store::Scope::everything()
    };
    let mut n = 0;
    for (zone, code, state, evidence) in liangxin_demo::towns::plan(seed, &city.zones) {
        if state == ItemState::Missing {
            continue;
        }
        store.set_zone_item("demo", &city_scope, as_of, zone, (code, state, &evidence))?;
        n += 1;
    }
    Ok(n)
}

/// This year's 随机抽查 of the city and its counties, each step as its committee takes it:
/// published and drawn on the day, inspected within the month, rectifications demanded
/// and accepted when due.
fn spot_checks(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<usize, CliError> {
    use liangxin_demo::spot_checks::{Runner, inspections, plan};
    use liangxin_domain::kinds::InspectionResult;
    use liangxin_store::spot_check::{Inspection, NewRound};
    let counties: Vec<i32> = city
        .regions
        .iter()
        .filter(|r| r.parent == Some(liangxin_demo::CITY_CODE))
        .map(|r| r.code)
        .collect();
    const PROBLEMS: [(&str, &str); 4] = [
        (
            "三会一课记录不完整，支委会缺两个月记录",
            "补齐会议记录，今后每月按时召开支委会",
        ),
        (
            "党费收缴台账与党员名册不一致",
            "核对党员名册和党费基数，补收欠缴党费",
        ),
        ("党员活动阵地被挪作他用", "恢复党员活动室，落实专人管理"),
        (
            "未按期开展主题党日",
            "制定全年主题党日计划，按月开展并留存记录",
        ),
    ];
    let mut held = 0;
    for p in plan(seed, &counties, as_of) {
        let code = match p.runner {
            Runner::City => liangxin_demo::CITY_CODE,
            Runner::County(c) => c,
        };
        let Some((_, path, _)) = store.county_top_party_org(code)? else {
            continue;
        };
        let scope = liangxin_store::Scope {
            region: Some(code),
            ..liangxin_store::Scope::subtree(path)
        };
        let round = NewRound {
            title: p.title.clone(),
            of: p.of,
            by: p.by,
            size: p.size,
            seed: liangxin_domain::spot_check::Seed::new(p.seed)
                .map_err(|e| CliError::Refused(e.to_string()))?,
            as_of: p.on,
        };
        // A small demo city may leave a county nothing to draw: no round there.
        if store.spot_check_frame(&scope, p.of, p.by, p.on)?.is_empty() {
            continue;
        }
        let key = store.publish_spot_check("demo", &scope, p.on, &round)?;
        let drawn = store.draw_spot_check("demo", &scope, p.on, key)?;
        held += 1;
        let planned = inspections(seed, p.seed, drawn.sample.len(), p.on, as_of);
        for (i, planned) in planned.into_iter().enumerate() {
            let Some(x) = planned else { continue };
            let seq = i32::try_from(i + 1).unwrap_or(i32::MAX);
            let (problem, demand) = PROBLEMS[i % PROBLEMS.len()];
            let note = if x.result == InspectionResult::Issues {
                problem.to_owned()
            } else {
                "台账齐全，组织生活正常开展".to_owned()
            };
            store.inspect_spot_check_item(
                "demo",
                &scope,
                x.on,
                (key, seq),
                &Inspection {
                    on: x.on,
                    inspectors: "两新工委检查组".into(),
                    result: x.result,
                    note,
                },
            )?;
            if let Some((deadline, accepted)) = x.rectification {
                let finding = store.raise_spot_check_finding(
                    "demo",
                    &scope,
                    x.on,
                    (key, seq),
                    problem,
                    demand,
                    deadline,
                )?;
                if accepted {
                    store.close_spot_check_finding(
                        "demo",
                        &scope,
                        deadline,
                        (key, finding),
                        "整改材料齐全，现场核实已整改到位",
                    )?;
                }
            }
        }
    }
    Ok(held)
}

/// The towns' 党务工作者, registered by their counties on the day they took up the post, and
/// two years of courses, recorded by their organizers when each ended. Returns the workers
/// and the courses.
fn workforce(
    store: &mut Store,
    city: &liangxin_demo::City,
    terms: &[liangxin_domain::registry::PostTerm],
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<(usize, usize), CliError> {
    use liangxin_domain::kinds::PartyOrgType;
    use liangxin_store::Scope;
    use liangxin_store::workforce::{NewCourse, NewWorker, Person};
    let committees: Vec<_> = city
        .party_orgs
        .iter()
        .filter(|p| p.org_type == PartyOrgType::WorkingCommittee && p.zone.is_some())
        .map(|p| (p.key, p.name.clone()))
        .collect();
    let planned = liangxin_demo::workforce::workers(seed, &committees, as_of);
    let paths: std::collections::HashMap<_, _> = store
        .party_orgs_in_scope(&Scope::everything())?
        .into_iter()
        .map(|(k, p, ..)| (k, p))
        .collect();
    let scope_of = |k| Scope::subtree(paths.get(&k).cloned().unwrap_or_default());
    let mut keys = Vec::with_capacity(planned.len());
    for w in &planned {
        keys.push(store.register_worker(
            "demo",
            &scope_of(w.party_org),
            w.since,
            &NewWorker {
                party_org: w.party_org,
                name: w.name.clone(),
                member: None,
                duty: w.duty,
                source: w.source,
                qualification: w.qualification.into(),
                since: w.since,
            },
        )?);
    }
    let courses = liangxin_demo::workforce::courses(seed, &city.party_orgs, terms, &planned, as_of);
    for c in &courses {
        let people: Vec<Person> = c
            .members
            .iter()
            .map(|k| Person::Member(*k))
            .chain(c.workers.iter().map(|i| Person::Worker(keys[*i])))
            .collect();
        store.record_course(
            "demo",
            &scope_of(c.organizer),
            c.ends_on,
            &NewCourse {
                title: c.title.clone(),
                kind: c.kind,
                starts_on: c.starts_on,
                ends_on: c.ends_on,
                hours: c.hours,
                place: c.place.clone(),
            },
            &people,
        )?;
    }
    Ok((planned.len(), courses.len()))
}

/// The projects the branches' 书记 took on this year, followed as the year went: 节点 done
/// on their days, notes, and the projects whose day has come closed. Returns the projects
/// and how many are late on the demo's day.
fn projects(
    store: &mut Store,
    city: &liangxin_demo::City,
    terms: &[liangxin_domain::registry::PostTerm],
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<(usize, usize), CliError> {
    use liangxin_store::Scope;
    use liangxin_store::projects::NewProject;
    let planned = liangxin_demo::projects::projects(seed, &city.party_orgs, terms, as_of);
    let paths: std::collections::HashMap<_, _> = store
        .party_orgs_in_scope(&Scope::everything())?
        .into_iter()
        .map(|(k, p, ..)| (k, p))
        .collect();
    let mut late = 0;
    for p in &planned {
        let Some(path) = paths.get(&p.party_org) else {
            continue;
        };
        let scope = Scope::subtree(path.clone());
        let key = store.take_on_project(
            "demo",
            &scope,
            p.taken_on,
            &NewProject {
                party_org: p.party_org,
                title: p.title.clone(),
                goal: p.goal.into(),
                due_on: p.due_on,
                milestones: p
                    .milestones
                    .iter()
                    .map(|m| (m.title.to_owned(), m.due_on))
                    .collect(),
            },
        )?;
        let stored = store
            .led_project(&scope, key)?
            .map(|s| s.milestones)
            .unwrap_or_default();
        // Stored in the order of their days, as planned.
        for (m, s) in p.milestones.iter().zip(&stored) {
            if let Some((day, evidence)) = m.done {
                store.complete_milestone("demo", &scope, day, key, s.id, evidence)?;
            }
        }
        for (day, note) in &p.notes {
            store.note_project("demo", &scope, *day, key, note)?;
        }
        if let Some((day, outcome, result)) = p.closed {
            store.close_project("demo", &scope, day, key, outcome, result)?;
        }
        if store
            .led_project(&scope, key)?
            .is_some_and(|s| s.state(as_of).is_late())
        {
            late += 1;
        }
    }
    Ok((planned.len(), late))
}

/// The investors of the large units, registered by their county committees on the demo's
/// day, and this year's contact and education: the counties' courses for the 新生代 and the
/// covering branches' visits. Returns the investors and the events.
fn investors(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<(usize, usize), CliError> {
    use liangxin_demo::investors::EventBy;
    use liangxin_store::Scope;
    use liangxin_store::investors::{NewInvestor, NewInvestorEvent};
    let planned = liangxin_demo::investors::investors(seed, &city.organizations, as_of);
    let counties: Vec<(i32, String)> = city
        .regions
        .iter()
        .filter(|r| r.parent == Some(liangxin_demo::CITY_CODE))
        .map(|r| (r.code, r.name.clone()))
        .collect();
    let mut county_scopes = std::collections::BTreeMap::new();
    for (county, _) in &counties {
        if let Some((_, path, _)) = store.county_top_party_org(*county)? {
            county_scopes.insert(
                *county,
                Scope {
                    region: Some(*county),
                    ..Scope::subtree(path)
                },
            );
        }
    }
    // Each county registers its investors at once.
    let mut keys: Vec<Option<liangxin_domain::registry::Key>> = vec![None; planned.len()];
    for (county, scope) in &county_scopes {
        let mine: Vec<usize> = (0..planned.len())
            .filter(|n| planned[*n].unit.county == *county)
            .collect();
        let list: Vec<NewInvestor> = mine
            .iter()
            .map(|n| {
                let i = &planned[*n];
                NewInvestor {
                    unit: i.unit,
                    name: i.name.clone(),
                    birth_year: i.birth_year,
                    role: i.role,
                    political_status: i.political_status,
                }
            })
            .collect();
        let registered = store.register_investors("demo", scope, as_of, &list)?;
        for (n, k) in mine.into_iter().zip(registered) {
            keys[n] = Some(k);
        }
    }
    let paths: std::collections::HashMap<_, _> = store
        .party_orgs_in_scope(&Scope::everything())?
        .into_iter()
        .map(|(k, p, ..)| (k, p))
        .collect();
    let events = liangxin_demo::investors::events(seed, &planned, &city.coverage, &counties, as_of);
    let mut held = 0;
    for e in &events {
        let scope = match e.by {
            EventBy::County(c) => county_scopes.get(&c).cloned(),
            EventBy::PartyOrg(k) => paths.get(&k).cloned().map(Scope::subtree),
        };
        let investors: Vec<_> = e
            .investors
            .iter()
            .filter_map(|n| keys.get(*n).copied().flatten())
            .collect();
        let Some(scope) = scope.filter(|_| !investors.is_empty()) else {
            continue;
        };
        store.record_investor_event(
            "demo",
            &scope,
            as_of,
            &NewInvestorEvent {
                kind: e.kind,
                held_on: e.held_on,
                title: e.title.clone(),
                content: e.content.clone(),
                investors,
            },
        )?;
        held += 1;
    }
    Ok((keys.iter().flatten().count(), held))
}

/// The towns' and parks' 党群服务中心, registered by the city's committee, and the bookings
/// their zones' party organizations made for the meetings they held there and ahead.
/// Returns the centers and the bookings.
fn centers(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<(usize, usize), CliError> {
    use liangxin_domain::kinds::PartyOrgType;
    use liangxin_store::Scope;
    use liangxin_store::centers::NewCenter;
    let led: std::collections::HashSet<i64> = city
        .party_orgs
        .iter()
        .filter(|p| p.org_type == PartyOrgType::WorkingCommittee)
        .filter_map(|p| p.zone)
        .collect();
    let planned = liangxin_demo::centers::plan(seed, &city.zones, &|z| led.contains(&z), as_of);
    let city_scope = Scope {
        region: Some(liangxin_demo::CITY_CODE),
        ..Scope::everything()
    };
    let mut keys = std::collections::HashMap::new();
    for c in &planned {
        let key = store.register_center(
            "demo",
            &city_scope,
            c.opened_on,
            &NewCenter {
                zone: c.zone,
                name: c.name.clone(),
                address: c.address.clone(),
                area_m2: c.area_m2,
                opening_hours: c.opening_hours.into(),
                open_days_per_week: c.open_days_per_week,
                staff_full_time: c.staff_full_time,
                staff_part_time: c.staff_part_time,
                opened_on: c.opened_on,
            },
        )?;
        keys.insert(c.zone, key);
    }
    let zone_of: std::collections::HashMap<_, _> = city
        .party_orgs
        .iter()
        .filter_map(|p| p.zone.map(|z| (p.key, z)))
        .collect();
    let meetings: Vec<_> = city
        .meetings
        .iter()
        .filter_map(|m| {
            zone_of.get(&m.record.party_org).map(|z| {
                (
                    m.record.party_org,
                    *z,
                    m.record.held_on,
                    m.record.topic.clone(),
                )
            })
        })
        .collect();
    let paths: std::collections::HashMap<_, _> = store
        .party_orgs_in_scope(&Scope::everything())?
        .into_iter()
        .map(|(k, p, ..)| (k, p))
        .collect();
    let mut booked = 0;
    for b in liangxin_demo::centers::bookings(seed, &planned, &meetings, as_of) {
        let (Some(center), Some(path)) = (keys.get(&b.zone), paths.get(&b.party_org)) else {
            continue;
        };
        store.book_center(
            "demo",
            &Scope::subtree(path.clone()),
            b.on,
            *center,
            b.day,
            &b.purpose,
        )?;
        booked += 1;
    }
    Ok((planned.len(), booked))
}

/// Last year's 书记抓党建述职评议考核 through the platform's own steps on their days: the
/// reports filed, each reviewing committee's meeting, the grades, the rectifications and
/// those done. Returns the reports filed.
fn reviews(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<usize, CliError> {
    use chrono::Datelike;
    use liangxin_domain::kinds::Post;
    use liangxin_store::Scope;
    use liangxin_store::reviews::{Grading, NewMeeting, NewRectification, NewReport};
    let year = as_of.year() - 1;
    let roster = store.review_roster(&Scope::everything(), year)?;
    let subjects: Vec<_> = roster
        .iter()
        .map(|l| (l.party_org, l.reviewer, l.name.clone()))
        .collect();
    let secretaries: std::collections::HashMap<_, Vec<_>> =
        liangxin_demo::committees::terms(city, as_of)
            .into_iter()
            .filter(|t| t.post == Post::Secretary)
            .fold(std::collections::HashMap::new(), |mut m, t| {
                m.entry(t.party_org)
                    .or_insert_with(Vec::new)
                    .push((t.since, t.until));
                m
            });
    let has_secretary = |org, day| {
        secretaries.get(&org).is_some_and(|terms| {
            terms
                .iter()
                .any(|(since, until)| *since <= day && until.is_none_or(|u| u >= day))
        })
    };
    let plan = liangxin_demo::reviews::plan(seed, &subjects, &has_secretary, as_of);
    let path_of: std::collections::HashMap<_, _> = roster
        .iter()
        .map(|l| (l.party_org, l.path.clone()))
        .chain(
            store
                .party_orgs_in_scope(&Scope::everything())?
                .into_iter()
                .map(|(k, p, ..)| (k, p)),
        )
        .collect();
    let scope_of = |k| Scope::subtree(path_of.get(&k).cloned().unwrap_or_default());
    let mut meetings = std::collections::HashMap::new();
    for m in &plan.meetings {
        let key = store.record_review_meeting(
            "demo",
            &scope_of(m.committee),
            m.held_on,
            &NewMeeting {
                year,
                held_on: m.held_on,
                place: m.place.clone(),
                attendance: m.attendance.clone(),
            },
        )?;
        meetings.insert(m.committee, (key, m.held_on));
    }
    for r in &plan.reports {
        let own = scope_of(r.party_org);
        let report = store.file_secretary_report(
            "demo",
            &own,
            r.reported_on,
            &NewReport {
                year,
                body: r.body.clone(),
                reporter: r.reporter.clone(),
                file: None,
            },
        )?;
        let (Some((grade, comments)), Some((meeting, held))) = (r.grade, meetings.get(&r.reviewer))
        else {
            continue;
        };
        let reviewer = scope_of(r.reviewer);
        let seen = store
            .secretary_report(&reviewer, report)?
            .map(|r| r.version())
            .unwrap_or_default();
        store.grade_secretary_report(
            "demo",
            &reviewer,
            report,
            &Grading {
                meeting: *meeting,
                grade,
                comments: comments.into(),
                seen,
            },
        )?;
        for f in &r.fixes {
            let fix = store.raise_review_rectification(
                "demo",
                &reviewer,
                *held,
                report,
                &NewRectification {
                    problem: f.problem.into(),
                    measure: f.measure.into(),
                    deadline: f.deadline,
                },
            )?;
            if let Some((on, note)) = f.done {
                store.finish_review_rectification("demo", &own, on, report, fix.id, note)?;
            }
        }
    }
    Ok(plan.reports.len())
}

/// Each county committee's members answer for its towns' and parks' 党工委 and a few of its
/// largest branches, from the middle of January.
fn charges(
    store: &mut Store,
    city: &liangxin_demo::City,
    as_of: chrono::NaiveDate,
) -> Result<usize, CliError> {
    use chrono::Datelike;
    use liangxin_domain::kinds::PartyOrgType;
    use liangxin_store::charges::NewCharge;
    const CADRES: [(&str, &str); 3] = [
        ("周建国", "县委组织部副部长、两新工委书记"),
        ("吴丽萍", "县两新工委专职副书记"),
        ("郑国强", "县两新工委委员"),
    ];
    let since = chrono::NaiveDate::from_ymd_opt(as_of.year(), 1, 15)
        .filter(|d| *d <= as_of)
        .unwrap_or(as_of);
    let mut n = 0;
    for county in city
        .regions
        .iter()
        .filter(|r| r.parent == Some(liangxin_demo::CITY_CODE))
    {
        let Some((top, path, _)) = store.county_top_party_org(county.code)? else {
            continue;
        };
        let scope = liangxin_store::Scope {
            region: Some(county.code),
            ..liangxin_store::Scope::subtree(path)
        };
        let charges: Vec<_> = city
            .party_orgs
            .iter()
            .filter(|p| p.key.county == county.code && p.parent == Some(top))
            .filter(|p| {
                matches!(
                    p.org_type,
                    PartyOrgType::WorkingCommittee | PartyOrgType::GeneralBranch
                )
            })
            .take(9)
            .collect();
        for (i, p) in charges.iter().enumerate() {
            let (cadre, post) = CADRES[i % CADRES.len()];
            store.assign_charge(
                "demo",
                &scope,
                as_of,
                &NewCharge {
                    cadre: cadre.into(),
                    post: post.into(),
                    party_org: p.key,
                    since,
                },
            )?;
            n += 1;
        }
    }
    Ok(n)
}

/// A 特色做法 of one joint branch in each town or park that has a 党工委, and a 先进基层
/// 党组织 and an 优秀共产党员 in each county, recorded by the county committee with the
/// commendation they rest on; all published but the last (awaiting review).
fn exemplars(
    store: &mut Store,
    city: &liangxin_demo::City,
    as_of: chrono::NaiveDate,
) -> Result<usize, CliError> {
    use chrono::Datelike;
    use liangxin_domain::kinds::{ExemplarKind, PartyOrgType};
    use liangxin_store::exemplars::NewExemplar;
    let year = as_of.year();
    let led: std::collections::HashSet<i64> = city
        .party_orgs
        .iter()
        .filter(|p| p.org_type == PartyOrgType::WorkingCommittee)
        .filter_map(|p| p.zone)
        .collect();
    let mut planned: Vec<NewExemplar> = Vec::new();
    for zone in &city.zones {
        if !led.contains(&zone.id) {
            continue;
        }
        let Some(joint) = city
            .party_orgs
            .iter()
            .find(|p| p.zone == Some(zone.id) && p.org_type == PartyOrgType::JointBranch)
        else {
            continue;
        };
        planned.push(NewExemplar {
            kind: ExemplarKind::Practice,
            party_org: Some(joint.key),
            member: None,
            title: format!("{}“党建联盟”做法", zone.name),
            summary: format!(
                "{}牵头组建区域党建联盟，企业党组织结对共建，党员示范岗进车间、进班组",
                joint.name
            ),
            evidence: "《衢州组织工作》刊发经验做法".into(),
            recognized_by: "中共衢州市委组织部".into(),
            year,
        });
    }
    for county in city
        .regions
        .iter()
        .filter(|r| r.parent == Some(liangxin_demo::CITY_CODE))
    {
        let branches: Vec<&liangxin_domain::registry::PartyOrg> = city
            .party_orgs
            .iter()
            .filter(|p| p.key.county == county.code && p.org_type == PartyOrgType::Branch)
            .collect();
        if let Some(b) = branches.first() {
            planned.push(NewExemplar {
                kind: ExemplarKind::Organization,
                party_org: Some(b.key),
                member: None,
                title: b.name.clone(),
                summary: "三会一课按时开展，党费按月足额收缴，党员先锋岗覆盖全部生产班组".into(),
                evidence: format!("{}委关于表彰先进基层党组织的决定", county.name),
                recognized_by: format!("中共{}委", county.name),
                year,
            });
        }
        let member = branches.iter().skip(1).find_map(|b| {
            city.members
                .iter()
                .find(|m| m.party_org_id == b.key.id && m.key.county == b.key.county)
        });
        if let Some(m) = member {
            planned.push(NewExemplar {
                kind: ExemplarKind::Member,
                party_org: None,
                member: Some(m.key),
                title: format!("{}同志", m.name),
                summary: "岗位技术骨干，带头攻关工艺难题，结对帮带青年职工5名".into(),
                evidence: format!("{}委关于表彰优秀共产党员的决定", county.name),
                recognized_by: format!("中共{}委", county.name),
                year,
            });
        }
    }
    let n = planned.len();
    for (i, e) in planned.iter().enumerate() {
        let county = e
            .party_org
            .or(e.member)
            .map(|k| k.county)
            .unwrap_or_default();
        // The county committee records and publishes it.
        let Some((_, path, _)) = store.county_top_party_org(county)? else {
            continue;
        };
        let scope = liangxin_store::Scope {
            region: Some(county),
            ..liangxin_store::Scope::subtree(path)
        };
        let key = store.record_exemplar("demo", &scope, as_of, e)?;
        if i + 1 < n {
            store.publish_exemplar("demo", &scope, as_of, key, true)?;
        }
    }
    Ok(n)
}

/// The 考核清单: the city set last year's entered criteria in its March and this year's in
/// this March; last year's were scored in January (the city its counties, each county its
/// towns and parks) and the finals decided, one county's lowered with its reason; this
/// year's are being scored (half the counties so far). Returns the scores and the finals.
fn assessment(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<(usize, usize), CliError> {
    use chrono::{Datelike, NaiveDate};
    use liangxin_demo::assessment::{CRITERIA, SOURCE, score};
    use liangxin_store::assessment::NewCriterion;
    let (last, this) = (as_of.year() - 1, as_of.year());
    let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(as_of).min(as_of);
    let scope_of =
        |store: &mut Store, code: i32| -> Result<Option<liangxin_store::Scope>, CliError> {
            Ok(store
                .county_top_party_org(code)?
                .map(|(_, path, _)| liangxin_store::Scope {
                    region: Some(code),
                    ..liangxin_store::Scope::subtree(path)
                }))
        };
    let Some(city_scope) = scope_of(store, liangxin_demo::CITY_CODE)? else {
        return Ok((0, 0));
    };
    for (year, on) in [(last, day(last, 3, 1)), (this, day(this, 3, 1))] {
        // The criteria are the city's, kept like its rules when the demo is built again.
        let kept = store.assessment_criteria(year)?;
        for c in &CRITERIA {
            if kept.iter().any(|k| {
                k.code == c.code
                    && k.label == c.label
                    && k.points == c.points
                    && k.guide == c.guide
                    && k.source == SOURCE
            }) {
                continue;
            }
            let criterion = NewCriterion {
                year,
                code: c.code.into(),
                label: c.label.into(),
                points: c.points.to_string(),
                guide: c.guide.into(),
                source: SOURCE.into(),
            };
            store.adopt_assessment_criterion("demo", &city_scope, on, &criterion)?;
        }
    }
    let (mut scored, mut decided) = (0, 0);
    let scored_on = day(this, 1, 20);
    let counties: Vec<i32> = city
        .regions
        .iter()
        .filter(|r| r.parent == Some(liangxin_demo::CITY_CODE))
        .map(|r| r.code)
        .collect();
    let mut assessors = vec![city_scope.clone()];
    for code in &counties {
        assessors.extend(scope_of(store, *code)?);
    }
    for scope in &assessors {
        let sheets = store.assessment_sheets(scope, last, scored_on)?;
        for sheet in &sheets {
            for c in &CRITERIA {
                let (points, evidence) = score(seed, sheet.assessee.id(), c);
                store.enter_assessment_score(
                    "demo",
                    scope,
                    scored_on,
                    last,
                    sheet.assessee,
                    c.code,
                    &points,
                    evidence,
                )?;
                scored += 1;
            }
        }
        // The finals on the sheets as they now stand.
        let sheets = store.assessment_sheets(scope, last, scored_on)?;
        for (i, sheet) in sheets.iter().enumerate() {
            let Some(computed) = sheet.score() else {
                continue;
            };
            // The second of each assessor's list lowered for what the records do not hold.
            let (final_score, reason) = if i == 1 {
                (
                    liangxin_domain::assessment::Tenths(computed.0.saturating_sub(30)),
                    "年度内发生党员违纪案件1起，按考核办法扣3分",
                )
            } else {
                (computed, "")
            };
            store.decide_assessment(
                "demo",
                scope,
                scored_on,
                last,
                sheet.assessee,
                &final_score.to_string(),
                reason,
            )?;
            decided += 1;
        }
    }
    // This year so far: the city has scored the brand of half its counties.
    {
        for sheet in store
            .assessment_sheets(&city_scope, this, as_of)?
            .iter()
            .step_by(2)
        {
            let (points, evidence) = score(seed ^ 1, sheet.assessee.id(), &CRITERIA[0]);
            store.enter_assessment_score(
                "demo",
                &city_scope,
                as_of,
                this,
                sheet.assessee,
                CRITERIA[0].code,
                &points,
                evidence,
            )?;
            scored += 1;
        }
    }
    Ok((scored, decided))
}

/// Books this year's 党建经费 of the towns' and parks' 党工委 and of some branches.
fn funds(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<usize, CliError> {
    use liangxin_store::funds::{FundKind, NewFundLine};
    let (lines, budgets) = liangxin_demo::funds::plan(seed, &city.party_orgs, as_of);
    let lines: Vec<NewFundLine> = lines
        .into_iter()
        .map(|l| NewFundLine {
            party_org: l.party_org,
            booked_on: l.on,
            kind: match l.kind {
                Ok(s) => FundKind::Receipt(s),
                Err(u) => FundKind::Spending(u),
            },
            amount: l.amount,
            note: l.note.to_owned(),
            evidence: l.evidence,
        })
        .collect();
    Ok(store.load_fund_lines("demo", as_of, &lines, &budgets)?)
}

/// Enters the demo's year of member records (先锋岗, 承诺践诺, 志愿服务 …) as a branch would.
fn member_records(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<usize, CliError> {
    use liangxin_store::vanguard::NewMemberRecord;
    let planned: Vec<NewMemberRecord> = liangxin_demo::records::records(seed, &city.members, as_of)
        .into_iter()
        .map(|r| NewMemberRecord {
            member: r.member,
            kind: r.kind,
            on: r.on,
            until: r.until,
            title: r.title,
            evidence: r.evidence,
        })
        .collect();
    Ok(store.load_member_records("demo", as_of, &planned)?)
}

/// Carries out the demo's planned letters through the transfer workflow itself (issue,
/// then receive, return or cancel), each step its own transaction as a user's would be.
fn transfers(
    store: &mut Store,
    city: &liangxin_demo::City,
    seed: u64,
    as_of: chrono::NaiveDate,
) -> Result<usize, CliError> {
    use liangxin_demo::transfers::{Outcome, PlannedDestination, plan};
    use liangxin_store::Scope;
    use liangxin_store::transfer::{Destination, TransferRequest};
    let all = Scope::everything();
    let planned = plan(seed, &city.members, &city.party_orgs, as_of);
    for p in &planned {
        let to = match &p.to {
            PlannedDestination::PartyOrg(k) => Destination::PartyOrg(*k),
            PlannedDestination::Outside(name) => Destination::Outside(name.clone()),
        };
        let outside = matches!(to, Destination::Outside(_));
        let req = TransferRequest {
            member: p.member,
            letter_kind: p.letter_kind,
            to,
            reason: p.reason.to_owned(),
            issued_on: p.issued_on,
            valid_days: None,
        };
        let id = store.issue_transfer("demo", &all, as_of, &req)?;
        match p.outcome {
            Outcome::Open => {}
            Outcome::Received(on) => {
                store.receive_transfer("demo", &all, as_of, id, on)?;
            }
            // Only a receiver in the system returns a letter.
            Outcome::Returned(note) if !outside => {
                store.return_transfer("demo", &all, as_of, id, note)?
            }
            Outcome::Returned(note) | Outcome::Cancelled(note) => {
                store.cancel_transfer("demo", &all, as_of, id, note)?
            }
        }
    }
    Ok(planned.len())
}

/// Prints the demo accounts and their shared password.
pub fn print_accounts(accounts: &[liangxin_web::demo_accounts::DemoAccount]) {
    if accounts.is_empty() {
        return;
    }
    say!(
        "演示账号（密码均为 {}）：",
        liangxin_web::demo_accounts::DEMO_PASSWORD
    );
    for a in accounts {
        say!("  {:<12} {}：{}", a.username, a.role.label(), a.who);
    }
    if accounts.iter().any(|a| a.role.is_administrative()) {
        say!(
            "  系统管理员和安全审计员须两步验证：在验证器应用中手动添加密钥 {}（基于时间），登录时输入其6位验证码",
            liangxin_web::totp::base32(liangxin_web::demo_accounts::DEMO_TOTP_SECRET)
        );
    }
}
