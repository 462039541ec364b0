//! Numbers as readers write them, on plain integers (cents, counts), so that `model` can
//! format its own amounts through this one place without depending on the rest of `fr`.
//!
//! French typography (Imprimerie nationale, *Lexique des règles typographiques*): digits are
//! grouped by three with a **narrow no-break space** (U+202F, *espace fine insécable*), the
//! decimal mark is a comma, and the unit (`€`, `%`, `M€`) follows after the same narrow
//! no-break space, so that `1 234 567,89 €` never breaks across lines. English groups with a
//! comma, marks decimals with a point and writes the euro sign first (`€1,234,567.89`).

/// The French thousands separator and space before a unit: U+202F NARROW NO-BREAK SPACE.
pub const THIN: char = '\u{202F}';

/// How `n` reads with its digits grouped by three: `1 234 567` (French, U+202F) or
/// `1,234,567` (English).
pub fn grouped(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// The parts of a signed fixed-point number: `-`, the whole part grouped, the fraction of
/// `decimals` digits (`scaled` is the number times 10^decimals, already rounded).
pub(crate) fn fixed(scaled: i128, decimals: u32, separator: char, mark: char) -> String {
    let unit = 10_u128.pow(decimals);
    let abs = scaled.unsigned_abs();
    let sign = if scaled < 0 { "-" } else { "" };
    let whole = grouped((abs / unit) as u64, separator);
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        let fraction = abs % unit;
        format!(
            "{sign}{whole}{mark}{fraction:0width$}",
            width = decimals as usize
        )
    }
}

/// Cents, French, without the unit: `1 234 567,89` (U+202F between thousands).
pub fn cents_fr(cents: i64) -> String {
    fixed(i128::from(cents), 2, THIN, ',')
}

/// Cents, French, with the euro sign: `1 234 567,89 €`.
pub fn euros_fr(cents: i64) -> String {
    format!("{}{THIN}€", cents_fr(cents))
}

/// A rate given in millionths as a percentage, exactly, with `mark` for decimals: `35,5`.
fn rate_number(millionths: i64, mark: char) -> String {
    let percent = rust_decimal::Decimal::new(millionths, 4).normalize();
    percent.to_string().replace('.', &mark.to_string())
}

/// A rate given in millionths, French: `35,5 %`.
pub fn rate_fr(millionths: i64) -> String {
    format!("{}{THIN}%", rate_number(millionths, ','))
}

/// A rate given in millionths, English: `35.5%`.
pub fn rate_en(millionths: i64) -> String {
    format!("{}%", rate_number(millionths, '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_three_with_the_french_narrow_space() {
        assert_eq!(grouped(0, THIN), "0");
        assert_eq!(grouped(999, THIN), "999");
        assert_eq!(grouped(1_000, THIN), "1\u{202F}000");
        assert_eq!(grouped(1_234_567, ','), "1,234,567");
        assert_eq!(euros_fr(123_456_789), "1\u{202F}234\u{202F}567,89\u{202F}€");
        assert_eq!(euros_fr(-5), "-0,05\u{202F}€");
    }
}
