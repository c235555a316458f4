//! Risk metrics: on every imported best block, the node asks the runtime APIs what an operator
//! must be paged about (prices, liquidations, funds, the vault, open interest, the stress test)
//! and exports it to Prometheus as `ballast_*` gauges, next to the standard `substrate_*`
//! metrics.
//!
//! Everything comes from the runtime APIs (`PriceFeedApi`, `LiquidationApi`, `MarginApi`,
//! `StressApi`) except what no API reports: asset symbols and decimals (`Assets::Metadata`),
//! the seizure queue (`Liquidation::QueueBounds`), the sweep's resume point (`Liquidation::WatchResume`),
//! the shortfalls being deleveraged (`Liquidation::Deleveraging`) and the round-robin backstop
//! (`Liquidation::CrossCursor` among the keys of `Liquidation::Watching`), read from state; and
//! what this node's own price-feed worker recorded in the node's offchain database: when it
//! last submitted each asset (`price-feed::last::<id>`) and its per-source counters
//! (`price-feed::source::<id>::<index>`, see `pallet_price_feed::stats`). Amounts are in whole
//! units (USD for quote amounts, tokens for lots and open interest) as `f64`.
//! `ballast_stress_coverage` is absent while nothing is at risk (no shortfall in any scenario:
//! coverage is undefined, not infinite); on a runtime without `StressApi` (a network not
//! upgraded yet) the `ballast_stress_*` gauges are not updated (zero, the labelled ones absent)
//! and no failure is counted.
//!
//! The task is not essential: if a runtime call fails the gauges keep their last values,
//! `ballast_metrics_update_failures_total` counts it, and the node goes on.
//!
//! `gauges` registers the gauges, `feeds`, `sweep` and `stress` update their parts, `format`
//! holds the unit conversions.

mod feeds;
mod format;
mod gauges;
mod stress;
mod sweep;

use crate::service::{FullBackend, FullClient};
use ballast_primitives::{AccountId, AssetId, Balance, BlockNumber};
use ballast_runtime::{margin_api::MarginApi, opaque::Block};
use format::{flag, usd, usize_f64, whole, whole_signed};
use futures::StreamExt;
use gauges::Metrics;
use pallet_liquidation::runtime_api::LiquidationApi;
use pallet_stress::runtime_api::StressApi;
use polkadot_sdk::{
	sc_client_api::{BlockchainEvents, StorageProvider},
	sc_service::SpawnTaskHandle,
	sp_api::{ApiExt, ProvideRuntimeApi},
	sp_core::storage::StorageKey,
	sp_io::hashing::{blake2_128, twox_128},
	sp_runtime::{
		codec::{self, Decode},
		traits::{Block as BlockT, Header as HeaderT},
		FixedPointNumber,
	},
	substrate_prometheus_endpoint::{PrometheusError, Registry},
};
use std::{
	collections::{BTreeMap, BTreeSet},
	sync::{Arc, Mutex},
	time::Instant,
};

const LOG_TARGET: &str = "ballast-metrics";

/// `twox128(pallet) ++ twox128(item)`: the key of a storage value, the prefix of a map.
fn storage_prefix(pallet: &str, item: &str) -> Vec<u8> {
	let mut key = twox_128(pallet.as_bytes()).to_vec();
	key.extend_from_slice(&twox_128(item.as_bytes()));
	key
}

/// Symbol and decimals of an asset, from `Assets::Metadata`.
#[derive(Clone)]
struct AssetInfo {
	symbol: String,
	decimals: u8,
}

/// `AssetMetadata { deposit, name, symbol, decimals, is_frozen }` of `pallet-assets`.
type RawAssetMetadata = (Balance, Vec<u8>, Vec<u8>, u8, bool);

struct Updater {
	client: Arc<FullClient>,
	backend: Arc<FullBackend>,
	metrics: Metrics,
	quote_decimals: u8,
	/// The price sources exported by the last update (to remove those gone since).
	sources: Mutex<BTreeSet<feeds::SourceLabels>>,
}

impl Updater {
	fn storage<T: Decode>(&self, at: <Block as BlockT>::Hash, key: Vec<u8>) -> Option<T> {
		let data = self.client.storage(at, &StorageKey(key)).ok().flatten()?;
		T::decode(&mut data.0.as_slice()).ok()
	}

	fn asset(&self, at: <Block as BlockT>::Hash, id: AssetId) -> AssetInfo {
		let mut key = storage_prefix("Assets", "Metadata");
		let encoded = codec::Encode::encode(&id);
		key.extend_from_slice(&blake2_128(&encoded));
		key.extend_from_slice(&encoded);
		match self.storage::<RawAssetMetadata>(at, key) {
			Some((_, _, symbol, decimals, _)) if !symbol.is_empty() => {
				AssetInfo { symbol: String::from_utf8_lossy(&symbol).into_owned(), decimals }
			},
			Some((_, _, _, decimals, _)) => AssetInfo { symbol: format!("asset-{id}"), decimals },
			None => AssetInfo { symbol: format!("asset-{id}"), decimals: 0 },
		}
	}

