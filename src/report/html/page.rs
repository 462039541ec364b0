//! The report laid out on A4 pages before the browser sees it, so that the table of contents
//! can give page numbers.
//!
//! Every part of the report is a [`Block`] whose printed height is known ahead: headings and
//! notes by their number of lines, tables by their rows, which the style sheet keeps one line
//! high (`table.exact`: no wrapping, long text cut with an ellipsis), figures by the height the
//! style sheet gives them. [`Flow`] fills pages with blocks, a table cut between rows (its
//! header repeated) when it does not fit, and each page becomes one `<section class="page">`
//! that the style sheet starts on a new sheet. So the page of every anchor is known, and
//! [`Flow::finish`] writes it wherever [`page_of`] asked for it. The estimates err on the tall
//! side; `tests/suite/browser.rs` prints the report in Chromium and checks that it has exactly the
//! pages counted here, which it would not if a page overflowed.

use std::collections::BTreeMap;
use std::fmt::Write;

/// The height a page holds, in tenths of a millimetre: A4's 297 mm less the margins the
/// style sheet sets (12 mm top, 16 mm bottom, where the page number is), less some slack.
pub(crate) const PAGE: u32 = 2590;

/// One line of a table (`table.exact` rows are 4.4 mm high with their border).
pub(crate) const ROW: u32 = 48;
/// A table's header (up to two lines) and its margins.
const TABLE: u32 = 95 + 40;
/// A line of body text at 10 pt.
pub(crate) const LINE: u32 = 48;
/// A line of a note at 8.5 pt.
pub(crate) const NOTE_LINE: u32 = 42;
/// Characters a note's line holds across the page (8.5 pt on 186 mm, with room to spare).
const NOTE_WIDTH: usize = 120;
/// Characters a body line holds across the page (10 pt).
pub(crate) const BODY_WIDTH: usize = 118;
/// A section's title (`h2`), its rule and margins.
pub(crate) const H2: u32 = 150;
/// A sub-title (`h3`) and its margins.
pub(crate) const H3: u32 = 95;

/// A part of the report, of known height.
pub(crate) enum Block {
    /// What follows starts a new page.
    Break,
    /// Markup kept whole on one page, `height` tall (tenths of a millimetre).
    Fixed { html: String, height: u32 },
    /// A title kept on the page of what follows it.
    Title { html: String, height: u32 },
    /// A table, cut between rows when it does not fit: `head` is its `<thead>`, repeated.
    Table {
        class: &'static str,
        head: String,
        rows: Vec<String>,
    },
}

impl Block {
    /// The height the block takes whole (a table with all its rows).
    pub(crate) fn height(&self) -> u32 {
        match self {
            Block::Break => 0,
            Block::Fixed { height, .. } | Block::Title { height, .. } => *height,
            Block::Table { rows, .. } => TABLE + ROW * rows.len() as u32,
        }
    }

    /// A note (`<p class="note">`) of `text`, already escaped.
    pub(crate) fn note(text: &str) -> Block {
        Block::Fixed {
            html: format!("<p class=\"note\">{text}</p>\n"),
            height: lines(text, NOTE_WIDTH) * NOTE_LINE + 20,
        }
    }

    /// A paragraph of body text, already escaped.
    pub(crate) fn paragraph(text: &str) -> Block {
        Block::Fixed {
            html: format!("<p>{text}</p>\n"),
            height: lines(text, BODY_WIDTH) * LINE + 30,
        }
    }

    /// A section title with an anchor.
    pub(crate) fn h2(id: &str, text: &str) -> Block {
        Block::Title {
            html: format!("<h2 id=\"{id}\">{text}</h2>\n"),
            height: H2 + lines(text, 55).saturating_sub(1) * 70,
        }
    }

    /// A sub-title, already escaped, with an optional anchor.
    pub(crate) fn h3(id: Option<&str>, text: &str) -> Block {
        let id = id.map_or_else(String::new, |id| format!(" id=\"{id}\""));
        Block::Title {
            html: format!("<h3{id}>{text}</h3>\n"),
            height: H3 + lines(text, 75).saturating_sub(1) * 55,
        }
    }
}

/// How many lines `text` takes at `width` characters a line: its visible characters (tags
/// left out, an entity counted as one).
pub(crate) fn lines(text: &str, width: usize) -> u32 {
    let mut count: usize = 0;
    let mut in_tag = false;
    let mut in_entity = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            '&' => {
                in_entity = true;
                count += 1;
            }
            ';' if in_entity => in_entity = false,
            _ if in_entity => {}
            _ => count += 1,
        }
    }
    u32::try_from(count.div_ceil(width.max(1)).max(1)).unwrap_or(u32::MAX)
}

/// The marker a page number is written at, replaced once pages are known.
fn marker(anchor: &str) -> String {
    format!("\u{E000}{anchor}\u{E001}")
}

/// Where the number of the page that holds `anchor` is to be written.
pub(crate) fn page_of(anchor: &str) -> String {
    marker(anchor)
}

/// Pages being filled.
#[derive(Default)]
pub(crate) struct Flow {
    pages: Vec<String>,
    current: String,
    used: u32,
    /// Titles waiting for what follows them: `(html, height)`.
    pending: Vec<(String, u32)>,
    anchors: BTreeMap<String, usize>,
}

