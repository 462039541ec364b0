//! The closed lists of the model: families of operations and kinds of owners (ids only; their
//! names for people are in `crate::fr::labels`).

use std::fmt;

/// A family of operation. Stable ids in English for files; the names people read are in
/// `crate::fr::labels`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Demolition,
    Construction,
    Rehabilitation,
    Residentialisation,
    Roads,
    Amenities,
    Development,
    Engineering,
    Land,
}

impl Family {
    pub const COUNT: usize = 9;
    pub const ALL: [Family; Family::COUNT] = [
        Family::Demolition,
        Family::Construction,
        Family::Rehabilitation,
        Family::Residentialisation,
        Family::Roads,
        Family::Amenities,
        Family::Development,
        Family::Engineering,
        Family::Land,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Family::Demolition => "demolition",
            Family::Construction => "construction",
            Family::Rehabilitation => "rehabilitation",
            Family::Residentialisation => "residentialisation",
            Family::Roads => "roads",
            Family::Amenities => "amenities",
            Family::Development => "development",
            Family::Engineering => "engineering",
            Family::Land => "land",
        }
    }

    pub fn parse(id: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|family| family.id() == id)
    }

    pub fn ids() -> impl Iterator<Item = &'static str> {
        Family::ALL.into_iter().map(Family::id)
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Who an owner is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OwnerKind {
    Commune,
    Epci,
    Bailleur,
    Soginorpa,
    Other,
}

impl OwnerKind {
    pub const ALL: [OwnerKind; 5] = [
        OwnerKind::Commune,
        OwnerKind::Epci,
        OwnerKind::Bailleur,
        OwnerKind::Soginorpa,
        OwnerKind::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            OwnerKind::Commune => "commune",
            OwnerKind::Epci => "epci",
            OwnerKind::Bailleur => "bailleur",
            OwnerKind::Soginorpa => "soginorpa",
            OwnerKind::Other => "other",
        }
    }

    pub fn parse(id: &str) -> Option<OwnerKind> {
        OwnerKind::ALL.into_iter().find(|kind| kind.id() == id)
    }

    pub fn ids() -> impl Iterator<Item = &'static str> {
        OwnerKind::ALL.into_iter().map(OwnerKind::id)
    }
}

impl fmt::Display for OwnerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
