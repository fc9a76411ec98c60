//! Plain-text tables aligned for CJK (double-width) characters, and CSV that Excel opens
//! correctly (UTF-8 with BOM, RFC 4180 quoting).

use unicode_width::UnicodeWidthStr;

/// Renders rows under a header; numeric-looking cells are right-aligned.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.width());
            }
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
        let mut parts = Vec::new();
        for (i, cell) in cells.enumerate() {
            let pad = widths[i].saturating_sub(cell.width());
            let numeric = !cell.is_empty()
                && cell
                    .chars()
                    .all(|c| c.is_ascii_digit() || ".%-".contains(c));
            parts.push(if numeric {
                format!("{}{cell}", " ".repeat(pad))
            } else {
                format!("{cell}{}", " ".repeat(pad))
            });
        }
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(&mut out, &mut header.iter().copied());
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&mut out, &mut rule.iter().map(String::as_str));
    for row in rows {
        line(&mut out, &mut row.iter().map(String::as_str));
    }
    out
}

/// One CSV record. A cell that a spreadsheet would take for a formula (=, +, -, @) is
/// prefixed with an apostrophe, so a name in the data can never run as one.
pub fn csv_record(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            let c = if c.starts_with(['=', '+', '-', '@', '\t', '\r']) && c.parse::<f64>().is_err()
            {
                format!("'{c}")
            } else {
                c.clone()
            };
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c
            }
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_columns_line_up() {
        let t = table(
            &["县", "组织数"],
            &[
                vec!["龙游县".into(), "12".into()],
                vec!["江山市".into(), "3".into()],
            ],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[2], "龙游县      12");
        assert_eq!(lines[3], "江山市       3");
    }

    #[test]
    fn csv_neutralizes_formulas_but_not_numbers() {
        assert_eq!(
            csv_record(&["=HYPERLINK(\"x\")".into(), "-12.5".into()]),
            "\"'=HYPERLINK(\"\"x\"\")\",-12.5\r\n"
        );
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(
            csv_record(&["a,b".into(), "say \"hi\"".into(), "x".into()]),
            "\"a,b\",\"say \"\"hi\"\"\",x\r\n"
        );
    }
}
