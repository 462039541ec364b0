//! The workshop's state: the what-if controls, read from the query string (so that a link
//! reproduces the same result), and written as a scenario file that `cofinance run` reads.
//!
//! Every control is one query parameter with a French name; an empty value is the control
//! left at its default, an unknown parameter or a value out of range is refused with a
//! [`BadParam`] that names the parameter and what it accepts. The state becomes changes of the
//! kinds of `docs/scenarios.md` ([`WhatIf::toml`]); the studio runs that very text, so the
//! file downloaded gives what the page shows.
//!
//! Reading the query, writing it back as links and writing it as a scenario are kept in one
//! file, on purpose: each control's parameter name, bounds and default appear in all three,
//! and a control added to one and forgotten in another would give a link or a file that does
//! not reproduce the page. The tests at the end round-trip every control.

use crate::lookup;
use crate::model::{Dataset, OwnerKind, Profile, Year};
use rust_decimal::Decimal;
use std::fmt::{self, Write};
use std::str::FromStr;

/// The name of the scenario file the workshop writes.
pub const FILE_NAME: &str = "atelier.toml";

/// The last year the Région funds as before in the Région control ("after 2006").
pub const REGION_LAST_YEAR: Year = 2006;

/// The funder the Région control acts on.
pub const REGION: &str = "region";

/// The funder whose decision lag the workshop sets (the regional delegation of ANRU credits).
pub const ANRU: &str = "anru";

/// The families whose VAT the workshop's VAT control changes: housing works.
pub const VAT_FAMILIES: [&str; 3] = ["rehabilitation", "construction", "residentialisation"];

/// A parameter of the request that cannot be used: which, and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParam {
    pub param: String,
    pub message: String,
}

impl fmt::Display for BadParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "paramètre « {} » : {}", self.param, self.message)
    }
}

impl std::error::Error for BadParam {}

fn bad(param: &str, message: impl Into<String>) -> BadParam {
    BadParam {
        param: param.to_owned(),
        message: message.into(),
    }
}

/// What the Région does after [`REGION_LAST_YEAR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Region {
    /// As in the base.
    #[default]
    Base,
    /// No envelope and no rule any more.
    Stopped,
    /// Every later year gets the envelope of the last year.
    Constant,
    /// The envelope is raised by half.
    Increased,
}

impl Region {
    pub const ALL: [Region; 4] = [
        Region::Base,
        Region::Stopped,
        Region::Constant,
        Region::Increased,
    ];

    /// The value in the query string.
    pub fn code(self) -> &'static str {
        match self {
            Region::Base => "base",
            Region::Stopped => "arret",
            Region::Constant => "constant",
            Region::Increased => "hausse",
        }
    }

    /// What the control shows.
    pub fn label(self) -> &'static str {
        match self {
            Region::Base => "comme dans la base",
            Region::Stopped => "arrêt : plus d'enveloppe ni de règle",
            Region::Constant => "enveloppe constante (niveau de 2006)",
            Region::Increased => "enveloppe accrue de moitié",
        }
    }
}

/// One funder's envelope scaled over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub funder: String,
    /// Percent of the base envelope (100 is no change).
    pub percent: Decimal,
    pub from: Year,
    pub to: Year,
}

/// Credits frozen: a share of a funder's envelope over some years, perhaps given back later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freeze {
    pub funder: String,
    pub percent: Decimal,
    pub from: Year,
    pub to: Year,
    pub release: Option<Year>,
}

/// A funder that stops funding one commune (a rule at 0 % put first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub funder: String,
    pub commune: String,
}

/// The housing works' VAT rate from a year on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vat {
    pub percent: Decimal,
    pub from: Year,
}

/// A funder's payment terms (docs/engine.md, "Treasury"), in percent of the grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub funder: String,
    pub advance: Decimal,
    pub balance: Decimal,
    pub balance_lag: u32,
}

/// A funder's payment credits scaled, every year it has some.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credits {
    pub funder: String,
    /// Percent of the base's credits (100 is no change).
    pub percent: Decimal,
}

/// The communes' borrowing terms (the dataset's `[borrowing]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loans {
    /// The interest rate, in percent.
    pub rate: Decimal,
    pub years: u32,
    pub profile: Profile,
}

