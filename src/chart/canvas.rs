//! Turning a drawing into bytes, and what every chart draws the same way: the white page, the
//! title and subtitle, the legend band under them (never on the data), dashed lines, hatching,
//! and labels pushed apart so they do not overlap.

use super::style::{self, Dash, INK, MUTED, WHITE, size};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fmt;

/// What went wrong while drawing: always a bug or a missing font, never the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawError(pub String);

impl fmt::Display for DrawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DrawError {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(error: DrawingAreaErrorKind<E>) -> DrawError {
        DrawError(error.to_string())
    }
}

/// The picture formats a chart is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImageFormat {
    /// A bitmap with the embedded font, as it will look on a slide.
    Png,
    /// Vector, for print; the viewer draws the text with its own sans-serif font.
    Svg,
}

impl ImageFormat {
    pub const BOTH: [ImageFormat; 2] = [ImageFormat::Png, ImageFormat::Svg];

    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Svg => "svg",
        }
    }
}

/// A picture's size in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Size {
    /// 16:9, the shape of a slide.
    pub const DEFAULT: Size = Size {
        width: 1600,
        height: 900,
    };
}

impl Default for Size {
    fn default() -> Size {
        Size::DEFAULT
    }
}

/// Something that draws itself on a page of any backend.
pub(crate) trait Picture {
    /// The size to draw at, given the one asked for (charts with many rows grow taller).
    fn size(&self, asked: Size) -> Size {
        asked
    }

    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError>;
}

/// A page being drawn: the drawing area, and how its text is written.
///
/// plotters 0.3.7 places bitmap glyphs without their left side bearing (letters such as `i`
/// or `N` drift left, words look broken), so on bitmaps the text is rasterised here with the
/// same embedded font and the same metrics; SVG keeps real `<text>` elements.
pub(crate) struct Page<'a, DB: DrawingBackend> {
    root: &'a DrawingArea<DB, Shift>,
    raster_text: bool,
}

impl<DB: DrawingBackend> std::ops::Deref for Page<'_, DB> {
    type Target = DrawingArea<DB, Shift>;

    fn deref(&self) -> &Self::Target {
        self.root
    }
}

impl<DB: DrawingBackend> Page<'_, DB> {
    /// Writes `text` at `pos` (pixels), anchored as `style` says.
    pub(crate) fn draw_text(
        &self,
        text: &str,
        style: &TextStyle<'_>,
        pos: (i32, i32),
    ) -> Result<(), DrawError> {
        if self.raster_text {
            super::glyphs::draw(self.root, text, style, pos)
        } else {
            Ok(self.root.draw_text(text, style, pos)?)
        }
    }
}

/// The bytes of `picture` in `format`.
pub(crate) fn render(
    picture: &impl Picture,
    format: ImageFormat,
    asked: Size,
) -> Result<Vec<u8>, DrawError> {
    style::register_fonts().map_err(DrawError)?;
    let Size { width, height } = picture.size(asked);
    match format {
        ImageFormat::Png => {
            let mut pixels = vec![255_u8; width as usize * height as usize * 3];
            {
                let root =
                    BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
                picture.draw(&Page {
                    root: &root,
                    raster_text: true,
                })?;
                root.present()?;
            }
            let mut bytes = Vec::new();
            image::ImageEncoder::write_image(
                image::codecs::png::PngEncoder::new(&mut bytes),
                &pixels,
                width,
                height,
                image::ColorType::Rgb8,
            )
            .map_err(|e| DrawError(format!("cannot encode the PNG: {e}")))?;
            Ok(bytes)
        }
        ImageFormat::Svg => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, (width, height)).into_drawing_area();
                picture.draw(&Page {
                    root: &root,
                    raster_text: false,
                })?;
                root.present()?;
            }
            Ok(text.into_bytes())
        }
    }
}

/// The width in pixels of `text` written in `style`.
pub(crate) fn text_width<DB: DrawingBackend>(
    area: &Page<'_, DB>,
    text: &str,
    style: &TextStyle<'_>,
) -> Result<i32, DrawError> {
    Ok(area.estimate_text_size(text, style)?.0 as i32)
}

/// The widest of `texts` in `style`.
pub(crate) fn widest<DB: DrawingBackend, S: AsRef<str>>(
    area: &Page<'_, DB>,
    texts: &[S],
    style: &TextStyle<'_>,
) -> Result<i32, DrawError> {
    let mut widest = 0;
    for text in texts {
        widest = widest.max(text_width(area, text.as_ref(), style)?);
    }
    Ok(widest)
}

/// `style` at an anchor.
pub(crate) fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle {
        pos: Pos::new(h, v),
        ..style
    }
}

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

pub(crate) use crate::runs::tag;

/// The tag of a compared run by its label.
pub(crate) fn run_tag(runs: &[String], run: &str) -> String {
    tag(runs.iter().position(|r| r == run).unwrap_or(0))
}

/// Legend entries naming the tagged runs, when comparing (none for a single run).
pub(crate) fn run_legend(runs: &[String]) -> Vec<LegendItem> {
    if runs.len() < 2 {
        return Vec::new();
    }
    runs.iter()
        .enumerate()
        .map(|(i, run)| LegendItem::new(run.clone(), Swatch::Tag(tag(i))))
        .collect()
}

