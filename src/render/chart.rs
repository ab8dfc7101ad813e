//! The scorecard chart: a verdict breakdown drawn as SVG at build time, left
//! to right or, for a language written right to left, mirrored.

use super::views::BreakdownRow;

/// A verdict breakdown as an SVG bar chart, drawn at build time (no
/// JavaScript). It is an image with a title and a description that read out
/// every count, for screen readers; the theme also shows the counts as text.
/// For a right-to-left language the chart is drawn mirrored: labels on the
/// right, bars growing leftwards.
pub fn scorecard_svg(rows: &[BreakdownRow], title: &str, id: &str, rtl: bool) -> String {
    use crate::render::markdown::escape;
    const WIDTH: f64 = 400.0;
    const ROW: usize = 28;
    const LABEL_WIDTH: usize = 130;
    const BAR_WIDTH: f64 = 220.0;
    let max = rows.iter().map(|r| r.count).max().unwrap_or(0).max(1);
    let description =
        rows.iter().map(|r| format!("{}: {} ({}%)", r.label, r.count, r.percent)).collect::<Vec<_>>().join("; ");
    let height = rows.len() * ROW;
    let mut svg = format!(
        "<svg class=\"scorecard-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(&description)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = i * ROW;
        let width = (row.count as f64 / max as f64 * BAR_WIDTH).round();
        if rtl {
            // x mirrored around the middle; text anchored at its end, which is its start in Arabic or Hebrew.
            svg.push_str(&format!(
                "<text x=\"{WIDTH}\" y=\"{}\" class=\"scorecard-label\" text-anchor=\"end\" direction=\"rtl\">{}</text>\
                 <rect x=\"{}\" y=\"{}\" width=\"{width}\" height=\"18\" rx=\"2\" fill=\"{}\"/>\
                 <text x=\"{}\" y=\"{}\" class=\"scorecard-count\" text-anchor=\"end\">{}</text>",
                y + 17,
                escape(&row.label),
                WIDTH - LABEL_WIDTH as f64 - width,
                y + 4,
                escape(&row.color),
                WIDTH - LABEL_WIDTH as f64 - width - 6.0,
                y + 17,
                row.count
            ));
            continue;
        }
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" class=\"scorecard-label\">{}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{}\" width=\"{width}\" height=\"18\" rx=\"2\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"scorecard-count\">{}</text>",
            y + 17,
            escape(&row.label),
            y + 4,
            escape(&row.color),
            LABEL_WIDTH as f64 + width + 6.0,
            y + 17,
            row.count
        ));
    }
    svg.push_str("</svg>");
    svg
}
