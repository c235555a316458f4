//! Weights for `pallet_validator_set`: upper bounds until `make weights` measures them
//! (the pallet's own `SubstrateWeight`, with the proof sizes of its storage: the set is at most
//! 32 accounts, 1,028 bytes; a validator's keys in `Session::NextKeys`, 64 bytes).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs, clippy::unnecessary_cast)]

use polkadot_sdk::frame_support::{traits::Get, weights::Weight};
use core::marker::PhantomData;

/// Weight functions for `pallet_validator_set`.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> pallet_validator_set::WeightInfo for WeightInfo<T> {
	fn add_validator() -> Weight {
		Weight::from_parts(25_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn remove_validator() -> Weight {
		Weight::from_parts(20_000_000, 2_600)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn set_session_length() -> Weight {
		Weight::from_parts(8_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1))
	}
}
