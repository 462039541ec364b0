//! Numbers exactly as written.
//!
//! Money and rates may be TOML strings (`"4200000.50"`), integers (`4_200_000`) or floats
//! (`0.35`). A float is read from its literal text in the file, never through `f64`, so `0.35`
//! is exactly 0.35; a float literal with more than 15 significant digits is refused all the
//! same (an `f64` reader could not honour it) with a request to quote it.

use super::raw::RawText;
use super::source::SourceFile;
use crate::error::{Problem, Result, Text};
use crate::model::{Money, Rate};
use crate::text;
use rust_decimal::Decimal;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::fmt;
use toml::Spanned;

/// A number as the deserializer saw it; floats are re-read from the file's text.
#[derive(Clone, Debug, PartialEq)]
pub enum RawNum {
    Text(RawText),
    Integer(i64),
    Float,
}

impl<'de> Deserialize<'de> for RawNum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawNum, D::Error> {
        struct NumVisitor;
        impl Visitor<'_> for NumVisitor {
            type Value = RawNum;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, or a decimal in quotes such as \"1250000.50\"")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<RawNum, E> {
                Ok(RawNum::Text(value.into()))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<RawNum, E> {
                Ok(RawNum::Integer(value))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<RawNum, E> {
                i64::try_from(value)
                    .map(RawNum::Integer)
                    .map_err(|_| E::custom("integer too large"))
            }
            fn visit_f64<E: de::Error>(self, _value: f64) -> Result<RawNum, E> {
                Ok(RawNum::Float)
            }
        }
        deserializer.deserialize_any(NumVisitor)
    }
}

/// The kind of a number, with its rules (docs/dataset.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumKind {
    /// Euros: at most 2 decimals, 0 ≤ x < 10^15.
    Money,
    /// A rate, cap or share: at most 6 decimals, in [0, 1].
    Rate,
    /// A modulation's `add`: at most 6 decimals, in [−1, 1].
    SignedRate,
    /// A scenario factor: ≥ 0, any precision `Decimal` holds.
    Factor,
}

/// Reads the exact decimal of a number field.
pub fn decimal(file: &SourceFile, field: &str, num: &Spanned<RawNum>) -> Result<Decimal> {
    let span = num.span();
    let bad = |message: Text| {
        file.error(
            &span,
            Problem::BadValue {
                field: field.to_owned(),
                message,
            },
        )
    };
    match num.get_ref() {
        RawNum::Integer(value) => Ok(Decimal::from(*value)),
        RawNum::Text(text) => parse_plain(text).ok_or_else(|| {
            bad(text!(
                fr: "« {text} » n'est pas un nombre ; écrivez un nombre décimal simple, par exemple \"1250000.50\" (des chiffres et un point pour les décimales : ni espace, ni signe, ni exposant)",
                en: "\"{text}\" is not a number; write a plain decimal such as \"1250000.50\" (digits and a dot for decimals: no spaces, sign or exponent)"
            ))
        }),
        RawNum::Float => {
            let literal = file.slice(&span).replace('_', "");
            if significant_digits(&literal) > 15 {
                return Err(bad(text!(
                    fr: "le nombre à virgule {literal} a plus de 15 chiffres significatifs et ne peut pas être lu exactement ; écrivez-le entre guillemets : \"{literal}\"",
                    en: "the float {literal} has more than 15 significant digits and cannot be read exactly; write it in quotes: \"{literal}\""
                )));
            }
            parse_decimal(&literal).ok_or_else(|| {
                if literal.parse::<f64>().is_ok_and(f64::is_finite) {
                    bad(text!(
                        fr: "{literal} est trop grand : aucun montant, taux ni facteur n'en approche (un montant est inférieur à 10^15 euros) ; vérifiez la valeur",
                        en: "{literal} is too large: no amount, rate or factor comes near it (money is below 10^15 euros); check the value"
                    ))
                } else {
                    bad(text!(
                        fr: "{literal} n'est pas un nombre fini ; écrivez un nombre décimal entre guillemets, par exemple \"0.35\"",
                        en: "{literal} is not a finite number; write a decimal in quotes such as \"0.35\""
                    ))
                }
            })
        }
    }
}

/// Reads a number of a given kind, checking its decimals and its range.
pub fn read(
    file: &SourceFile,
    field: &str,
    num: &Spanned<RawNum>,
    kind: NumKind,
) -> Result<Decimal> {
    let value = decimal(file, field, num)?;
    checked(value, kind).map_err(|message| {
        file.error(
            &num.span(),
            Problem::BadValue {
                field: field.to_owned(),
                message,
            },
        )
    })
}