/// Every control of the workshop. The default is the base, unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WhatIf {
    /// The commune the page shows (its owner id), if one was chosen.
    pub commune: Option<String>,
    pub region: Region,
    /// Per funder, in the dataset's funder order; only those changed.
    pub envelopes: Vec<Envelope>,
    pub freeze: Option<Freeze>,
    pub exclusion: Option<Exclusion>,
    /// ANRU's decision lag in years, when changed.
    pub anru_lag: Option<u32>,
    pub vat: Option<Vat>,
    /// Years every operation starts later.
    pub delay: u32,
    /// Percent every cost is raised by (negative: lowered).
    pub overrun: Decimal,
    /// One funder's payment terms, when changed.
    pub payment: Option<Payment>,
    /// Per funder with payment credits, in the dataset's funder order; only those changed.
    pub credits: Vec<Credits>,
    /// The communes' borrowing terms, when changed.
    pub loans: Option<Loans>,
}

/// The years a funder has payment credits in, in order.
pub fn credit_years(dataset: &Dataset, funder: usize) -> Vec<Year> {
    dataset.funders[funder]
        .payment_credits
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_some())
        .map(|(i, _)| dataset.start_year + i as Year)
        .collect()
}

/// A rate as a percent (`0.045` → `4.5`).
fn percent_of(rate: crate::model::Rate) -> Decimal {
    (rate.to_decimal() * Decimal::ONE_HUNDRED).normalize()
}

/// The profile's value in the query string and its French label.
pub fn profile_code(profile: Profile) -> (&'static str, &'static str) {
    match profile {
        Profile::Annuity => ("annuite", "annuités constantes"),
        Profile::Linear => ("lineaire", "amortissement constant"),
    }
}

/// The raw values of a query string, by name, each given once.
#[derive(Debug, Default)]
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: &str) -> Result<Params, BadParam> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if pairs.iter().any(|(n, _)| *n == name) {
                return Err(bad(&name, "donné deux fois ; ne le donnez qu'une fois"));
            }
            pairs.push((name.into_owned(), value.trim().to_owned()));
        }
        Ok(Params(pairs))
    }

    /// A value, `None` when absent or empty; marks it read.
    fn take(&mut self, name: &str) -> Option<String> {
        let index = self.0.iter().position(|(n, _)| n == name)?;
        let (_, value) = self.0.remove(index);
        (!value.is_empty()).then_some(value)
    }
}

/// Names of the parameters the workshop reads, for the message on an unknown one.
pub fn parameter_names(dataset: &Dataset) -> Vec<String> {
    let mut names: Vec<String> = ["commune", "region"].map(str::to_owned).to_vec();
    for funder in &dataset.funders {
        for suffix in ["", ".de", ".a"] {
            names.push(format!("enveloppe.{}{suffix}", funder.id));
        }
    }
    names.extend(
        [
            "gel",
            "gel.part",
            "gel.de",
            "gel.a",
            "gel.deblocage",
            "exclusion.financeur",
            "exclusion.commune",
            "delai.anru",
            "tva",
            "tva.de",
            "retard",
            "surcout",
            "paiement",
            "paiement.avance",
            "paiement.solde",
            "paiement.delai",
        ]
        .map(str::to_owned),
    );
    for (f, funder) in dataset.funders.iter().enumerate() {
        if !credit_years(dataset, f).is_empty() {
            names.push(format!("credits.{}", funder.id));
        }
    }
    names.extend(["emprunt.taux", "emprunt.duree", "emprunt.profil"].map(str::to_owned));
    names
}

