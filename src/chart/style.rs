//! Colours, fonts and sizes shared by every chart.
//!
//! **One palette, one meaning per colour** ([`PALETTE`], documented in docs/charts.md): a
//! funder keeps its colour in every chart, and what is not a funder's money — the communes'
//! share, the part their capacity covers, the part it does not, requests refused, FCTVA,
//! credits lost — has a colour no funder has. The funders' colours are Okabe–Ito, except the
//! Caisse des Dépôts in indigo (Okabe–Ito's black is the ink of envelopes and capacities).
//! The table is checked under simulated deuteranopia and protanopia (Machado, Oliveira and
//! Fernandes, 2009): every two colours drawn in the same chart stay apart by a CIEDE2000
//! distance of at least 10 (see the tests below). Where a second shade of one
//! meaning is needed (a landlord's share beside a commune's, a scenario's bars beside the
//! reference's) it is lighter and striped, never another hue.

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
/// Indigo, for the seventh funder: far from black ink and from every other colour, even
/// without the red–green sense.
pub(crate) const INDIGO: RGBColor = RGBColor(51, 34, 136);

/// Text, axes, and the reference lines: envelopes, capacities, exhaustion years.
pub(crate) const INK: RGBColor = RGBColor(33, 33, 33);
pub(crate) const MUTED: RGBColor = RGBColor(90, 90, 90);
pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);
pub(crate) const WHITE: RGBColor = RGBColor(255, 255, 255);

/// FCTVA refunds: a light neutral grey, so that they read as "given back", not as a funder.
pub(crate) const FCTVA: RGBColor = RGBColor(200, 200, 200);
/// The communes' (and EPCI's) share: what they pay themselves.
pub(crate) const RESIDUAL: RGBColor = VERMILLION;
/// The part of the communes' share their capacity covers.
pub(crate) const COVERED: RGBColor = RGBColor(245, 210, 180);
/// A need the commune's capacity does not cover: the shortfall, the gap.
pub(crate) const NOT_COVERED: RGBColor = RGBColor(160, 0, 0);
/// Requests lowered or refused for want of envelope.
pub(crate) const REFUSED: RGBColor = RGBColor(64, 96, 96);
/// The stripes of credits not committed and lost at the year's end (drawn on white: the
/// empty part of the year's envelope).
pub(crate) const LAPSED: RGBColor = RGBColor(150, 150, 150);
/// The capacity of a commune (lines and ticks).
pub(crate) const CAPACITY: RGBColor = INK;

/// The funders' colours by id, for the default dataset's funders.
pub(crate) const FUNDERS: [(&str, RGBColor); 7] = [
    ("girzom", ORANGE),
    ("anru", BLUE),
    ("anah", BLUISH_GREEN),
    ("region", REDDISH_PURPLE),
    ("dept59", SKY_BLUE),
    ("dept62", YELLOW),
    ("cdc", INDIGO),
];

/// Every meaning and its colour, in French, as docs/charts.md lists them.
pub(crate) const PALETTE: [(&str, RGBColor); 14] = [
    ("GIRZOM", ORANGE),
    ("ANRU", BLUE),
    ("ANAH", BLUISH_GREEN),
    ("Région", REDDISH_PURPLE),
    ("Département du Nord", SKY_BLUE),
    ("Département du Pas-de-Calais", YELLOW),
    ("Caisse des Dépôts", INDIGO),
    ("Reste à charge des communes et EPCI", RESIDUAL),
    ("Couvert par la capacité", COVERED),
    ("Besoin non couvert", NOT_COVERED),
    ("Demandes réduites ou refusées", REFUSED),
    ("FCTVA", FCTVA),
    ("Crédits non engagés, perdus (rayures)", LAPSED),
    ("Enveloppes, capacités, textes", INK),
];

/// Colours for funders whose id is not one of the default dataset's, by position.
const OTHERS: [RGBColor; 7] = [
    BLUE,
    ORANGE,
    BLUISH_GREEN,
    REDDISH_PURPLE,
    SKY_BLUE,
    YELLOW,
    INDIGO,
];

/// The fixed colour of a funder: by id for the default dataset's funders, otherwise by its
/// position among the funders whose id is unknown.
pub(crate) fn funder_colour(id: &str, unknown_position: usize) -> RGBColor {
    FUNDERS
        .iter()
        .find(|(known, _)| *known == id)
        .map_or(OTHERS[unknown_position % OTHERS.len()], |&(_, colour)| {
            colour
        })
}

