//! Weights for `pallet_price_feed`.
//!
//! The Ballast runtime uses the weights generated from this crate's benchmarks by
//! `make weights` (`runtime/src/weights/`). The figures here are hand-written, conservative
//! ones for other runtimes and tests. Each weight is the
//! storage it touches (priced by the runtime's `DbWeight`) plus a generous compute allowance,
//! and a proof size of the touched items' maximum encoded sizes with a fixed allowance per item
//! for the trie path. The offchain worker itself costs no block weight.

#![allow(missing_docs)]

use crate::{Config, FeedParams, SourcesOf};
use codec::MaxEncodedLen;
use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

/// Weight functions needed for `pallet_price_feed`.
pub trait WeightInfo {
	fn set_params() -> Weight;
	fn set_sources() -> Weight;
	fn remove_asset() -> Weight;
}

/// Compute allowance of a governance call (validation included): 30 µs.
const CALL_REF_TIME: u64 = 30_000_000;
/// Proof-size allowance per storage item read, for the trie nodes on its path.
const PROOF_PER_ITEM: u64 = 1_600;

fn call(db: RuntimeDbWeight, reads: u64, writes: u64, proof: u64) -> Weight {
	Weight::from_parts(CALL_REF_TIME, proof).saturating_add(db.reads_writes(reads, writes))
}

fn params_proof() -> u64 {
	(FeedParams::max_encoded_len() as u64).saturating_add(PROOF_PER_ITEM)
}

fn sources_proof<T: Config>() -> u64 {
	(SourcesOf::<T>::max_encoded_len() as u64).saturating_add(PROOF_PER_ITEM)
}

/// Weights for `pallet_price_feed` using the runtime's `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: Config> WeightInfo for SubstrateWeight<T> {
	fn set_params() -> Weight {
		// Reads `Params` and its counter; writes both.
		call(T::DbWeight::get(), 2, 2, params_proof().saturating_add(PROOF_PER_ITEM))
	}
	fn set_sources() -> Weight {
		// Reads `Params`; writes `Sources`.
		call(T::DbWeight::get(), 1, 1, params_proof().saturating_add(sources_proof::<T>()))
	}
	fn remove_asset() -> Weight {
		// Reads `Params`, the counter; writes `Params`, the counter, `Sources`.
		call(T::DbWeight::get(), 2, 3, params_proof().saturating_add(sources_proof::<T>()))
	}
}

/// For tests: the same figures priced with RocksDB weights and without the runtime's bounds.
impl WeightInfo for () {
	fn set_params() -> Weight {
		call(RocksDbWeight::get(), 2, 2, PROOF_PER_ITEM.saturating_mul(2))
	}
	fn set_sources() -> Weight {
		call(RocksDbWeight::get(), 1, 1, PROOF_PER_ITEM.saturating_mul(2))
	}
	fn remove_asset() -> Weight {
		call(RocksDbWeight::get(), 2, 3, PROOF_PER_ITEM.saturating_mul(2))
	}
}
