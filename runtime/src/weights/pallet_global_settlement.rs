//! Weights for `pallet_global_settlement`: placeholders until `make weights` generates this
//! file (the pallet's hand-derived upper bounds, over the runtime's database weights).

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::weights::Weight;

/// Weight functions for `pallet_global_settlement`.
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> pallet_global_settlement::WeightInfo for WeightInfo<T> {
	fn trigger(k: u32) -> Weight {
		<pallet_global_settlement::weights::SubstrateWeight<T> as pallet_global_settlement::WeightInfo>::trigger(k)
	}
	fn step_idle() -> Weight {
		<pallet_global_settlement::weights::SubstrateWeight<T> as pallet_global_settlement::WeightInfo>::step_idle()
	}
	fn step_base() -> Weight {
		<pallet_global_settlement::weights::SubstrateWeight<T> as pallet_global_settlement::WeightInfo>::step_base()
	}
}