impl WhatIf {
    /// Reads the controls of a query string. `extra` names parameters the caller reads
    /// itself (they are accepted and left alone).
    pub fn parse(
        query: Option<&str>,
        dataset: &Dataset,
        extra: &[&str],
    ) -> Result<WhatIf, BadParam> {
        let mut params = Params::parse(query.unwrap_or(""))?;
        for name in extra {
            params.take(name);
        }
        let mut what = WhatIf::default();
        let (start, end) = (dataset.start_year, dataset.end_year);
        if let Some(value) = params.take("commune") {
            what.commune = Some(commune_id(dataset, "commune", &value)?);
        }
        if let Some(value) = params.take("region") {
            what.region = Region::ALL
                .into_iter()
                .find(|r| r.code() == value)
                .ok_or_else(|| {
                    bad(
                        "region",
                        format!(
                            "« {value} » n'est pas un choix ; valeurs acceptées : base, arret, constant, hausse"
                        ),
                    )
                })?;
            if what.region != Region::Base {
                if dataset.funder_index(REGION).is_none() {
                    return Err(bad(
                        "region",
                        format!("le jeu de données n'a pas de financeur « {REGION} »"),
                    ));
                }
                if !(start..end).contains(&REGION_LAST_YEAR) {
                    return Err(bad(
                        "region",
                        format!(
                            "l'horizon {start}-{end} ne contient pas {REGION_LAST_YEAR} et une année après"
                        ),
                    ));
                }
            }
        }
        for funder in &dataset.funders {
            let name = format!("enveloppe.{}", funder.id);
            let percent = params.take(&name);
            let from = params.take(&format!("{name}.de"));
            let to = params.take(&format!("{name}.a"));
            let Some(percent) = percent else {
                continue;
            };
            let percent = decimal(
                &name,
                &percent,
                Decimal::ZERO,
                Decimal::from(500),
                "un pourcentage de l'enveloppe de la base",
            )?;
            let (from, to) = period(&name, from, to, start, end, (start, end))?;
            if percent != Decimal::ONE_HUNDRED {
                what.envelopes.push(Envelope {
                    funder: funder.id.clone(),
                    percent,
                    from,
                    to,
                });
            }
        }
        let freeze_funder = params.take("gel");
        let share = params.take("gel.part");
        let from = params.take("gel.de");
        let to = params.take("gel.a");
        let release = params.take("gel.deblocage");
        if let Some(funder) = freeze_funder {
            let funder = funder_id(dataset, "gel", &funder)?;
            let percent = match share {
                Some(share) => decimal(
                    "gel.part",
                    &share,
                    Decimal::ONE,
                    Decimal::ONE_HUNDRED,
                    "un pourcentage des crédits gelés",
                )?,
                None => Decimal::from(50),
            };
            let first = (start + 1).min(end);
            let (from, to) = period("gel", from, to, start, end, (first, (first + 1).min(end)))?;
            let release = release
                .map(|value| year("gel.deblocage", &value, to + 1, end))
                .transpose()?;
            what.freeze = Some(Freeze {
                funder,
                percent,
                from,
                to,
                release,
            });
        }
        let funder = params.take("exclusion.financeur");
        let commune = params.take("exclusion.commune");
        match (funder, commune) {
            (None, None) => {}
            (Some(_), None) => {
                return Err(bad(
                    "exclusion.commune",
                    "manquant : nommez la commune que le financeur ne finance plus",
                ));
            }
            (None, Some(_)) => {
                return Err(bad(
                    "exclusion.financeur",
                    "manquant : nommez le financeur qui ne finance plus la commune",
                ));
            }
            (Some(funder), Some(commune)) => {
                what.exclusion = Some(Exclusion {
                    funder: funder_id(dataset, "exclusion.financeur", &funder)?,
                    commune: commune_id(dataset, "exclusion.commune", &commune)?,
                });
            }
        }
        if let Some(value) = params.take("delai.anru") {
            let Some(anru) = dataset.funder_index(ANRU) else {
                return Err(bad(
                    "delai.anru",
                    format!("le jeu de données n'a pas de financeur « {ANRU} »"),
                ));
            };
            let lag = integer("delai.anru", &value, 0, 5, "un nombre d'années")?;
            if lag != dataset.funders[anru].decision_lag_years {
                what.anru_lag = Some(lag);
            }
        }
        let vat = params.take("tva");
        let vat_from = params.take("tva.de");
        if let Some(value) = vat {
            let percent = decimal(
                "tva",
                &value,
                Decimal::ZERO,
                Decimal::from(50),
                "un taux de TVA en pourcentage",
            )?;
            let from = vat_from
                .map(|value| year("tva.de", &value, start, end))
                .transpose()?
                .unwrap_or(start);
            what.vat = Some(Vat { percent, from });
        }
        if let Some(value) = params.take("retard") {
            what.delay = integer("retard", &value, 0, 10, "un nombre d'années")?;
        }
        if let Some(value) = params.take("surcout") {
            what.overrun = decimal(
                "surcout",
                &value,
                Decimal::from(-50),
                Decimal::from(200),
                "un pourcentage du coût",
            )?;
        }
        what.payment = payment(&mut params, dataset)?;
        for (f, funder) in dataset.funders.iter().enumerate() {
            if credit_years(dataset, f).is_empty() {
                continue;
            }
            let name = format!("credits.{}", funder.id);
            if let Some(value) = params.take(&name) {
                let percent = decimal(
                    &name,
                    &value,
                    Decimal::ZERO,
                    Decimal::from(500),
                    "un pourcentage des crédits de paiement de la base",
                )?;
                if percent != Decimal::ONE_HUNDRED {
                    what.credits.push(Credits {
                        funder: funder.id.clone(),
                        percent,
                    });
                }
            }
        }
        what.loans = loans(&mut params, dataset)?;
        if let Some((name, _)) = params.0.first() {
            let mut names = parameter_names(dataset);
            names.extend(extra.iter().map(|&n| n.to_owned()));
            return Err(bad(
                name,
                format!(
                    "paramètre inconnu ; paramètres acceptés : {}",
                    names.join(", ")
                ),
            ));
        }
        Ok(what)
    }

