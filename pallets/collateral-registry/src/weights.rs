//! Weights for `pallet_collateral_registry`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks
//! (`benchmarking.rs`) by `make weights`: `runtime/src/weights/`. The figures here are
//! hand-written, conservative ones for other runtimes and tests. Each weight is the storage it
//! touches (priced by the runtime's `DbWeight`) plus a generous compute allowance, and a proof
//! size of the touched items' maximum encoded sizes with a fixed allowance per item for the trie
//! path.

#![allow(missing_docs)]

use crate::{CollateralParamsOf, Config, Tightening};
use ballast_primitives::{traits::PriceBounds, AssetId};
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
	fn emergency_tighten() -> Weight;
}

/// Compute allowance of a governance call (validation of a full parameter set included):
/// 50 µs, several times what it measures natively.
const CALL_REF_TIME: u64 = 50_000_000;
/// Proof-size allowance per storage item read, for the trie nodes on its path.
const PROOF_PER_ITEM: u64 = 1_600;

fn params_proof<T: Config>() -> u64 {
	(CollateralParamsOf::<T>::max_encoded_len() as u64).saturating_add(PROOF_PER_ITEM)
}

fn listed_proof<T: Config>() -> u64 {
	(BoundedVec::<AssetId, T::MaxAssets>::max_encoded_len() as u64).saturating_add(PROOF_PER_ITEM)
}

/// The price guard's bounds of one oracle key (`PriceBounds` under a `Twox64Concat` key).
fn bounds_proof() -> u64 {
	(PriceBounds::max_encoded_len() as u64).saturating_add(8 + 4).saturating_add(PROOF_PER_ITEM)
}

/// One emergency tightening total (`Tightening` under a `Twox64Concat` asset id).
fn tightening_proof() -> u64 {
	(Tightening::max_encoded_len() as u64).saturating_add(8 + 4).saturating_add(PROOF_PER_ITEM)
}

fn call(db: RuntimeDbWeight, reads: u64, writes: u64, proof: u64) -> Weight {
	Weight::from_parts(CALL_REF_TIME, proof).saturating_add(db.reads_writes(reads, writes))
}

fn weights<T: Config>(db: RuntimeDbWeight) -> Weights {
	let params = params_proof::<T>();
	let listed = listed_proof::<T>();
	let bounds = bounds_proof();
	Weights {
		// Reads `AssetParams`, `ListedAssets`, the guard's bounds; writes the first two.
		register_asset: call(db, 3, 2, params.saturating_add(listed).saturating_add(bounds)),
		// Reads `AssetParams` and the guard's bounds; writes `AssetParams`.
		update_params: call(db, 2, 1, params.saturating_add(bounds)),
		set_status: call(db, 1, 1, params),
		set_caps: call(db, 1, 1, params),
		// Reads and writes `AssetParams` and `EmergencyTightenings`.
		emergency_tighten: call(db, 2, 2, params.saturating_add(tightening_proof())),
	}
}

struct Weights {
	register_asset: Weight,
	update_params: Weight,
	set_status: Weight,
	set_caps: Weight,
	emergency_tighten: Weight,
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
	fn emergency_tighten() -> Weight {
		weights::<T>(T::DbWeight::get()).emergency_tighten
	}
}

/// For tests and backwards compatibility: the same figures priced with RocksDB weights, and
/// proof sizes without the runtime's bounds (`MaxAssets`, `MaxBands` taken as 0).
impl WeightInfo for () {
	fn register_asset() -> Weight {
		call(RocksDbWeight::get(), 3, 2, PROOF_PER_ITEM.saturating_mul(3))
	}
	fn update_params() -> Weight {
		call(RocksDbWeight::get(), 2, 1, PROOF_PER_ITEM.saturating_mul(2))
	}
	fn set_status() -> Weight {
		call(RocksDbWeight::get(), 1, 1, PROOF_PER_ITEM)
	}
	fn set_caps() -> Weight {
		call(RocksDbWeight::get(), 1, 1, PROOF_PER_ITEM)
	}
	fn emergency_tighten() -> Weight {
		call(RocksDbWeight::get(), 2, 2, PROOF_PER_ITEM.saturating_mul(2))
	}
}
