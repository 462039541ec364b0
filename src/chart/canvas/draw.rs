//! Lines and hatching in page pixels.

use super::page::{DrawError, Page};
use crate::chart::style::Dash;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

pub(crate) fn line<DB: DrawingBackend>(
    area: &Page<'_, DB>,
    points: &[(i32, i32)],
    colour: RGBColor,
    width: u32,
    dash: Dash,
) -> Result<(), DrawError> {
    area.record_line(points);
    let style = colour.stroke_width(width);
    match dash.pattern() {
        None => area.draw(&PathElement::new(points.to_vec(), style))?,
        Some((length, gap)) => area.draw(&DashedPathElement::new(
            points.iter().copied(),
            length as i32,
            gap as i32,
            style,
        ))?,
    }
    Ok(())
}

/// White diagonal stripes over the rectangle `corners` (pixels), to tell a fill apart without
/// another colour.
pub(crate) fn hatch<DB: DrawingBackend>(
    area: &Page<'_, DB>,
    corners: [(i32, i32); 2],
    colour: RGBColor,
) -> Result<(), DrawError> {
    const SPACING: i32 = 9;
    let (x0, x1) = (
        corners[0].0.min(corners[1].0),
        corners[0].0.max(corners[1].0),
    );
    let (y0, y1) = (
        corners[0].1.min(corners[1].1),
        corners[0].1.max(corners[1].1),
    );
    if x1 - x0 < 2 || y1 - y0 < 2 {
        return Ok(());
    }
    // Lines x − y = c, from the top-left corner to the bottom-right one.
    let mut c = x0 - y1 + SPACING / 2;
    while c < x1 - y0 {
        let top = y0.max(x0 - c);
        let bottom = y1.min(x1 - c);
        if bottom > top {
            area.draw(&PathElement::new(
                vec![(top + c, top), (bottom + c, bottom)],
                colour.stroke_width(2),
            ))?;
        }
        c += SPACING;
    }
    Ok(())
}
