//! Members moving: transfers (组织关系转接) and floating members (流动党员).

use super::*;

/// 接收党组织 by part of its name, anywhere in the system: an exact name first, then the
/// shortest; its 组织编号 finds it too; wildcards are letters; the name above tells
/// namesakes apart.
pub(super) fn a_sender_finds_the_receiver_by_part_of_its_name(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let names = |found: &[liangxin_store::transfer::Receiver]| -> Vec<String> {
        found.iter().map(|r| r.name.clone()).collect()
    };
    let found = store.receiving_candidates("两新工委", 20).unwrap();
    assert_eq!(found.len(), 3, "{:?}", names(&found));
    assert!(found.iter().all(|r| r.name.ends_with("两新工委")));
    let ly = found.iter().find(|r| r.key == c.longyou).unwrap();
    assert_eq!(ly.above.as_deref(), Some("中共衢州市两新工委"));
    assert_eq!(found.iter().find(|r| r.key == c.city).unwrap().above, None);
    // The shortest names first; an exact name before any.
    let found = store.receiving_candidates("党支部", 20).unwrap();
    assert_eq!(
        names(&found),
        ["衢州某科技公司党支部", "龙游红木小镇联合党支部"]
    );
    let exact = store
        .receiving_candidates("中共龙游县两新工委", 20)
        .unwrap();
    assert_eq!(exact.len(), 1);
    assert_eq!(exact[0].key, c.longyou);
    let by_code = store
        .receiving_candidates(&format!("{}-{}", c.joint.county, c.joint.id), 20)
        .unwrap();
    assert_eq!(names(&by_code), ["龙游红木小镇联合党支部"]);
    assert!(store.receiving_candidates("%", 20).unwrap().is_empty());
    assert!(
        store
            .receiving_candidates("两新_委", 20)
            .unwrap()
            .is_empty()
    );
    assert!(store.receiving_candidates("  ", 20).unwrap().is_empty());
    assert_eq!(store.receiving_candidates("党", 2).unwrap().len(), 2);
}

