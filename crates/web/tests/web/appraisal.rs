//! 民主评议党员 on pages: a branch runs a round end to end, its voters cast with the
//! credentials on their slips, and the bulletin recounts.

use super::*;
use liangxin_domain::appraisal::Bulletin;

/// The credentials printed on a slips page.
fn slips(body: &str) -> Vec<String> {
    body.split("<strong class=\"credential\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_owned())
        .collect()
}

/// The number of members on a ballot paper.
fn roll_of(body: &str) -> usize {
    body.matches("value=\"A\"").count()
}

#[test]
fn a_branch_runs_a_secret_round_on_pages_and_its_bulletin_recounts() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("secretary").unwrap().unwrap();
    let (county, id) = (user.party_org_county.unwrap(), user.party_org_id.unwrap());
    let mut sec = app.signed_in("secretary");
    let home = sec.get(&format!("/party-orgs/{county}/{id}"));
    assert!(
        home.body.contains("民主评议党员"),
        "the branch's page links it"
    );
    let rounds = format!("/party-orgs/{county}/{id}/appraisals");
    let page = sec.get(&rounds);
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    let bad = sec.post_form(&rounds, &[("_csrf", &csrf), ("year", "二〇二六")]);
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("评议年度"), "{}", bad.body);
    let year = chrono::Datelike::year(&liangxin_web::today()).to_string();
    let opened = sec.post_form(&rounds, &[("_csrf", &csrf), ("year", &year)]);
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert_eq!(opened.header("cache-control"), Some("no-store"));
    let credentials = slips(&opened.body);
    assert!(credentials.len() >= 2, "{}", opened.body);
    let again = sec.post_form(&rounds, &[("_csrf", &csrf), ("year", &year)]);
    assert_eq!(again.status, 422, "one round a year");
    let listed = sec.get(&rounds);
    let round = listed
        .body
        .split("href=\"/appraisals/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| format!("/appraisals/{s}"))
        .unwrap();
    let ballot = round.replace("/appraisals/", "/ballot/");
    assert!(opened.body.contains(&ballot), "the slips say where to vote");

    // A voter, signed in or not: the form says nothing of the round until a credential.
    let mut voter = app.client();
    let form = voter.get(&ballot);
    assert_eq!(form.status, 200);
    assert!(!form.body.contains("民主评议党员</h1>") && !form.body.contains("年度"));
    let wrong = voter.post_form(&ballot, &[("credential", "0000-0000-0000-0000")]);
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("凭证无效"), "{}", wrong.body);
    let garbled = voter.post_form(&ballot, &[("credential", "not a credential")]);
    assert_eq!(garbled.status, 422);
    let paper = voter.post_form(&ballot, &[("credential", &credentials[0].to_lowercase())]);
    assert_eq!(paper.status, 200);
    let roll = roll_of(&paper.body);
    assert!(roll >= 1, "{}", paper.body);
    // Every member must be marked: a missing one is named, and nothing is cast.
    let partial = voter.post_form(
        &ballot,
        &[("credential", &credentials[0]), ("cast", "1"), ("m_1", "B")],
    );
    if roll > 1 {
        assert_eq!(partial.status, 422);
        assert!(partial.body.contains("第 2 名"), "{}", partial.body);
    }
    let mut trackers = Vec::new();
    let mut receipts = Vec::new();
    for (i, credential) in credentials.iter().enumerate().take(credentials.len() - 1) {
        let marks: Vec<(String, String)> = (1..=roll)
            .map(|p| {
                let m = if p == 1 && i == 0 {
                    "A"
                } else if p == 1 {
                    "-"
                } else {
                    "B"
                };
                (format!("m_{p}"), m.to_owned())
            })
            .collect();
        let mut fields: Vec<(&str, &str)> = vec![("credential", credential), ("cast", "1")];
        fields.extend(marks.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let cast = voter.post_form(&ballot, &fields);
        assert_eq!(cast.status, 200, "{}", cast.body);
        assert!(cast.body.contains("投票成功"));
        let tracker = cast
            .body
            .split("<p class=\"tracker\"><strong>")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap()
            .to_owned();
        assert_eq!(tracker.len(), 64);
        trackers.push(tracker);
        let receipt = cast
            .body
            .split("<strong id=\"receipt\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap()
            .to_owned();
        assert_eq!(receipt.len(), 19, "{receipt}");
        receipts.push(receipt);
        let twice = voter.post_form(&ballot, &fields);
        assert!(twice.body.contains("已经投过票"), "{}", twice.body);
    }

    // The secretary sees the turnout, closes, and the committee decides.
    let view = sec.get(&round);
    assert_eq!(view.status, 200);
    assert!(view.body.contains(&format!("{} 张", credentials.len() - 1)));
    let decide_early = sec.post_form(&format!("{round}/decide"), &[("_csrf", &csrf)]);
    assert!(decide_early.status == 422, "{}", decide_early.body);
    let closed = sec.post_form(&format!("{round}/close"), &[("_csrf", &csrf)]);
    assert_eq!(closed.status, 303);
    let (status, kind, text) = sec.get_bytes(&format!("{round}/bulletin.txt"));
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/plain"));
    let bulletin = Bulletin::verify(std::str::from_utf8(&text).unwrap()).unwrap();
    assert_eq!(bulletin.ballots.len(), credentials.len() - 1);
    assert_eq!(bulletin.eligible, credentials.len());
    assert_eq!(
        bulletin.totals[0].of(liangxin_domain::appraisal::Grade::Excellent),
        1
    );
    for t in &trackers {
        assert!(
            bulletin.ballots.iter().any(|(x, _)| x == t),
            "each voter finds theirs"
        );
    }
    // A voter sees their own ballot in the bulletin; casting is over.
    // A voter finds their own ballot by the receipt; the credential does not find it.
    let by_credential = voter.post_form(&ballot, &[("credential", &credentials[0])]);
    assert!(by_credential.body.contains("投票已结束"));
    assert!(
        !by_credential.body.contains(&trackers[0]),
        "a credential finds no ballot"
    );
    let mine = voter.post_form(&ballot, &[("receipt", &receipts[0])]);
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains(&trackers[0]), "{}", mine.body);
    assert!(mine.body.contains("<th>您的选票</th>"));
    // A receipt that finds no ballot learns nothing of the round: no names, no totals.
    let wrong = voter.post_form(&ballot, &[("receipt", &credentials[0])]);
    assert_eq!(wrong.status, 422);
    assert!(
        wrong.body.contains("没有这个回执码的选票"),
        "{}",
        wrong.body
    );
    assert!(!wrong.body.contains("投票已结束"), "{}", wrong.body);
    let guessed = voter.post_form(&ballot, &[("receipt", "0000-0000-0000-0000")]);
    assert_eq!(guessed.status, 422);
    assert!(!guessed.body.contains("<th>优秀</th>"), "{}", guessed.body);
    let late = voter.post_form(
        &ballot,
        &[
            ("credential", credentials.last().unwrap()),
            ("cast", "1"),
            ("m_1", "B"),
        ],
    );
    assert!(late.body.contains("投票已结束") && !late.body.contains("投票成功。"));

    // 组织评定: each member by choice, within one third 优秀.
    let all_excellent: Vec<(String, String)> = (1..=roll)
        .map(|p| (format!("g_{p}"), "优秀".to_owned()))
        .collect();
    let mut fields: Vec<(&str, &str)> = vec![("_csrf", &csrf)];
    fields.extend(all_excellent.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let refused = sec.post_form(&format!("{round}/decide"), &fields);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("超过了正式党员"), "{}", refused.body);
    let missing = sec.post_form(
        &format!("{round}/decide"),
        &[("_csrf", &csrf), ("g_1", "合格")],
    );
    if roll > 1 {
        assert_eq!(missing.status, 422);
        assert!(missing.body.contains("第 2 名"), "{}", missing.body);
    }
    let fair: Vec<(String, String)> = (1..=roll)
        .map(|p| (format!("g_{p}"), "合格".to_owned()))
        .collect();
    let mut fields: Vec<(&str, &str)> = vec![("_csrf", &csrf)];
    fields.extend(fair.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let decided = sec.post_form(&format!("{round}/decide"), &fields);
    assert_eq!(decided.status, 303, "{}", decided.body);
    let done = sec.get(decided.header("location").unwrap());
    assert!(done.body.contains("组织评定已记入"), "{}", done.body);
    assert!(done.body.contains("已完成"));
    // Nothing of the casting reached the audit log: only the open, the close, the decision.
    let (c, i) = round["/appraisals/".len()..].split_once('/').unwrap();
    let log = store
        .audit_entries("appraisal_round", c.parse().unwrap(), i.parse().unwrap())
        .unwrap();
    assert_eq!(log.len(), 3, "{log:?}");
}

#[test]
fn a_member_graded_unqualified_is_given_time_and_the_outcome_is_recorded_on_pages() {
    use liangxin_domain::appraisal::Grade;
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("longyou").unwrap().unwrap();
    let scope = store.scope_of_user(&user).unwrap();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let today = liangxin_web::today();
    let year = chrono::Datelike::year(&today);
    // A branch of the county other than the secretary's (its round is another test's).
    let (round, roll) = store
        .party_orgs_in_scope(&scope)
        .unwrap()
        .into_iter()
        .filter(|(k, _, _, t)| t.is_branch() && Some(k.id) != secretary.party_org_id)
        .find_map(|(k, ..)| store.open_appraisal("t", &scope, today, k, year).ok())
        .map(|r| {
            let view = store.appraisal_round(&scope, today, r.key).unwrap();
            (r, view.roll.len())
        })
        .unwrap();
    store
        .close_appraisal("t", &scope, today, round.key)
        .unwrap();
    let mut grades = vec![Grade::Qualified; roll];
    grades[0] = Grade::Unqualified;
    store
        .decide_appraisal("t", &scope, today, round.key, &grades)
        .unwrap();
    let member = store
        .appraisal_round(&scope, today, round.key)
        .unwrap()
        .roll[0]
        .member;
    let page = format!("/members/{}/{}/correction", member.county, member.id);

    let mut county = app.signed_in("longyou");
    let counted = county.get(&format!(
        "/appraisals/{}/{}",
        round.key.county, round.key.id
    ));
    assert!(
        counted.body.contains(&page),
        "the 不合格 row links its 限期改正"
    );
    let form = county.get(&page);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("民主评议评定为不合格"), "{}", form.body);
    let csrf = form.csrf();
    let no_helper = county.post_form(
        &page,
        &[
            ("_csrf", &csrf),
            ("source", "appraisal"),
            ("measures", "每月谈心"),
        ],
    );
    assert_eq!(no_helper.status, 422);
    assert!(no_helper.body.contains("帮教人"), "{}", no_helper.body);
    let opened = county.post_form(
        &page,
        &[
            ("_csrf", &csrf),
            ("source", "appraisal"),
            ("measures", "每月谈心"),
            ("helper", "书记"),
        ],
    );
    assert_eq!(opened.status, 303, "{}", opened.body);
    let close = format!("{page}/close");
    let no_approval = county.post_form(
        &close,
        &[
            ("_csrf", &csrf),
            ("outcome", "removed"),
            ("review", "无转变"),
            ("decision", "支部党员大会决议"),
        ],
    );
    assert_eq!(no_approval.status, 422);
    assert!(
        no_approval.body.contains("上级党组织批准"),
        "{}",
        no_approval.body
    );
    let corrected = county.post_form(
        &close,
        &[
            ("_csrf", &csrf),
            ("outcome", "corrected"),
            ("review", "已按时参加组织生活"),
        ],
    );
    assert_eq!(corrected.status, 303, "{}", corrected.body);
    let done = county.get(corrected.header("location").unwrap());
    assert!(
        done.body.contains("已改正；已按时参加组织生活"),
        "{}",
        done.body
    );
}