    /// Whether no control changes the base (the commune shown aside).
    pub fn is_base(&self) -> bool {
        WhatIf {
            commune: self.commune.clone(),
            ..WhatIf::default()
        } == *self
    }

    /// The state as a query string (without `?`), controls in a fixed order, only those
    /// changed; empty for the base.
    pub fn query(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let Some(commune) = &self.commune {
            out.append_pair("commune", commune);
        }
        if self.region != Region::Base {
            out.append_pair("region", self.region.code());
        }
        for e in &self.envelopes {
            let name = format!("enveloppe.{}", e.funder);
            out.append_pair(&name, &e.percent.normalize().to_string());
            out.append_pair(&format!("{name}.de"), &e.from.to_string());
            out.append_pair(&format!("{name}.a"), &e.to.to_string());
        }
        if let Some(f) = &self.freeze {
            out.append_pair("gel", &f.funder);
            out.append_pair("gel.part", &f.percent.normalize().to_string());
            out.append_pair("gel.de", &f.from.to_string());
            out.append_pair("gel.a", &f.to.to_string());
            if let Some(release) = f.release {
                out.append_pair("gel.deblocage", &release.to_string());
            }
        }
        if let Some(x) = &self.exclusion {
            out.append_pair("exclusion.financeur", &x.funder);
            out.append_pair("exclusion.commune", &x.commune);
        }
        if let Some(lag) = self.anru_lag {
            out.append_pair("delai.anru", &lag.to_string());
        }
        if let Some(v) = &self.vat {
            out.append_pair("tva", &v.percent.normalize().to_string());
            out.append_pair("tva.de", &v.from.to_string());
        }
        if self.delay > 0 {
            out.append_pair("retard", &self.delay.to_string());
        }
        if !self.overrun.is_zero() {
            out.append_pair("surcout", &self.overrun.normalize().to_string());
        }
        if let Some(p) = &self.payment {
            out.append_pair("paiement", &p.funder);
            out.append_pair("paiement.avance", &p.advance.normalize().to_string());
            out.append_pair("paiement.solde", &p.balance.normalize().to_string());
            out.append_pair("paiement.delai", &p.balance_lag.to_string());
        }
        for c in &self.credits {
            out.append_pair(
                &format!("credits.{}", c.funder),
                &c.percent.normalize().to_string(),
            );
        }
        if let Some(l) = &self.loans {
            out.append_pair("emprunt.taux", &l.rate.normalize().to_string());
            out.append_pair("emprunt.duree", &l.years.to_string());
            out.append_pair("emprunt.profil", profile_code(l.profile).0);
        }
        out.finish()
    }

    /// The same state showing another commune (or none).
    pub fn with_commune(&self, commune: Option<&str>) -> WhatIf {
        WhatIf {
            commune: commune.map(str::to_owned),
            ..self.clone()
        }
    }

