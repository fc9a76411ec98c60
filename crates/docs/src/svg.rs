//! SVG charts drawn on the server: plain horizontal bars with the number written on each
//! bar, and lines over time with the first and last values written at their ends;
//! readable without hovering, printable, no script. Text is escaped.

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

/// Text of every chart, in px: UI.md's least (14 px), so a chart shown at its own width is
/// as readable as the page around it.
const TEXT: f64 = 14.0;

/// `text` in lines of at most `max` characters, broken after a comma where one is near.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        line.push(c);
        let n = line.chars().count();
        if n >= max || (c == '，' && n * 3 >= max * 2) {
            lines.push(std::mem::take(&mut line));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The opening tag: a chart whose bars are links is a group of links (an image may hold
/// no control), the others an image; either is named by its title.
fn open_svg(s: &mut String, title: &str, width: f64, height: f64, linked: bool) {
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="{role}" aria-label="{t}" viewBox="0 0 {width} {height}" width="{width}" height="{height}"><title>{t}</title>"#,
        role = if linked { "group" } else { "img" },
        t = escape(title)
    );
}

/// Percentage bars with a title (for screen readers and print) and a caption saying what
/// is counted: each bar's label on a line above it and its number beside it, 340 px wide
/// in all, so a phone shows it at its own size.
pub fn percent_bars(title: &str, caption: &str, bars: &[Bar]) -> String {
    const ROW: f64 = 46.0;
    const BAR_W: f64 = 190.0;
    const TEXT_W: f64 = 150.0;
    let width = BAR_W + TEXT_W;
    let caption = wrap(caption, (width / TEXT) as usize);
    let height = ROW * bars.len() as f64 + 8.0 + 20.0 * caption.len() as f64;
    let mut s = String::new();
    open_svg(
        &mut s,
        title,
        width,
        height,
        bars.iter().any(|b| b.href.is_some()),
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = ROW * i as f64;
        let pct = bar.percent.clamp(0.0, 100.0);
        let w = BAR_W * pct / 100.0;
        if let Some(href) = &bar.href {
            let _ = write!(s, r#"<a href="{}">"#, escape(href));
        }
        let _ = write!(
            s,
            r##"<text x="0" y="{ly}" font-size="{TEXT}" fill="#222">{label}</text><rect x="0" y="{by}" width="{BAR_W}" height="16" fill="#eee"/><rect x="0" y="{by}" width="{w:.1}" height="16" fill="#5a6b7d"/><text x="{tx}" y="{ty}" font-size="{TEXT}" fill="#222">{text}</text>"##,
            ly = y + 16.0,
            by = y + 22.0,
            tx = BAR_W + 8.0,
            ty = y + 35.0,
            label = escape(&bar.label),
            text = escape(&bar.text),
        );
        if bar.href.is_some() {
            s.push_str("</a>");
        }
    }
    let top = ROW * bars.len() as f64 + 8.0;
    for (k, line) in caption.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="0" y="{}" font-size="{TEXT}" fill="#555">{}</text>"##,
            top + 14.0 + 20.0 * k as f64,
            escape(line)
        );
    }
    s.push_str("</svg>");
    s
}

/// One line of a chart over time: a name, its values in percent (one per x label; none
/// where nothing was counted) and its stroke colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub color: &'static str,
}

