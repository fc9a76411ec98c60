//! 书记抓党建述职评议考核: the secretary reports to the nearest committee above, which
//! grades the report at its meeting and lists rectifications; an open rectification is
//! carried into the next year and, past its deadline, reaches the 待办.

use super::*;
use liangxin_domain::kinds::{Post, ReviewGrade};
use liangxin_domain::review::ReportFile;
use liangxin_store::reviews::{Grading, NewMeeting, NewRectification, NewReport};

fn report_of(year: i32, body: &str, reporter: &str, file: Option<ReportFile>) -> NewReport {
    NewReport {
        year,
        body: body.into(),
        reporter: reporter.into(),
        file,
    }
}

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

pub(super) fn a_secretary_reports_the_committee_above_grades_it_and_rectifications_carry_over(
    db: &TestDb,
) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let city = scope_of(&mut store, c.city);
    let county = scope_of(&mut store, c.longyou);
    let other = scope_of(&mut store, c.kecheng);
    let branch = scope_of(&mut store, c.joint);
    // TODAY is 2026-11-27: the 2025 report is owed, due by the end of January 2026.
    let year = 2025;

    // Who owes a report: every organization with a committee above it, each to the nearest.
    let roster = store.review_roster(&city, year).unwrap();
    let owed: Vec<(Key, Key)> = roster.iter().map(|l| (l.party_org, l.reviewer)).collect();
    assert_eq!(owed.len(), 4, "the city itself reports to no one here");
    assert!(owed.contains(&(c.longyou, c.city)));
    assert!(owed.contains(&(c.kecheng, c.city)));
    assert!(owed.contains(&(c.joint, c.longyou)));
    assert!(owed.contains(&(c.tech_branch, c.kecheng)));
    assert_eq!(
        store.review_roster(&other, year).unwrap().len(),
        2,
        "柯城区 sees itself and its branch, not 龙游县's"
    );
    assert_eq!(store.review_roster(&branch, year).unwrap().len(), 1);

    // No 书记 yet: nobody to report.
    assert_eq!(
        field(
            store
                .file_secretary_report("t", &branch, TODAY, &report_of(year, "报告", "", None))
                .unwrap_err()
        ),
        "述职人",
        "no 书记 on the register: the reporter is named"
    );
    let wang = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "王书记", 301, MemberStatus::Full, None),
        )
        .unwrap();
    store
        .appoint(
            "t",
            &county,
            c.joint,
            Post::Secretary,
            wang,
            d(2025, 3, 1),
            TODAY,
        )
        .unwrap();
    assert_eq!(
        store
            .evaluation_todo(&branch, TODAY)
            .unwrap()
            .review_report_owed,
        Some((year, true)),
        "owed and past its due month"
    );
    assert_eq!(
        field(
            store
                .file_secretary_report("t", &branch, TODAY, &report_of(2026, "报告", "", None))
                .unwrap_err()
        ),
        "述职年度",
        "this year's report waits for December"
    );
    assert_eq!(
        field(
            store
                .file_secretary_report("t", &branch, TODAY, &report_of(year, "  ", "", None))
                .unwrap_err()
        ),
        "述职报告"
    );
    let file = ReportFile::parse("述职报告.pdf", b"%PDF-1.7 test".to_vec()).unwrap();
    let report = store
        .file_secretary_report(
            "t",
            &branch,
            TODAY,
            &report_of(year, "一、抓党建工作情况", "", Some(file.clone())),
        )
        .unwrap();
    // Again before grading replaces the text and keeps the file.
    let again = store
        .file_secretary_report(
            "t",
            &branch,
            TODAY,
            &report_of(year, "一、抓党建工作情况（修改）", "李四", None),
        )
        .unwrap();
    assert_eq!(again, report);
    assert_eq!(
        store
            .evaluation_todo(&branch, TODAY)
            .unwrap()
            .review_report_owed,
        None
    );
    assert_eq!(
        store
            .evaluation_todo(&county, TODAY)
            .unwrap()
            .review_reports_to_grade,
        1,
        "龙游县 reviews it"
    );
    assert_eq!(
        store
            .evaluation_todo(&city, TODAY)
            .unwrap()
            .review_reports_to_grade,
        0,
        "the city does not: 龙游县 stands between"
    );
    let r = store.secretary_report(&city, report).unwrap().unwrap();
    assert_eq!(
        r.secretary, "王书记",
        "the 书记 on the register, not the name typed"
    );
    // A committee whose 书记 is not on the two-new register names its reporter.
    let county_report = store
        .file_secretary_report(
            "t",
            &county,
            TODAY,
            &report_of(
                year,
                "县两新工委抓党建工作情况",
                "张三（县两新工委书记）",
                None,
            ),
        )
        .unwrap();
    assert_eq!(
        store
            .secretary_report(&city, county_report)
            .unwrap()
            .unwrap()
            .secretary,
        "张三（县两新工委书记）"
    );
    assert_eq!(
        store
            .evaluation_todo(&city, TODAY)
            .unwrap()
            .review_reports_to_grade,
        1,
        "the city reviews 龙游县's"
    );
    assert_eq!(r.body, "一、抓党建工作情况（修改）");
    assert_eq!(r.file_name.as_deref(), Some("述职报告.pdf"));
    assert_eq!(
        store
            .secretary_report_file(&branch, report)
            .unwrap()
            .unwrap()
            .1,
        b"%PDF-1.7 test"
    );
    assert!(
        store.secretary_report(&other, report).unwrap().is_none(),
        "not sideways"
    );
    assert!(
        store
            .secretary_report_file(&other, report)
            .unwrap()
            .is_none()
    );

    // The meeting: the reviewer's own, of the report's year, not before the report.
    let meeting = |held_on| NewMeeting {
        year,
        held_on,
        place: "县委党校".into(),
        attendance: "县两新工委委员、各党组织书记".into(),
    };
    assert_eq!(
        field(
            store
                .record_review_meeting("t", &branch, TODAY, &meeting(TODAY))
                .unwrap_err()
        ),
        "述职评议",
        "a branch reviews no one"
    );
    assert_eq!(
        field(
            store
                .record_review_meeting("t", &county, TODAY, &meeting(d(2025, 6, 1)))
                .unwrap_err()
        ),
        "召开日期"
    );
    let early = store
        .record_review_meeting("t", &county, TODAY, &meeting(d(2026, 1, 10)))
        .unwrap();
    let held = store
        .record_review_meeting("t", &county, TODAY, &meeting(TODAY))
        .unwrap();
    let city_meeting = store
        .record_review_meeting("t", &city, TODAY, &meeting(TODAY))
        .unwrap();
    assert_eq!(store.review_meetings(&county, year).unwrap().len(), 2);
    assert_eq!(store.review_meetings(&city, year).unwrap().len(), 3);
    assert!(store.review_meetings(&other, year).unwrap().is_empty());

    let seen = store
        .secretary_report(&county, report)
        .unwrap()
        .unwrap()
        .version();
    let grade_as = |store: &mut Store, scope: &Scope, meeting: Key, seen: &str| {
        store.grade_secretary_report(
            "t",
            scope,
            report,
            &Grading {
                meeting,
                grade: ReviewGrade::FairlyGood,
                comments: "较好".into(),
                seen: seen.into(),
            },
        )
    };
    let grade =
        |store: &mut Store, scope: &Scope, meeting: Key| grade_as(store, scope, meeting, &seen);
    assert_eq!(
        field(grade_as(&mut store, &county, held, "an older version").unwrap_err()),
        "述职报告",
        "filed again since the committee read it"
    );
    assert_eq!(
        field(grade(&mut store, &city, city_meeting).unwrap_err()),
        "述职报告",
        "the city is not its reviewer"
    );
    assert_eq!(
        field(grade(&mut store, &county, city_meeting).unwrap_err()),
        "述职评议会",
        "another committee's meeting"
    );
    assert_eq!(
        field(grade(&mut store, &county, early).unwrap_err()),
        "述职评议会",
        "held before the report was filed"
    );
    assert_eq!(
        field(
            store
                .raise_review_rectification(
                    "t",
                    &county,
                    TODAY,
                    report,
                    &NewRectification {
                        problem: "问题".into(),
                        measure: "措施".into(),
                        deadline: TODAY
                    }
                )
                .unwrap_err()
        ),
        "整改事项",
        "listed after the grade"
    );
    grade(&mut store, &county, held).unwrap();
    assert_eq!(
        field(grade(&mut store, &county, held).unwrap_err()),
        "评议等次",
        "graded once"
    );
    assert_eq!(
        field(
            store
                .file_secretary_report("t", &branch, TODAY, &report_of(year, "再改", "", None))
                .unwrap_err()
        ),
        "述职报告",
        "a graded report stands"
    );
    assert_eq!(
        field(
            store
                .raise_review_rectification(
                    "t",
                    &county,
                    TODAY,
                    report,
                    &NewRectification {
                        problem: "问题".into(),
                        measure: "措施".into(),
                        deadline: TODAY
                    }
                )
                .unwrap_err()
        ),
        "整改期限"
    );
    let deadline = TODAY + chrono::Days::new(30);
    let fix = store
        .raise_review_rectification(
            "t",
            &county,
            TODAY,
            report,
            &NewRectification {
                problem: "三会一课记录不全".into(),
                measure: "补齐记录，每月检查".into(),
                deadline,
            },
        )
        .unwrap();
    let roster = store.review_roster(&county, year).unwrap();
    let line = roster.iter().find(|l| l.party_org == c.joint).unwrap();
    let summary = line.report.as_ref().unwrap();
    assert_eq!(summary.grade, Some(ReviewGrade::FairlyGood));
    assert!(summary.has_file);
    assert_eq!(summary.open, 1);

    // Past its deadline it is the branch's and its superiors' overdue item.
    let later = deadline + chrono::Days::new(1);
    assert_eq!(
        store
            .evaluation_todo(&branch, later)
            .unwrap()
            .review_rectifications_overdue,
        1
    );
    assert_eq!(
        store
            .evaluation_todo(&other, later)
            .unwrap()
            .review_rectifications_overdue,
        0
    );
    // Carried into the next year's report while open.
    let next_day = d(2027, 1, 5);
    let next = store
        .file_secretary_report(
            "t",
            &branch,
            next_day,
            &report_of(2026, "二〇二六年度", "", None),
        )
        .unwrap();
    let carried = store
        .secretary_report(&branch, next)
        .unwrap()
        .unwrap()
        .carried;
    assert_eq!(carried.len(), 1);
    assert_eq!(carried[0].key.id, fix.id);
    assert_eq!(carried[0].year, year);

    assert_eq!(
        field(
            store
                .finish_review_rectification("t", &other, TODAY, report, fix.id, "已补齐")
                .unwrap_err()
        ),
        "整改事项",
        "not sideways"
    );
    assert_eq!(
        field(
            store
                .finish_review_rectification("t", &branch, TODAY, next, fix.id, "已补齐")
                .unwrap_err()
        ),
        "整改事项",
        "only on the report that raised it"
    );
    assert_eq!(
        field(
            store
                .finish_review_rectification("t", &branch, TODAY, report, fix.id, " ")
                .unwrap_err()
        ),
        "整改情况"
    );
    store
        .finish_review_rectification("t", &branch, TODAY, report, fix.id, "已补齐记录")
        .unwrap();
    assert!(
        store
            .secretary_report(&branch, next)
            .unwrap()
            .unwrap()
            .carried
            .is_empty(),
        "done: no longer carried"
    );
    assert_eq!(
        store
            .evaluation_todo(&branch, later)
            .unwrap()
            .review_rectifications_overdue,
        0
    );
    for (entity, key) in [
        ("secretary_report", report),
        ("review_meeting", held),
        ("review_rectification", fix),
    ] {
        assert!(
            !store
                .audit_entries(entity, key.county, key.id)
                .unwrap()
                .is_empty(),
            "{entity} is in the audit log"
        );
    }
}
