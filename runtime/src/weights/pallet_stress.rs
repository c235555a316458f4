//! Weights for `pallet_stress`: placeholders until `make weights` generates this file (the
//! pallet's hand-derived upper bounds, over the runtime's database weights).

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::weights::Weight;

/// Weight functions for `pallet_stress`.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> pallet_stress::WeightInfo for WeightInfo<T> {
	fn set_params() -> Weight {
		<pallet_stress::weights::SubstrateWeight<T> as pallet_stress::WeightInfo>::set_params()
	}
	fn step_base() -> Weight {
		<pallet_stress::weights::SubstrateWeight<T> as pallet_stress::WeightInfo>::step_base()
	}
	fn coverage() -> Weight {
		<pallet_stress::weights::SubstrateWeight<T> as pallet_stress::WeightInfo>::coverage()
	}
	fn evaluate(l: u32) -> Weight {
		<pallet_stress::weights::SubstrateWeight<T> as pallet_stress::WeightInfo>::evaluate(l)
	}
}