pub(super) fn transfers_move_a_member_and_escalate_when_nobody_receives(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, AuditSubject};
    use liangxin_domain::kinds::{ArchiveItem, LeaveReason, LetterKind, TransferState};
    use liangxin_store::transfer::{Destination, Leaving, TransferRequest};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let city = scope_of(&mut store, c.city);
    let person = member(c.joint, "转接甲", 131, MemberStatus::Full, None);
    let id_number = person.resident_id.clone();
    let m = store.insert_member("t", &longyou, TODAY, person).unwrap();
    store
        .record_archive_item(
            "t",
            &longyou,
            TODAY,
            m,
            ArchiveItem::Application,
            d(2010, 1, 5),
        )
        .unwrap();
    let letter = |to, issued_on, valid_days| TransferRequest {
        member: m,
        letter_kind: LetterKind::Introduction,
        to,
        reason: "工作调动".into(),
        issued_on,
        valid_days,
    };
    let to_tech = Destination::PartyOrg(c.tech_branch);
    // Refused, with nothing written.
    let refused = [
        (
            &kecheng,
            letter(to_tech.clone(), d(2026, 11, 1), Some(10)),
            "党员",
        ),
        (
            &longyou,
            letter(to_tech.clone(), d(2026, 11, 28), None),
            "开具日期",
        ),
        (
            &longyou,
            letter(to_tech.clone(), d(2026, 11, 1), Some(200)),
            "有效期",
        ),
        (
            &longyou,
            letter(Destination::PartyOrg(c.joint), d(2026, 11, 1), None),
            "接收党组织",
        ),
        (
            &longyou,
            letter(Destination::Outside("  ".into()), d(2026, 11, 1), None),
            "接收党组织",
        ),
    ];
    for (scope, req, field) in refused {
        match store.issue_transfer("t", scope, TODAY, &req) {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(store.transfers(&city, None).unwrap().is_empty());

    // Issued on 1 November for ten days: valid through the 10th.
    let t = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &letter(to_tech.clone(), d(2026, 11, 1), Some(10)),
        )
        .unwrap();
    let again = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &letter(to_tech.clone(), d(2026, 11, 2), None),
        )
        .unwrap_err()
        .to_string();
    assert!(again.contains("未办结的转接"), "{again}");
    let sent = store.transfer(&longyou, t).unwrap().unwrap();
    assert_eq!(sent.valid_until, d(2026, 11, 10));
    assert!(sent.sender_side && !sent.receiver_side);
    assert!(sent.overdue(TODAY));
    assert_eq!(sent.events.len(), 1);
    let incoming = store.transfer(&kecheng, t).unwrap().unwrap();
    assert!(incoming.receiver_side && incoming.may_receive() && !incoming.may_cancel());
    assert_eq!(
        store
            .transfers(&kecheng, Some(TransferState::Issued))
            .unwrap()
            .len(),
        1
    );
    let joint = scope_of(&mut store, c.joint);
    assert!(
        store.transfer(&joint, t).unwrap().is_some(),
        "the sender itself"
    );

    // Nobody received it by the 10th: the audit escalates it to the common ancestor (the
    // city), which a county's own run does not reach.
    store.run_audit("t", &longyou, TODAY).unwrap();
    let (_, open) = store
        .audit_findings(&longyou, &FindingFilter::open(), 0, 500)
        .unwrap();
    assert!(open.iter().all(|f| f.kind != AuditKind::TransferOverdue));
    store.run_audit("t", &all(), TODAY).unwrap();
    let (_, open) = store
        .audit_findings(&city, &FindingFilter::open(), 0, 500)
        .unwrap();
    let f = open
        .iter()
        .find(|f| f.subject == AuditSubject::Transfer { id: t })
        .unwrap();
    assert_eq!(f.kind, AuditKind::TransferOverdue);
    assert_eq!(f.responsible, c.city);
    assert!(f.detail.contains("已逾期17天"), "{}", f.detail);

    // Only the receiver confirms; it does, today.
    let wrong_side = store
        .receive_transfer("t", &longyou, TODAY, t, TODAY)
        .unwrap_err()
        .to_string();
    assert!(wrong_side.contains("只有接收党组织"), "{wrong_side}");
    let early = store
        .receive_transfer("t", &kecheng, TODAY, t, d(2026, 10, 31))
        .unwrap_err()
        .to_string();
    assert!(early.contains("不能早于开具日期"), "{early}");
    let new = store
        .receive_transfer("t", &kecheng, TODAY, t, TODAY)
        .unwrap()
        .unwrap();
    assert_eq!(new.county, KCQ);
    let old = store.member(&longyou, m).unwrap().unwrap();
    assert_eq!(old.left_on, Some(TODAY));
    assert_eq!(old.leave_reason, Some(LeaveReason::TransferredOut));
    let moved = store.member(&kecheng, new).unwrap().unwrap();
    assert_eq!(moved.party_org, c.tech_branch);
    assert_eq!(moved.arrived_on, Some(TODAY));
    assert_eq!(
        moved.joined_on,
        d(2010, 7, 1),
        "入党时间 travels with the member"
    );
    // The record's time on this register began on arrival: nothing ends it earlier.
    let backdated = store
        .leave_member(
            "t",
            &kecheng,
            TODAY,
            &Leaving {
                member: new,
                reason: LeaveReason::Died,
                on: d(2026, 11, 1),
                note: "补录".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(
        backdated.contains("减少日期") && backdated.contains("转入本组织"),
        "{backdated}"
    );
    assert!(store.member(&longyou, new).unwrap().is_none());
    assert_eq!(
        store
            .find_member_by_resident_id(&all(), &id_number)
            .unwrap(),
        Some(new),
        "the current record first"
    );
    let (items, _) = store.member_archive(&kecheng, TODAY, new).unwrap();
    assert!(
        items
            .iter()
            .any(|(i, on)| *i == ArchiveItem::Application && on.is_some()),
        "the archive travels with the member"
    );
    // Each organization's meetings expect the member on its own days only.
    let expected = |store: &mut Store, po, on| {
        store
            .expected_attendees(
                &all(),
                po,
                liangxin_domain::kinds::MeetingKind::ThemeDay,
                on,
            )
            .unwrap()
            .iter()
            .any(|e| e.name == "转接甲")
    };
    assert!(expected(&mut store, c.joint, d(2026, 11, 26)));
    assert!(!expected(&mut store, c.joint, TODAY));
    assert!(!expected(&mut store, c.tech_branch, d(2026, 11, 26)));
    assert!(expected(&mut store, c.tech_branch, TODAY));
    // The same person cannot be registered again while the new record stands.
    let twice = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "转接甲", 131, MemberStatus::Full, None),
        )
        .unwrap_err()
        .to_string();
    assert!(twice.contains("不能在此登记"), "{twice}");
    assert!(!twice.contains("柯城"), "where is not said: {twice}");
    let done = store
        .receive_transfer("t", &kecheng, TODAY, t, TODAY)
        .unwrap_err()
        .to_string();
    assert!(done.contains("已接收，不能再办理"), "{done}");
    let history = store.transfer(&city, t).unwrap().unwrap();
    assert_eq!(history.state, TransferState::Received);
    assert_eq!(history.events.len(), 2);
    assert_eq!(history.events[1].note, "逾期接收");
    // Received: the next run closes the escalation.
    let run = store.run_audit("t", &all(), TODAY).unwrap();
    assert!(run.resolved >= 1);
    let (_, open) = store
        .audit_findings(&city, &FindingFilter::open(), 0, 500)
        .unwrap();
    assert!(
        open.iter()
            .all(|f| f.subject != AuditSubject::Transfer { id: t })
    );

    // A letter outside the system: the sender records the 回执; nobody is opened here.
    let m2 = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "转接乙", 132, MemberStatus::Full, None),
        )
        .unwrap();
    let out = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &TransferRequest {
                member: m2,
                to: Destination::Outside("杭州市某公司党支部".into()),
                ..letter(to_tech.clone(), TODAY, None)
            },
        )
        .unwrap();
    assert_eq!(
        store.transfer(&longyou, out).unwrap().unwrap().valid_until,
        d(2026, 12, 26)
    );
    assert!(
        store.transfer(&kecheng, out).unwrap().is_none(),
        "not the other county's"
    );
    assert!(
        store
            .return_transfer("t", &longyou, TODAY, out, "不收")
            .is_err()
    );
    assert_eq!(
        store
            .receive_transfer("t", &longyou, TODAY, out, TODAY)
            .unwrap(),
        None
    );
    assert!(
        store
            .member(&longyou, m2)
            .unwrap()
            .unwrap()
            .left_on
            .is_some()
    );

    // Returned by the receiver with its reason; the member stays where they were.
    let m3 = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "转接丙", 133, MemberStatus::Full, None),
        )
        .unwrap();
    let back = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &TransferRequest {
                member: m3,
                ..letter(to_tech.clone(), TODAY, None)
            },
        )
        .unwrap();
    let no_reason = store
        .return_transfer("t", &kecheng, TODAY, back, " ")
        .unwrap_err()
        .to_string();
    assert!(no_reason.contains("退回理由"), "{no_reason}");
    assert!(
        store
            .cancel_transfer("t", &kecheng, TODAY, back, "不要了")
            .is_err(),
        "only the sender cancels"
    );
    store
        .return_transfer("t", &kecheng, TODAY, back, "该党员未到本单位工作")
        .unwrap();
    assert_eq!(
        store.transfer(&longyou, back).unwrap().unwrap().state,
        TransferState::Returned
    );
    assert!(
        store
            .member(&longyou, m3)
            .unwrap()
            .unwrap()
            .left_on
            .is_none()
    );
    // A new letter may be issued once the last one is closed, and cancelled by its sender.
    let again = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &TransferRequest {
                member: m3,
                ..letter(to_tech, TODAY, None)
            },
        )
        .unwrap();
    store
        .cancel_transfer("t", &longyou, TODAY, again, "调动取消")
        .unwrap();
    assert_eq!(store.transfers(&longyou, None).unwrap().len(), 4);
    assert!(
        store
            .transfers(&longyou, Some(TransferState::Issued))
            .unwrap()
            .is_empty()
    );
}

