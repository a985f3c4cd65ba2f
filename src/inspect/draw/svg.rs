//! The SVG of a [`Layout`]: boxes, ovals and edges, with no external program.

use std::fmt::Write;

use super::layout::{Layout, OP_H, OP_W, text_width};
use super::xml_escape;

/// A path through `points` with its corners rounded (radius up to 6, less on short segments), so
/// the orthogonal routes read as smooth lines.
fn rounded_path(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let Some(&(x0, y0)) = points.first() else {
        return d;
    };
    let _ = write!(d, "M{x0:.1},{y0:.1}");
    for k in 1..points.len() {
        let (x, y) = points[k];
        if let Some(&(nx, ny)) = points.get(k + 1) {
            let (px, py) = points[k - 1];
            let r = 6f64
                .min(((x - px).abs() + (y - py).abs()) / 2.0)
                .min(((nx - x).abs() + (ny - y).abs()) / 2.0);
            let toward = |from: (f64, f64), to: (f64, f64)| {
                let len = ((to.0 - from.0).abs() + (to.1 - from.1).abs()).max(1e-9);
                (
                    from.0 + (to.0 - from.0) / len * r,
                    from.1 + (to.1 - from.1) / len * r,
                )
            };
            let (ax, ay) = toward((x, y), (px, py));
            let (bx, by) = toward((x, y), (nx, ny));
            let _ = write!(d, " L{ax:.1},{ay:.1} Q{x:.1},{y:.1} {bx:.1},{by:.1}");
        } else {
            let _ = write!(d, " L{x:.1},{y:.1}");
        }
    }
    d
}

pub(super) fn render(layout: &Layout) -> String {
    let (w, h) = (layout.width, layout.height);
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(svg, r##"<g fill="none" stroke="#888" stroke-width="1.2">"##);
    for node in &layout.nodes {
        if node.op.is_some() {
            let (ox, oy) = node.op_center;
            let _ = writeln!(
                svg,
                r#"<path d="M{:.1},{oy:.1} L{:.1},{oy:.1}"/>"#,
                ox + OP_W / 2.0,
                node.x
            );
        }
    }
    for edge in &layout.edges {
        let _ = writeln!(svg, r#"<path d="{}"/>"#, rounded_path(&edge.points));
    }
    svg.push_str("</g>\n");
    for node in &layout.nodes {
        let (x, y) = (node.x, node.y);
        let _ = writeln!(
            svg,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{}" rx="3" fill="#f4f8ff" stroke="#345"/>"##,
            node.width, node.height
        );
        let mut fx = x;
        for (k, cell) in node.cells.iter().enumerate() {
            let cw = text_width(cell);
            if k > 0 {
                let _ = writeln!(
                    svg,
                    r##"<line x1="{fx:.1}" y1="{y:.1}" x2="{fx:.1}" y2="{:.1}" stroke="#345"/>"##,
                    y + node.height
                );
            }
            let weight = if k == 0 && !node.label.is_empty() {
                r#" font-weight="bold""#
            } else {
                ""
            };
            let _ = writeln!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle"{weight}>{}</text>"#,
                fx + cw / 2.0,
                y + node.height / 2.0 + 4.0,
                xml_escape(cell)
            );
            fx += cw;
        }
        if let Some(op) = &node.op {
            let (ox, oy) = node.op_center;
            let _ = writeln!(
                svg,
                r##"<ellipse cx="{ox:.1}" cy="{oy:.1}" rx="{:.1}" ry="{}" fill="#fff4e0" stroke="#a60"/>"##,
                node.op_rx,
                OP_H / 2.0
            );
            let _ = writeln!(
                svg,
                r#"<text x="{ox:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                oy + 4.0,
                xml_escape(op)
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}
