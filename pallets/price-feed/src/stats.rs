//! What became of every fetch of every source: per asset and source, counters of the worker's
//! outcomes in the node's persistent offchain storage, for the node's metrics
//! (`ballast_price_feed_source_*`) and for an operator reading them by RPC.
//!
//! Key `price-feed::source::<asset>::<index>` (both in decimal; `index` is the source's place
//! in the list the worker used: the operator's override if there is one, else the on-chain
//! list), value a SCALE-encoded [`SourceStats`]. A source fetched at an index where the record
//! names another URL starts from zero (the list changed); records past the end of the list are
//! removed by the next run. Writes go through `StorageValueRef::mutate`, the counters saturate,
//! and a failed write is ignored (a metric, never a reason to stop feeding).

use alloc::{format, vec::Vec};
use ballast_primitives::AssetId;
use codec::{Decode, Encode};
use polkadot_sdk::{
	sp_io::offchain::local_storage_get,
	sp_runtime::offchain::{
		storage::{StorageRetrievalError, StorageValueRef},
		StorageKind,
	},
};

/// Prefix of a source's counters: `price-feed::source::<asset>::<index>`.
pub const SOURCE_KEY_PREFIX: &str = "price-feed::source::";

/// Reasons a fetch gave no value, as stored in [`SourceStats::last_error`] (a `u8`, so that the
/// node exports it as a number). `NONE`: the latest fetch gave a value.
pub mod reason {
	/// The latest fetch gave a value.
	pub const NONE: u8 = 0;
	/// The request could not start (the URL is not UTF-8, or the host refused to start it).
	pub const REQUEST: u8 = 1;
	/// No answer before the deadline (`HttpTimeout`).
	pub const TIMEOUT: u8 = 2;
	/// The transport failed (connection refused, DNS, TLS, reset).
	pub const HTTP: u8 = 3;
	/// A status other than 200.
	pub const STATUS: u8 = 4;
	/// The body was cut short.
	pub const BODY: u8 = 5;
	/// The body is over 64 KiB.
	pub const TOO_LARGE: u8 = 6;
	/// The body is not one complete JSON document.
	pub const JSON: u8 = 7;
	/// Nothing at the source's JSON path.
	pub const PATH: u8 = 8;
	/// The value there is not a positive decimal number (≤ 0, `null`, text).
	pub const NUMBER: u8 = 9;
	/// A price outside the price guard's band for the asset's key.
	pub const OUT_OF_BOUNDS: u8 = 10;
}

/// One source's counters (see the module docs).
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, Default)]
pub struct SourceStats {
	/// The URL fetched at this index: a different one restarts the counts.
	pub url: Vec<u8>,
	/// Fetches that gave a sane value (within the guard's band).
	pub ok: u64,
	/// Fetches that gave none.
	pub failed: u64,
	/// Why the latest fetch gave no value ([`reason`]); [`reason::NONE`] if it gave one.
	pub last_error: u8,
}

/// Offchain storage key of the counters of the source at `index` of `asset`'s list.
pub fn source_key(asset: AssetId, index: u32) -> Vec<u8> {
	format!("{SOURCE_KEY_PREFIX}{asset}::{index}").into_bytes()
}

/// Count one fetch of the source `url` at `index` of `asset`'s list: `Ok` if it gave a value,
/// else the [`reason`] it gave none.
pub fn record(asset: AssetId, index: usize, url: &[u8], outcome: Result<(), u8>) {
	let index = u32::try_from(index).unwrap_or(u32::MAX);
	let key = source_key(asset, index);
	let _ = StorageValueRef::persistent(&key).mutate(
		|old: Result<Option<SourceStats>, StorageRetrievalError>| -> Result<SourceStats, ()> {
			let mut stats = match old {
				Ok(Some(stats)) if stats.url == url => stats,
				_ => SourceStats { url: url.to_vec(), ..Default::default() },
			};
			match outcome {
				Ok(()) => {
					stats.ok = stats.ok.saturating_add(1);
					stats.last_error = reason::NONE;
				},
				Err(code) => {
					stats.failed = stats.failed.saturating_add(1);
					stats.last_error = code;
				},
			}
			Ok(stats)
		},
	);
}

