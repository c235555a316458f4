//! Weights for `pallet_global_settlement`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks by
//! `make weights` (`runtime/src/weights/pallet_global_settlement.rs`). The figures here are
//! hand-derived upper bounds for other runtimes and tests. The positions themselves are
//! weighed by the products that settle them (each reports what it used:
//! `GlobalSettle::settle_next`); these are the pallet's own parts.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	frame_system,
};

/// Weight functions needed by `pallet_global_settlement`.
pub trait WeightInfo {
	/// The trigger with `k` oracle keys to fix (each: the products' markets and series that
	/// need it, the key's price, guard and last valid price).
	fn trigger(k: u32) -> Weight;
	/// `on_initialize` while live (or settled): the phase.
	fn step_idle() -> Weight;
	/// `on_initialize` while settling, beyond what the products report: the phase, the prices,
	/// the progress event (and the completion).
	fn step_base() -> Weight;
}

/// Hand-derived upper bounds (the Ballast runtime uses its generated weights).
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn trigger(k: u32) -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(Weight::from_parts(10_000_000, 2_000).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads_writes(40, 2))
			.saturating_add(T::DbWeight::get().reads(4).saturating_mul(k.into()))
	}
	fn step_idle() -> Weight {
		Weight::from_parts(2_000_000, 1_000).saturating_add(T::DbWeight::get().reads(1))
	}
	fn step_base() -> Weight {
		Weight::from_parts(20_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}
}

/// For tests: the same figures without database weights.
impl WeightInfo for () {
	fn trigger(k: u32) -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(Weight::from_parts(10_000_000, 2_000).saturating_mul(k.into()))
	}
	fn step_idle() -> Weight {
		Weight::from_parts(2_000_000, 1_000)
	}
	fn step_base() -> Weight {
		Weight::from_parts(20_000_000, 4_000)
	}
}
