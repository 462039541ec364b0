//! The cell formats: one set per kind of row (plain, total, not financed).

use super::{MONEY_FORMAT, MONEY_OR_BLANK_FORMAT, RATE_FORMAT};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

/// The formats of one kind of row.
#[derive(Debug)]
pub(super) struct Cells {
    pub(super) text: Format,
    /// Text in a column of numbers ("jamais", "aucune", "non financée"), aligned with them.
    pub(super) text_right: Format,
    pub(super) money: Format,
    /// Money that shows nothing when it is zero (a total of grants of a funder that does
    /// not take part).
    pub(super) money_or_blank: Format,
    pub(super) rate: Format,
    pub(super) year: Format,
}

impl Cells {
    pub(super) fn new(base: &Format) -> Cells {
        Cells {
            text: base.clone(),
            text_right: base.clone().set_align(FormatAlign::Right),
            money: base.clone().set_num_format(MONEY_FORMAT),
            money_or_blank: base.clone().set_num_format(MONEY_OR_BLANK_FORMAT),
            rate: base.clone().set_num_format(RATE_FORMAT),
            year: base.clone().set_num_format("0"),
        }
    }
}

#[derive(Debug)]
pub(super) struct Styles {
    pub(super) title: Format,
    pub(super) note: Format,
    pub(super) heading: Format,
    pub(super) group: Format,
    pub(super) header: Format,
    pub(super) plain: Cells,
    pub(super) total: Cells,
    pub(super) not_financed: Cells,
}

impl Styles {
    pub(super) fn new() -> Styles {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0x00DD_EBF7))
            .set_border(FormatBorder::Thin);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x0059_5959)),
            heading: Format::new().set_bold().set_font_size(12),
            group: header.clone().set_background_color(Color::RGB(0x00BD_D7EE)),
            header,
            plain: Cells::new(&Format::new()),
            total: Cells::new(
                &Format::new()
                    .set_bold()
                    .set_background_color(Color::RGB(0x00F2_F2F2))
                    .set_border_top(FormatBorder::Thin),
            ),
            not_financed: Cells::new(
                &Format::new()
                    .set_italic()
                    .set_background_color(Color::RGB(0x00FC_E4D6)),
            ),
        }
    }
}