#[test]
fn the_evaluation_tables_count_a_round_and_download_as_the_paper_form() {
    use calamine::{Data, Reader, Xlsx};
    use liangxin_domain::appraisal::Grade;
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("secretary").unwrap().unwrap();
    let branch = liangxin_domain::registry::Key {
        county: user.party_org_county.unwrap(),
        id: user.party_org_id.unwrap(),
    };
    let scope = store.scope_of_user(&user).unwrap();
    let today = liangxin_web::today();
    // Last year's round: this year's of the branch is another test's.
    let year = chrono::Datelike::year(&today) - 1;
    let opened = store
        .open_appraisal("sec", &scope, today, branch, year)
        .unwrap();
    let roll = store
        .appraisal_round(&scope, today, opened.key)
        .unwrap()
        .roll
        .len();
    let marks: String = std::iter::repeat_n('B', roll).collect();
    for c in &opened.credentials {
        store.cast_ballot(opened.key, c, &marks).unwrap();
    }
    store
        .close_appraisal("sec", &scope, today, opened.key)
        .unwrap();
    let mut grades = vec![Grade::Qualified; roll];
    grades[0] = Grade::Excellent;
    store
        .decide_appraisal("sec", &scope, today, opened.key, &grades)
        .unwrap();

    let mut sec = app.signed_in("secretary");
    let home = sec.get(&format!("/party-orgs/{}/{}", branch.county, branch.id));
    let page = format!(
        "/party-orgs/{}/{}/evaluation-tables",
        branch.county, branch.id
    );
    assert!(
        home.body.contains(&page),
        "the organization's page links it"
    );
    let t = sec.get(&format!("{page}?year={year}"));
    assert_eq!(t.status, 200, "{}", t.body);
    for cell in [
        "data-label=\"开展民主评议的党支部\">1<".to_owned(),
        format!(
            "data-label=\"参加评议党员：领取凭证\">{}<",
            opened.credentials.len()
        ),
        format!("data-label=\"组织评定：评定人数\">{roll}<"),
        "data-label=\"组织评定：优秀\">1<".to_owned(),
        "整顿软弱涣散基层党组织情况".to_owned(),
    ] {
        assert!(t.body.contains(&cell), "{cell}");
    }
    let bad = sec.get(&format!("{page}?as_of=明天"));
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("统计截止日期"));

    // The county's table counts the branch under the organization it lies beneath.
    let mut county = app.signed_in("longyou");
    let longyou = store.user_by_username("longyou").unwrap().unwrap();
    let top = format!(
        "/party-orgs/{}/{}/evaluation-tables",
        longyou.party_org_county.unwrap(),
        longyou.party_org_id.unwrap()
    );
    let c = county.get(&format!("{top}?year={year}"));
    assert_eq!(c.status, 200);
    // At least this branch's (other tests hold rounds in the county too).
    let held: u32 = c
        .body
        .split("data-label=\"开展民主评议的党支部\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(held >= 1, "{held}");

    let (status, kind, bytes) = sec.get_bytes(&format!("{page}.xlsx?year={year}"));
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["民主评议党员情况", "整顿软弱涣散基层党组织情况"]
    );
    let range = book.worksheet_range("民主评议党员情况").unwrap();
    let text = |r: u32, c: u32| range.get_value((r, c)).map(|d| d.to_string());
    assert_eq!(text(0, 0).unwrap(), format!("{year}年度民主评议党员情况"));
    assert!(text(1, 0).unwrap().starts_with("填报单位："));
    assert_eq!(text(4, 0).as_deref(), Some("合计"));
    assert_eq!(range.get_value((4, 2)), Some(&Data::Float(1.0)));
    assert_eq!(app.signed_in("member").get(&page).status, 403);
}

