//! Decision support (docs/decide.md): which uncertainties drive a commune's shortfall
//! ([`sensitivity`]), and how much extra money, from which funder, would remove it
//! ([`close_gap`]); [`readers`] puts both in one French sentence each for a commune's page.

pub mod close_gap;
pub mod output;
pub mod readers;
pub mod scenario;
pub mod sensitivity;
// The statistics live below the scenarios and the draws, which use them too (crate::stats);
// this path stays only for montecarlo.rs, until that file is free to name crate::stats.
pub use crate::stats;