/// End-of-line labels: one per distinct `(kind, value)`, naming the runs that share it.
pub(crate) fn merged_ends<K: PartialEq + Copy>(
    values: &[(K, usize, crate::model::Money)],
    runs: usize,
) -> Vec<(K, crate::model::Money, String)> {
    let mut merged: Vec<(K, crate::model::Money, Vec<usize>)> = Vec::new();
    for &(kind, run, value) in values {
        match merged
            .iter_mut()
            .find(|(k, v, _)| *k == kind && *v == value)
        {
            Some((_, _, indices)) => indices.push(run),
            None => merged.push((kind, value, vec![run])),
        }
    }
    merged
        .into_iter()
        .map(|(kind, value, indices)| (kind, value, tags_suffix(&indices, runs)))
        .collect()
}

/// `(A, B)`: the tags of the runs that share a value, or nothing when all do.
pub(crate) fn tags_suffix(indices: &[usize], runs: usize) -> String {
    if runs < 2 || indices.len() == runs {
        String::new()
    } else {
        let tags: Vec<String> = indices.iter().map(|&i| tag(i)).collect();
        format!(" ({})", tags.join(", "))
    }
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

/// The top of every chart: title, subtitle and legend.
#[derive(Clone, Debug)]
pub(crate) struct Header<'a> {
    pub(crate) title: &'a str,
    pub(crate) subtitle: &'a str,
    pub(crate) legend: &'a [LegendItem],
}

const SWATCH_WIDTH: i32 = 44;
const SWATCH_GAP: i32 = 10;
const ITEM_GAP: i32 = 34;
const LEGEND_LINE: i32 = 36;

/// A rectangle in pixels of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rect {
    pub(crate) left: i32,
    pub(crate) top: i32,
    pub(crate) right: i32,
    pub(crate) bottom: i32,
}

impl Rect {
    pub(crate) fn height(&self) -> i32 {
        self.bottom - self.top
    }

    pub(crate) fn width(&self) -> i32 {
        self.right - self.left
    }
}

/// Fills the page, draws the header and returns the rectangle left for the chart.
pub(crate) fn page<DB: DrawingBackend>(
    root: &Page<'_, DB>,
    header: &Header<'_>,
) -> Result<Rect, DrawError> {
    root.fill(&WHITE)?;
    let (width, height) = root.dim_in_pixel();
    let usable = width as i32 - 2 * size::MARGIN;
    let mut title_size = size::TITLE;
    while title_size > 24.0
        && text_width(root, header.title, &style::bold(title_size, INK))? > usable
    {
        title_size -= 2.0;
    }
    let mut y = size::MARGIN;
    root.draw_text(
        header.title,
        &style::bold(title_size, INK),
        (size::MARGIN, y),
    )?;
    y += title_size as i32 + 10;
    if !header.subtitle.is_empty() {
        let mut subtitle_size = size::SUBTITLE;
        while subtitle_size > 16.0
            && text_width(root, header.subtitle, &style::text(subtitle_size, MUTED))? > usable
        {
            subtitle_size -= 1.0;
        }
        root.draw_text(
            header.subtitle,
            &style::text(subtitle_size, MUTED),
            (size::MARGIN, y),
        )?;
        y += subtitle_size as i32 + 14;
    }
    y += draw_legend(root, header.legend, (size::MARGIN, y), usable)?;
    Ok(Rect {
        left: size::MARGIN,
        top: y + 14,
        right: width as i32 - size::MARGIN,
        bottom: height as i32 - size::MARGIN,
    })
}

/// Lays the legend out in rows from `origin`, wrapping at `width`; returns its height.
fn draw_legend<DB: DrawingBackend>(
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

pub(crate) fn line<DB: DrawingBackend>(
    area: &Page<'_, DB>,
    points: &[(i32, i32)],
    colour: RGBColor,
    width: u32,
    dash: Dash,
) -> Result<(), DrawError> {
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

/// A note in the middle of a rectangle, for a chart with nothing to show there.
pub(crate) fn centred_note<DB: DrawingBackend>(
    root: &Page<'_, DB>,
    rect: Rect,
    note: &str,
) -> Result<(), DrawError> {
    root.draw_text(
        note,
        &anchored(style::text(size::NOTE, MUTED), HPos::Center, VPos::Center),
        (
            i32::midpoint(rect.left, rect.right),
            i32::midpoint(rect.top, rect.bottom),
        ),
    )?;
    Ok(())
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
        let hits = |(x, y): (f64, f64)| {
            x >= f64::from(b.left - 4)
                && x <= f64::from(b.right + 4)
                && y >= f64::from(b.top - 4)
                && y <= f64::from(b.bottom + 4)
        };
        let crosses = self.lines.iter().any(|line| {
            line.windows(2).any(|pair| {
                let (a, c) = (pair[0], pair[1]);
                let length = f64::from((c.0 - a.0).abs().max((c.1 - a.1).abs()));
                let steps = (length / 3.0).ceil().max(1.0) as i32;
                (0..=steps).any(|i| {
                    let t = f64::from(i) / f64::from(steps);
                    hits((
                        f64::from(a.0) + t * f64::from(c.0 - a.0),
                        f64::from(a.1) + t * f64::from(c.1 - a.1),
                    ))
                })
            })
        });
        !crosses && !self.overlaps_label(b)
    }

    fn overlaps_label(&self, b: &Rect) -> bool {
        self.boxes
            .iter()
            .any(|o| o.left < b.right && b.left < o.right && o.top < b.bottom && b.top < o.bottom)
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
    fn tags_runs_by_letter() {
        assert_eq!(tag(0), "A");
        assert_eq!(tag(25), "Z");
        assert_eq!(tag(26), "A2");
        assert_eq!(tags_suffix(&[0, 1], 2), "");
        assert_eq!(tags_suffix(&[1], 3), " (B)");
        assert_eq!(tags_suffix(&[0], 1), "");
    }

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
