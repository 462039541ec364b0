//! The commune sheet as the terminal shows it, in its language, within the width given: the
//! finding first, the operations that weigh most, then the tables (cut into blocks to fit).

use super::figures::Sheet;
use crate::report::grid::wrap;
use std::fmt::Write;

impl Sheet {
    /// The sheet as the terminal shows it, no line over `width` columns.
    pub fn text(&self, width: usize) -> String {
        let t = |fr, en| self.lang.pick(fr, en);
        let mut out = wrap(&self.finding, width);
        let _ = writeln!(
            out,
            "{}{}",
            t("Fiche commune : ", "Commune sheet: "),
            self.title
        );
        for line in &self.intro {
            out.push_str(&wrap(line, width));
        }
        if !self.runs.is_empty() {
            out.push_str(t("\nScénarios comparés :\n", "\nScenarios compared:\n"));
            for run in &self.runs {
                let line = format!("  {}  {}", run.tag, run.label);
                if line.chars().count() <= width {
                    let _ = writeln!(out, "{line}");
                } else {
                    out.push_str(&wrap(&line, width));
                }
            }
        }
        out.push('\n');
        for verdict in &self.verdicts {
            out.push_str(&wrap(&verdict.text, width));
        }
        if !self.causes.is_empty() {
            out.push_str(t("\nCe qui pèse le plus :\n", "\nWhat weighs most:\n"));
            for cause in &self.causes {
                let text = wrap(&format!("- {}", cause.text), width.saturating_sub(2));
                for (i, line) in text.lines().enumerate() {
                    let _ = writeln!(out, "{}{line}", if i == 0 { "" } else { "  " });
                }
            }
        }
        for block in &self.blocks {
            out.push('\n');
            out.push_str(&wrap(&format!("== {}", block.title), width));
            out.push_str(&block.grid.text(width));
            for note in &block.notes {
                out.push_str(&wrap(note, width));
            }
        }
        out
    }
}