/// `value` if it has the decimals and lies in the range of its kind, else why not: the one
/// check of a number, whether written in a file or set by a sweep.
pub fn checked(value: Decimal, kind: NumKind) -> std::result::Result<Decimal, Text> {
    let normal = value.normalize();
    let (max_decimals, what_fr, what_en) = match kind {
        NumKind::Money => (2, "un montant", "money"),
        NumKind::Rate | NumKind::SignedRate => (6, "un taux", "a rate"),
        NumKind::Factor => (28, "un facteur", "a factor"),
    };
    if normal.scale() > max_decimals {
        let decimals = normal.scale();
        return Err(text!(
            fr: "{value} a {decimals} décimales, mais {what_fr} en a au plus {max_decimals} ; arrondissez-le vous-même à {max_decimals} décimales",
            en: "{value} has {decimals} decimals, but {what_en} has at most {max_decimals}; round it to {max_decimals} decimals yourself"
        ));
    }
    let (low, high, rule_fr, rule_en) = match kind {
        NumKind::Money => (
            Decimal::ZERO,
            Decimal::from(1_000_000_000_000_000_i64),
            "un montant doit être au moins 0 et inférieur à 10^15 euros",
            "money must be at least 0 and below 10^15 euros",
        ),
        NumKind::Rate => (
            Decimal::ZERO,
            Decimal::ONE,
            "un taux est compris entre 0 et 1 (0.35 pour 35 %)",
            "a rate lies between 0 and 1 (0.35 for 35 %)",
        ),
        NumKind::SignedRate => (
            Decimal::NEGATIVE_ONE,
            Decimal::ONE,
            "une modulation ajoute entre -1 et 1 (0.10 pour dix points)",
            "a modulation adds between -1 and 1 (0.10 for ten points)",
        ),
        NumKind::Factor => (
            Decimal::ZERO,
            Decimal::from(1_000_000),
            "un facteur est compris entre 0 et 1000000",
            "a factor lies between 0 and 1000000",
        ),
    };
    let inside = value >= low
        && if kind == NumKind::Money {
            value < high
        } else {
            value <= high
        };
    if !inside {
        return Err(text!(
            fr: "{value} est hors limites : {rule_fr}",
            en: "{value} is out of range: {rule_en}"
        ));
    }
    Ok(value)
}

pub fn money(file: &SourceFile, field: &str, num: &Spanned<RawNum>) -> Result<Money> {
    if let Some(money) = plain_money(num.get_ref()) {
        return Ok(money);
    }
    let value = read(file, field, num, NumKind::Money)?;
    Ok(Money::from_decimal(value).expect("a checked money value fits in cents"))
}

pub fn rate(file: &SourceFile, field: &str, num: &Spanned<RawNum>) -> Result<Rate> {
    let value = read(file, field, num, NumKind::Rate)?;
    Ok(Rate::from_decimal(value).expect("a checked rate fits in millionths"))
}

pub fn signed_rate(file: &SourceFile, field: &str, num: &Spanned<RawNum>) -> Result<Rate> {
    let value = read(file, field, num, NumKind::SignedRate)?;
    Ok(Rate::from_decimal(value).expect("a checked rate fits in millionths"))
}

pub fn factor(file: &SourceFile, field: &str, num: &Spanned<RawNum>) -> Result<Decimal> {
    read(file, field, num, NumKind::Factor)
}

/// The amount of the commonest money values, read without a `Decimal`: a whole number below
/// 10^15, or up to 15 digits, a dot and one or two decimals. `None` for anything else, which
/// [`read`] then reads (and refuses, with its message, if it must).
fn plain_money(num: &RawNum) -> Option<Money> {
    const LIMIT: i64 = 1_000_000_000_000_000;
    match num {
        RawNum::Integer(euros) => (0..LIMIT)
            .contains(euros)
            .then(|| Money::from_cents(euros * 100)),
        RawNum::Text(text) => {
            let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
            let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
            if whole.is_empty()
                || whole.len() > 15
                || fraction.len() > 2
                || (fraction.is_empty() && text.len() != whole.len())
                || !digits(whole)
                || !digits(fraction)
            {
                return None;
            }
            let number = |part: &str| {
                part.bytes()
                    .fold(0_i64, |n, b| n * 10 + i64::from(b - b'0'))
            };
            let cents = match fraction.len() {
                0 => 0,
                1 => number(fraction) * 10,
                _ => number(fraction),
            };
            Some(Money::from_cents(number(whole) * 100 + cents))
        }
        RawNum::Float => None,
    }
}

/// A quoted decimal, read as strictly as docs/dataset.md says: an optional `-`, digits, and
/// optionally a dot followed by digits; `None` for anything else (spaces, `+`, exponents).
fn parse_plain(text: &str) -> Option<Decimal> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return None;
    }
    Decimal::from_str_exact(text).ok()
}

