//! The page a chart is drawn on: picture formats and sizes, the drawing backends, text
//! measurement, and the header every chart opens with (title, subtitle, legend band). The page
//! also records where each piece of text and each line went ([`Layout`]), so that tests check
//! that no label covers another or a line.

use super::legend::{LegendItem, Swatch, draw_legend};
use crate::chart::style::{self, INK, MUTED, WHITE, size};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::cell::RefCell;
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
///
/// Every chart opens the same way: its title (the finding, in French), a subtitle (what is
/// measured, in which unit, for which dataset), and a legend of what is drawn; when runs are
/// compared, the legend ends with one entry per run. [`Picture::open`] draws that header from
/// the other methods and returns the room left for the chart.
pub(crate) trait Picture {
    /// The size to draw at, given the one asked for (charts with many rows grow taller).
    fn size(&self, asked: Size) -> Size {
        asked
    }

    /// The title: what the chart shows, said as a finding.
    fn title(&self) -> String;

    /// What is measured, in which unit, for which runs.
    fn subtitle(&self) -> String;

    /// The entries of what is drawn (series, marks), without the runs.
    fn legend(&self) -> Vec<LegendItem>;

    /// The labels of the runs compared, in order (the legend names them when there are two or
    /// more).
    fn runs(&self) -> Vec<String> {
        Vec::new()
    }

    /// How the legend shows the `index`-th compared run: its letter in a box, for charts whose
    /// rows are tagged; charts that draw runs as line styles say so here.
    fn run_swatch(&self, index: usize) -> Swatch {
        Swatch::Tag(super::tag(index))
    }

    /// Fills the page, draws the title, subtitle and legend, and returns the room left.
    fn open<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<Rect, DrawError> {
        let mut legend = self.legend();
        let runs = self.runs();
        if runs.len() > 1 {
            for (index, run) in runs.iter().enumerate() {
                let swatch = self.run_swatch(index);
                let label = match swatch {
                    Swatch::Tag(_) => run.clone(),
                    _ => format!("{} : {run}", super::tag(index)),
                };
                legend.push(LegendItem::new(label, swatch));
            }
        }
        page(
            root,
            &Header {
                title: &self.title(),
                subtitle: &self.subtitle(),
                legend: &legend,
            },
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &Page<'_, DB>) -> Result<(), DrawError>;
}

/// Where a drawing put its text and its lines, in page pixels: what the layout tests read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// Each piece of text and the box it covers.
    pub texts: Vec<(String, Rect)>,
    /// Each line drawn with [`super::line`] (curves, marks, legend swatches), as points.
    pub lines: Vec<Vec<(i32, i32)>>,
}

impl Layout {
    /// The pairs of texts whose boxes overlap.
    pub fn overlapping_texts(&self) -> Vec<(&str, &str)> {
        let mut pairs = Vec::new();
        for (i, (a, box_a)) in self.texts.iter().enumerate() {
            for (b, box_b) in &self.texts[i + 1..] {
                if box_a.overlaps(box_b) {
                    pairs.push((a.as_str(), b.as_str()));
                }
            }
        }
        pairs
    }

    /// The texts a line runs through.
    pub fn texts_on_lines(&self) -> Vec<&str> {
        self.texts
            .iter()
            .filter(|(_, b)| self.lines.iter().any(|line| b.crossed_by(line, 0)))
            .map(|(text, _)| text.as_str())
            .collect()
    }
}

/// A page being drawn: the drawing area, how its text is written, and what it recorded.
///
/// plotters 0.3.7 places bitmap glyphs without their left side bearing (letters such as `i`
/// or `N` drift left, words look broken), so on bitmaps the text is rasterised here with the
/// same embedded font and the same metrics; SVG keeps real `<text>` elements.
pub(crate) struct Page<'a, DB: DrawingBackend> {
    root: &'a DrawingArea<DB, Shift>,
    raster_text: bool,
    layout: RefCell<Layout>,
}