/// Lines of percentages over time (a trend), with the y axis fitted to the values in steps
/// of 10, a label under every x position, the first and last value written at the ends of
/// each line, and a legend.
pub fn percent_lines(title: &str, caption: &str, x_labels: &[String], lines: &[Line]) -> String {
    const LEFT: f64 = 48.0;
    const RIGHT: f64 = 64.0;
    const TOP: f64 = 28.0;
    const PLOT_H: f64 = 200.0;
    const STEP_W: f64 = 52.0;
    let n = x_labels.len().max(2);
    let plot_w = STEP_W * (n - 1) as f64;
    let width = LEFT + plot_w + RIGHT;
    let height = TOP + PLOT_H + 56.0;
    let known = lines
        .iter()
        .flat_map(|l| l.values.iter().flatten().copied());
    let (lo, hi) = known.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let (lo, hi) = if lo.is_finite() {
        let lo = ((lo - 2.0) / 10.0).floor().clamp(0.0, 9.0) * 10.0;
        let hi = ((hi + 2.0) / 10.0).ceil().clamp(1.0, 10.0) * 10.0;
        (lo, hi.max(lo + 10.0))
    } else {
        (0.0, 100.0)
    };
    let x = |i: usize| LEFT + STEP_W * i as f64;
    let y = |v: f64| TOP + PLOT_H * (1.0 - (v - lo) / (hi - lo));
    let mut s = String::new();
    open_svg(&mut s, title, width, height, false);
    let mut g = lo;
    while g <= hi + 0.01 {
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" x2="{x2}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{tx}" y="{ty:.1}" text-anchor="end" font-size="{TEXT}" fill="#555">{g}%</text>"##,
            x2 = LEFT + plot_w,
            yy = y(g),
            tx = LEFT - 6.0,
            ty = y(g) + 4.0,
        );
        g += 10.0;
    }
    for (i, label) in x_labels.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="{TEXT}" fill="#555">{}</text>"##,
            x(i),
            TOP + PLOT_H + 18.0,
            escape(label)
        );
    }
    for (li, line) in lines.iter().enumerate() {
        let points: Vec<(usize, f64)> = line
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v.clamp(lo, hi))))
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|&(i, v)| format!("{:.1},{:.1}", x(i), y(v)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline fill="none" stroke="{c}" stroke-width="2.5" points="{}"/>"#,
            path.join(" "),
            c = line.color
        );
        for &(i, v) in &points {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"/>"#,
                x(i),
                y(v),
                line.color
            );
        }
        // The first value above its point (clear of the axis labels), the last to the right.
        let ends = match (points.first(), points.last()) {
            (Some(a), Some(b)) if a.0 != b.0 => vec![(*a, 4.0, -8.0), (*b, 8.0, 4.0)],
            (Some(a), _) => vec![(*a, 8.0, 4.0)],
            _ => Vec::new(),
        };
        for ((i, _), dx, dy) in ends {
            if let Some(v) = line.values[i] {
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" font-size="{TEXT}" fill="{}">{v:.1}%</text>"#,
                    x(i) + dx,
                    y(v.clamp(lo, hi)) + dy,
                    line.color
                );
            }
        }
        let lx = LEFT + 160.0 * li as f64;
        let _ = write!(
            s,
            r##"<rect x="{lx}" y="6" width="14" height="4" fill="{c}"/><text x="{tx}" y="12" font-size="{TEXT}" fill="#222">{}</text>"##,
            escape(&line.name),
            c = line.color,
            tx = lx + 20.0,
        );
    }
    let _ = write!(
        s,
        r##"<text x="0" y="{}" font-size="{TEXT}" fill="#555">{}</text></svg>"##,
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
        assert!(svg.contains(r#"width="190.0""#), "clamped to the full bar");
        assert!(
            svg.contains(r#"role="group""#),
            "links are not inside an image"
        );
        assert_eq!(
            svg.matches(r#"font-size="14""#).count(),
            svg.matches("font-size=").count(),
            "all text at 14 px"
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn lines_fit_their_values_write_the_ends_and_skip_unknown_points() {
        let months: Vec<String> = (1..=3).map(|m| format!("{m}月")).collect();
        let svg = percent_lines(
            "覆盖率走势",
            "按月末统计",
            &months,
            &[Line {
                name: "组织<覆盖率>".into(),
                values: vec![None, Some(21.35), Some(24.0)],
                color: "#b3261e",
            }],
        );
        assert!(svg.contains("组织&lt;覆盖率&gt;"));
        assert!(svg.contains(">21.4%<") && svg.contains(">24.0%<"), "{svg}");
        // The axis runs from 10% to 30%, not from 0 to 100.
        assert!(svg.contains(">10%<") && svg.contains(">30%<") && !svg.contains(">100%<"));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains(">3月<"));
    }
}
