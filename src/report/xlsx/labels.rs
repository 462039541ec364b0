//! The French words the workbook writes in cells.

use crate::model::Shortage;

/// "None" (no year, no peak), the one word for it in the workbook.
pub(super) const NOT_ANY: &str = "aucune";

pub(super) fn shortage_french(shortage: Shortage) -> &'static str {
    match shortage {
        Shortage::FirstCome => "premier arrivé, premier servi",
        Shortage::ProRata => "au prorata des demandes",
        Shortage::Queue => "file d'attente",
    }
}

pub(super) fn yes_no(value: bool) -> &'static str {
    if value { "oui" } else { "non" }
}

pub(super) fn operations_count(count: usize) -> String {
    if count == 1 {
        "1 opération".to_owned()
    } else {
        format!("{count} opérations")
    }
}