impl Flow {
    pub(crate) fn push(&mut self, block: Block) {
        match block {
            Block::Break => {
                self.flush_pending_alone();
                if self.used > 0 {
                    self.new_page();
                }
            }
            Block::Title { html, height } => self.pending.push((html, height)),
            Block::Fixed { html, height } => {
                self.make_room(height);
                self.write(&html, height);
            }
            Block::Table { class, head, rows } => self.table(class, &head, &rows),
        }
    }

    fn pending_height(&self) -> u32 {
        self.pending.iter().map(|(_, h)| h).sum()
    }

    /// Starts a new page unless the pending titles and `height` fit on this one.
    fn make_room(&mut self, height: u32) {
        if self.used > 0 && self.used + self.pending_height() + height > PAGE {
            self.new_page();
        }
        for (html, h) in std::mem::take(&mut self.pending) {
            self.write(&html, h);
        }
    }

    fn flush_pending_alone(&mut self) {
        if !self.pending.is_empty() {
            self.make_room(0);
        }
    }

    fn write(&mut self, html: &str, height: u32) {
        self.current.push_str(html);
        self.used += height;
        let page = self.pages.len();
        let mut rest = html;
        while let Some(start) = rest.find(" id=\"") {
            let value = &rest[start + 5..];
            let Some(end) = value.find('"') else { break };
            self.anchors.entry(value[..end].to_owned()).or_insert(page);
            rest = &value[end..];
        }
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.current));
        self.used = 0;
    }

    fn table(&mut self, class: &str, head: &str, rows: &[String]) {
        let mut rest = rows;
        let opening = format!("<table class=\"{class}\">\n{head}<tbody>\n");
        let closing = "</tbody>\n</table>\n";
        // At least three rows with their header, or the whole table, before a cut.
        let first = u32::try_from(rest.len().min(3)).unwrap_or(3);
        self.make_room(TABLE + first * ROW);
        while !rest.is_empty() {
            let room = PAGE.saturating_sub(self.used + TABLE) / ROW;
            let take = usize::try_from(room).unwrap_or(0).max(1).min(rest.len());
            let mut html = opening.clone();
            for row in &rest[..take] {
                html.push_str(row);
            }
            html.push_str(closing);
            let height = TABLE + u32::try_from(take).unwrap_or(u32::MAX) * ROW;
            self.write(&html, height);
            rest = &rest[take..];
            if !rest.is_empty() {
                self.new_page();
            }
        }
    }

    /// The pages, each a `<section class="page">` ending with nothing (the style sheet numbers
    /// them in the margin), every [`page_of`] marker replaced by its page number.
    pub(crate) fn finish(mut self) -> (String, usize) {
        self.flush_pending_alone();
        if self.used > 0 || self.pages.is_empty() {
            self.new_page();
        }
        let count = self.pages.len();
        let mut out = String::new();
        for (index, page) in self.pages.iter().enumerate() {
            let _ = write!(
                out,
                "<section class=\"page\" aria-label=\"Page {}\">\n{page}</section>\n",
                index + 1
            );
        }
        for (anchor, page) in &self.anchors {
            out = out.replace(&marker(anchor), &(page + 1).to_string());
        }
        (out, count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("<tr><td>{i}</td></tr>\n")).collect()
    }

    #[test]
    fn cuts_a_long_table_between_rows_and_numbers_the_pages_of_anchors() {
        let mut flow = Flow::default();
        flow.push(Block::h2("debut", "Début"));
        flow.push(Block::paragraph(&format!("Voir p. {}.", page_of("fin"))));
        flow.push(Block::Table {
            class: "exact",
            head: "<thead></thead>\n".to_owned(),
            rows: rows(80),
        });
        flow.push(Block::Break);
        flow.push(Block::h2("fin", "Fin"));
        let (html, count) = flow.finish();
        // 80 rows of 4.8 mm do not fit one page of 259 mm: two pages, then the end.
        assert_eq!(count, 3);
        assert_eq!(html.matches("<section class=\"page\"").count(), 3);
        assert_eq!(html.matches("<table class=\"exact\">").count(), 2);
        assert!(html.contains("<p>Voir p. 3.</p>"));
        assert!(html.contains("<td>79</td>"));
    }

    #[test]
    fn counts_the_lines_of_what_shows() {
        assert_eq!(lines("<strong>abc</strong> &amp; d", 7), 1);
        assert_eq!(lines("abcdefgh", 4), 2);
        assert_eq!(lines("", 4), 1);
    }

    #[test]
    fn keeps_a_title_with_what_follows() {
        let mut flow = Flow::default();
        flow.push(Block::Fixed {
            html: "<p>a</p>".to_owned(),
            height: PAGE - 100,
        });
        flow.push(Block::h3(None, "Titre"));
        flow.push(Block::Fixed {
            html: "<p>b</p>".to_owned(),
            height: 50,
        });
        let (html, count) = flow.finish();
        assert_eq!(count, 2);
        let second = html.rfind("<section").unwrap();
        assert!(html[second..].contains("<h3>Titre</h3>"));
    }
}
