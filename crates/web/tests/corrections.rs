//! Correcting what was recorded: a meeting's content and attendance corrected with a
//! reason (the quorum and every figure follow), or a meeting recorded in error withdrawn;
//! the before and after in the audit log.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestApp;
use liangxin_domain::kinds::{Attendance, MeetingKind};
use liangxin_domain::life::{AttendanceRecord, MeetingRecord};

#[test]
fn a_secretary_corrects_a_meetings_attendance_then_withdraws_it() {
    let app = TestApp::start(300);
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap().key;
    let today = liangxin_web::today();
    let expected = store
        .expected_attendees(&scope, branch, MeetingKind::ThemeDay, today)
        .unwrap();
    assert!(expected.len() >= 2, "a branch with members");
    let key = store
        .record_meeting(
            "test",
            &scope,
            today,
            MeetingRecord {
                party_org: branch,
                kind: MeetingKind::ThemeDay,
                held_on: today,
                place: "会议室".into(),
                host: "书记".into(),
                recorder: "委员".into(),
                topic: "学习党章".into(),
                agenda: String::new(),
                minutes: String::new(),
                decisions: String::new(),
                attendance: expected
                    .iter()
                    .map(|e| AttendanceRecord {
                        member: e.member,
                        attendance: Attendance::Present,
                        reason: None,
                    })
                    .collect(),
            },
        )
        .unwrap();
    let path = format!("/meetings/{}/{}", key.county, key.id);
    let mut c = app.signed_in("secretary");
    let page = c.get(&format!("{path}/correct"));
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    let field = |k: liangxin_domain::registry::Key| format!("{}_{}", k.county, k.id);
    let mut form: Vec<(String, String)> = vec![
        ("_csrf".into(), csrf.clone()),
        ("topic".into(), "学习党章和支部工作条例".into()),
        ("place".into(), "会议室".into()),
        ("host".into(), "书记".into()),
        ("recorder".into(), "委员".into()),
    ];
    for (i, e) in expected.iter().enumerate() {
        let mark = if i == 0 { "excused" } else { "present" };
        form.push((format!("a_{}", field(e.member)), mark.into()));
    }
    let send = |c: &mut common::Client, form: &[(String, String)]| {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        c.post_form(&format!("{path}/correct"), &pairs)
    };
    let r = send(&mut c, &form);
    assert_eq!(r.status, 422, "no reason for the correction");
    assert!(r.body.contains("更正原因"), "{}", r.body);
    form.push(("reason".into(), "出席情况登记错误".into()));
    let r = send(&mut c, &form);
    assert_eq!(r.status, 422, "请假 without its reason");
    assert!(r.body.contains("请假原因"), "{}", r.body);
    assert!(r.body.contains("学习党章和支部工作条例"), "values are kept");
    form.push((format!("r_{}", field(expected[0].member)), "出差".into()));
    let r = send(&mut c, &form);
    assert_eq!(r.status, 303, "{}", r.body);
    let m = store.meeting(&scope, key).unwrap().unwrap();
    assert_eq!(m.summary.topic, "学习党章和支部工作条例");
    assert_eq!(m.summary.counts, (expected.len() as u32 - 1, 1, 0));
    let log = store.audit_entries("meeting", key.county, key.id).unwrap();
    assert_eq!(log.last().unwrap().action, "correct");
    assert!(
        log.last()
            .unwrap()
            .before
            .as_deref()
            .unwrap()
            .contains("学习党章")
    );
    assert!(
        log.last()
            .unwrap()
            .after
            .as_deref()
            .unwrap()
            .contains("出席情况登记错误")
    );

    // Withdrawn: the page says what follows, a reason is required, and the meeting is gone.
    let page = c.get(&format!("{path}/withdraw"));
    assert!(page.body.contains("不再计入组织生活"));
    let r = c.post_form(
        &format!("{path}/withdraw"),
        &[("_csrf", &csrf), ("reason", " ")],
    );
    assert_eq!(r.status, 422);
    let r = c.post_form(
        &format!("{path}/withdraw"),
        &[("_csrf", &csrf), ("reason", "重复录入")],
    );
    assert_eq!(r.status, 303);
    assert!(store.meeting(&scope, key).unwrap().is_none());
    assert_eq!(c.get(&path).status, 404);
    let log = store.audit_entries("meeting", key.county, key.id).unwrap();
    assert_eq!(log.last().unwrap().action, "withdraw");
    assert!(store.verify_audit_chain().unwrap().is_none());
}