	fn update(&self, at: <Block as BlockT>::Hash, number: u32) -> Result<(), String> {
		let m = &self.metrics;
		let api = self.client.runtime_api();
		let err = |what: &str, e: polkadot_sdk::sp_api::ApiError| format!("{what}: {e}");
		let mut assets: BTreeMap<AssetId, AssetInfo> = BTreeMap::new();
		let mut info = |id: AssetId| assets.entry(id).or_insert_with(|| self.asset(at, id)).clone();

		// Prices and feeds.
		self.update_feeds(at, number, &mut info)?;

		// Markets (their names are their underlying's symbol) and open interest.
		let markets = api.markets(at).map_err(|e| err("markets", e))?;
		let mut market_names = BTreeMap::new();
		for market in &markets {
			let underlying = info(market.params.oracle_key);
			let name = format!("{}-PERP", underlying.symbol);
			let price = market.price.map(usd);
			for (side, oi) in [("long", market.long_oi), ("short", market.short_oi)] {
				let amount = whole(oi, market.params.base_decimals);
				let l = &[name.as_str(), side];
				m.open_interest.with_label_values(l).set(amount);
				if let Some(price) = market.price {
					// Notional in quote units: OI × price, in integers.
					let notional = price.saturating_mul_int(oi);
					m.open_interest_usd
						.with_label_values(l)
						.set(whole(notional, market.params.base_decimals));
				}
			}
			match price {
				Some(p) => m.market_price.with_label_values(&[name.as_str()]).set(p),
				None => {
					let _ = m.market_price.remove_label_values(&[name.as_str()]);
				},
			}
			m.market_stale.with_label_values(&[name.as_str()]).set(flag(market.price_stale));
			market_names.insert(market.id, name);
		}

		// The vault.
		let vault = api.vault(at).map_err(|e| err("vault", e))?;
		let q = self.quote_decimals;
		m.vault_cash.set(whole_signed(vault.cash, q));
		if let Some(nav) = vault.nav {
			m.vault_nav.set(whole_signed(nav, q));
		}
		m.vault_shares.set(whole(vault.shares, q));
		m.vault_fees.set(whole(vault.fees, q));

		// Insurance, bad debt, deleveraging.
		let insurance = api.insurance(at).map_err(|e| err("insurance", e))?;
		m.insurance_global.set(whole(insurance.global, q));
		for (market, fund) in &insurance.markets {
			let name =
				market_names.get(market).cloned().unwrap_or_else(|| format!("market-{market}"));
			m.insurance_market.with_label_values(&[name.as_str()]).set(whole(*fund, q));
		}
		m.bad_debt.set(whole(insurance.bad_debt, q));
		m.deleveraging.set(whole(insurance.deleveraging, q));

		// Auctions, per asset sold.
		let auctions = api.auctions(at).map_err(|e| err("auctions", e))?;
		let mut lots: BTreeMap<AssetId, (Balance, Balance)> = BTreeMap::new();
		for auction in &auctions {
			let entry = lots.entry(auction.asset).or_default();
			entry.0 = entry.0.saturating_add(auction.lot);
			let value = auction.price.map(|p| p.saturating_mul_int(auction.lot)).unwrap_or(0);
			entry.1 = entry.1.saturating_add(value);
		}
		m.auction_lot.reset();
		m.auction_value.reset();
		for (asset, (lot, value)) in lots {
			let a = info(asset);
			m.auction_lot.with_label_values(&[a.symbol.as_str()]).set(whole(lot, a.decimals));
			// lot (asset units) × price (USD per whole token) = USD × 10^decimals.
			m.auction_value.with_label_values(&[a.symbol.as_str()]).set(whole(value, a.decimals));
		}
		m.auctions_live.set(usize_f64(auctions.len()));
		m.auctions_restart.set(usize_f64(auctions.iter().filter(|a| a.needs_reset).count()));

		// The sweep's backlog and its backstop.
		self.update_sweep(at)?;

		// The stress test, if the runtime has it (a network not yet upgraded to a runtime with
		// `StressApi` must not count a failure every block).
		let has_stress = api
			.has_api::<dyn StressApi<Block, AccountId, BlockNumber>>(at)
			.map_err(|e| err("stress api", e))?;
		if has_stress {
			self.update_stress(at)?;
		}

		m.block.set(f64::from(number));
		Ok(())
	}
}

/// Register the `ballast_*` gauges in `registry` and spawn the task that updates them on every
/// imported best block.
pub fn spawn(
	client: Arc<FullClient>,
	backend: Arc<FullBackend>,
	registry: &Registry,
	spawner: &SpawnTaskHandle,
) -> Result<(), PrometheusError> {
	let metrics = Metrics::register(registry)?;
	let quote_decimals = ballast_runtime::configs::derivatives::QuoteDecimals::get();
	let updater = Updater {
		client: client.clone(),
		backend,
		metrics,
		quote_decimals,
		sources: Mutex::new(BTreeSet::new()),
	};
	// Blocks imported in a burst (sync) are batched: only the newest best block is read.
	let mut imports = client.import_notification_stream().ready_chunks(256);
	spawner.spawn_blocking("ballast-metrics", Some("metrics"), async move {
		while let Some(batch) = imports.next().await {
			let Some(best) = batch.into_iter().rev().find(|n| n.is_new_best) else { continue };
			let number: u32 = *best.header.number();
			let started = Instant::now();
			match updater.update(best.hash, number) {
				Ok(()) => updater.metrics.update_seconds.set(started.elapsed().as_secs_f64()),
				Err(e) => {
					updater.metrics.failures.inc();
					log::debug!(target: LOG_TARGET, "#{number}: {e}");
				},
			}
		}
	});
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn storage_keys_match_frame() {
		// twox128("System") ++ twox128("Number"), the well-known key of the block number.
		assert_eq!(
			hex(&storage_prefix("System", "Number")),
			"26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac"
		);
	}

	fn hex(bytes: &[u8]) -> String {
		bytes.iter().map(|b| format!("{b:02x}")).collect()
	}
}
