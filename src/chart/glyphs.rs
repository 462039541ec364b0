//! Text on bitmaps, rasterised with the embedded `DejaVu Sans`.
//!
//! plotters' own bitmap text (0.3.7, `ab_glyph` feature) drops each glyph's left side bearing,
//! which breaks words apart ("AN AH", "subventi ons"). Here every glyph is placed at its pen
//! position plus kerning, with sub-pixel accuracy, and blended pixel by pixel. The metrics are
//! those plotters measures with (`size` pixels per em-height, the same advances and kerning),
//! so widths computed with [`super::canvas::text_width`] hold.

use super::canvas::DrawError;
use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, VPos};
use std::sync::OnceLock;

fn font(bold: bool) -> Result<&'static FontRef<'static>, DrawError> {
    static REGULAR: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    static BOLD: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    let (cell, bytes) = if bold {
        (&BOLD, dejavu::sans::bold())
    } else {
        (&REGULAR, dejavu::sans::regular())
    };
    cell.get_or_init(|| FontRef::try_from_slice(bytes).ok())
        .as_ref()
        .ok_or_else(|| DrawError("the embedded font could not be read".to_owned()))
}

/// Draws `text` at `pos`, anchored as `style` says, in its colour.
pub(crate) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    pos: (i32, i32),
) -> Result<(), DrawError> {
    let font = font(matches!(style.font.get_style(), FontStyle::Bold))?;
    let scale = PxScale::from(style.font.get_size() as f32);
    let scaled = font.as_scaled(scale);

    let mut width = 0.0_f32;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(previous) = previous {
            width += scaled.kern(previous, id);
        }
        width += scaled.h_advance(id);
        previous = Some(id);
    }
    let left = pos.0 as f32
        - match style.pos.h_pos {
            HPos::Left => 0.0,
            HPos::Center => width / 2.0,
            HPos::Right => width,
        };
    let (ascent, descent) = (scaled.ascent(), scaled.descent());
    let baseline = pos.1 as f32
        + match style.pos.v_pos {
            VPos::Top => ascent,
            VPos::Center => f32::midpoint(ascent, descent),
            VPos::Bottom => descent,
        };

    let colour = style.color;
    let (r, g, b) = colour.rgb;
    let mut result = Ok(());
    let mut caret = left;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(previous) = previous {
            caret += scaled.kern(previous, id);
        }
        let glyph = id.with_scale_and_position(scale, point(caret, baseline));
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|x, y, coverage| {
                if coverage <= 0.0 || result.is_err() {
                    return;
                }
                let at = (
                    bounds.min.x as i32 + x as i32,
                    bounds.min.y as i32 + y as i32,
                );
                let shade = RGBAColor(r, g, b, f64::from(coverage.min(1.0)) * colour.alpha);
                if let Err(error) = root.draw_pixel(at, &shade) {
                    result = Err(DrawError::from(error));
                }
            });
        }
        caret += scaled.h_advance(id);
        previous = Some(id);
    }
    result
}