pub(super) fn floating_members_are_seen_by_home_and_host_and_attend_at_the_host(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, AuditSubject};
    use liangxin_domain::kinds::{Attendance, LetterKind, MeetingKind};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    use liangxin_store::floating::Outflow;
    use liangxin_store::transfer::{Destination, TransferRequest};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let m = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "流动甲", 151, MemberStatus::Full, None),
        )
        .unwrap();
    let out = |host, no: Option<&str>, until, out_on| Outflow {
        member: m,
        host,
        destination: "柯城区某科技公司".into(),
        certificate_no: no.map(Into::into),
        certificate_valid_until: until,
        out_on,
        note: "外出务工".into(),
    };
    let tech = Some(c.tech_branch);
    let refused = [
        (&kecheng, out(tech, None, None, d(2026, 10, 1)), "党员"),
        (
            &longyou,
            Outflow {
                destination: " ".into(),
                ..out(tech, None, None, d(2026, 10, 1))
            },
            "流入地",
        ),
        (
            &longyou,
            out(tech, Some("QZ-01"), None, d(2026, 10, 1)),
            "活动证有效期",
        ),
        (
            &longyou,
            out(tech, Some("QZ-01"), Some(d(2026, 9, 1)), d(2026, 10, 1)),
            "活动证有效期",
        ),
        (
            &longyou,
            out(Some(c.joint), None, None, d(2026, 10, 1)),
            "流入地党组织",
        ),
        (&longyou, out(tech, None, None, d(2026, 11, 28)), "外出日期"),
    ];
    for (scope, o, field) in refused {
        match store.register_outflow("t", scope, TODAY, &o) {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(
        store.floating(&longyou, false).unwrap().is_empty(),
        "nothing written"
    );
    // Away since 1 October, hosted by the tech company's branch, the 活动证 valid to 1 November.
    let f = store
        .register_outflow(
            "t",
            &longyou,
            TODAY,
            &out(tech, Some("QZ-01"), Some(d(2026, 11, 1)), d(2026, 10, 1)),
        )
        .unwrap();
    let again = store
        .register_outflow("t", &longyou, TODAY, &out(None, None, None, d(2026, 10, 2)))
        .unwrap_err()
        .to_string();
    assert!(again.contains("已登记为外出流动党员"), "{again}");
    let home = store.floating(&longyou, true).unwrap();
    assert_eq!(home.len(), 1);
    assert!(home[0].home_side && !home[0].host_side);
    let host = store.floating(&kecheng, true).unwrap();
    assert_eq!(host.len(), 1, "the host sees the member (五双联动)");
    assert!(host[0].host_side && !host[0].home_side);
    assert_eq!(host[0].member_name, "流动甲");
    assert!(host[0].resident_id_masked.contains('*'));
    let view = store.member(&longyou, m).unwrap().unwrap();
    assert_eq!(view.flow, FlowStatus::Outflow);
    assert_eq!(
        view.flow_destination.as_deref(),
        Some("衢州某科技公司党支部")
    );
    // The host's meetings expect the member from the day out, without a vote.
    let at = |store: &mut Store, on| {
        store
            .expected_attendees(&kecheng, c.tech_branch, MeetingKind::ThemeDay, on)
            .unwrap()
            .into_iter()
            .find(|e| e.member == m)
    };
    assert!(at(&mut store, d(2026, 9, 30)).is_none());
    let e = at(&mut store, d(2026, 11, 20)).unwrap();
    assert!(e.hosted && !e.voter);
    let attendance = store
        .expected_attendees(
            &kecheng,
            c.tech_branch,
            MeetingKind::ThemeDay,
            d(2026, 11, 20),
        )
        .unwrap()
        .into_iter()
        .map(|e| AttendanceRecord {
            member: e.member,
            attendance: Attendance::Present,
            reason: None,
        })
        .collect();
    store
        .record_meeting(
            "t",
            &kecheng,
            TODAY,
            MeetingRecord {
                party_org: c.tech_branch,
                kind: MeetingKind::ThemeDay,
                held_on: d(2026, 11, 20),
                place: "公司会议室".into(),
                host: "书记".into(),
                recorder: "委员".into(),
                topic: "主题党日".into(),
                agenda: String::new(),
                minutes: String::new(),
                decisions: String::new(),
                attendance,
            },
        )
        .unwrap();
    // Attendance at the host counts for the member; the expired 活动证 is the home's finding.
    store.run_audit("t", &longyou, TODAY).unwrap();
    let (_, open) = store
        .audit_findings(&longyou, &FindingFilter::open(), 0, 500)
        .unwrap();
    let about: Vec<_> = open
        .iter()
        .filter(|f| f.subject == AuditSubject::Member { key: m })
        .collect();
    assert!(
        about
            .iter()
            .all(|f| f.kind != AuditKind::NoOrganizationalLife),
        "{about:?}"
    );
    let cert = about
        .iter()
        .find(|f| f.kind == AuditKind::CertificateInvalid)
        .unwrap();
    assert_eq!(cert.responsible, c.joint);
    assert!(cert.detail.contains("QZ-01"), "{}", cert.detail);
    // Only the home branch records the return.
    assert!(store.end_outflow("t", &kecheng, TODAY, f, TODAY).is_err());
    let early = store
        .end_outflow("t", &longyou, TODAY, f, d(2026, 9, 1))
        .unwrap_err()
        .to_string();
    assert!(early.contains("不能早于外出日期"), "{early}");
    store
        .end_outflow("t", &longyou, TODAY, f, d(2026, 11, 25))
        .unwrap();
    assert_eq!(
        store.member(&longyou, m).unwrap().unwrap().flow,
        FlowStatus::Settled
    );
    assert!(at(&mut store, TODAY).is_none());
    assert!(at(&mut store, d(2026, 11, 24)).is_some(), "history holds");
    assert!(store.floating(&kecheng, true).unwrap().is_empty());
    assert_eq!(store.floating(&kecheng, false).unwrap().len(), 1);

    // A 党员证明信 received in the system: the member stays, away and hosted, needing no 活动证.
    let m2 = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "流动乙", 152, MemberStatus::Full, None),
        )
        .unwrap();
    let letter = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &TransferRequest {
                member: m2,
                letter_kind: LetterKind::Certificate,
                to: Destination::PartyOrg(c.tech_branch),
                reason: "短期外派".into(),
                issued_on: d(2026, 11, 2),
                valid_days: None,
            },
        )
        .unwrap();
    store
        .receive_transfer("t", &kecheng, TODAY, letter, d(2026, 11, 5))
        .unwrap();
    let v = store.member(&longyou, m2).unwrap().unwrap();
    assert!(v.left_on.is_none(), "the relationship stays");
    assert_eq!(v.flow, FlowStatus::Outflow);
    let hosted = store.floating(&kecheng, true).unwrap();
    assert_eq!(hosted.len(), 1);
    assert_eq!(hosted[0].letter, Some(letter));
    store.run_audit("t", &longyou, TODAY).unwrap();
    let (_, open) = store
        .audit_findings(&longyou, &FindingFilter::open(), 0, 500)
        .unwrap();
    assert!(!open.iter().any(|f| {
        f.subject == AuditSubject::Member { key: m2 } && f.kind == AuditKind::CertificateInvalid
    }));
}
