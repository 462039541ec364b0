//! The language of what people read: French by default, English for `--lang en`. A leaf, so
//! that errors (below everything) can be worded in both; how each language writes numbers,
//! amounts and labels is in `crate::fr`.

/// The language of what people read. French unless asked otherwise (`--lang en`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// `fr` or `en`.
    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// `fr` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The French or the English text, whichever this language reads.
    pub fn pick<'t>(self, fr: &'t str, en: &'t str) -> &'t str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}
