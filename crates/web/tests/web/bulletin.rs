//! 定期通报 on pages: a city and a county read the month's bulletin computed from their
//! records, download it as a GB/T 9704 .docx and its tables as an .xlsx; a bad period is
//! refused naming 期次; a branch has no bulletin to issue.

use std::io::Read;

use super::*;
use liangxin_domain::period::Period;

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn a_committee_reads_and_downloads_the_bulletin_its_records_give() {
    use calamine::{Reader, Xlsx};
    let app = app();
    let today = liangxin_web::today();
    // A month of the generated city's records, before anything the other stories write
    // today (they share the app): its figures hold still while this story reads them.
    let month = Period::month(2026, 10).unwrap();
    let code = "2026-10";
    for user in ["city", "longyou"] {
        let mut store = app.store();
        let account = store.user_by_username(user).unwrap().unwrap();
        let scope = store.scope_of_user(&account).unwrap();
        let facts = store.bulletin_facts(&scope, month, today).unwrap();

        let mut c = app.signed_in(user);
        let page = c.get(&format!("/bulletin?period={code}"));
        assert_eq!(page.status, 200, "{}", page.body);
        for said in [
            format!("第{}期（总{}期）", facts.number, facts.total_number),
            format!("范围内两新组织{}个", facts.coverage_total.now.total),
            format!("按期召开{}次", facts.life_total.met),
            format!("已核定党费标准的党员{}人", facts.dues_total.owing()),
            facts.office.clone(),
        ] {
            assert!(page.body.contains(&said), "{user}: {said}");
        }

        let (status, content_type, docx) = c.get_bytes(&format!("/bulletin.docx?period={code}"));
        assert_eq!(status, 200);
        assert!(content_type.contains("wordprocessingml"), "{content_type}");
        let document = part(&docx, "word/document.xml");
        // The standard's page and fonts, and the same words as the page.
        for needle in [
            "w:w=\"11906\" w:h=\"16838\"",
            "w:top=\"2098\"",
            "w:left=\"1587\"",
            "仿宋_GB2312",
            "方正小标宋简体",
        ] {
            assert!(document.contains(needle), "{user}: {needle}");
        }
        assert!(document.contains(&format!(
            "范围内两新组织{}个",
            facts.coverage_total.now.total
        )));
        assert!(part(&docx, "word/settings.xml").contains("evenAndOddHeaders"));
        assert!(part(&docx, "word/footer1.xml").contains("PAGE"));

        // 成效评估: every point explained as the domain explains it.
        let page = c.get(&format!("/effectiveness?period={code}"));
        assert_eq!(page.status, 200, "{}", page.body);
        for e in &facts.effectiveness {
            assert!(page.body.contains(&e.now.explain()), "{user}: {}", e.name);
            for comp in &e.now.components {
                assert!(
                    page.body.contains(&comp.explain()),
                    "{user}: {}",
                    comp.explain()
                );
            }
        }
        assert!(page.body.contains("effectiveness.weight.work_coverage@1"));

        let (status, _, xlsx) = c.get_bytes(&format!("/bulletin.xlsx?period={code}"));
        assert_eq!(status, 200);
        let book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
        assert!(book.sheet_names().iter().any(|s| s == "表1"), "{user}");
    }

    // Bad periods are refused with the field named; a branch issues no bulletin.
    let mut city = app.signed_in("city");
    for bad in ["2026-13", "2026", "2999-01", "去年"] {
        let r = city.get(&format!("/bulletin?period={bad}"));
        assert!((400..500).contains(&r.status), "{bad}: {}", r.status);
        assert!(r.body.contains("期次"), "{bad}: {}", r.body);
    }
    assert_eq!(app.signed_in("secretary").get("/bulletin").status, 403);
}
