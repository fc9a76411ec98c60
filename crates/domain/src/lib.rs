//! The rules of two-new (两新) party building, free of storage and HTTP.
//!
//! Everything here is pure: validated identifiers that can only be built by parsing
//! ([`resident_id::ResidentId`], [`credit_code::CreditCode`], [`region::RegionCode`]),
//! money in integer fen, reporting periods, the enumerations of the registry, the rule
//! parameters ([`rules`]) and the engines that apply them ([`coverage`]).
//!
//! Error types: each module has its own small `thiserror` enum whose message is Chinese
//! and names the reason; the caller (a form, an import row, a CLI flag) adds the field.

pub mod account;
pub mod appraisal;
pub mod archive;
pub mod assessment;
pub mod audit;
pub mod bulletin;
pub mod cells;
pub mod center;
pub mod checkup;
pub mod coverage;
pub mod credit_code;
pub mod dues;
pub mod effectiveness;
pub mod ethnicity;
pub mod floating;
pub mod founding;
pub mod history;
pub mod import;
pub mod investor;
pub mod kinds;
pub mod life;
pub mod money;
pub mod period;
pub mod project;
pub mod region;
pub mod registry;
pub mod resident_id;
pub mod review;
pub mod rule_versions;
pub mod rules;
pub mod spot_check;
pub mod stars;
pub mod statistics;
pub mod town;
pub mod transfer;
pub mod vanguard;
pub mod weak;
pub mod workforce;
