//! Every parser at the boundary takes whatever a person or a file gives it: a great number
//! of generated inputs, near-valid and hostile, and none may panic.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use liangxin_domain::cells::{self, ColumnSpec};
use liangxin_domain::credit_code::CreditCode;
use liangxin_domain::import;
use liangxin_domain::money::Fen;
use liangxin_domain::period::Period;
use liangxin_domain::region::RegionCode;
use liangxin_domain::resident_id::ResidentId;
use proptest::prelude::*;

/// Text of the kinds people type into an ID, a code, a date or an amount: digits
/// (half and full width), letters, separators, Chinese, spaces, and anything else.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9０-９Xx年月日./\\-: ]{0,24}",
        "[0-9A-Za-zＡ-Ｚ]{0,20}",
        "[\\p{Han}0-9（）()，,、 ]{0,12}",
        "-?[0-9]{0,20}(\\.[0-9]{0,6})?",
        "\\PC{0,40}",
    ]
}

type RowReader<T> = fn(usize, &[String], &cells::HeaderMap, NaiveDate) -> T;

/// Reads a generated row under a header of every column a kind has.
fn row_of<T>(specs: &[ColumnSpec], read: RowReader<T>, values: &[String]) {
    let header: Vec<String> = specs.iter().map(|c| c.label.to_owned()).collect();
    let map = cells::match_headers(&header, specs).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let cells: Vec<String> = (0..header.len())
        .map(|i| values.get(i).cloned().unwrap_or_default())
        .collect();
    let _ = read(2, &cells, &map, today);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn identifiers_codes_dates_and_amounts(s in typed()) {
        let _ = ResidentId::parse(&s);
        let _ = CreditCode::parse(&s);
        let _ = RegionCode::parse(&s);
        let _ = Period::parse(&s);
        let _ = Fen::from_yuan_str(&s);
        let _ = cells::parse_date(&s);
        let _ = cells::normalize(&s);
    }

    #[test]
    fn excel_serial_numbers(f in any::<f64>()) {
        let _ = cells::excel_serial_date(f);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn rows_of_every_import_kind(values in proptest::collection::vec(typed(), 0..24)) {
        row_of(import::MEMBER_COLUMNS, import::member_row, &values);
        row_of(import::organizations::ORGANIZATION_COLUMNS, import::organizations::organization_row, &values);
        row_of(import::party_orgs::PARTY_ORG_COLUMNS, import::party_orgs::party_org_row, &values);
        row_of(import::assignments::ASSIGNMENT_COLUMNS, import::assignments::assignment_row, &values);
        row_of(import::payments::PAYMENT_COLUMNS, import::payments::payment_row, &values);
        row_of(import::meetings::MEETING_COLUMNS, import::meetings::meeting_row, &values);
        row_of(import::posts::POST_COLUMNS, import::posts::post_row, &values);
        row_of(import::zones::ZONE_COLUMNS, |row, cells, map, _| import::zones::zone_row(row, cells, map), &values);
    }
}