/// Whether `id` has a colour of its own.
pub(crate) fn is_known_funder(id: &str) -> bool {
    FUNDERS.iter().any(|(known, _)| *known == id)
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

/// The lighter shade of a funder's colour for requests pushed to the next year (striped in
/// the funder's colour).
pub(crate) fn waiting_colour(funder: RGBColor) -> RGBColor {
    tint(funder, 0.6)
}

/// The residual of landlords and other owners: light and striped with the communes' colour,
/// so that it reads as an owner's share without outweighing the communes'.
pub(crate) fn others_colour() -> RGBColor {
    tint(RESIDUAL, 0.72)
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

    /// The least CIEDE2000 distance between two colours drawn in the same chart, in normal
    /// vision and under simulated deuteranopia and protanopia.
    const MIN_DISTANCE: f64 = 10.0;

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
    fn tints_go_toward_white() {
        assert_eq!(tint(INK, 0.0), INK);
        assert_eq!(tint(INK, 1.0), WHITE);
        assert_eq!(tint(RGBColor(0, 100, 200), 0.5), RGBColor(128, 178, 228));
    }

    /// Machado, Oliveira and Fernandes (2009), severity 1, on linear RGB.
    const DEUTERANOPIA: [[f64; 3]; 3] = [
        [0.367_322, 0.860_646, -0.227_968],
        [0.280_085, 0.672_501, 0.047_413],
        [-0.011_820, 0.042_940, 0.968_881],
    ];
    const PROTANOPIA: [[f64; 3]; 3] = [
        [0.152_286, 1.052_583, -0.204_868],
        [0.114_503, 0.786_281, 0.099_216],
        [-0.003_882, -0.048_116, 1.051_998],
    ];
    const NORMAL: [[f64; 3]; 3] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

    fn linear(c: u8) -> f64 {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    /// CIELAB (D65) of `colour` as seen through `vision`.
    #[allow(clippy::many_single_char_names)]
    fn lab(colour: RGBColor, vision: &[[f64; 3]; 3]) -> [f64; 3] {
        let rgb = [linear(colour.0), linear(colour.1), linear(colour.2)];
        let seen: Vec<f64> = vision
            .iter()
            .map(|row| (0..3).map(|j| row[j] * rgb[j]).sum::<f64>().clamp(0.0, 1.0))
            .collect();
        let (r, g, b) = (seen[0], seen[1], seen[2]);
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.950_47;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.088_83;
        let f = |t: f64| {
            if t > 0.008_856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        let (fx, fy, fz) = (f(x), f(y), f(z));
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    /// CIEDE2000 colour difference.
    fn ciede2000([l1, a1, b1]: [f64; 3], [l2, a2, b2]: [f64; 3]) -> f64 {
        let c_bar = f64::midpoint(a1.hypot(b1), a2.hypot(b2));
        let g = 0.5 * (1.0 - (c_bar.powi(7) / (c_bar.powi(7) + 25_f64.powi(7))).sqrt());
        let (a1, a2) = ((1.0 + g) * a1, (1.0 + g) * a2);
        let (c1, c2) = (a1.hypot(b1), a2.hypot(b2));
        let hue = |b: f64, a: f64| b.atan2(a).to_degrees().rem_euclid(360.0);
        let (h1, h2) = (hue(b1, a1), hue(b2, a2));
        let dh = if c1 * c2 == 0.0 {
            0.0
        } else if (h2 - h1).abs() <= 180.0 {
            h2 - h1
        } else if h2 - h1 > 180.0 {
            h2 - h1 - 360.0
        } else {
            h2 - h1 + 360.0
        };
        let big_dh = 2.0 * (c1 * c2).sqrt() * (dh.to_radians() / 2.0).sin();
        let l_bar = f64::midpoint(l1, l2);
        let c_bar = f64::midpoint(c1, c2);
        let h_bar = if c1 * c2 == 0.0 {
            h1 + h2
        } else if (h1 - h2).abs() <= 180.0 {
            f64::midpoint(h1, h2)
        } else if h1 + h2 < 360.0 {
            (h1 + h2 + 360.0) / 2.0
        } else {
            (h1 + h2 - 360.0) / 2.0
        };
        let cos = |deg: f64| deg.to_radians().cos();
        let t = 1.0 - 0.17 * cos(h_bar - 30.0)
            + 0.24 * cos(2.0 * h_bar)
            + 0.32 * cos(3.0 * h_bar + 6.0)
            - 0.20 * cos(4.0 * h_bar - 63.0);
        let d_theta = 30.0 * (-((h_bar - 275.0) / 25.0).powi(2)).exp();
        let r_c = 2.0 * (c_bar.powi(7) / (c_bar.powi(7) + 25_f64.powi(7))).sqrt();
        let s_l = 1.0 + 0.015 * (l_bar - 50.0).powi(2) / (20.0 + (l_bar - 50.0).powi(2)).sqrt();
        let s_c = 1.0 + 0.045 * c_bar;
        let s_h = 1.0 + 0.015 * c_bar * t;
        let r_t = -(2.0 * d_theta).to_radians().sin() * r_c;
        let (dl, dc, dh) = ((l2 - l1) / s_l, (c2 - c1) / s_c, big_dh / s_h);
        (dl * dl + dc * dc + dh * dh + r_t * dc * dh).sqrt()
    }

    /// The pairs of `colours` closer than [`MIN_DISTANCE`] in some vision.
    fn confusable(colours: &[(&str, RGBColor)]) -> Vec<String> {
        let visions = [
            ("normal", NORMAL),
            ("deutéranopie", DEUTERANOPIA),
            ("protanopie", PROTANOPIA),
        ];
        let mut pairs = Vec::new();
        for (name, vision) in &visions {
            for (i, (a, ca)) in colours.iter().enumerate() {
                for (b, cb) in &colours[i + 1..] {
                    let distance = ciede2000(lab(*ca, vision), lab(*cb, vision));
                    if distance < MIN_DISTANCE {
                        pairs.push(format!("{a} / {b} ({name}: {distance:.1})"));
                    }
                }
            }
        }
        pairs
    }

    #[test]
    fn the_simulation_reproduces_known_confusions() {
        // Red and green, far apart in normal vision, fall together without the red–green
        // sense; blue and yellow stay apart: the simulation is not a no-op.
        let (red, green) = (RGBColor(200, 60, 40), RGBColor(110, 130, 40));
        assert!(ciede2000(lab(red, &NORMAL), lab(green, &NORMAL)) > 40.0);
        assert!(ciede2000(lab(red, &DEUTERANOPIA), lab(green, &DEUTERANOPIA)) < 3.0);
        let (orange, olive) = (VERMILLION, RGBColor(100, 130, 0));
        assert!(ciede2000(lab(orange, &NORMAL), lab(olive, &NORMAL)) > 40.0);
        assert!(ciede2000(lab(orange, &PROTANOPIA), lab(olive, &PROTANOPIA)) < 4.0);
        assert!(ciede2000(lab(BLUE, &NORMAL), lab(BLUE, &NORMAL)).abs() < 1e-9);
        // The colours the previous palette confused under deuteranopia.
        let old_fctva = RGBColor(170, 170, 170);
        assert!(
            ciede2000(
                lab(REDDISH_PURPLE, &DEUTERANOPIA),
                lab(old_fctva, &DEUTERANOPIA)
            ) < 10.0
        );
    }

    #[test]
    fn colours_drawn_together_stay_apart_for_colour_blind_readers() {
        // Who pays what: every funder, FCTVA, the communes' and the other owners' shares.
        let mut payers: Vec<(&str, RGBColor)> = PALETTE[..7].to_vec();
        payers.extend([
            ("FCTVA", FCTVA),
            ("communes", RESIDUAL),
            ("autres", others_colour()),
            ("fond", WHITE),
        ]);
        assert_eq!(confusable(&payers), Vec::<String>::new());
        // Residuals and the commune over time.
        let communes = [
            ("couvert", COVERED),
            ("non couvert", NOT_COVERED),
            ("communes", RESIDUAL),
            ("FCTVA", FCTVA),
            ("capacité", CAPACITY),
        ];
        assert_eq!(confusable(&communes), Vec::<String>::new());
        // Each funder's envelope: its colour, its shade for the requests pushed back, the
        // refused requests, the envelope's ink.
        for &(name, colour) in &PALETTE[..7] {
            let envelope = [
                (name, colour),
                ("reportées", waiting_colour(colour)),
                ("refusées", REFUSED),
                ("enveloppe", INK),
            ];
            assert_eq!(confusable(&envelope), Vec::<String>::new(), "{name}");
        }
    }

    #[test]
    fn no_meaning_borrows_a_funders_colour() {
        let meanings = [
            RESIDUAL,
            COVERED,
            NOT_COVERED,
            REFUSED,
            FCTVA,
            INK,
            others_colour(),
        ];
        for &(funder, colour) in &PALETTE[..7] {
            for meaning in meanings {
                assert!(
                    ciede2000(lab(colour, &NORMAL), lab(meaning, &NORMAL)) >= MIN_DISTANCE,
                    "{funder}"
                );
            }
        }
        let mut seen: Vec<RGBColor> = Vec::new();
        for (meaning, colour) in PALETTE {
            assert!(!seen.contains(&colour), "{meaning} has a colour of its own");
            seen.push(colour);
        }
    }
}
