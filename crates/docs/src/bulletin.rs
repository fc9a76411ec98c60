//! 定期通报 in words and tables: a [`Brief`] from a scope's [`BulletinFacts`]. Every figure
//! is one the records gave; the sentences only say them.

use liangxin_domain::bulletin::{
    BulletinFacts, CoverageLine, DuesLine, EffectLine, LifeLine, change_text, percent_text, places,
    ranking,
};

use crate::brief::{Block, Brief, BriefTable};

/// The series' name in the head.
pub const SERIES: &str = "两新组织党建工作通报";

fn day(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn work_rate(l: &CoverageLine) -> Option<f64> {
    l.now.work_rate()
}

fn coverage_table(caption: String, first: &str, lines: &[CoverageLine]) -> BriefTable {
    // Those outside every town are shown, last and without a place.
    let order = ranked_order(lines, |l| l.ranked, work_rate);
    BriefTable {
        caption,
        header: [
            "排名",
            first,
            "单位数",
            "组织覆盖率",
            "工作覆盖率",
            "较上期",
        ]
        .map(String::from)
        .to_vec(),
        rows: order
            .into_iter()
            .map(|(i, place)| {
                let l = &lines[i];
                vec![
                    place,
                    l.name.clone(),
                    l.now.total.to_string(),
                    percent_text(l.now.organization_rate()),
                    percent_text(l.now.work_rate()),
                    change_text(l.now.work_rate(), l.before.work_rate())
                        .replace("个百分点", "")
                        .replace("提高", "+")
                        .replace("下降", "−"),
                ]
            })
            .collect(),
        widths: vec![2, 8, 3, 4, 4, 3],
    }
}

/// The lines in print order with their places as printed ("—" for the unranked).
fn ranked_order<T>(
    lines: &[T],
    ranked: impl Fn(&T) -> bool,
    value: impl Fn(&T) -> Option<f64>,
) -> Vec<(usize, String)> {
    ranking(lines, ranked, value)
        .into_iter()
        .map(|(i, place)| (i, place.map_or("—".into(), |p| p.to_string())))
        .collect()
}

fn life_table(group: &str, lines: &[LifeLine]) -> BriefTable {
    let order = ranked_order(lines, |l| l.ranked, LifeLine::rate);
    BriefTable {
        caption: "表2 组织生活按期召开情况".into(),
        header: ["排名", group, "党组织", "应召开", "按期召开", "落实率"]
            .map(String::from)
            .to_vec(),
        rows: order
            .into_iter()
            .map(|(i, place)| {
                let l = &lines[i];
                vec![
                    place,
                    l.name.clone(),
                    l.branches.to_string(),
                    l.due.to_string(),
                    l.met.to_string(),
                    percent_text(l.rate()),
                ]
            })
            .collect(),
        widths: vec![2, 8, 3, 3, 3, 3],
    }
}

fn dues_table(group: &str, month: &str, lines: &[DuesLine]) -> BriefTable {
    let order = ranked_order(lines, |l| l.ranked, DuesLine::rate);
    BriefTable {
        caption: format!("表3 {month}党费交纳情况"),
        header: [
            "排名",
            group,
            "应交党员",
            "已交纳",
            "未交足",
            "未交",
            "交纳率",
        ]
        .map(String::from)
        .to_vec(),
        rows: order
            .into_iter()
            .map(|(i, place)| {
                let l = &lines[i];
                vec![
                    place,
                    l.name.clone(),
                    l.owing().to_string(),
                    l.paid_members.to_string(),
                    l.short_members.to_string(),
                    l.unpaid_members.to_string(),
                    percent_text(l.rate()),
                ]
            })
            .collect(),
        widths: vec![2, 6, 4, 3, 3, 3, 3],
    }
}

const ORDINALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// Headings so far: the next one's ordinal.
fn headings(body: &[Block]) -> usize {
    body.iter()
        .filter(|b| matches!(b, Block::Heading(_)))
        .count()
        .min(ORDINALS.len() - 1)
}

fn effectiveness_table(group: &str, lines: &[EffectLine]) -> BriefTable {
    let order = ranked_order(lines, |l| l.ranked, |l| l.now.score);
    BriefTable {
        caption: "表 成效评估综合得分".into(),
        header: ["排名", group, "综合得分", "较上期", "计分权重"]
            .map(String::from)
            .to_vec(),
        rows: order
            .into_iter()
            .map(|(i, place)| {
                let l = &lines[i];
                vec![
                    place,
                    l.name.clone(),
                    l.now.score.map_or("—".into(), |s| format!("{s:.1}")),
                    l.change().map_or("—".into(), |d| format!("{d:+.1}")),
                    l.now.weights_counted.to_string(),
                ]
            })
            .collect(),
        widths: vec![2, 8, 3, 3, 3],
    }
}

/// The bulletin of `f`.
pub fn compose(f: &BulletinFacts) -> Brief {
    let mut body = Vec::new();
    let c = &f.coverage_total;
    let as_of = day(f.as_of);
    let gl = &f.group_label;

    body.push(Block::Text(format!(
        "现将{}两新组织党建工作情况通报如下。本期数据均由平台记录计算，截至{as_of}。",
        f.period_label
    )));

    body.push(Block::Heading("一、组织覆盖和工作覆盖".into()));
    let gap_change = if c.before.total == 0 {
        "（无上期数据）".to_string()
    } else {
        format!(
            "，较上期{}{}个",
            if c.now.gap >= c.before.gap {
                "增加"
            } else {
                "减少"
            },
            c.now.gap.abs_diff(c.before.gap)
        )
    };
    body.push(Block::Text(format!(
        "截至{as_of}，{}范围内两新组织{}个，其中建立党组织{}个，组织覆盖率{}，较上期{}；\
         工作覆盖率{}，较上期{}；尚未覆盖{}个{gap_change}。",
        f.office,
        c.now.total,
        c.now.organization_covered,
        percent_text(c.now.organization_rate()),
        change_text(c.now.organization_rate(), c.before.organization_rate()),
        percent_text(c.now.work_rate()),
        change_text(c.now.work_rate(), c.before.work_rate()),
        c.now.gap,
    )));
    if !f.coverage.is_empty() {
        body.push(Block::Table(coverage_table(
            format!("表1 各{gl}覆盖情况（按工作覆盖率排名）"),
            gl,
            &f.coverage,
        )));
    }

    body.push(Block::Heading("二、基本制度落实".into()));
    body.push(Block::Subheading("（一）组织生活".into()));
    let l = &f.life_total;
    body.push(Block::Text(format!(
        "本期{}个党组织应召开的“三会一课”等组织生活{}次，按期召开{}次，落实率{}，\
         未按期召开{}次。",
        l.branches,
        l.due,
        l.met,
        percent_text(l.rate()),
        l.due - l.met
    )));
    if f.life.len() > 1 {
        body.push(Block::Table(life_table(gl, &f.life)));
    }
    body.push(Block::Subheading("（二）党费交纳".into()));
    let d = &f.dues_total;
    body.push(Block::Text(format!(
        "{}已核定党费标准的党员{}人，已按标准交纳{}人，交纳率{}；未交足{}人，未交纳{}人{}。",
        f.dues_month,
        d.owing(),
        d.paid_members,
        percent_text(d.rate()),
        d.short_members,
        d.unpaid_members,
        if d.without_standard > 0 {
            format!("；另有{}人尚未核定党费标准", d.without_standard)
        } else {
            String::new()
        }
    )));
    if f.dues.len() > 1 {
        body.push(Block::Table(dues_table(gl, &f.dues_month, &f.dues)));
    }

    body.push(Block::Heading("三、问题排查和整改".into()));
    let opened: u32 = f.findings.iter().map(|l| l.opened).sum();
    let closed: u32 = f.findings.iter().map(|l| l.closed).sum();
    let open: u32 = f.findings.iter().map(|l| l.open).sum();
    body.push(Block::Text(format!(
        "本期排查新发现问题{opened}个，整改销号{closed}个；截至{as_of}，尚未整改到位{open}个。"
    )));
    if !f.findings.is_empty() {
        body.push(Block::Table(BriefTable {
            caption: "表4 排查发现问题分类情况".into(),
            header: ["问题类别", "本期发现", "本期销号", "期末未销号"]
                .map(String::from)
                .to_vec(),
            rows: f
                .findings
                .iter()
                .map(|l| {
                    vec![
                        l.kind.label().to_string(),
                        l.opened.to_string(),
                        l.closed.to_string(),
                        l.open.to_string(),
                    ]
                })
                .collect(),
            widths: vec![7, 3, 3, 3],
        }));
    }
    let s = &f.spot_checks;
    body.push(Block::Text(if s.rounds == 0 {
        "本期未发布随机抽查。".to_string()
    } else {
        format!(
            "本期发布随机抽查{}轮，抽取{}个；截至印发之日已检查{}个，发现需整改问题{}个，\
             已整改{}个，尚在整改{}个。",
            s.rounds,
            s.items,
            s.inspected,
            s.findings_open + s.findings_closed,
            s.findings_closed,
            s.findings_open
        )
    }));

    body.push(Block::Heading("四、星级评定和整顿提升".into()));
    let st = &f.stars;
    let rated: u32 = st.iter().sum();
    body.push(Block::Text(format!(
        "{}年度“双强六好”星级评定，应评党组织{}个，截至期末已确认{}个：五星{}个、四星{}个、三星{}个、\
         二星{}个、一星{}个，一票否决{}个。软弱涣散基层党组织整顿，本期新列入{}个，验收销号{}个，\
         截至{as_of}尚在整顿{}个。",
        f.stars_year,
        f.stars_eligible,
        rated,
        st[5],
        st[4],
        st[3],
        st[2],
        st[1],
        st[0],
        f.rectifications.opened,
        f.rectifications.accepted,
        f.rectifications.open
    )));

    body.push(Block::Heading("五、先进典型".into()));
    if f.exemplars.is_empty() {
        body.push(Block::Text("本期没有新发布的先进典型。".into()));
    } else {
        let named = f.exemplars.len();
        body.push(Block::Text(if f.exemplars_published as usize > named {
            format!(
                "本期发布先进典型{}个，以下是最近发布的{named}个。",
                f.exemplars_published
            )
        } else {
            format!("本期发布先进典型{named}个。")
        }));
        for e in &f.exemplars {
            let summary = e.summary.trim_end_matches(['。', '.', ' ']);
            body.push(Block::Text(format!(
                "{}：{}。{summary}。",
                e.party_org, e.title
            )));
        }
    }

    if !f.towns.is_empty() {
        body.push(Block::Heading("六、园区小镇排名".into()));
        let ranks = places(&f.towns, work_rate);
        let first = f
            .towns
            .iter()
            .zip(&ranks)
            .filter(|(t, r)| **r == 1 && t.now.work_rate().is_some())
            .map(|(t, _)| t.name.as_str())
            .collect::<Vec<_>>()
            .join("、");
        body.push(Block::Text(if first.is_empty() {
            format!("{}个园区小镇尚无可比的数据。", f.towns.len())
        } else {
            format!(
                "按工作覆盖率，{}个园区小镇中{first}居首，排名见下表。",
                f.towns.len()
            )
        }));
        body.push(Block::Table(coverage_table(
            "表5 园区小镇覆盖情况（按工作覆盖率排名）".into(),
            "园区小镇",
            &f.towns,
        )));
    }

    if !f.effectiveness.is_empty() {
        body.push(Block::Heading(format!(
            "{}、成效评估",
            ORDINALS[headings(&body)]
        )));
        let labels: Vec<&str> = f
            .effectiveness
            .first()
            .map(|e| {
                e.now
                    .components
                    .iter()
                    .map(|c| c.criterion.label())
                    .collect()
            })
            .unwrap_or_default();
        body.push(Block::Text(format!(
            "按考核清单，由记录计算{}等{}项指标，按规则参数中的权重计分，\
             没有可计数据的指标不计分、其权重不计入，综合得分折算为百分制。\
             各项得分的计算过程见平台“成效评估”页。",
            labels.join("、"),
            labels.len()
        )));
        body.push(Block::Table(effectiveness_table(gl, &f.effectiveness)));
    }

    body.push(Block::Heading(format!(
        "{}、工作要求",
        ORDINALS[headings(&body)]
    )));
    body.push(Block::Text(format!(
        "{}要对照本通报反映的情况，抓紧补齐组织覆盖和工作覆盖的空白，督促未按期召开组织生活、\
         未按标准交纳党费的党组织和党员限期改正，对尚未销号的问题逐项明确责任人和整改时限，\
         整改情况在平台如实记录，下期通报将据实反映。",
        if f.group_label == "县（市、区）" {
            "各县（市、区）两新工委、各园区小镇党工委"
        } else {
            "各园区小镇党工委和各基层党组织"
        }
    )));

    // Tables are numbered as they appear: a county's bulletin has no table of counties.
    let mut n = 0;
    for block in &mut body {
        if let Block::Table(t) = block {
            n += 1;
            let caption = t
                .caption
                .split_once(' ')
                .map_or(t.caption.as_str(), |(_, c)| c);
            t.caption = format!("表{n} {caption}");
        }
    }

    Brief {
        series: SERIES.into(),
        number: f.number,
        total: f.total_number,
        office: f.office.clone(),
        date: day(f.issued_on),
        title: format!("{}两新组织党建工作情况通报", f.period_label),
        body,
        sent_to: f.sent_to.clone(),
        issued_to: f.issued_to.clone(),
        printed_by: f.office.clone(),
        printed_on: day(f.issued_on),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use liangxin_domain::bulletin::{RectificationFigures, SpotCheckFigures};
    use liangxin_domain::coverage::Tally;

    fn line(name: &str, total: u64, org: u64, work: u64, ranked: bool) -> CoverageLine {
        let t = Tally {
            total,
            organization_covered: org,
            work_covered: work,
            gap: total - org - work,
            needing_action: 0,
        };
        CoverageLine {
            name: name.into(),
            ranked,
            now: t,
            before: t,
        }
    }

    fn facts(group_label: &str, coverage: Vec<CoverageLine>) -> BulletinFacts {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let life = |name: &str, due, met| LifeLine {
            name: name.into(),
            ranked: name != "全市",
            branches: 3,
            due,
            met,
        };
        BulletinFacts {
            period_label: "2026年11月".into(),
            as_of: day(11, 30),
            issued_on: day(12, 2),
            number: 11,
            total_number: 11,
            office: "中共衢州市两新工委".into(),
            sent_to: Vec::new(),
            issued_to: vec!["中共龙游县两新工委".into()],
            group_label: group_label.into(),
            coverage_total: line("全市", 30, 10, 10, false),
            coverage,
            life_total: life("全市", 10, 9),
            life: vec![life("柯城区", 4, 4), life("龙游县", 6, 5)],
            dues_month: "2026年11月".into(),
            dues_total: DuesLine {
                name: "全市".into(),
                ..DuesLine::default()
            },
            dues: Vec::new(),
            findings: Vec::new(),
            spot_checks: SpotCheckFigures::default(),
            stars_year: 2025,
            stars_eligible: 0,
            stars: [0; 6],
            rectifications: RectificationFigures::default(),
            exemplars_published: 0,
            exemplars: Vec::new(),
            towns: Vec::new(),
            effectiveness: Vec::new(),
        }
    }

    fn tables(b: &Brief) -> Vec<&BriefTable> {
        b.body
            .iter()
            .filter_map(|x| match x {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn groups_are_ranked_by_work_coverage_ties_sharing_and_those_outside_towns_last() {
        let b = compose(&facts(
            "园区小镇",
            vec![
                line("甲镇", 10, 2, 6, true),
                line("不在园区小镇", 10, 9, 1, false),
                line("乙镇", 10, 5, 3, true),
                line("丙镇", 10, 1, 2, true),
            ],
        ));
        let t = tables(&b);
        let first: Vec<(&str, &str)> = t[0]
            .rows
            .iter()
            .map(|r| (r[0].as_str(), r[1].as_str()))
            .collect();
        assert_eq!(
            first,
            [
                ("1", "甲镇"),
                ("1", "乙镇"),
                ("3", "丙镇"),
                ("—", "不在园区小镇")
            ]
        );
        // Numbered as they appear: 表1 the towns, 表2 the counties' life.
        assert!(t[0].caption.starts_with("表1 "));
        assert!(t[1].caption.starts_with("表2 "), "{}", t[1].caption);
        assert_eq!(t[1].rows[0][1], "柯城区", "100% before 83.3%");
        // Nothing empty is said as 0%: no member, no rate.
        assert!(b.body.iter().any(|x| matches!(x,
            Block::Text(s) if s.contains("已核定党费标准的党员0人") && s.contains("交纳率—"))));
    }

    #[test]
    fn the_headings_run_in_order_and_the_requirements_come_last() {
        let b = compose(&facts("县（市、区）", Vec::new()));
        let headings: Vec<&str> = b
            .body
            .iter()
            .filter_map(|x| match x {
                Block::Heading(h) => Some(h.as_str()),
                _ => None,
            })
            .collect();
        let ordinals: Vec<char> = headings.iter().filter_map(|h| h.chars().next()).collect();
        assert_eq!(ordinals, ['一', '二', '三', '四', '五', '六']);
        assert_eq!(headings.last().copied(), Some("六、工作要求"));
        assert_eq!(b.title, "2026年11月两新组织党建工作情况通报");
        assert_eq!((b.number, b.total), (11, 11));
    }
}
