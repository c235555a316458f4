//! Weights for `pallet_stress`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks by
//! `make weights` (`runtime/src/weights/pallet_stress.rs`). The figures here are hand-derived
//! upper bounds for other runtimes and tests: valuing one account is a margin-account read, its
//! positions' reads (one per leg, with the leg's market or series and price) and, per
//! scenario and leg, a valuation (a Black–Scholes evaluation for an option, the most
//! expensive case); coverage reads the insurance funds and values both vaults' books.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	frame_system,
};

/// Weight functions needed by `pallet_stress`.
pub trait WeightInfo {
	fn set_params() -> Weight;
	/// `on_initialize` with nothing to value: parameters, the pass, the queue's head.
	fn step_base() -> Weight;
	/// Measuring coverage (insurance funds and the vaults' NAV) and moving the tightening.
	fn coverage() -> Weight;
	/// Valuing one account with `l` positions in every scenario and replacing its
	/// contribution.
	fn evaluate(l: u32) -> Weight;
}

/// Hand-derived upper bounds (the Ballast runtime uses its generated weights).
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn set_params() -> Weight {
		Weight::from_parts(20_000_000, 2_000).saturating_add(T::DbWeight::get().reads_writes(3, 4))
	}
	fn step_base() -> Weight {
		Weight::from_parts(20_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(4, 2))
	}
	fn coverage() -> Weight {
		Weight::from_parts(400_000_000, 40_000)
			.saturating_add(T::DbWeight::get().reads_writes(80, 3))
	}
	fn evaluate(l: u32) -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(Weight::from_parts(120_000_000, 3_000).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads_writes(12, 3))
			.saturating_add(T::DbWeight::get().reads(3).saturating_mul(l.into()))
	}
}

/// For tests: the same figures over `()`'s database weights.
impl WeightInfo for () {
	fn set_params() -> Weight {
		Weight::from_parts(20_000_000, 2_000)
	}
	fn step_base() -> Weight {
		Weight::from_parts(20_000_000, 4_000)
	}
	fn coverage() -> Weight {
		Weight::from_parts(400_000_000, 40_000)
	}
	fn evaluate(l: u32) -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(Weight::from_parts(120_000_000, 3_000).saturating_mul(l.into()))
	}
}
