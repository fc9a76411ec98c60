//! 书记抓党建述职评议考核: each year the secretary of every party organization reports on
//! its party building to the nearest committee above (述职), which reviews the reports at a
//! meeting (述职评议会), grades each 好 / 较好 / 一般 / 差 with comments, and lists the
//! problems to rectify; a rectification still open is carried into the next year's report.
//!
//! When last year's report is due is rule data (`review.report_due_month`); the report's
//! attachment is a document checked here, before anything stores it.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::rules::{RuleError, RuleParam, RuleRef, RuleSet};

pub mod keys {
    pub const REPORT_DUE_MONTH: &str = "review.report_due_month";
}

const SOURCE: &str = "中国共产党支部工作条例（试行）（2018）（党组织书记抓党建工作述职评议考核，每年开展）；上一年度述职报告的提交月份为本平台默认值（可配置）";

pub fn default_params(from: NaiveDate) -> Vec<RuleParam> {
    vec![RuleParam {
        key: keys::REPORT_DUE_MONTH.to_owned(),
        version: 1,
        value: 1,
        effective_from: from,
        title: "党组织书记上一年度抓党建工作述职报告，应于次年此月底前提交（1—6月）".to_owned(),
        source: SOURCE.to_owned(),
    }]
}

/// The 述职 rules in force on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRules {
    pub report_due_month: u32,
    pub rule: Arc<RuleRef>,
}

impl ReviewRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let p = set.in_force(keys::REPORT_DUE_MONTH, as_of)?;
        let month = u32::try_from(p.value)
            .ok()
            .filter(|m| (1..=6).contains(m))
            .ok_or_else(|| RuleError::OutOfRange {
                key: keys::REPORT_DUE_MONTH.to_owned(),
                value: p.value,
                reason: "应为1至6之间的月份",
            })?;
        Ok(ReviewRules {
            report_due_month: month,
            rule: Arc::new(p.rule_ref()),
        })
    }

    /// The year whose report is owed on `today`: this year's from December (the year's work
    /// is done), last year's before.
    pub fn owed_year(today: NaiveDate) -> i32 {
        if today.month() == 12 {
            today.year()
        } else {
            today.year() - 1
        }
    }

    /// The last day to report on `year`: the end of the due month of the next year.
    pub fn due_on(&self, year: i32) -> NaiveDate {
        let first_after = if self.report_due_month == 12 {
            NaiveDate::from_ymd_opt(year + 2, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year + 1, self.report_due_month + 1, 1)
        };
        first_after
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }
}

/// Whether `year` may be reported on `today`: the owed year, or the current one from
/// December (a secretary may report early once the year's work is done).
pub fn reportable(year: i32, today: NaiveDate) -> bool {
    year == ReviewRules::owed_year(today) || (year == today.year() - 1 && today.month() == 12)
}

/// The attachment of a report, checked: a PDF or Word document of at most
/// [`ReportFile::MAX_BYTES`], recognised by its first bytes (a name can say anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    name: String,
    bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportFileError {
    #[error("不能为空文件")]
    Empty,
    #[error("不能超过 5 MB")]
    TooLarge,
    #[error("应为 PDF 或 Word 文档（.pdf、.docx、.doc）")]
    NotADocument,
}

impl ReportFile {
    pub const MAX_BYTES: usize = 5 * 1024 * 1024;

    pub fn parse(name: &str, bytes: Vec<u8>) -> Result<ReportFile, ReportFileError> {
        if bytes.is_empty() {
            return Err(ReportFileError::Empty);
        }
        if bytes.len() > Self::MAX_BYTES {
            return Err(ReportFileError::TooLarge);
        }
        let lower = name.to_lowercase();
        let ext = if bytes.starts_with(b"%PDF-") {
            "pdf"
        } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".docx") {
            "docx"
        } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            "doc"
        } else {
            return Err(ReportFileError::NotADocument);
        };
        // The stored name is the sender's base name (no path), at most 80 characters, with
        // the extension the content shows.
        let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
        let stem: String = base
            .rsplit_once('.')
            .map_or(base, |(s, _)| s)
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
            .take(80)
            .collect();
        let stem = if stem.trim().is_empty() {
            "述职报告".to_owned()
        } else {
            stem.trim().to_owned()
        };
        Ok(ReportFile {
            name: format!("{stem}.{ext}"),
            bytes,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn last_years_report_is_owed_until_december_and_due_at_the_end_of_the_rule_month() {
        let rules = ReviewRules::resolve(&RuleSet::defaults(), d(2026, 12, 5)).unwrap();
        assert_eq!(ReviewRules::owed_year(d(2026, 11, 30)), 2025);
        assert_eq!(ReviewRules::owed_year(d(2026, 12, 1)), 2026);
        assert_eq!(rules.due_on(2025), d(2026, 1, 31));
        let march = ReviewRules {
            report_due_month: 3,
            ..rules
        };
        assert_eq!(march.due_on(2025), d(2026, 3, 31));
        assert!(reportable(2025, d(2026, 12, 5)));
        assert!(reportable(2026, d(2026, 12, 5)));
        assert!(!reportable(2026, d(2026, 11, 5)));
        assert!(!reportable(2024, d(2026, 2, 5)));
    }

    #[test]
    fn a_due_month_outside_the_first_half_year_is_refused() {
        let mut params = RuleSet::defaults().params().to_vec();
        for p in &mut params {
            if p.key == keys::REPORT_DUE_MONTH {
                p.value = 9;
            }
        }
        assert!(ReviewRules::resolve(&RuleSet::new(params), d(2026, 1, 1)).is_err());
    }

    #[test]
    fn an_attachment_is_known_by_its_first_bytes() {
        let pdf = ReportFile::parse("C:\\报告\\2025年述职.PDF", b"%PDF-1.7 ...".to_vec()).unwrap();
        assert_eq!(pdf.name(), "2025年述职.pdf");
        assert_eq!(
            ReportFile::parse("述职.pdf", b"MZ\x90\x00".to_vec()),
            Err(ReportFileError::NotADocument)
        );
        // A zip named .docx passes the door; a zip named anything else does not.
        assert!(ReportFile::parse("a.docx", b"PK\x03\x04rest".to_vec()).is_ok());
        assert!(ReportFile::parse("a.zip", b"PK\x03\x04rest".to_vec()).is_err());
        assert_eq!(
            ReportFile::parse("a.pdf", vec![b'%'; ReportFile::MAX_BYTES + 1]),
            Err(ReportFileError::TooLarge)
        );
        assert_eq!(
            ReportFile::parse("a.pdf", Vec::new()),
            Err(ReportFileError::Empty)
        );
    }
}
