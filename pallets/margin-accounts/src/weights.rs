//! Weights for `pallet_margin_accounts`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks by
//! `make weights` (`runtime/src/weights/`). The figures here are hand-derived upper bounds
//! for other runtimes and tests: storage accesses are counted by the class of the account a call
//! values — `p` positions and `c` collateral assets, each needing its terms, volatility and
//! price, or its market and price — and priced with the runtime's `DbWeight`; compute is a
//! generous flat figure per valued asset and position. The calls that value an account
//! ([`WeightInfo::deposit`], [`WeightInfo::withdraw`], [`WeightInfo::transfer`]) are declared
//! at `(MaxPositions, MaxCollateralAssets)` and refunded to the class of the accounts they
//! touched.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	frame_system,
};

/// Weight functions needed by `pallet_margin_accounts`.
pub trait WeightInfo {
	/// A deposit into an account with `p` positions and `c` collateral assets (the deposited
	/// one among them), which `OnChange` values and re-files.
	fn deposit(p: u32, c: u32) -> Weight;
	/// A withdrawal from an account of class `(p, c)`: its margin test and `OnChange`.
	fn withdraw(p: u32, c: u32) -> Weight;
	/// A transfer between two accounts of class `(p, c)` at most: the margin test of the source
	/// and `OnChange` for both.
	fn transfer(p: u32, c: u32) -> Weight;
	fn create_isolated() -> Weight;
	fn close_isolated() -> Weight;
	fn close_cross() -> Weight;
}

/// Reads needed to value and re-file one account besides its positions and assets: its
/// record, the clock, and the liquidation engine's reverse entries (`OnChange`).
const READS_PER_ACCOUNT: u64 = 6;
/// Writes of re-filing one account besides its triggers: its ADL and liquidation-price entries.
const WRITES_PER_ACCOUNT: u64 = 6;
/// Per position: the position, its market, price, bounds and last valid price, and the counts
/// of the three sources it is filed under.
const READS_PER_POSITION: u64 = 8;
/// Per position: three triggers moved (out and in), their sources' counts, its ADL entry.
const WRITES_PER_POSITION: u64 = 10;
/// Per collateral asset: terms, volatility, price, bounds and last valid price, and the counts
/// of the two sources it is filed under.
const READS_PER_ASSET: u64 = 7;
/// Per collateral asset: two triggers moved (out and in) and their sources' counts.
const WRITES_PER_ASSET: u64 = 6;

/// Database weight of valuing and re-filing an account of class `(p, c)`, `times` times.
fn class_db<T: frame_system::Config>(p: u32, c: u32, times: u64) -> Weight {
	let (p, c) = (u64::from(p), u64::from(c));
	let reads = READS_PER_ACCOUNT
		.saturating_add(READS_PER_POSITION.saturating_mul(p))
		.saturating_add(READS_PER_ASSET.saturating_mul(c));
	let writes = WRITES_PER_ACCOUNT
		.saturating_add(WRITES_PER_POSITION.saturating_mul(p))
		.saturating_add(WRITES_PER_ASSET.saturating_mul(c));
	T::DbWeight::get().reads_writes(reads, writes).saturating_mul(times)
}

/// Compute and proof of valuing and re-filing an account of class `(p, c)`.
fn class_compute(p: u32, c: u32) -> Weight {
	Weight::from_parts(20_000_000, 6_000)
		.saturating_mul(u64::from(p))
		.saturating_add(Weight::from_parts(15_000_000, 6_000).saturating_mul(u64::from(c)))
}

/// Weights for the Ballast runtime.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn deposit(p: u32, c: u32) -> Weight {
		// account, registry terms, price, total, two asset accounts (+ asset details); then
		// `OnChange`.
		Weight::from_parts(160_000_000, 30_000)
			.saturating_add(class_compute(p, c))
			.saturating_add(T::DbWeight::get().reads_writes(7, 5))
			.saturating_add(class_db::<T>(p, c, 1))
	}
	fn withdraw(p: u32, c: u32) -> Weight {
		// The margin test and `OnChange` each value the account.
		Weight::from_parts(180_000_000, 40_000)
			.saturating_add(class_compute(p, c).saturating_mul(2))
			.saturating_add(T::DbWeight::get().reads_writes(6, 5))
			.saturating_add(class_db::<T>(p, c, 2))
	}
	fn transfer(p: u32, c: u32) -> Weight {
		// The source's margin test, and `OnChange` for both accounts.
		Weight::from_parts(180_000_000, 40_000)
			.saturating_add(class_compute(p, c).saturating_mul(3))
			.saturating_add(T::DbWeight::get().reads_writes(4, 2))
			.saturating_add(class_db::<T>(p, c, 3))
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
	fn deposit(p: u32, c: u32) -> Weight {
		Weight::from_parts(60_000_000, 8_000).saturating_add(class_compute(p, c))
	}
	fn withdraw(p: u32, c: u32) -> Weight {
		Weight::from_parts(180_000_000, 40_000).saturating_add(class_compute(p, c))
	}
	fn transfer(p: u32, c: u32) -> Weight {
		Weight::from_parts(180_000_000, 40_000).saturating_add(class_compute(p, c))
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