/// Remove the counters of `asset`'s sources at `from..to` (past the end of its current list).
pub fn clear(asset: AssetId, from: usize, to: u32) {
	let from = u32::try_from(from).unwrap_or(u32::MAX);
	for index in from..to {
		let key = source_key(asset, index);
		// A read first: most runs find nothing to remove, and a removal is a write.
		if local_storage_get(StorageKind::PERSISTENT, &key).is_some() {
			StorageValueRef::persistent(&key).clear();
		}
	}
}

/// The counters of the source at `index` of `asset`'s list, if it was ever fetched.
pub fn get(asset: AssetId, index: u32) -> Option<SourceStats> {
	StorageValueRef::persistent(&source_key(asset, index)).get::<SourceStats>().ok().flatten()
}

#[cfg(test)]
mod tests {
	use super::{reason, source_key, SourceStats};
	use crate::{mock::*, ocw, FeedParams, Source};
	use codec::Encode;
	use polkadot_sdk::{sp_core::offchain::StorageKind, sp_io};

	fn stats(env: &mut Env, asset: u32, index: u32) -> Option<SourceStats> {
		env.ext.execute_with(|| super::get(asset, index))
	}

	fn counts(env: &mut Env, index: u32) -> (u64, u64, u8) {
		let s = stats(env, BTC, index).expect("a record");
		(s.ok, s.failed, s.last_error)
	}

	#[test]
	fn keys() {
		assert_eq!(source_key(1, 0), b"price-feed::source::1::0".to_vec());
		assert_eq!(source_key(12, 3), b"price-feed::source::12::3".to_vec());
	}

	#[test]
	fn every_fetch_of_every_source_is_counted() {
		let mut env = Env::new();
		env.serve(BINANCE, binance("BTCUSDT", "60000"));
		env.serve(COINBASE, coinbase("BTC", "60100"));
		// Kraken answers garbage.
		env.serve(KRAKEN, ok("<html>502</html>"));
		env.run_worker(1);
		assert_eq!(counts(&mut env, 0), (1, 0, reason::NONE));
		assert_eq!(counts(&mut env, 1), (1, 0, reason::NONE));
		assert_eq!(counts(&mut env, 2), (0, 1, reason::JSON));
		assert_eq!(stats(&mut env, BTC, 0).unwrap().url, BINANCE.as_bytes().to_vec());
		assert_eq!(stats(&mut env, BTC, 2).unwrap().url, KRAKEN.as_bytes().to_vec());
		assert_eq!(stats(&mut env, BTC, 3), None);

		// Counted on every run, submitted or not (the rate limit holds the next submission).
		env.serve(KRAKEN, kraken("XXBTZUSD", "60200"));
		env.run_worker(2);
		assert_eq!(counts(&mut env, 0), (2, 0, reason::NONE));
		// A success clears the reason; the failure stays counted.
		assert_eq!(counts(&mut env, 2), (1, 1, reason::NONE));
		env.serve(COINBASE, Reply::Timeout);
		env.run_worker(3);
		assert_eq!(counts(&mut env, 1), (2, 1, reason::TIMEOUT));
	}

