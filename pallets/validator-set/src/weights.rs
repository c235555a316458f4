//! Weights for `pallet_validator_set`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks by
//! `make weights` (`runtime/src/weights/pallet_validator_set.rs`). The figures here are
//! hand-derived upper bounds for other runtimes and tests.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	frame_system,
};

/// Weight functions needed by `pallet_validator_set`.
pub trait WeightInfo {
	/// Add a validator to a set one short of full: the set, the account's keys.
	fn add_validator() -> Weight;
	/// Remove a validator from a full set: the set.
	fn remove_validator() -> Weight;
	/// Set the session length.
	fn set_session_length() -> Weight;
}

/// Hand-derived upper bounds (the Ballast runtime uses its generated weights).
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn add_validator() -> Weight {
		Weight::from_parts(25_000_000, 3_000).saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}
	fn remove_validator() -> Weight {
		Weight::from_parts(20_000_000, 3_000).saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	fn set_session_length() -> Weight {
		Weight::from_parts(8_000_000, 0).saturating_add(T::DbWeight::get().writes(1))
	}
}

/// For tests: the same figures without database weights.
impl WeightInfo for () {
	fn add_validator() -> Weight {
		Weight::from_parts(25_000_000, 3_000)
	}
	fn remove_validator() -> Weight {
		Weight::from_parts(20_000_000, 3_000)
	}
	fn set_session_length() -> Weight {
		Weight::from_parts(8_000_000, 0)
	}
}