#[test]
fn the_api_gives_the_evaluation_figures_each_as_its_page_computes_them() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("longyou").unwrap().unwrap();
    let token = liangxin_web::auth::random_token().unwrap();
    store
        .create_api_token(&liangxin_store::accounts::NewToken {
            actor: "test",
            hash: &liangxin_web::auth::token_hash(&token),
            user_id: user.id,
            name: "评议",
            now: chrono::Utc::now().naive_utc(),
            expires_at: None,
            read_only: true,
        })
        .unwrap();
    let mut api = app.client();
    api.bearer = Some(token);
    let root = format!(
        "/api/v1/party-orgs/{}/{}",
        user.party_org_county.unwrap(),
        user.party_org_id.unwrap()
    );

    let weak = api.get("/api/v1/weak");
    assert_eq!(weak.status, 200, "{}", weak.body);
    let w = weak.json();
    let total = w["total"].as_u64().unwrap();
    assert!(total > 0, "the demo county has candidates");
    let first = &w["items"][0]["reasons"][0];
    assert!(
        first["rule"]["key"].as_str().unwrap().contains('.'),
        "{first}"
    );
    let code = first["criterion"].as_str().unwrap().to_owned();
    let some = api.get(&format!("/api/v1/weak?criterion={code}")).json();
    assert!(some["total"].as_u64().unwrap() <= total);
    assert!(some["items"].as_array().unwrap().iter().all(|c| {
        c["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["criterion"] == code.as_str())
    }));
    let bad = api.get("/api/v1/weak?criterion=low_clicks");
    assert_eq!(bad.status, 422);
    assert!(bad.json()["error"].as_str().unwrap().contains("情形"));

    let v = api.get(&format!("{root}/vanguard"));
    assert_eq!(v.status, 200, "{}", v.body);
    let v = v.json();
    let all = &v["all"];
    let sum: u64 = ["excellent", "good", "fair", "poor"]
        .iter()
        .map(|b| all[b].as_u64().unwrap())
        .sum();
    assert_eq!(sum, all["members"].as_u64().unwrap());
    assert!(sum > 0);
    assert_eq!(v["band_rules"].as_array().unwrap().len(), 3);
    assert!(!v.to_string().contains("resident"), "no member in it");
    assert_eq!(api.get(&format!("{root}/vanguard?year=1990")).status, 422);

    let t = api.get(&format!("{root}/evaluation-tables"));
    assert_eq!(t.status, 200, "{}", t.body);
    let t = t.json();
    assert_eq!(t["rows"][0]["row"], "total");
    assert!(t["rows"][0]["appraisal"]["branches"].as_i64().unwrap() > 0);
    assert_eq!(
        t["rows"][0]["rectification"]["by_criterion"]
            .as_object()
            .unwrap()
            .len(),
        6
    );
    // Another county's organization: as if it did not exist.
    let kecheng = store.user_by_username("city").unwrap().unwrap();
    let city_root = format!(
        "/api/v1/party-orgs/{}/{}/evaluation-tables",
        kecheng.party_org_county.unwrap(),
        kecheng.party_org_id.unwrap()
    );
    assert_eq!(api.get(&city_root).status, 404);
}

