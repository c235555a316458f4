//! Weights for `pallet_options`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks by
//! `make weights` (`runtime/src/weights/pallet_options.rs`: e.g. `buy` 0.77 ms + 0.11 ms per
//! live series in the vault's book, `settle_position` 0.36 ms). The figures here are
//! hand-derived upper bounds for other runtimes and tests, from the perpetuals' measured calls
//! of similar shape: `buy` is a perpetuals `trade` (margin test and liquidation re-filing over
//! the account) plus the vault's book over `s` live series (three Black–Scholes evaluations
//! each); `add_liquidity` and `withdraw_liquidity` are the perpetuals' with the same book; a
//! settled position is a `settle` to the margin ledger, two position reads and writes and an
//! event.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	frame_system,
};

/// Weight functions needed by `pallet_options`.
pub trait WeightInfo {
	fn set_underlying() -> Weight;
	fn list_series() -> Weight;
	/// A buy with `s` live series in the vault's book.
	fn buy(s: u32) -> Weight;
	fn sell() -> Weight;
	/// A deposit with `s` live series in the vault's book.
	fn add_liquidity(s: u32) -> Weight;
	fn request_withdrawal() -> Weight;
	/// A redemption with `s` live series in the vault's book.
	fn withdraw_liquidity(s: u32) -> Weight;
	fn cancel_withdrawal() -> Weight;
	fn set_vault_rules() -> Weight;
	/// `on_initialize` with nothing to settle: the cursor and the active list.
	fn settle_idle() -> Weight;
	/// Looking through `s` expired series for one to fix, and fixing it.
	fn start_settlement(s: u32) -> Weight;
	/// Paying one position of a series being settled.
	fn settle_position() -> Weight;
}

/// Hand-derived upper bounds (the Ballast runtime uses its generated weights).
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn set_underlying() -> Weight {
		Weight::from_parts(25_000_000, 3_000).saturating_add(T::DbWeight::get().reads_writes(3, 1))
	}
	fn list_series() -> Weight {
		Weight::from_parts(25_000_000, 3_000).saturating_add(T::DbWeight::get().reads_writes(4, 3))
	}
	fn buy(s: u32) -> Weight {
		Weight::from_parts(500_000_000, 60_000)
			.saturating_add(Weight::from_parts(1_000_000, 1_000).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads_writes(60, 16))
			.saturating_add(T::DbWeight::get().reads(3).saturating_mul(s.into()))
	}
	fn sell() -> Weight {
		Weight::from_parts(150_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads_writes(20, 8))
	}
	fn add_liquidity(s: u32) -> Weight {
		Weight::from_parts(80_000_000, 10_000)
			.saturating_add(Weight::from_parts(1_000_000, 1_000).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads_writes(6, 4))
			.saturating_add(T::DbWeight::get().reads(3).saturating_mul(s.into()))
	}
	fn request_withdrawal() -> Weight {
		Weight::from_parts(30_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(3, 2))
	}
	fn withdraw_liquidity(s: u32) -> Weight {
		Weight::from_parts(80_000_000, 10_000)
			.saturating_add(Weight::from_parts(1_000_000, 1_000).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads_writes(6, 4))
			.saturating_add(T::DbWeight::get().reads(3).saturating_mul(s.into()))
	}
	fn cancel_withdrawal() -> Weight {
		Weight::from_parts(25_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(2, 2))
	}
	fn set_vault_rules() -> Weight {
		Weight::from_parts(15_000_000, 1_000).saturating_add(T::DbWeight::get().writes(1))
	}
	fn settle_idle() -> Weight {
		Weight::from_parts(5_000_000, 3_000).saturating_add(T::DbWeight::get().reads(2))
	}
	fn start_settlement(s: u32) -> Weight {
		Weight::from_parts(20_000_000, 3_000)
			.saturating_add(Weight::from_parts(10_000_000, 2_000).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads_writes(4, 3))
			.saturating_add(T::DbWeight::get().reads(5).saturating_mul(s.into()))
	}
	fn settle_position() -> Weight {
		Weight::from_parts(60_000_000, 8_000).saturating_add(T::DbWeight::get().reads_writes(6, 5))
	}
}

impl WeightInfo for () {
	fn set_underlying() -> Weight {
		Weight::from_parts(25_000_000, 3_000)
	}
	fn list_series() -> Weight {
		Weight::from_parts(25_000_000, 3_000)
	}
	fn buy(s: u32) -> Weight {
		Weight::from_parts(400_000_000, 40_000)
			.saturating_add(Weight::from_parts(1_000_000, 1_000).saturating_mul(s.into()))
	}
	fn sell() -> Weight {
		Weight::from_parts(150_000_000, 20_000)
	}
	fn add_liquidity(s: u32) -> Weight {
		Weight::from_parts(80_000_000, 10_000)
			.saturating_add(Weight::from_parts(1_000_000, 1_000).saturating_mul(s.into()))
	}
	fn request_withdrawal() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
	}
	fn withdraw_liquidity(s: u32) -> Weight {
		Weight::from_parts(80_000_000, 10_000)
			.saturating_add(Weight::from_parts(1_000_000, 1_000).saturating_mul(s.into()))
	}
	fn cancel_withdrawal() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
	}
	fn set_vault_rules() -> Weight {
		Weight::from_parts(15_000_000, 1_000)
	}
	fn settle_idle() -> Weight {
		Weight::from_parts(5_000_000, 1_000)
	}
	fn start_settlement(s: u32) -> Weight {
		Weight::from_parts(20_000_000, 3_000)
			.saturating_add(Weight::from_parts(10_000_000, 2_000).saturating_mul(s.into()))
	}
	fn settle_position() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
	}
}
