//! Weights for `pallet_margin_accounts`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks by
//! `make weights` (`runtime/src/weights/`). The figures here are hand-derived upper bounds
//! for other runtimes and tests: storage
//! accesses are counted for the worst case (an account holding `MaxCollateralAssets` assets,
//! each needing its registry terms and an oracle price, plus the derivative pallets' positions)
//! and priced with the runtime's `DbWeight`; compute is a generous flat figure per valued asset.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	frame_system,
};

/// Weight functions needed by `pallet_margin_accounts`.
pub trait WeightInfo {
	fn deposit() -> Weight;
	fn withdraw() -> Weight;
	fn transfer() -> Weight;
	fn create_isolated() -> Weight;
	fn close_isolated() -> Weight;
	fn close_cross() -> Weight;
}

/// Reads needed to value one account: per asset its terms, volatility and price, plus up to
/// eight positions with their markets and prices.
const VALUATION_READS: u64 = 8 * 3 + 8 * 3 + 2;

/// What `OnChange` costs the caller in the runtime: the liquidation engine re-values the
/// account for its liquidation price and re-files it in its two indexes (reads: the valuation,
/// both reverse entries, the positions; writes: an index entry out and in, its reverse, and
/// the same in the ADL index).
const ON_CHANGE_READS: u64 = VALUATION_READS + 4;
const ON_CHANGE_WRITES: u64 = 6;

/// Weights for the Ballast runtime.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn deposit() -> Weight {
		// account, registry terms, total, two asset accounts (+ asset details).
		Weight::from_parts(160_000_000, 30_000).saturating_add(
			T::DbWeight::get().reads_writes(7 + ON_CHANGE_READS, 5 + ON_CHANGE_WRITES),
		)
	}
	fn withdraw() -> Weight {
		Weight::from_parts(180_000_000, 40_000).saturating_add(
			T::DbWeight::get()
				.reads_writes(6 + VALUATION_READS + ON_CHANGE_READS, 5 + ON_CHANGE_WRITES),
		)
	}
	fn transfer() -> Weight {
		Weight::from_parts(180_000_000, 40_000).saturating_add(
			T::DbWeight::get()
				.reads_writes(4 + VALUATION_READS + 2 * ON_CHANGE_READS, 2 + 2 * ON_CHANGE_WRITES),
		)
	}
	fn create_isolated() -> Weight {
		// market, up to 255 index probes bounded by MaxIsolatedAccounts (≤ 16 in the runtime).
		Weight::from_parts(20_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(17, 1))
	}
	fn close_isolated() -> Weight {
		// Plus the deposit's release: its record, the hold and the balance.
		Weight::from_parts(60_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(13, 4))
	}
	fn close_cross() -> Weight {
		Weight::from_parts(60_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(13, 4))
	}
}

impl WeightInfo for () {
	fn deposit() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
	}
	fn withdraw() -> Weight {
		Weight::from_parts(180_000_000, 40_000)
	}
	fn transfer() -> Weight {
		Weight::from_parts(180_000_000, 40_000)
	}
	fn create_isolated() -> Weight {
		Weight::from_parts(20_000_000, 4_000)
	}
	fn close_isolated() -> Weight {
		Weight::from_parts(60_000_000, 10_000)
	}
	fn close_cross() -> Weight {
		Weight::from_parts(60_000_000, 10_000)
	}
}