/// A decimal in plain or scientific notation; `None` for anything else (`inf`, `nan`, text).
fn parse_decimal(text: &str) -> Option<Decimal> {
    let text = text.strip_prefix('+').unwrap_or(text);
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E');
    if !text.chars().any(|c| c.is_ascii_digit()) || !text.chars().all(allowed) {
        return None;
    }
    if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str_exact(text).ok()
    }
}

/// Significant digits of a float literal's mantissa: leading and trailing zeros do not count.
fn significant_digits(literal: &str) -> usize {
    let mantissa = literal.split(['e', 'E']).next().unwrap_or("");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num_in(text: &str) -> (SourceFile, Spanned<RawNum>) {
        #[derive(serde::Deserialize)]
        struct Doc {
            x: Spanned<RawNum>,
        }
        let source = format!("x = {text}\n");
        let doc: Doc = toml::from_str(&source).unwrap();
        (SourceFile::new("t.toml", source), doc.x)
    }

    fn read_as(text: &str, kind: NumKind) -> Result<String, String> {
        let (file, num) = num_in(text);
        read(&file, "x", &num, kind)
            .map(|d| d.normalize().to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn floats_are_read_from_their_literal() {
        assert_eq!(read_as("0.35", NumKind::Rate).unwrap(), "0.35");
        assert_eq!(read_as("0.1", NumKind::Rate).unwrap(), "0.1");
        assert_eq!(read_as("1_000.5", NumKind::Money).unwrap(), "1000.5");
        assert_eq!(read_as("1.9e7", NumKind::Money).unwrap(), "19000000");
        assert_eq!(read_as("4_200_000", NumKind::Money).unwrap(), "4200000");
        assert_eq!(
            read_as("\"4200000.50\"", NumKind::Money).unwrap(),
            "4200000.5"
        );
    }

    #[test]
    fn reads_plain_money_as_the_decimal_reader_does() {
        let file = SourceFile::new("t.toml", "");
        for text in [
            "0",
            "5",
            "12.3",
            "12.30",
            "12.34",
            "999999999999999.99",
            "007.5",
            "1000000000000000",
            "12.345",
            "12.",
            ".5",
            "-1",
            "1e3",
            "12.340",
            "",
        ] {
            let num = Spanned::new(0..0, RawNum::Text(text.into()));
            let slow = read(&file, "cost", &num, NumKind::Money)
                .ok()
                .and_then(Money::from_decimal);
            if let Some(fast) = plain_money(num.get_ref()) {
                assert_eq!(Some(fast), slow, "{text}");
            }
            assert_eq!(money(&file, "cost", &num).ok(), slow, "{text}");
        }
        assert_eq!(
            plain_money(&RawNum::Text("12.3".into())),
            Some(Money::from_cents(1230))
        );
        assert_eq!(plain_money(&RawNum::Integer(-1)), None);
    }

    #[test]
    fn refuses_what_cannot_be_exact() {
        let long = read_as("123456789.123456789", NumKind::Money).unwrap_err();
        assert!(long.contains("more than 15 significant digits"), "{long}");
        assert!(long.contains("\"123456789.123456789\""), "{long}");
        let decimals = read_as("\"12.345\"", NumKind::Money).unwrap_err();
        assert!(
            decimals.contains("has 3 decimals, but money has at most 2"),
            "{decimals}"
        );
        let rate = read_as("\"0.1234567\"", NumKind::Rate).unwrap_err();
        assert!(rate.contains("at most 6"), "{rate}");
        assert!(
            read_as("1.5", NumKind::Rate)
                .unwrap_err()
                .contains("out of range: a rate lies between 0 and 1")
        );
        assert!(
            read_as("-1", NumKind::Money)
                .unwrap_err()
                .contains("money must be at least 0")
        );
        assert!(
            read_as("\"1 000\"", NumKind::Money)
                .unwrap_err()
                .contains("is not a number")
        );
        assert!(
            read_as("nan", NumKind::Money)
                .unwrap_err()
                .contains("not a finite number")
        );
        for loose in [
            "\" 800000\"",
            "\"800000 \"",
            "\"+800000\"",
            "\"8e5\"",
            "\"1_000\"",
            "\".5\"",
            "\"5.\"",
        ] {
            assert!(
                read_as(loose, NumKind::Money)
                    .unwrap_err()
                    .contains("is not a number"),
                "{loose}"
            );
        }
        assert!(
            read_as("1e300", NumKind::Money)
                .unwrap_err()
                .contains("1e300 is too large")
        );
        assert_eq!(read_as("-0.5", NumKind::SignedRate).unwrap(), "-0.5");
    }
}
