//! Writing HTML by hand, safely: escaping, tables from [`Grid`]s, and charts inlined as SVG.

use crate::report::grid::{Grid, RowKind};
use std::fmt::Write;

/// `text` with the characters that mean something in HTML escaped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

/// A `<table>` of a grid, cut into parts of at most `runs` run columns so that it fits the
/// width of an A4 page.
pub(crate) fn grid(out: &mut String, grid: &Grid, runs: usize) {
    for part in grid.parts(runs) {
        out.push_str("<table>\n");
        out.push_str(&head(&part));
        out.push_str("<tbody>\n");
        for row in rows(&part, false) {
            out.push_str(&row);
        }
        out.push_str("</tbody>\n</table>\n");
    }
}

/// The `<thead>` of a grid.
pub(crate) fn head(grid: &Grid) -> String {
    let mut out = String::from("<thead><tr>");
    for (index, header) in grid.headers.iter().enumerate() {
        let class = if grid.is_text(index) {
            ""
        } else {
            " class=\"num\""
        };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(header));
    }
    out.push_str("</tr></thead>\n");
    out
}

/// The `<tr>` of each row of a grid. With `clip`, text that does not fit its column ends in
/// an ellipsis, the whole text in its tooltip, so that every row is one line high.
pub(crate) fn rows(grid: &Grid, clip: bool) -> Vec<String> {
    // Numbers, and text of one word (an operation's id, a commune's name), never wrap.
    let class = |index: usize, cell: &str| {
        if !grid.is_text(index) {
            " class=\"num\""
        } else if clip || !cell.contains(' ') {
            " class=\"word\""
        } else {
            ""
        }
    };
    let mut out = Vec::with_capacity(grid.rows.len());
    for row in &grid.rows {
        let mut tr = String::new();
        match row.kind {
            RowKind::Heading => {
                let _ = writeln!(
                    tr,
                    "<tr class=\"group\"><th colspan=\"{}\" scope=\"colgroup\">{}</th></tr>",
                    grid.headers.len().max(1),
                    escape(&row.cells.join(" "))
                );
                out.push(tr);
                continue;
            }
            RowKind::Total => tr.push_str("<tr class=\"total\">"),
            RowKind::Normal => tr.push_str("<tr>"),
        }
        for (index, cell) in row.cells.iter().enumerate() {
            let mut text = escape(cell);
            if clip && grid.is_text(index) && cell.chars().count() > 24 {
                text = format!("<span class=\"clip\" title=\"{text}\">{text}</span>");
            }
            match (&row.link, index) {
                (Some(anchor), 0) => {
                    let _ = write!(
                        tr,
                        "<td{}><a href=\"#{}\">{text}</a></td>",
                        class(index, cell),
                        escape(anchor)
                    );
                }
                _ => {
                    let _ = write!(tr, "<td{}>{text}</td>", class(index, cell));
                }
            }
        }
        tr.push_str("</tr>\n");
        out.push(tr);
    }
    out
}

/// A chart's SVG made ready to sit inside the page: its size given by the page's width (the
/// `viewBox` kept, `width` and `height` dropped) and without the namespace declaration, which
/// HTML does not need.
pub(crate) fn inline_svg(bytes: Vec<u8>, label: &str) -> Result<String, String> {
    let text = String::from_utf8(bytes).map_err(|_| "the SVG is not UTF-8".to_owned())?;
    let rest = text
        .trim()
        .strip_prefix("<svg ")
        .ok_or_else(|| "the SVG does not start with <svg".to_owned())?;
    let end = rest
        .find('>')
        .ok_or_else(|| "the SVG's first tag is not closed".to_owned())?;
    let view_box =
        attribute(&rest[..end], "viewBox").ok_or_else(|| "the SVG has no viewBox".to_owned())?;
    let body = rest[end + 1..].trim();
    if !body.ends_with("</svg>") {
        return Err("the SVG does not end with </svg>".to_owned());
    }
    Ok(format!(
        "<svg viewBox=\"{}\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"{}\">\n{body}",
        escape(view_box),
        escape(label)
    ))
}

/// The width and height of an inlined SVG's `viewBox`.
pub(crate) fn view_box_size(svg: &str) -> Option<(u32, u32)> {
    let end = svg.find('>')?;
    let numbers: Vec<f64> = attribute(&svg[..end], "viewBox")?
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers.as_slice() {
        // Drawn sizes are whole pixels; rounding up errs on the tall side.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        [_, _, w, h] if *w > 0.0 && *h > 0.0 => Some((w.ceil() as u32, h.ceil() as u32)),
        _ => None,
    }
}

/// The value of `name="…"` among a tag's attributes.
fn attribute<'a>(attributes: &'a str, name: &str) -> Option<&'a str> {
    let start = attributes.find(&format!("{name}=\""))? + name.len() + 2;
    let length = attributes[start..].find('"')?;
    Some(&attributes[start..start + length])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn inlines_an_svg_at_the_page_width() {
        let svg = "<svg width=\"1600\" height=\"900\" viewBox=\"0 0 1600 900\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect x=\"0\"/>\n</svg>\n";
        let inlined = inline_svg(svg.as_bytes().to_vec(), "Lens & co").unwrap();
        assert_eq!(
            inlined,
            "<svg viewBox=\"0 0 1600 900\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"Lens &amp; co\">\n<rect x=\"0\"/>\n</svg>"
        );
        assert!(inline_svg(b"<p>".to_vec(), "x").is_err());
    }

    #[test]
    fn writes_totals_headings_and_links() {
        let mut g = Grid::new(vec!["Commune".into(), "Montant".into()], 1);
        g.heading("Groupe".into());
        g.linked_row(vec!["Lens".into(), "1,00 €".into()], "commune-62498".into());
        g.total(vec!["Total".into(), "1,00 €".into()]);
        let mut out = String::new();
        grid(&mut out, &g, 5);
        assert!(
            out.contains(
                "<tr class=\"group\"><th colspan=\"2\" scope=\"colgroup\">Groupe</th></tr>"
            )
        );
        assert!(out.contains(
            "<td class=\"word\"><a href=\"#commune-62498\">Lens</a></td><td class=\"num\">1,00 €</td>"
        ));
        assert!(out.contains("<tr class=\"total\"><td class=\"word\">Total</td>"));
    }
}
