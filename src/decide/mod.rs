//! Decision support (docs/decide.md): which uncertainties drive a commune's shortfall
//! ([`sensitivity`]), and how much extra money, from which funder, would remove it
//! ([`close_gap`]); [`readers`] puts both in one French sentence each for a commune's page.

pub mod close_gap;
pub mod readers;
pub mod scenario;
pub mod sensitivity;