#[test]
fn a_self_assessment_is_entered_for_a_member_and_shown_beside_the_ballots() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("longyou").unwrap().unwrap();
    let scope = store.scope_of_user(&user).unwrap();
    let taken: Vec<Option<i64>> = ["secretary", "member"]
        .iter()
        .map(|u| {
            let u = store.user_by_username(u).unwrap().unwrap();
            u.party_org_id
        })
        .collect();
    let today = liangxin_web::today();
    // Last year's round of a branch no other test uses.
    let year = chrono::Datelike::year(&today) - 1;
    let opened = store
        .party_orgs_in_scope(&scope)
        .unwrap()
        .into_iter()
        .filter(|(k, _, _, t)| t.is_branch() && !taken.contains(&Some(k.id)))
        .skip(3)
        .find_map(|(k, ..)| store.open_appraisal("t", &scope, today, k, year).ok())
        .unwrap();
    let view = store.appraisal_round(&scope, today, opened.key).unwrap();
    let who = view.roll[0].member;
    let page = format!("/members/{}/{}/self-assessment", who.county, who.id);
    let mut county = app.signed_in("longyou");
    let form = county.get(&page);
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains(&view.summary.title), "{}", form.body);
    let csrf = form.csrf();
    let r = county.post_form(&page, &[("_csrf", &csrf), ("text", " ")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("个人自评"));
    let r = county.post_form(
        &page,
        &[
            ("_csrf", &csrf),
            (
                "text",
                "全年参加组织生活12次，带徒两名；不足是理论学习不够系统",
            ),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    store
        .close_appraisal("t", &scope, today, opened.key)
        .unwrap();
    let round = county.get(&format!(
        "/appraisals/{}/{}",
        opened.key.county, opened.key.id
    ));
    assert!(round.body.contains("带徒两名"), "shown beside the ballots");
    // The member's own page opens for them; an instructor's does not.
    let me = store.user_by_username("member").unwrap().unwrap();
    let mine = format!(
        "/members/{}/{}/self-assessment",
        me.member_county.unwrap(),
        me.member_id.unwrap()
    );
    let mut member = app.signed_in("member");
    assert!(member.get("/").body.contains(&mine));
    assert_eq!(member.get(&mine).status, 200);
    assert_eq!(member.get(&page).status, 404, "not another member's");
    assert_eq!(app.signed_in("instructor").get(&mine).status, 403);
}
