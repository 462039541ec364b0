//! The legend band under a chart's title: its entries and how each swatch is drawn.

use super::DrawError;
use super::draw::{hatch, line};
use super::page::{Page, anchored, text_width};
use crate::chart::style::{self, Dash, INK, size};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// How a legend entry is drawn.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Swatch {
    /// A line, possibly dashed, possibly with a dot on it.
    Line {
        colour: RGBColor,
        width: u32,
        dash: Dash,
        dot: bool,
    },
    /// A filled box, with diagonal stripes of another colour when `stripes` is set.
    Fill {
        colour: RGBColor,
        stripes: Option<RGBColor>,
        border: Option<RGBColor>,
    },
    /// A short vertical bar, the mark of a capacity.
    Tick { colour: RGBColor },
    /// A run's tag (`A`, `B`…), for rows labelled by tag.
    Tag(String),
}
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LegendItem {
    pub(crate) label: String,
    pub(crate) swatch: Swatch,
}

impl LegendItem {
    pub(crate) fn new(label: impl Into<String>, swatch: Swatch) -> LegendItem {
        LegendItem {
            label: label.into(),
            swatch,
        }
    }
}

const SWATCH_WIDTH: i32 = 44;
const SWATCH_GAP: i32 = 10;
const ITEM_GAP: i32 = 34;
const LEGEND_LINE: i32 = 36;
/// Lays the legend out in rows from `origin`, wrapping at `width`; returns its height.
pub(super) fn draw_legend<DB: DrawingBackend>(
    root: &Page<'_, DB>,
    items: &[LegendItem],
    origin: (i32, i32),
    width: i32,
) -> Result<i32, DrawError> {
    if items.is_empty() {
        return Ok(0);
    }
    let font = anchored(style::text(size::LEGEND, INK), HPos::Left, VPos::Center);
    let (mut x, mut y) = origin;
    for item in items {
        let item_width = SWATCH_WIDTH + SWATCH_GAP + text_width(root, &item.label, &font)?;
        if x > origin.0 && x + item_width > origin.0 + width {
            x = origin.0;
            y += LEGEND_LINE;
        }
        let middle = y + LEGEND_LINE / 2;
        draw_swatch(root, &item.swatch, (x, middle))?;
        root.draw_text(&item.label, &font, (x + SWATCH_WIDTH + SWATCH_GAP, middle))?;
        x += item_width + ITEM_GAP;
    }
    Ok(y + LEGEND_LINE - origin.1)
}

fn draw_swatch<DB: DrawingBackend>(
    root: &Page<'_, DB>,
    swatch: &Swatch,
    (x, middle): (i32, i32),
) -> Result<(), DrawError> {
    match *swatch {
        Swatch::Line {
            colour,
            width,
            dash,
            dot,
        } => {
            if style::needs_outline(colour) {
                line(
                    root,
                    &[(x, middle), (x + SWATCH_WIDTH, middle)],
                    INK,
                    width + 3,
                    dash,
                )?;
            }
            line(
                root,
                &[(x, middle), (x + SWATCH_WIDTH, middle)],
                colour,
                width,
                dash,
            )?;
            if dot {
                root.draw(&Circle::new(
                    (x + SWATCH_WIDTH / 2, middle),
                    6,
                    colour.filled(),
                ))?;
                root.draw(&Circle::new(
                    (x + SWATCH_WIDTH / 2, middle),
                    6,
                    INK.stroke_width(1),
                ))?;
            }
        }
        Swatch::Fill {
            colour,
            stripes,
            border,
        } => {
            let corners = [(x, middle - 11), (x + SWATCH_WIDTH, middle + 11)];
            root.draw(&Rectangle::new(corners, colour.filled()))?;
            if let Some(stripes) = stripes {
                hatch(root, corners, stripes)?;
            }
            if let Some(border) = border {
                root.draw(&Rectangle::new(corners, border.stroke_width(2)))?;
            }
        }
        Swatch::Tag(ref tag) => {
            root.draw(&Rectangle::new(
                [(x + 8, middle - 14), (x + SWATCH_WIDTH - 8, middle + 14)],
                INK.stroke_width(2),
            ))?;
            root.draw_text(
                tag,
                &anchored(style::bold(size::LEGEND, INK), HPos::Center, VPos::Center),
                (x + SWATCH_WIDTH / 2, middle),
            )?;
        }
        Swatch::Tick { colour } => {
            root.draw(&Rectangle::new(
                [
                    (x + SWATCH_WIDTH / 2 - 2, middle - 15),
                    (x + SWATCH_WIDTH / 2 + 2, middle + 15),
                ],
                colour.filled(),
            ))?;
        }
    }
    Ok(())
}
