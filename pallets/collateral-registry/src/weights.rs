//! Weights for `pallet_collateral_registry`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks
//! (`benchmarking.rs`) by `make weights`: `runtime/src/weights/`. The figures here are
//! hand-written, conservative ones for other runtimes and tests. Each weight is the storage it touches
//! (priced by the runtime's `DbWeight`) plus a generous compute allowance, and a proof size of
//! the touched items' maximum encoded sizes with a fixed allowance per item for the trie path.

#![allow(missing_docs)]

use crate::{types::VolatilityState, CollateralParamsOf, Config};
use ballast_primitives::{traits::TimestampedPrice, AssetId};
use codec::MaxEncodedLen;
use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	pallet_prelude::BoundedVec,
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

/// Weight functions needed for `pallet_collateral_registry`.
pub trait WeightInfo {
	fn register_asset() -> Weight;
	fn update_params() -> Weight;
	fn set_status() -> Weight;
	fn set_caps() -> Weight;
	fn set_volatility() -> Weight;
	fn on_initialize(n: u32) -> Weight;
}

/// Compute allowance of a governance call (validation of a full parameter set included):
/// 50 µs, several times what it measures natively.
const CALL_REF_TIME: u64 = 50_000_000;
/// Compute allowance of `on_initialize` with no listed assets.
const HOOK_BASE_REF_TIME: u64 = 5_000_000;
/// Compute allowance per listed asset in `on_initialize` (relative change, EWMA, square root).
const HOOK_PER_ASSET_REF_TIME: u64 = 25_000_000;
/// Proof-size allowance per storage item read, for the trie nodes on its path.
const PROOF_PER_ITEM: u64 = 1_600;

fn params_proof<T: Config>() -> u64 {
	(CollateralParamsOf::<T>::max_encoded_len() as u64).saturating_add(PROOF_PER_ITEM)
}

fn listed_proof<T: Config>() -> u64 {
	(BoundedVec::<AssetId, T::MaxAssets>::max_encoded_len() as u64).saturating_add(PROOF_PER_ITEM)
}

fn volatility_proof() -> u64 {
	(VolatilityState::max_encoded_len() as u64).saturating_add(PROOF_PER_ITEM)
}

/// The price provider's storage (e.g. one oracle value) per asset.
fn price_proof() -> u64 {
	(TimestampedPrice::max_encoded_len() as u64).saturating_add(PROOF_PER_ITEM)
}

fn call(db: RuntimeDbWeight, reads: u64, writes: u64, proof: u64) -> Weight {
	Weight::from_parts(CALL_REF_TIME, proof).saturating_add(db.reads_writes(reads, writes))
}

fn weights<T: Config>(db: RuntimeDbWeight) -> Weights {
	let params = params_proof::<T>();
	let listed = listed_proof::<T>();
	// `LastValidPrice`: a `Price` under a `Twox64Concat` key.
	let last_valid = 16u64.saturating_add(8 + 4).saturating_add(PROOF_PER_ITEM);
	let per_asset = params
		.saturating_add(price_proof())
		.saturating_add(volatility_proof())
		.saturating_add(last_valid);
	Weights {
		// Reads `AssetParams`, `ListedAssets`; writes both.
		register_asset: call(db, 2, 2, params.saturating_add(listed)),
		// Reads and writes `AssetParams`.
		update_params: call(db, 1, 1, params),
		set_status: call(db, 1, 1, params),
		set_caps: call(db, 1, 1, params),
		// Reads `AssetParams`, `AssetVolatility`; writes `AssetVolatility`.
		set_volatility: call(db, 2, 1, params.saturating_add(volatility_proof())),
		hook_base: Weight::from_parts(HOOK_BASE_REF_TIME, listed).saturating_add(db.reads(1)),
		// Reads `AssetParams`, the price, the clock, `AssetVolatility`, `LastValidPrice`;
		// writes `AssetVolatility` and `LastValidPrice`.
		hook_per_asset: Weight::from_parts(HOOK_PER_ASSET_REF_TIME, per_asset)
			.saturating_add(db.reads_writes(5, 2)),
	}
}

struct Weights {
	register_asset: Weight,
	update_params: Weight,
	set_status: Weight,
	set_caps: Weight,
	set_volatility: Weight,
	hook_base: Weight,
	hook_per_asset: Weight,
}

/// Weights for `pallet_collateral_registry` using the runtime's `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: Config> WeightInfo for SubstrateWeight<T> {
	fn register_asset() -> Weight {
		weights::<T>(T::DbWeight::get()).register_asset
	}
	fn update_params() -> Weight {
		weights::<T>(T::DbWeight::get()).update_params
	}
	fn set_status() -> Weight {
		weights::<T>(T::DbWeight::get()).set_status
	}
	fn set_caps() -> Weight {
		weights::<T>(T::DbWeight::get()).set_caps
	}
	fn set_volatility() -> Weight {
		weights::<T>(T::DbWeight::get()).set_volatility
	}
	fn on_initialize(n: u32) -> Weight {
		let w = weights::<T>(T::DbWeight::get());
		w.hook_base.saturating_add(w.hook_per_asset.saturating_mul(u64::from(n)))
	}
}

/// For tests and backwards compatibility: the same figures priced with RocksDB weights, and
/// proof sizes without the runtime's bounds (`MaxAssets`, `MaxBands` taken as 0).
impl WeightInfo for () {
	fn register_asset() -> Weight {
		call(RocksDbWeight::get(), 2, 2, PROOF_PER_ITEM.saturating_mul(2))
	}
	fn update_params() -> Weight {
		call(RocksDbWeight::get(), 1, 1, PROOF_PER_ITEM)
	}
	fn set_status() -> Weight {
		call(RocksDbWeight::get(), 1, 1, PROOF_PER_ITEM)
	}
	fn set_caps() -> Weight {
		call(RocksDbWeight::get(), 1, 1, PROOF_PER_ITEM)
	}
	fn set_volatility() -> Weight {
		call(RocksDbWeight::get(), 2, 1, PROOF_PER_ITEM.saturating_mul(2))
	}
	fn on_initialize(n: u32) -> Weight {
		let db = RocksDbWeight::get();
		let base =
			Weight::from_parts(HOOK_BASE_REF_TIME, PROOF_PER_ITEM).saturating_add(db.reads(1));
		let per_asset =
			Weight::from_parts(HOOK_PER_ASSET_REF_TIME, PROOF_PER_ITEM.saturating_mul(4))
				.saturating_add(db.reads_writes(5, 2));
		base.saturating_add(per_asset.saturating_mul(u64::from(n)))
	}
}
