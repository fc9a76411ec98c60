//! 党群服务中心: registered by the committee of its zone; booked by the party organizations
//! of its county; the meeting a booking organization records on its booked day is an
//! activity held there, counted with those present; 实体化运行 and the 五个一 item follow
//! from those records, never from a typed state.

use super::*;
use liangxin_domain::kinds::{Attendance, MeetingKind, ZoneKind};
use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
use liangxin_domain::town::ItemState;
use liangxin_store::centers::NewCenter;
use liangxin_store::zones::ZoneInput;

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

pub(super) fn a_center_runs_by_the_meetings_its_bookings_hold_never_by_a_typed_state(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let other = Scope {
        region: Some(KCQ),
        ..scope_of(&mut store, c.kecheng)
    };
    let joint = scope_of(&mut store, c.joint);
    let tech = scope_of(&mut store, c.tech_branch);
    let zone = store
        .save_zone(
            "t",
            &county,
            None,
            &ZoneInput {
                name: "龙游红木小镇".into(),
                kind: ZoneKind::Town,
                class: None,
                level: None,
                county: LYX,
                leader: None,
            },
        )
        .unwrap();
    let center = |zone| NewCenter {
        zone,
        name: "红木小镇党群服务中心".into(),
        address: "红木小镇综合楼二层".into(),
        area_m2: 800,
        opening_hours: "周一至周六 8:30—17:30".into(),
        open_days_per_week: 6,
        staff_full_time: 2,
        staff_part_time: 3,
        opened_on: d(2026, 1, 1),
    };
    let five = |store: &mut Store| {
        let p = store.zone_profile(&county, zone, TODAY).unwrap().unwrap();
        let i = p
            .five
            .into_iter()
            .find(|i| i.code == "five.center")
            .unwrap();
        (i.state, i.by_records, i.evidence)
    };
    assert_eq!(five(&mut store).0, ItemState::Missing);
    let bad = |store: &mut Store, scope: &Scope, x: NewCenter| {
        field(store.register_center("t", scope, TODAY, &x).unwrap_err())
    };
    assert_eq!(bad(&mut store, &other, center(zone)), "所在小镇园区");
    assert_eq!(bad(&mut store, &joint, center(zone)), "所在小镇园区");
    assert_eq!(
        bad(
            &mut store,
            &county,
            NewCenter {
                name: " ".into(),
                ..center(zone)
            }
        ),
        "中心名称"
    );
    assert_eq!(
        bad(
            &mut store,
            &county,
            NewCenter {
                open_days_per_week: 8,
                ..center(zone)
            }
        ),
        "每周开放天数"
    );
    assert_eq!(
        bad(
            &mut store,
            &county,
            NewCenter {
                opened_on: TODAY + chrono::Days::new(1),
                ..center(zone)
            }
        ),
        "启用日期"
    );
    let key = store
        .register_center("t", &county, TODAY, &center(zone))
        .unwrap();
    assert_eq!(
        bad(&mut store, &county, center(zone)),
        "党群服务中心",
        "one open center a zone"
    );
    let (state, by_records, evidence) = five(&mut store);
    assert_eq!((state, by_records), (ItemState::Underway, true));
    assert!(evidence.contains("未达到实体化运行"), "{evidence}");
    assert_eq!(
        field(
            store
                .set_zone_item(
                    "t",
                    &county,
                    TODAY,
                    zone,
                    ("five.center", ItemState::Done, "有")
                )
                .unwrap_err()
        ),
        "项目",
        "the records answer it, nobody types it"
    );

    // Who sees it: the county's committees; a branch of the county may book it.
    assert_eq!(store.centers(&county, TODAY).unwrap().len(), 1);
    assert!(store.centers(&other, TODAY).unwrap().is_empty());
    assert!(store.centers(&joint, TODAY).unwrap().is_empty());
    assert_eq!(store.bookable_centers(&joint).unwrap().len(), 1);
    assert!(
        store.bookable_centers(&tech).unwrap().is_empty(),
        "another county's"
    );

    // The branch's members, and meetings on booked days: the window is August to October.
    let members: Vec<Key> = (0..3)
        .map(|i| {
            store
                .insert_member(
                    "t",
                    &county,
                    TODAY,
                    member(
                        c.joint,
                        &format!("党员{i}"),
                        400 + i,
                        MemberStatus::Full,
                        None,
                    ),
                )
                .unwrap()
        })
        .collect();
    let book = |store: &mut Store, scope: &Scope, on: NaiveDate, day: NaiveDate| {
        store.book_center("t", scope, on, key, day, "主题党日")
    };
    assert_eq!(
        field(book(&mut store, &tech, d(2026, 8, 1), d(2026, 8, 5)).unwrap_err()),
        "党群服务中心"
    );
    assert_eq!(
        field(book(&mut store, &joint, d(2026, 8, 6), d(2026, 8, 5)).unwrap_err()),
        "预约日期"
    );
    assert_eq!(
        field(book(&mut store, &joint, d(2026, 8, 1), d(2026, 12, 5)).unwrap_err()),
        "预约日期",
        "90 days ahead at most"
    );
    let meeting = |store: &mut Store, held_on: NaiveDate, present: usize| {
        store
            .record_meeting(
                "t",
                &joint,
                TODAY,
                MeetingRecord {
                    party_org: c.joint,
                    kind: MeetingKind::ThemeDay,
                    held_on,
                    place: "党群服务中心".into(),
                    host: "书记".into(),
                    recorder: "委员".into(),
                    topic: "主题党日".into(),
                    agenda: String::new(),
                    minutes: String::new(),
                    decisions: String::new(),
                    attendance: members
                        .iter()
                        .enumerate()
                        .map(|(i, m)| AttendanceRecord {
                            member: *m,
                            attendance: if i < present {
                                Attendance::Present
                            } else {
                                Attendance::Absent
                            },
                            reason: None,
                        })
                        .collect(),
                },
            )
            .unwrap()
    };
    let days = [
        d(2026, 8, 5),
        d(2026, 8, 20),
        d(2026, 9, 5),
        d(2026, 9, 20),
        d(2026, 10, 5),
    ];
    for day in days {
        book(&mut store, &joint, day - chrono::Days::new(3), day).unwrap();
        meeting(&mut store, day, 2);
    }
    assert_eq!(
        field(book(&mut store, &joint, d(2026, 8, 1), d(2026, 8, 5)).unwrap_err()),
        "预约日期",
        "one booking a day"
    );
    // Booked without a meeting, and a meeting without a booking: neither is an activity.
    book(&mut store, &joint, d(2026, 10, 1), d(2026, 10, 10)).unwrap();
    meeting(&mut store, d(2026, 10, 12), 3);
    let facts = |store: &mut Store| store.centers(&county, TODAY).unwrap().remove(0);
    let f = facts(&mut store);
    assert_eq!((f.activities, f.participants), (5, 10));
    assert!(!f.running, "5 of the 6 the rule asks over three months");
    assert_eq!(f.window, (d(2026, 8, 1), d(2026, 10, 31)));
    assert_eq!(f.rule.key, "center.min_activities_per_month");
    let sixth = book(&mut store, &joint, d(2026, 10, 20), d(2026, 10, 25)).unwrap();
    meeting(&mut store, d(2026, 10, 25), 3);
    let f = facts(&mut store);
    assert_eq!((f.activities, f.participants), (6, 13));
    assert!(f.running);
    let (state, _, evidence) = five(&mut store);
    assert_eq!(state, ItemState::Done);
    assert!(evidence.contains("近三个月活动6次"), "{evidence}");

    // The branch sees its own bookings with the meeting that kept each; no one sideways.
    let own = store.bookings(&joint, d(2026, 1, 1), None).unwrap();
    assert_eq!(own.len(), 7);
    assert_eq!(own.iter().filter(|b| b.held.is_some()).count(), 6);
    let kept = own
        .iter()
        .find(|b| b.booked_for == d(2026, 10, 25))
        .unwrap();
    assert_eq!(
        kept.held.as_ref().map(|(_, _, n)| *n),
        Some(3),
        "those present"
    );
    assert_eq!(
        store
            .bookings(&joint, d(2026, 1, 1), Some(key))
            .unwrap()
            .len(),
        7,
        "at the one center"
    );
    assert!(
        store
            .bookings(&tech, d(2026, 1, 1), None)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        field(store.cancel_booking("t", &joint, TODAY, sixth).unwrap_err()),
        "预约",
        "its day has passed"
    );
    let ahead = book(&mut store, &joint, TODAY, TODAY + chrono::Days::new(10)).unwrap();
    assert_eq!(facts(&mut store).booked_ahead, 1);
    assert_eq!(
        field(store.cancel_booking("t", &tech, TODAY, ahead).unwrap_err()),
        "预约"
    );
    store.cancel_booking("t", &joint, TODAY, ahead).unwrap();
    assert_eq!(facts(&mut store).booked_ahead, 0);
    assert_eq!(
        field(store.cancel_booking("t", &joint, TODAY, ahead).unwrap_err()),
        "预约"
    );

    // Closed: no center answers the item, and what was booked from that day is cancelled.
    let later = book(&mut store, &joint, TODAY, TODAY + chrono::Days::new(5)).unwrap();
    assert_eq!(
        field(
            store
                .close_center("t", &county, TODAY, key, d(2025, 12, 31))
                .unwrap_err()
        ),
        "停用日期"
    );
    store.close_center("t", &county, TODAY, key, TODAY).unwrap();
    assert_eq!(five(&mut store).0, ItemState::Missing);
    assert!(
        store
            .bookings(&joint, TODAY, Some(key))
            .unwrap()
            .iter()
            .all(|b| b.key != later || b.cancelled_on == Some(TODAY))
    );
    assert_eq!(facts(&mut store).booked_ahead, 0);
    assert!(store.bookable_centers(&joint).unwrap().is_empty());
    for (entity, k) in [("service_center", key), ("center_booking", ahead)] {
        assert!(
            !store
                .audit_entries(entity, k.county, k.id)
                .unwrap()
                .is_empty(),
            "{entity} is in the audit log"
        );
    }
}