    /// One French phrase per change, in the order they are applied.
    pub fn phrases(&self, dataset: &Dataset) -> Vec<String> {
        let funder_name = |id: &str| {
            dataset
                .funder_index(id)
                .map_or_else(|| id.to_owned(), |f| dataset.funders[f].name.clone())
        };
        let mut out = Vec::new();
        match self.region {
            Region::Base => {}
            Region::Stopped => out.push(format!(
                "{} : arrêt après {REGION_LAST_YEAR} (plus d'enveloppe ni de règle)",
                funder_name(REGION)
            )),
            Region::Constant => out.push(format!(
                "{} : enveloppe constante après {REGION_LAST_YEAR}",
                funder_name(REGION)
            )),
            Region::Increased => out.push(format!(
                "{} : enveloppe accrue de moitié après {REGION_LAST_YEAR}",
                funder_name(REGION)
            )),
        }
        for e in &self.envelopes {
            out.push(format!(
                "{} : enveloppe à {} % de {} à {}",
                funder_name(&e.funder),
                percent_fr(e.percent),
                e.from,
                e.to
            ));
        }
        if let Some(f) = &self.freeze {
            out.push(format!(
                "{} : gel de {} % des crédits de {} à {}{}",
                funder_name(&f.funder),
                percent_fr(f.percent),
                f.from,
                f.to,
                f.release
                    .map_or_else(|| ", sans dégel".to_owned(), |y| format!(", dégel en {y}"))
            ));
        }
        if let Some(x) = &self.exclusion {
            let commune = dataset
                .owner_index(&x.commune)
                .map_or_else(|| x.commune.clone(), |o| dataset.owners[o].name.clone());
            out.push(format!(
                "{} ne finance plus rien à {commune}",
                funder_name(&x.funder)
            ));
        }
        if let Some(lag) = self.anru_lag {
            out.push(format!(
                "{} : décision {}",
                funder_name(ANRU),
                match lag {
                    0 => "l'année même de la demande".to_owned(),
                    1 => "un an après la demande".to_owned(),
                    n => format!("{n} ans après la demande"),
                }
            ));
        }
        if let Some(v) = &self.vat {
            out.push(format!(
                "TVA à {} % sur les travaux de logement dès {}",
                percent_fr(v.percent),
                v.from
            ));
        }
        if self.delay > 0 {
            out.push(format!(
                "toutes les opérations démarrent {} an{} plus tard",
                self.delay,
                if self.delay > 1 { "s" } else { "" }
            ));
        }
        if !self.overrun.is_zero() {
            out.push(format!(
                "coûts {} de {} %",
                if self.overrun.is_sign_negative() {
                    "réduits"
                } else {
                    "augmentés"
                },
                percent_fr(self.overrun.abs())
            ));
        }
        if let Some(p) = &self.payment {
            out.push(format!(
                "{} paie {} % d'avance à l'engagement, {} % de solde {} après la fin des travaux, le reste au fil des travaux",
                funder_name(&p.funder),
                percent_fr(p.advance),
                percent_fr(p.balance),
                match p.balance_lag {
                    0 => "l'année même".to_owned(),
                    1 => "un an".to_owned(),
                    n => format!("{n} ans"),
                }
            ));
        }
        for c in &self.credits {
            out.push(format!(
                "{} : crédits de paiement à {} % de la base",
                funder_name(&c.funder),
                percent_fr(c.percent)
            ));
        }
        if let Some(l) = &self.loans {
            out.push(format!(
                "les communes empruntent à {} % sur {} ans, en {}",
                percent_fr(l.rate),
                l.years,
                profile_code(l.profile).1
            ));
        }
        out
    }

