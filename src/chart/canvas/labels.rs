//! Label placement: labels at the end of curves spread apart, and boxed labels put where they
//! cover no line and no other label.

use super::page::{DrawError, Page, Rect, anchored};
use crate::chart::style::{self, WHITE, size};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A polyline in pixels, solid or dashed.
/// Labels at the right end of curves, `(text, colour, y of the curve's end, bold)`, drawn
/// from `x` and spread apart between `top` and `bottom` so that none covers another.
pub(crate) fn end_labels<DB: DrawingBackend>(
    area: &Page<'_, DB>,
    ends: &[(&str, RGBColor, i32, bool)],
    x: i32,
    top: i32,
    bottom: i32,
) -> Result<(), DrawError> {
    let mut positions: Vec<i32> = ends.iter().map(|&(_, _, y, _)| y).collect();
    spread(&mut positions, 28, top + 12, bottom - 12);
    for (&(text, colour, _, bold), y) in ends.iter().zip(positions) {
        let font = if bold {
            style::bold(size::NOTE, colour)
        } else {
            style::text(size::NOTE, colour)
        };
        area.draw_text(text, &anchored(font, HPos::Left, VPos::Center), (x, y))?;
    }
    Ok(())
}
/// Moves label positions (pixels, any order) apart so that consecutive ones are at least `gap`
/// apart, keeping them as close as possible to where they belong and inside `low..=high`.
pub(crate) fn spread(positions: &mut [i32], gap: i32, low: i32, high: i32) {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by_key(|&i| positions[i]);
    for k in 1..order.len() {
        let previous = positions[order[k - 1]];
        if positions[order[k]] < previous + gap {
            positions[order[k]] = previous + gap;
        }
    }
    if let Some(&last) = order.last() {
        let overflow = positions[last] - high;
        if overflow > 0 {
            for &i in &order {
                positions[i] -= overflow;
            }
        }
    }
    for k in (0..order.len().saturating_sub(1)).rev() {
        let next = positions[order[k + 1]];
        if positions[order[k]] > next - gap {
            positions[order[k]] = next - gap;
        }
    }
    for position in positions.iter_mut() {
        *position = (*position).max(low);
    }
}
/// Finds room for labels: the first candidate place whose box stays inside the bounds and
/// crosses no line and no label already placed.
#[derive(Clone, Debug)]
pub(crate) struct Placer {
    bounds: Rect,
    lines: Vec<Vec<(i32, i32)>>,
    boxes: Vec<Rect>,
}

impl Placer {
    pub(crate) fn new(bounds: Rect) -> Placer {
        Placer {
            bounds,
            lines: Vec::new(),
            boxes: Vec::new(),
        }
    }

    /// A polyline (pixels) labels must not cover.
    pub(crate) fn avoid_line(&mut self, points: Vec<(i32, i32)>) {
        self.lines.push(points);
    }

    /// A box of `size` at the first free candidate: each is an anchor point, the box left of
    /// it (`HPos::Right`), right of it (`HPos::Left`) or centred on it, vertically centred.
    /// When none is free, falls back on the first that covers no other label, then on the
    /// first inside the bounds. The box is then taken.
    pub(crate) fn place(&mut self, size: (i32, i32), candidates: &[((i32, i32), HPos)]) -> Rect {
        let boxes: Vec<Rect> = candidates
            .iter()
            .map(|&((x, y), h)| {
                let left = match h {
                    HPos::Left => x,
                    HPos::Center => x - size.0 / 2,
                    HPos::Right => x - size.0,
                };
                Rect {
                    left,
                    top: y - size.1 / 2,
                    right: left + size.0,
                    bottom: y - size.1 / 2 + size.1,
                }
            })
            .collect();
        let inside = |b: &Rect| {
            b.left >= self.bounds.left
                && b.right <= self.bounds.right
                && b.top >= self.bounds.top
                && b.bottom <= self.bounds.bottom
        };
        let chosen = boxes
            .iter()
            .find(|b| inside(b) && self.is_free(b))
            .or_else(|| boxes.iter().find(|b| inside(b) && !self.overlaps_label(b)))
            .or_else(|| boxes.iter().find(|b| inside(b)))
            .or(boxes.first())
            .copied()
            .unwrap_or(self.bounds);
        self.boxes.push(chosen);
        chosen
    }

    fn is_free(&self, b: &Rect) -> bool {
        !self.lines.iter().any(|line| b.crossed_by(line, 4)) && !self.overlaps_label(b)
    }

    fn overlaps_label(&self, b: &Rect) -> bool {
        self.boxes.iter().any(|o| o.overlaps(b))
    }
}

/// A label on a white box, in the rectangle a [`Placer`] gave.
pub(crate) fn boxed_label<DB: DrawingBackend>(
    root: &Page<'_, DB>,
    text: &str,
    font: TextStyle<'static>,
    place: Rect,
) -> Result<(), DrawError> {
    root.draw(&Rectangle::new(
        [(place.left, place.top), (place.right, place.bottom)],
        WHITE.mix(0.9).filled(),
    ))?;
    root.draw_text(
        text,
        &anchored(font, HPos::Left, VPos::Center),
        (
            place.left + LABEL_PADDING,
            i32::midpoint(place.top, place.bottom),
        ),
    )
}

/// The room around a boxed label's text.
pub(crate) const LABEL_PADDING: i32 = 6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_labels_apart_within_bounds() {
        let mut positions = [100, 105, 300];
        spread(&mut positions, 20, 0, 1000);
        assert_eq!(positions, [100, 120, 300]);
        let mut crowded = [990, 995, 1000];
        spread(&mut crowded, 20, 0, 1000);
        assert_eq!(crowded, [960, 980, 1000]);
        let mut unordered = [50, 10, 12];
        spread(&mut unordered, 10, 0, 1000);
        assert_eq!(unordered, [50, 10, 20]);
    }

    #[test]
    fn places_labels_away_from_lines_and_each_other() {
        let bounds = Rect {
            left: 0,
            top: 0,
            right: 1000,
            bottom: 1000,
        };
        let mut placer = Placer::new(bounds);
        placer.avoid_line(vec![(0, 500), (1000, 500)]);
        let candidates = [((500, 505), HPos::Left), ((500, 300), HPos::Left)];
        let first = placer.place((100, 30), &candidates);
        assert_eq!(first.top, 285, "the box on the line is skipped");
        let second = placer.place(
            (100, 30),
            &[((500, 300), HPos::Left), ((500, 200), HPos::Center)],
        );
        assert_eq!(
            (second.left, second.top),
            (450, 185),
            "the first box is taken"
        );
        let outside = placer.place(
            (100, 30),
            &[((990, 100), HPos::Left), ((990, 100), HPos::Right)],
        );
        assert_eq!(outside.right, 990, "boxes stay inside the bounds");
    }
}
