//! SVG charts drawn on the server: plain horizontal bars with the number written on each
//! bar, readable without hovering, printable, no script. Text is escaped.

use std::fmt::Write;

/// One bar: a label, a value in percent (0–100), the text written beside it, and where
/// the bar links to (the rows behind the figure).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub percent: f64,
    pub text: String,
    pub href: Option<String>,
}

/// Escapes text for SVG/XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Horizontal percentage bars with a title (for screen readers and print) and a caption
/// saying what is counted.
pub fn percent_bars(title: &str, caption: &str, bars: &[Bar]) -> String {
    const ROW: f64 = 30.0;
    const LABEL_W: f64 = 150.0;
    const BAR_W: f64 = 360.0;
    const TEXT_W: f64 = 150.0;
    let width = LABEL_W + BAR_W + TEXT_W;
    let height = ROW * bars.len() as f64 + 36.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-labelledby="t"><title>{}</title>"#,
        escape(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = ROW * i as f64 + 4.0;
        let pct = bar.percent.clamp(0.0, 100.0);
        let w = BAR_W * pct / 100.0;
        if let Some(href) = &bar.href {
            let _ = write!(s, r#"<a href="{}">"#, escape(href));
        }
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" text-anchor="end" font-size="14" fill="#222">{label}</text><rect x="{bx}" y="{y}" width="{BAR_W}" height="20" fill="#eee"/><rect x="{bx}" y="{y}" width="{w:.1}" height="20" fill="#5a6b7d"/><text x="{tx}" y="{ty}" font-size="14" fill="#222">{text}</text>"##,
            lx = LABEL_W - 8.0,
            ty = y + 15.0,
            label = escape(&bar.label),
            bx = LABEL_W,
            tx = LABEL_W + BAR_W + 8.0,
            text = escape(&bar.text),
        );
        if bar.href.is_some() {
            s.push_str("</a>");
        }
    }
    let _ = write!(
        s,
        r##"<text x="0" y="{}" font-size="13" fill="#555">{}</text></svg>"##,
        height - 6.0,
        escape(caption)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_their_numbers_and_links_and_escape_text() {
        let svg = percent_bars(
            "组织覆盖率",
            "按县统计，截至2026年11月27日",
            &[Bar {
                label: "龙游<县>".into(),
                percent: 150.0,
                text: "20.6%（1,981个）".into(),
                href: Some("/gaps?county=330825&a=1".into()),
            }],
        );
        assert!(svg.contains("龙游&lt;县&gt;"));
        assert!(svg.contains("20.6%（1,981个）"));
        assert!(svg.contains(r#"href="/gaps?county=330825&amp;a=1""#));
        assert!(svg.contains(r#"width="360.0""#), "clamped to the full bar");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