    /// The scenario file of this state, on the base file named `base` (relative to the
    /// scenario's folder); `link` is the workshop's address of this state.
    pub fn toml(&self, dataset: &Dataset, base: &str, link: &str) -> String {
        let phrases = self.phrases(dataset);
        let name = if phrases.is_empty() {
            "Atelier : la base, sans changement".to_owned()
        } else {
            format!("Atelier : {}", phrases.join(" ; "))
        };
        let description = if phrases.is_empty() {
            "Scénario composé dans l'atelier de cofinance, sans changement de la base.".to_owned()
        } else {
            format!(
                "Scénario composé dans l'atelier de cofinance : {}.",
                phrases.join(" ; ")
            )
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Scénario composé dans l'atelier de cofinance (cofinance serve).\n\
             # Enregistrez-le dans le dossier du jeu de données, à côté de {base}, puis lancez\n\
             # cofinance run <dossier>/{FILE_NAME}\n\
             # Lien de l'atelier : {link}\n"
        );
        let _ = writeln!(out, "name = {}", quote(&name));
        let _ = writeln!(out, "description = {}", quote(&description));
        let _ = writeln!(out, "base = {}", quote(base));
        let end = dataset.end_year;
        let after = REGION_LAST_YEAR + 1;
        match self.region {
            Region::Base => {}
            Region::Stopped => {
                change(
                    &mut out,
                    "envelope",
                    &[
                        ("funder", quote(REGION)),
                        ("years", format!("{{ from = {after}, to = {end} }}")),
                        ("per_year", quote("0")),
                    ],
                );
                if let Some(f) = dataset.funder_index(REGION) {
                    for rule in &dataset.funders[f].rules {
                        change(
                            &mut out,
                            "disable-rule",
                            &[
                                ("funder", quote(REGION)),
                                ("rule", quote(&rule.id)),
                                ("from", after.to_string()),
                            ],
                        );
                    }
                }
            }
            Region::Constant => {
                let level = dataset
                    .funder_index(REGION)
                    .and_then(|f| {
                        dataset.funders[f]
                            .envelope
                            .get((REGION_LAST_YEAR - dataset.start_year) as usize)
                            .copied()
                    })
                    .unwrap_or_default();
                change(
                    &mut out,
                    "envelope",
                    &[
                        ("funder", quote(REGION)),
                        ("years", format!("{{ from = {after}, to = {end} }}")),
                        ("per_year", quote(&level.to_string())),
                    ],
                );
            }
            Region::Increased => change(
                &mut out,
                "envelope",
                &[
                    ("funder", quote(REGION)),
                    ("years", format!("{{ from = {after}, to = {end} }}")),
                    ("factor", quote("1.5")),
                ],
            ),
        }
        for e in &self.envelopes {
            change(
                &mut out,
                "envelope",
                &[
                    ("funder", quote(&e.funder)),
                    ("years", format!("{{ from = {}, to = {} }}", e.from, e.to)),
                    ("factor", quote(&fraction(e.percent))),
                ],
            );
        }
        if let Some(f) = &self.freeze {
            let mut fields = vec![
                ("funder", quote(&f.funder)),
                ("years", format!("{{ from = {}, to = {} }}", f.from, f.to)),
                ("share", quote(&fraction(f.percent))),
            ];
            if let Some(release) = f.release {
                fields.push(("release_year", release.to_string()));
            }
            change(&mut out, "freeze", &fields);
        }
        if let Some(x) = &self.exclusion {
            change(
                &mut out,
                "rule",
                &[
                    ("funder", quote(&x.funder)),
                    (
                        "rule",
                        format!(
                            "{{ id = {}, communes = [{}], rate = \"0\" }}",
                            quote(&format!("atelier-{}-hors-{}", x.funder, x.commune)),
                            quote(&x.commune)
                        ),
                    ),
                ],
            );
        }
        if let Some(lag) = self.anru_lag {
            change(
                &mut out,
                "funder",
                &[
                    ("funder", quote(ANRU)),
                    ("decision_lag_years", lag.to_string()),
                ],
            );
        }
        if let Some(v) = &self.vat {
            let families: Vec<String> = VAT_FAMILIES.iter().map(|f| quote(f)).collect();
            change(
                &mut out,
                "vat",
                &[
                    ("from", v.from.to_string()),
                    ("rate", quote(&fraction(v.percent))),
                    ("families", format!("[{}]", families.join(", "))),
                ],
            );
        }
        if self.delay > 0 {
            change(&mut out, "delay", &[("years", self.delay.to_string())]);
        }
        if !self.overrun.is_zero() {
            let factor = (Decimal::ONE + self.overrun / Decimal::ONE_HUNDRED).normalize();
            change(&mut out, "cost", &[("factor", quote(&factor.to_string()))]);
        }
        if let Some(p) = &self.payment {
            change(
                &mut out,
                "payment",
                &[
                    ("funder", quote(&p.funder)),
                    ("advance", quote(&fraction(p.advance))),
                    ("balance", quote(&fraction(p.balance))),
                    ("balance_lag_years", p.balance_lag.to_string()),
                ],
            );
        }
        for c in &self.credits {
            let years = dataset
                .funder_index(&c.funder)
                .map(|f| credit_years(dataset, f))
                .unwrap_or_default();
            let years: Vec<String> = years.iter().map(ToString::to_string).collect();
            change(
                &mut out,
                "payment-credits",
                &[
                    ("funder", quote(&c.funder)),
                    ("years", format!("[{}]", years.join(", "))),
                    ("factor", quote(&fraction(c.percent))),
                ],
            );
        }
        if let Some(l) = &self.loans {
            change(
                &mut out,
                "borrowing",
                &[
                    ("rate", quote(&fraction(l.rate))),
                    ("duration_years", l.years.to_string()),
                    ("profile", quote(l.profile.as_str())),
                ],
            );
        }
        out
    }
}