impl<DB: DrawingBackend> std::ops::Deref for Page<'_, DB> {
    type Target = DrawingArea<DB, Shift>;

    fn deref(&self) -> &Self::Target {
        self.root
    }
}

impl<'a, DB: DrawingBackend> Page<'a, DB> {
    fn new(root: &'a DrawingArea<DB, Shift>, raster_text: bool) -> Page<'a, DB> {
        Page {
            root,
            raster_text,
            layout: RefCell::new(Layout::default()),
        }
    }

    /// Writes `text` at `pos` (pixels), anchored as `style` says.
    pub(crate) fn draw_text(
        &self,
        text: &str,
        style: &TextStyle<'_>,
        pos: (i32, i32),
    ) -> Result<(), DrawError> {
        let (width, height) = self.root.estimate_text_size(text, style)?;
        let (width, height) = (width as i32, height as i32);
        let left = match style.pos.h_pos {
            HPos::Left => pos.0,
            HPos::Center => pos.0 - width / 2,
            HPos::Right => pos.0 - width,
        };
        let top = match style.pos.v_pos {
            VPos::Top => pos.1,
            VPos::Center => pos.1 - height / 2,
            VPos::Bottom => pos.1 - height,
        };
        self.layout.borrow_mut().texts.push((
            text.to_owned(),
            Rect {
                left,
                top,
                right: left + width,
                bottom: top + height,
            },
        ));
        if self.raster_text {
            crate::chart::glyphs::draw(self.root, text, style, pos)
        } else {
            Ok(self.root.draw_text(text, style, pos)?)
        }
    }

    /// Notes a line that text must not cover.
    pub(crate) fn record_line(&self, points: &[(i32, i32)]) {
        self.layout.borrow_mut().lines.push(points.to_vec());
    }
}

/// Where `picture` puts its text and lines when drawn at `asked`.
pub(crate) fn layout(picture: &impl Picture, asked: Size) -> Result<Layout, DrawError> {
    style::register_fonts().map_err(DrawError)?;
    let Size { width, height } = picture.size(asked);
    let mut text = String::new();
    let root = SVGBackend::with_string(&mut text, (width, height)).into_drawing_area();
    let page = Page::new(&root, false);
    picture.draw(&page)?;
    Ok(page.layout.into_inner())
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
                picture.draw(&Page::new(&root, true))?;
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
                picture.draw(&Page::new(&root, false))?;
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
/// The top of every chart: title, subtitle and legend.
#[derive(Clone, Debug)]
pub(crate) struct Header<'a> {
    pub(crate) title: &'a str,
    pub(crate) subtitle: &'a str,
    pub(crate) legend: &'a [LegendItem],
}

/// A rectangle in pixels of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
}

impl Rect {
    pub fn height(&self) -> i32 {
        self.bottom - self.top
    }

    pub fn width(&self) -> i32 {
        self.right - self.left
    }

    /// Whether the two rectangles share some area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }

    /// Whether the polyline `points` passes through the rectangle grown by `margin` pixels.
    pub fn crossed_by(&self, points: &[(i32, i32)], margin: i32) -> bool {
        let hits = |(x, y): (f64, f64)| {
            x > f64::from(self.left - margin)
                && x < f64::from(self.right + margin)
                && y > f64::from(self.top - margin)
                && y < f64::from(self.bottom + margin)
        };
        points.windows(2).any(|pair| {
            let (a, c) = (pair[0], pair[1]);
            let length = f64::from((c.0 - a.0).abs().max((c.1 - a.1).abs()));
            let steps = (length / 2.0).ceil().max(1.0) as i32;
            (0..=steps).any(|i| {
                let t = f64::from(i) / f64::from(steps);
                hits((
                    f64::from(a.0) + t * f64::from(c.0 - a.0),
                    f64::from(a.1) + t * f64::from(c.1 - a.1),
                ))
            })
        }) || (points.len() == 1 && hits((f64::from(points[0].0), f64::from(points[0].1))))
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
