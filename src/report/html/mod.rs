//! The HTML report: one self-contained file, in French, for the people who decide, laid out
//! on A4 pages with their numbers.
//!
//! - **Synthesis** (two pages): the findings in sentences, the funders' envelopes in small
//!   multiples, the communes ranked by risk with the page of each;
//! - **one page per commune**, riskiest first: a title that states the finding, one chart of
//!   the reference run against at most one scenario (the one that changes the commune most),
//!   amounts rounded for reading, the operations that make the gap and why;
//! - **scenarios compared**, at most four runs a table, what differs from the reference
//!   marked;
//! - **annex**: the input files' digests and the scenarios' descriptions, then the same facts
//!   to the cent (funders, communes, each commune's sheet, [`super::commune`]).
//!
//! The report takes data, not drawing code: whoever calls [`report`] draws the charts and
//! hands them over through [`Charts`] as SVG. Everything is inside the file: the CSS in a
//! `<style>` element, the charts as inline SVG, no script, font, image or link to fetch (a
//! Content-Security-Policy says so to the browser too). The file depends only on the runs: no
//! date, no absolute path, so two runs of the same inputs give the same bytes. Pages are laid
//! out here ([`page`]) so that the table of contents gives page numbers.

mod amount;
mod annex;
pub(crate) use annex::{FUNDERS_NOTE, funders_grid};
mod commune_page;
pub(crate) mod markup;
mod page;
mod scenario_tables;
mod synthesis;

use crate::decide::readers::Decisions;
use crate::error::{Error, Result};
use crate::lookup;
use crate::model::Money;
use crate::runs::Run;
use markup::escape;
use page::Flow;
use std::fmt::Write;

/// A chart the caller drew for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// What the chart shows, in French: its accessible name.
    pub title: String,
    /// The chart as SVG, with a `viewBox`.
    pub svg: Vec<u8>,
}

/// The charts of a report, drawn by the caller (the report itself draws nothing).
pub trait Charts {
    /// One small chart per funder of the reference run (`runs[0]`), in the dataset's order:
    /// how its envelope was used, year by year.
    fn envelopes(&self) -> Result<Vec<Figure>>;

    /// Commune `commune_id` over the years in the reference run, against run `against` (an
    /// index of the report's runs) when given: what it pays against what it can pay.
    fn commune(&self, commune_id: &str, against: Option<usize>) -> Result<Option<Figure>>;
}

/// The facts every part of the report shares: the runs, and the communes in the order the
/// report takes them.
pub(crate) struct Context<'r, 'a> {
    pub(crate) runs: &'r [Run<'a>],
    /// The communes of the reference run (owner indices), riskiest first: by shortfall at the
    /// end, then by peak, then by name.
    pub(crate) communes: Vec<usize>,
    /// For each commune (same order), the run its page sets against the reference: the one
    /// that changes its shortfall (then its peak) the most, if any does.
    pub(crate) against: Vec<Option<usize>>,
    /// What weighs on each commune's gap and what would close it, when the caller asked.
    pub(crate) decisions: Option<&'r Decisions<'r>>,
}

impl<'a> Context<'_, 'a> {
    pub(crate) fn reference(&self) -> &Run<'a> {
        &self.runs[0]
    }

    /// The owner figures of commune `id` in run `run`, if that run has it.
    pub(crate) fn owner(&self, run: usize, id: &str) -> Option<&crate::engine::OwnerOutcome> {
        let run = &self.runs[run];
        run.dataset.owner_index(id).map(|o| &run.outcome.owners[o])
    }

    /// The name a scenario goes by in the report: its label in French quotes.
    pub(crate) fn name(&self, run: usize) -> String {
        if run == 0 && self.runs.len() > 1 {
            "la référence".to_owned()
        } else {
            format!("« {} »", self.runs[run].label)
        }
    }
}

/// The anchor of commune `id`'s page.
pub(crate) fn anchor(id: &str) -> String {
    format!("commune-{}", slug(id))
}

/// The anchor of commune `id`'s exact figures in the annex.
pub(crate) fn annex_anchor(id: &str) -> String {
    format!("annexe-{}", slug(id))
}

