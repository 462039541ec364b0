//! Colours, fonts and sizes shared by every chart.
//!
//! The palette is Okabe–Ito, readable with the common colour-vision deficiencies and in grey on
//! paper. Each funder keeps one colour in every chart: the known ids of the default dataset
//! have theirs, other funders take the remaining colours by position. The residual ("reste à
//! charge") is always vermillion, FCTVA always grey; where a second kind of residual has to be
//! told apart it is lighter and striped rather than given another hue.

use plotters::style::{Color, FontStyle, RGBColor, TextStyle};
use std::sync::OnceLock;

/// Okabe–Ito.
pub(crate) const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub(crate) const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
pub(crate) const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
pub(crate) const YELLOW: RGBColor = RGBColor(240, 228, 66);
pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(crate) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub(crate) const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
pub(crate) const BLACK: RGBColor = RGBColor(0, 0, 0);

/// Text, axes and the envelope lines.
pub(crate) const INK: RGBColor = RGBColor(33, 33, 33);
pub(crate) const MUTED: RGBColor = RGBColor(90, 90, 90);
pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);
pub(crate) const WHITE: RGBColor = RGBColor(255, 255, 255);

/// FCTVA refunds: a neutral grey, so that they read as "given back", not as a funder.
pub(crate) const FCTVA: RGBColor = RGBColor(170, 170, 170);
/// The residual paid by owners.
pub(crate) const RESIDUAL: RGBColor = VERMILLION;
/// The capacity of a commune (lines and ticks).
pub(crate) const CAPACITY: RGBColor = INK;

/// Colours for funders whose id is not one of the default dataset's, by position.
const OTHERS: [RGBColor; 7] = [
    BLUE,
    ORANGE,
    BLUISH_GREEN,
    REDDISH_PURPLE,
    SKY_BLUE,
    YELLOW,
    BLACK,
];

/// The fixed colour of a funder: by id for the default dataset's funders, otherwise by its
/// position among the funders whose id is unknown.
pub(crate) fn funder_colour(id: &str, unknown_position: usize) -> RGBColor {
    match id {
        "girzom" => ORANGE,
        "anru" => BLUE,
        "anah" => BLUISH_GREEN,
        "region" => REDDISH_PURPLE,
        "dept59" => SKY_BLUE,
        "dept62" => YELLOW,
        "cdc" => BLACK,
        _ => OTHERS[unknown_position % OTHERS.len()],
    }
}

/// Whether `id` has a colour of its own.
pub(crate) fn is_known_funder(id: &str) -> bool {
    matches!(
        id,
        "girzom" | "anru" | "anah" | "region" | "dept59" | "dept62" | "cdc"
    )
}

/// Colours for funders listed in order: known ids get theirs, the others the palette by position.
pub(crate) fn funder_colours<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<RGBColor> {
    let mut unknown = 0;
    ids.into_iter()
        .map(|id| {
            if is_known_funder(id) {
                funder_colour(id, 0)
            } else {
                unknown += 1;
                funder_colour(id, unknown - 1)
            }
        })
        .collect()
}

/// `colour` moved toward white by `amount` (0 = unchanged, 1 = white).
pub(crate) fn tint(colour: RGBColor, amount: f64) -> RGBColor {
    let mix = |c: u8| {
        let c = f64::from(c);
        (c + (255.0 - c) * amount).round() as u8
    };
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

/// Whether a colour is too light to stand alone on white (Okabe–Ito yellow): lines and fills in
/// it get a dark outline.
pub(crate) fn needs_outline(colour: RGBColor) -> bool {
    text_on(colour) == INK && colour.1 > 200
}

/// White or ink, whichever reads better on `background`.
pub(crate) fn text_on(background: RGBColor) -> RGBColor {
    let luminance = 0.299 * f64::from(background.0)
        + 0.587 * f64::from(background.1)
        + 0.114 * f64::from(background.2);
    if luminance < 140.0 { WHITE } else { INK }
}

/// How the lines of the n-th run (scenario) are drawn, so that comparisons keep each funder's
/// colour: solid, dashed, dotted, long dashes, then again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dash {
    Solid,
    Dashed,
    Dotted,
    Long,
}

impl Dash {
    pub(crate) fn of_run(index: usize) -> Dash {
        [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::Long][index % 4]
    }

    /// Dash length and gap, in pixels; `None` for a solid line.
    pub(crate) fn pattern(self) -> Option<(u32, u32)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((16, 9)),
            Dash::Dotted => Some((4, 7)),
            Dash::Long => Some((34, 10)),
        }
    }
}

/// How much lighter the bars of the n-th run are, so grouped bars tell scenarios apart.
pub(crate) fn run_tint(index: usize) -> f64 {
    [0.0, 0.45, 0.7, 0.25][index % 4]
}

/// The family every chart writes with; registered once from the embedded `DejaVu Sans`.
pub(crate) const FAMILY: &str = "sans-serif";

/// Registers the embedded fonts (regular and bold) for the whole process, once. Without this,
/// plotters has no font at all (no system font is ever looked up).
pub(crate) fn register_fonts() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular())
                .map_err(|_| "the embedded regular font could not be read".to_owned())?;
            plotters::style::register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold())
                .map_err(|_| "the embedded bold font could not be read".to_owned())
        })
        .clone()
}

/// Regular text of `size` pixels.
pub(crate) fn text(size: f64, colour: RGBColor) -> TextStyle<'static> {
    TextStyle {
        color: colour.to_backend_color(),
        ..TextStyle::from((FAMILY, size))
    }
}

/// Bold text of `size` pixels.
pub(crate) fn bold(size: f64, colour: RGBColor) -> TextStyle<'static> {
    TextStyle {
        color: colour.to_backend_color(),
        ..TextStyle::from((FAMILY, size, FontStyle::Bold))
    }
}

/// Font sizes, in pixels, for a 1600 × 900 picture; they are read from across a room.
pub(crate) mod size {
    pub(crate) const TITLE: f64 = 40.0;
    pub(crate) const SUBTITLE: f64 = 25.0;
    pub(crate) const LEGEND: f64 = 23.0;
    pub(crate) const TICK: f64 = 22.0;
    pub(crate) const AXIS: f64 = 23.0;
    pub(crate) const NOTE: f64 = 22.0;
    pub(crate) const MARGIN: i32 = 28;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_funder_keeps_its_colour_whatever_the_others() {
        let alone = funder_colours(["anru"]);
        let among = funder_colours(["girzom", "x", "anru", "y"]);
        assert_eq!(alone[0], among[2]);
        assert_eq!(among[0], ORANGE);
        assert_eq!(among[1], OTHERS[0]);
        assert_eq!(among[3], OTHERS[1]);
    }

    #[test]
    fn the_default_funders_have_distinct_colours() {
        let colours = funder_colours([
            "girzom", "anru", "anah", "region", "dept59", "dept62", "cdc",
        ]);
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[i + 1..] {
                assert_ne!(a, b);
            }
            assert_ne!(*a, RESIDUAL);
            assert_ne!(*a, FCTVA);
        }
    }

    #[test]
    fn tints_go_toward_white() {
        assert_eq!(tint(BLACK, 0.0), BLACK);
        assert_eq!(tint(BLACK, 1.0), WHITE);
        assert_eq!(tint(RGBColor(0, 100, 200), 0.5), RGBColor(128, 178, 228));
    }
}
