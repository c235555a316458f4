//! Weights for `pallet_price_guard`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks
//! (`benchmarking.rs`) by `make weights`: `runtime/src/weights/`. The figures here are
//! hand-written, conservative ones for other runtimes and tests: the storage each weight
//! touches (priced by the runtime's `DbWeight`) plus a generous compute allowance, and a proof
//! size of the touched items' maximum encoded sizes with a fixed allowance per item.

#![allow(missing_docs)]

use crate::{types::VolatilityState, Config, GuardParams};
use ballast_primitives::{traits::TimestampedPrice, OracleKey};
use codec::MaxEncodedLen;
use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	pallet_prelude::BoundedVec,
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

/// Weight functions needed for `pallet_price_guard`.
pub trait WeightInfo {
	fn set_guard() -> Weight;
	fn set_volatility() -> Weight;
	fn set_feed_rules() -> Weight;
	/// The end-of-block observation of `n` guarded keys (reserved in `on_initialize`).
	fn observe(n: u32) -> Weight;
}

/// Compute allowance of a governance call.
const CALL_REF_TIME: u64 = 30_000_000;
/// Compute allowance of the observation with no keys.
const HOOK_BASE_REF_TIME: u64 = 5_000_000;
/// Compute allowance per key (bounds, relative change, EWMA, square root).
const HOOK_PER_KEY_REF_TIME: u64 = 25_000_000;
/// Proof-size allowance per storage item read, for the trie nodes on its path.
const PROOF_PER_ITEM: u64 = 1_600;
/// Key and hash of a `Twox64Concat` map entry.
const MAP_KEY: u64 = 8 + 4;

fn item(len: usize) -> u64 {
	(len as u64).saturating_add(MAP_KEY).saturating_add(PROOF_PER_ITEM)
}

fn call(db: RuntimeDbWeight, reads: u64, writes: u64, proof: u64) -> Weight {
	Weight::from_parts(CALL_REF_TIME, proof).saturating_add(db.reads_writes(reads, writes))
}

fn keys_proof<T: Config>() -> u64 {
	(BoundedVec::<OracleKey, T::MaxKeys>::max_encoded_len() as u64).saturating_add(PROOF_PER_ITEM)
}

fn per_key(db: RuntimeDbWeight) -> Weight {
	// Reads the guard, the source price, `LastValid`, `PendingJump`, `Volatility`,
	// `InvalidBlocks`; writes all but the first two.
	let proof = item(GuardParams::max_encoded_len())
		.saturating_add(item(TimestampedPrice::max_encoded_len()).saturating_mul(2))
		.saturating_add(item(VolatilityState::max_encoded_len()))
		.saturating_add(item(8).saturating_add(item(4)));
	Weight::from_parts(HOOK_PER_KEY_REF_TIME, proof).saturating_add(db.reads_writes(6, 4))
}

fn base(db: RuntimeDbWeight, keys_proof: u64) -> Weight {
	// Reads `GuardedKeys` and the clock.
	Weight::from_parts(HOOK_BASE_REF_TIME, keys_proof).saturating_add(db.reads(2))
}

/// Weights for `pallet_price_guard` using the runtime's `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: Config> WeightInfo for SubstrateWeight<T> {
	fn set_guard() -> Weight {
		// Reads and writes `Guards` and `GuardedKeys`.
		let proof = item(GuardParams::max_encoded_len()).saturating_add(keys_proof::<T>());
		call(T::DbWeight::get(), 2, 2, proof)
	}
	fn set_volatility() -> Weight {
		// Reads `Guards`, `Volatility`; writes `Volatility`.
		let proof = item(GuardParams::max_encoded_len())
			.saturating_add(item(VolatilityState::max_encoded_len()));
		call(T::DbWeight::get(), 2, 1, proof)
	}
	fn set_feed_rules() -> Weight {
		call(T::DbWeight::get(), 0, 1, 0)
	}
	fn observe(n: u32) -> Weight {
		let db = T::DbWeight::get();
		base(db, keys_proof::<T>()).saturating_add(per_key(db).saturating_mul(u64::from(n)))
	}
}

/// For tests: the same figures priced with RocksDB weights, without the runtime's `MaxKeys`.
impl WeightInfo for () {
	fn set_guard() -> Weight {
		call(RocksDbWeight::get(), 2, 2, item(GuardParams::max_encoded_len()))
	}
	fn set_volatility() -> Weight {
		call(RocksDbWeight::get(), 2, 1, item(VolatilityState::max_encoded_len()))
	}
	fn set_feed_rules() -> Weight {
		call(RocksDbWeight::get(), 0, 1, 0)
	}
	fn observe(n: u32) -> Weight {
		let db = RocksDbWeight::get();
		base(db, PROOF_PER_ITEM).saturating_add(per_key(db).saturating_mul(u64::from(n)))
	}
}
