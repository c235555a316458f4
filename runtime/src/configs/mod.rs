//! Pallet configuration, one file per domain.
//!
//! | file | pallets |
//! | --- | --- |
//! | [`system`] | `frame_system`, `pallet_timestamp` |
//! | [`consensus`] | `pallet_validator_set`, `pallet_session`, `pallet_aura`, `pallet_grandpa` |
//! | [`monetary`] | `pallet_balances`, `pallet_transaction_payment`, `pallet_assets` |
//! | [`oracle`] | `pallet_oracle`, the `OracleMembership` instance of `pallet_membership`, `pallet_price_guard` |
//! | [`price_feed`] | `pallet_price_feed`; the `frame_system` offchain traits (signed transactions from offchain workers) |
//! | [`derivatives`] | `pallet_collateral_registry`, `pallet_margin_accounts`, `pallet_perpetuals` |
//! | [`liquidation`] | `pallet_liquidation` |
//! | [`stress`] | `pallet_stress` |
//! | [`settlement`] | `pallet_global_settlement` |
//! | [`governance`] | `pallet_referenda`, `pallet_conviction_voting`, `pallet_scheduler`, `pallet_preimage`, `pallet_whitelist`, the `RiskCouncil` instance of `pallet_collective`, `governance::origins`, `pallet_safe_mode`, `pallet_tx_pause` (the call filter), `pallet_sudo`, `pallet_utility` |

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmark_helpers;
pub mod consensus;
pub mod derivatives;
pub mod governance;
pub mod liquidation;
pub mod monetary;
pub mod options;
pub mod oracle;
pub mod price_feed;
pub mod settlement;
pub mod stress;
pub mod system;