fn slug(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The report of `runs`, the first being the reference, as the bytes of an HTML file, with
/// the charts `charts` draws. With `decisions` (made on the reference's dataset), each
/// commune's page ends on the two uncertainties that weigh most on its gap and on what would
/// close it (docs/decide.md, "Readers").
pub fn report(
    runs: &[Run<'_>],
    charts: &dyn Charts,
    decisions: Option<&Decisions<'_>>,
) -> Result<Vec<u8>> {
    let Some(reference) = runs.first() else {
        return Err(Error::Usage {
            subject: crate::text!(fr: "rapport", en: "report"),
            reason: crate::text!(
                fr: "aucun calcul à présenter",
                en: "there is no run to report on"
            ),
        });
    };
    let context = context(runs, decisions);
    let mut flow = Flow::default();
    synthesis::pages(&mut flow, &context, charts)?;
    for (position, &index) in context.communes.iter().enumerate() {
        commune_page::page(
            &mut flow,
            &context,
            index,
            context.against[position],
            charts,
        )?;
    }
    if runs.len() > 1 {
        scenario_tables::pages(&mut flow, &context);
    }
    annex::pages(&mut flow, &context);
    let (pages, count) = flow.finish();

    let mut out = String::with_capacity(1 << 20);
    let title = format!("Rapport de financement — {}", reference.dataset.name);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"cofinance-pages\" content=\"{count}\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n",
        escape(&title),
        include_str!("style.css")
    );
    out.push_str(&pages);
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(out.into_bytes())
}

fn context<'r, 'a>(runs: &'r [Run<'a>], decisions: Option<&'r Decisions<'r>>) -> Context<'r, 'a> {
    let reference = &runs[0];
    let owners = &reference.dataset.owners;
    let results = &reference.outcome.owners;
    let mut communes: Vec<usize> = reference.dataset.communes().collect();
    let figure = |m: Option<Money>| m.unwrap_or(Money::ZERO);
    communes.sort_by(|&a, &b| {
        figure(results[b].shortfall)
            .cmp(&figure(results[a].shortfall))
            .then_with(|| figure(results[b].peak_gap).cmp(&figure(results[a].peak_gap)))
            .then_with(|| lookup::fold(&owners[a].name).cmp(&lookup::fold(&owners[b].name)))
            .then_with(|| owners[a].id.cmp(&owners[b].id))
    });
    let against = communes
        .iter()
        .map(|&index| {
            let id = &owners[index].id;
            let base = &results[index];
            let change = |run: &Run<'_>| {
                let Some(o) = run.dataset.owner_index(id) else {
                    return (0, 0);
                };
                let other = &run.outcome.owners[o];
                let distance = |x: Option<Money>, y: Option<Money>| {
                    (i128::from(figure(x).cents()) - i128::from(figure(y).cents())).abs()
                };
                (
                    distance(other.shortfall, base.shortfall),
                    distance(other.peak_gap, base.peak_gap),
                )
            };
            let mut best: Option<(usize, (i128, i128))> = None;
            for (i, run) in runs.iter().enumerate().skip(1) {
                let c = change(run);
                if c != (0, 0) && best.is_none_or(|(_, b)| c > b) {
                    best = Some((i, c));
                }
            }
            best.map(|(i, _)| i)
        })
        .collect();
    Context {
        runs,
        communes,
        against,
        decisions,
    }
}

/// A chart inline, its SVG sized by the page's width; and the height it takes, in tenths of a
/// millimetre, at `width_mm` wide and at most `max_mm` high.
pub(crate) fn figure_svg(figure: &Figure, width_mm: u32, max_mm: u32) -> Result<(String, u32)> {
    let failed = |reason: String| Error::Chart {
        chart: figure.title.clone(),
        reason: crate::error::Text::same(reason),
    };
    let svg = markup::inline_svg(figure.svg.clone(), &figure.title).map_err(failed)?;
    let (w, h) = markup::view_box_size(&svg).ok_or_else(|| failed("no viewBox size".into()))?;
    let height = (u64::from(width_mm) * 10 * u64::from(h))
        .div_ceil(u64::from(w.max(1)))
        .min(u64::from(max_mm) * 10);
    Ok((svg, u32::try_from(height).unwrap_or(u32::MAX)))
}