/// The payment-terms control: a funder, and its advance, balance and balance lag (each
/// defaulting to the funder's own).
fn payment(params: &mut Params, dataset: &Dataset) -> Result<Option<Payment>, BadParam> {
    let funder = params.take("paiement");
    let advance = params.take("paiement.avance");
    let balance = params.take("paiement.solde");
    let lag = params.take("paiement.delai");
    let Some(funder) = funder else {
        if advance.is_some() || balance.is_some() || lag.is_some() {
            return Err(bad(
                "paiement",
                "manquant : nommez le financeur dont les conditions de paiement changent",
            ));
        }
        return Ok(None);
    };
    let id = funder_id(dataset, "paiement", &funder)?;
    let terms = dataset.funders[dataset.funder_index(&id).unwrap_or(0)].payment;
    let share = |name: &str, value: Option<String>, current| match value {
        Some(v) => decimal(
            name,
            &v,
            Decimal::ZERO,
            Decimal::ONE_HUNDRED,
            "un pourcentage de la subvention",
        ),
        None => Ok(percent_of(current)),
    };
    let advance = share("paiement.avance", advance, terms.advance)?;
    let balance = share("paiement.solde", balance, terms.balance)?;
    let balance_lag = match lag {
        Some(v) => integer("paiement.delai", &v, 0, 10, "un nombre d'années")?,
        None => terms.balance_lag_years,
    };
    if advance + balance > Decimal::ONE_HUNDRED {
        return Err(bad(
            "paiement.solde",
            format!(
                "« {} » n'est pas accepté avec une avance de {} % ; attendu une avance et un solde qui font ensemble au plus 100 %",
                percent_fr(balance),
                percent_fr(advance)
            ),
        ));
    }
    if advance == percent_of(terms.advance)
        && balance == percent_of(terms.balance)
        && balance_lag == terms.balance_lag_years
    {
        return Ok(None);
    }
    Ok(Some(Payment {
        funder: id,
        advance,
        balance,
        balance_lag,
    }))
}

/// The borrowing control: the communes' rate, duration and profile (each defaulting to the
/// dataset's `[borrowing]`); `None` when it is the base's.
fn loans(params: &mut Params, dataset: &Dataset) -> Result<Option<Loans>, BadParam> {
    let rate = params.take("emprunt.taux");
    let years = params.take("emprunt.duree");
    let profile = params.take("emprunt.profil");
    if rate.is_none() && years.is_none() && profile.is_none() {
        return Ok(None);
    }
    let current = dataset.borrowing.unwrap_or_default();
    let rate = match rate {
        Some(v) => decimal(
            "emprunt.taux",
            &v,
            Decimal::ZERO,
            Decimal::from(20),
            "un taux d'intérêt en pourcentage",
        )?,
        None => current.rate.map(percent_of).ok_or_else(|| {
            bad(
                "emprunt.taux",
                "manquant : le jeu de données n'a pas de taux d'emprunt ; donnez-le",
            )
        })?,
    };
    let years = match years {
        Some(v) => integer("emprunt.duree", &v, 1, 50, "une durée en années")?,
        None => current.duration_years.ok_or_else(|| {
            bad(
                "emprunt.duree",
                "manquant : le jeu de données n'a pas de durée d'emprunt ; donnez-la",
            )
        })?,
    };
    let profile = match profile {
        Some(v) => [Profile::Annuity, Profile::Linear]
            .into_iter()
            .find(|p| profile_code(*p).0 == v)
            .ok_or_else(|| {
                bad(
                    "emprunt.profil",
                    format!("« {v} » n'est pas un choix ; valeurs acceptées : annuite, lineaire"),
                )
            })?,
        None => current.profile.unwrap_or(Profile::Annuity),
    };
    let loans = Loans {
        rate,
        years,
        profile,
    };
    let same = current.rate.map(percent_of) == Some(rate)
        && current.duration_years == Some(years)
        && current.profile.unwrap_or(Profile::Annuity) == profile;
    Ok((!same).then_some(loans))
}