	#[test]
	fn each_failure_mode_has_its_reason() {
		let cases = [
			(Reply::IoError, reason::HTTP),
			(Reply::Timeout, reason::TIMEOUT),
			(Reply::Ok(500, br#"{"price":"60000"}"#.to_vec()), reason::STATUS),
			(Reply::Ok(429, b"slow down".to_vec()), reason::STATUS),
			(Reply::CutBody(br#"{"price":"6"#.to_vec()), reason::BODY),
			(
				ok(&format!(r#"{{"price":"60000","pad":"{}"}}"#, "x".repeat(70_000))),
				reason::TOO_LARGE,
			),
			(ok(r#"{"price":"600"#), reason::JSON),
			(ok(""), reason::JSON),
			(ok(r#"{"symbol":"BTCUSDT"}"#), reason::PATH),
			(binance("BTCUSDT", "0"), reason::NUMBER),
			(binance("BTCUSDT", "-60000"), reason::NUMBER),
			(ok(r#"{"price":null}"#), reason::NUMBER),
			(binance("BTCUSDT", "999.99"), reason::OUT_OF_BOUNDS),
			(binance("BTCUSDT", "10000000.01"), reason::OUT_OF_BOUNDS),
		];
		for (reply, code) in cases {
			let params = FeedParams { min_sources: 1, ..btc_params() };
			let mut env = Env::with_genesis(vec![(
				BTC,
				params,
				vec![Source::new(BINANCE, "price", 0).unwrap()],
			)]);
			env.serve(BINANCE, reply.clone());
			env.run_worker(1);
			assert_eq!(counts(&mut env, 0), (0, 1, code), "{reply:?}");
			assert_eq!(env.take_transactions().len(), 0);
		}
	}

	#[test]
	fn a_new_list_restarts_the_counts_and_drops_the_old_indices() {
		let mut env = Env::new();
		env.serve(BINANCE, binance("BTCUSDT", "60000"));
		env.run_worker(1);
		env.run_worker(2);
		assert_eq!(counts(&mut env, 0), (2, 0, reason::NONE));
		assert_eq!(counts(&mut env, 2), (0, 2, reason::HTTP));

		// The operator's own single source (one unknown to the mock network: a transport error).
		let mine = "http://127.0.0.1:9/btc";
		env.ext.execute_with(|| {
			sp_io::offchain::local_storage_set(
				StorageKind::PERSISTENT,
				&ocw::sources_key(BTC),
				format!(r#"[{{"url":"{mine}","path":"price"}}]"#).as_bytes(),
			);
		});
		env.run_worker(3);
		let s = stats(&mut env, BTC, 0).unwrap();
		assert_eq!((s.url, s.ok, s.failed, s.last_error), (mine.into(), 0, 1, reason::HTTP));
		assert_eq!(stats(&mut env, BTC, 1), None);
		assert_eq!(stats(&mut env, BTC, 2), None);

		// No sources at all: nothing left.
		env.ext.execute_with(|| {
			sp_io::offchain::local_storage_set(
				StorageKind::PERSISTENT,
				&ocw::sources_key(BTC),
				b"[]",
			);
		});
		env.run_worker(4);
		assert_eq!(stats(&mut env, BTC, 0), None);
	}

	#[test]
	fn counters_saturate_and_a_corrupt_record_restarts() {
		let mut env = Env::new();
		env.serve(BINANCE, binance("BTCUSDT", "60000"));
		env.ext.execute_with(|| {
			let full = SourceStats {
				url: BINANCE.as_bytes().to_vec(),
				ok: u64::MAX,
				failed: u64::MAX,
				last_error: reason::JSON,
			};
			sp_io::offchain::local_storage_set(
				StorageKind::PERSISTENT,
				&source_key(BTC, 0),
				&full.encode(),
			);
			sp_io::offchain::local_storage_set(
				StorageKind::PERSISTENT,
				&source_key(BTC, 1),
				b"\x07",
			);
		});
		env.run_worker(1);
		assert_eq!(counts(&mut env, 0), (u64::MAX, u64::MAX, reason::NONE));
		// Coinbase is unknown to the mock network this time: a transport error, counted afresh.
		assert_eq!(counts(&mut env, 1), (0, 1, reason::HTTP));
	}

	#[test]
	fn unfed_assets_and_nodes_without_a_key_count_nothing() {
		// BTC's key loses its guard: none of its sources is fetched, nothing is counted.
		let mut env = Env::new();
		OraclePrices::remove_bounds(BTC);
		env.run_worker(1);
		assert_eq!(stats(&mut env, BTC, 0), None);

		let mut env = Env::new();
		Members::set(vec![]);
		env.run_worker(1);
		assert_eq!(stats(&mut env, BTC, 0), None);
	}
}