/// One `[[change]]` table.
fn change(out: &mut String, kind: &str, fields: &[(&str, String)]) {
    let _ = writeln!(out, "\n[[change]]\nkind = {}", quote(kind));
    for (name, value) in fields {
        let _ = writeln!(out, "{name} = {value}");
    }
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A percent as the fraction scenario files take: `19.6` → `0.196`.
fn fraction(percent: Decimal) -> String {
    (percent / Decimal::ONE_HUNDRED).normalize().to_string()
}

/// `19,6`.
pub fn percent_fr(percent: Decimal) -> String {
    percent.normalize().to_string().replace('.', ",")
}

/// A decimal number with at most two decimals, within `[low, high]`; `,` or `.` as the
/// decimal mark, `%` allowed after it.
fn decimal(
    param: &str,
    value: &str,
    low: Decimal,
    high: Decimal,
    what: &str,
) -> Result<Decimal, BadParam> {
    let range = || {
        format!(
            "attendu {what} entre {} et {}, avec au plus deux décimales",
            percent_fr(low),
            percent_fr(high)
        )
    };
    let text = value.trim_end_matches('%').trim().replace(',', ".");
    let parsed = (text.len() <= 12)
        .then(|| Decimal::from_str(&text).ok())
        .flatten()
        .filter(|d| d.scale() <= 2 && *d >= low && *d <= high);
    parsed.ok_or_else(|| {
        bad(
            param,
            format!("« {value} » n'est pas accepté ; {}", range()),
        )
    })
}

/// A whole number within `[low, high]`.
fn integer(param: &str, value: &str, low: u32, high: u32, what: &str) -> Result<u32, BadParam> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (low..=high).contains(n))
        .ok_or_else(|| {
            bad(
                param,
                format!("« {value} » n'est pas accepté ; attendu {what}, entier de {low} à {high}"),
            )
        })
}

/// A year within `[low, high]`.
fn year(param: &str, value: &str, low: Year, high: Year) -> Result<Year, BadParam> {
    value
        .parse::<Year>()
        .ok()
        .filter(|y| (low..=high).contains(y))
        .ok_or_else(|| {
            bad(
                param,
                if low > high {
                    format!("« {value} » n'est pas accepté ; aucune année possible ici")
                } else {
                    format!("« {value} » n'est pas accepté ; attendu une année de {low} à {high}")
                },
            )
        })
}

/// The years `name.de` to `name.a`, within the horizon, in order.
fn period(
    name: &str,
    from: Option<String>,
    to: Option<String>,
    start: Year,
    end: Year,
    default: (Year, Year),
) -> Result<(Year, Year), BadParam> {
    let from_name = format!("{name}.de");
    let to_name = format!("{name}.a");
    let from = from
        .map(|v| year(&from_name, &v, start, end))
        .transpose()?
        .unwrap_or(default.0);
    let to = to
        .map(|v| year(&to_name, &v, start, end))
        .transpose()?
        .unwrap_or(default.1.max(from));
    if from > to {
        return Err(bad(
            &to_name,
            format!("{to} est avant {from} ; attendu une année de {from} à {end}"),
        ));
    }
    Ok((from, to))
}

/// A funder of the dataset, by id.
pub(super) fn funder_id(dataset: &Dataset, param: &str, value: &str) -> Result<String, BadParam> {
    match dataset.funder_index(value) {
        Some(f) => Ok(dataset.funders[f].id.clone()),
        None => Err(bad(
            param,
            format!(
                "« {value} » n'est pas un financeur du jeu de données ; valeurs acceptées : {}",
                dataset
                    .funders
                    .iter()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// A commune of the dataset, named as the `commune` command takes it (INSEE code or name).
fn commune_id(dataset: &Dataset, param: &str, value: &str) -> Result<String, BadParam> {
    if value.chars().count() > 100 {
        return Err(bad(
            param,
            "trop long ; donnez le nom ou le code INSEE d'une commune",
        ));
    }
    lookup::find(dataset, value)
        .map(|index| dataset.owners[index].id.clone())
        .map_err(|_| {
            let candidates = matching_communes(dataset, value);
            let hint = if candidates.is_empty() {
                "aucune commune ne correspond".to_owned()
            } else {
                format!(
                    "plusieurs communes correspondent : {}",
                    candidates.join(", ")
                )
            };
            bad(
                param,
                format!("« {value} » : {hint} ; donnez le nom ou le code INSEE d'une commune"),
            )
        })
}

/// The communes whose folded name contains what was typed (`Nom (code)`), for a message.
pub fn matching_communes(dataset: &Dataset, query: &str) -> Vec<String> {
    let wanted = lookup::fold(query);
    if wanted.is_empty() {
        return Vec::new();
    }
    dataset
        .owners
        .iter()
        .filter(|o| o.kind == OwnerKind::Commune && lookup::fold(&o.name).contains(&wanted))
        .map(|o| format!("{} ({})", o.name, o.id))
        .collect()
}
