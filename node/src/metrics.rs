//! Risk metrics: on every imported best block, the node asks the runtime APIs what an operator
//! must be paged about (prices, liquidations, funds, the vault, open interest, the stress test)
//! and exports it to Prometheus as `ballast_*` gauges, next to the standard `substrate_*`
//! metrics.
//!
//! Everything comes from the runtime APIs (`PriceFeedApi`, `LiquidationApi`, `MarginApi`,
//! `StressApi`) except what no API reports: asset symbols and decimals (`Assets::Metadata`),
//! the seizure queue (`Liquidation::QueueBounds`), the sweep's resume point (`Liquidation::WatchResume`)
//! and the shortfalls being deleveraged (`Liquidation::Deleveraging`), read from state; and
//! when this node's own price-feed worker last submitted each asset (`price-feed::last::<id>`
//! in the node's offchain database). Amounts are in whole units (USD for quote amounts,
//! tokens for lots and open interest) as `f64`. `ballast_stress_coverage` is absent while
//! nothing is at risk (no shortfall in any scenario: coverage is undefined, not infinite); on a
//! runtime without `StressApi` (a network not upgraded yet) the `ballast_stress_*` gauges are
//! not updated (zero, the labelled ones absent) and no failure is counted.
//!
//! The task is not essential: if a runtime call fails the gauges keep their last values,
//! `ballast_metrics_update_failures_total` counts it, and the node goes on.

use crate::service::{FullBackend, FullClient};
use ballast_primitives::{AccountId, AssetId, Balance, BlockNumber, Price};
use ballast_runtime::{margin_api::MarginApi, opaque::Block};
use futures::StreamExt;
use pallet_liquidation::runtime_api::LiquidationApi;
use pallet_price_feed::runtime_api::PriceFeedApi;
use pallet_stress::runtime_api::StressApi;
use polkadot_sdk::{
	sc_client_api::{Backend, BlockchainEvents, StorageProvider},
	sc_service::SpawnTaskHandle,
	sp_api::{ApiExt, ProvideRuntimeApi},
	sp_core::{
		offchain::{OffchainStorage, STORAGE_PREFIX},
		storage::StorageKey,
	},
	sp_io::hashing::{blake2_128, twox_128},
	sp_runtime::{
		codec::{self, Decode},
		traits::{Block as BlockT, Header as HeaderT},
		FixedPointNumber, Permill,
	},
	substrate_prometheus_endpoint::{
		register, Counter, Gauge, GaugeVec, Opts, PrometheusError, Registry, F64, U64,
	},
};
use std::{collections::BTreeMap, sync::Arc, time::Instant};

/// How many crossed accounts `at_risk` is asked for: `ballast_accounts_at_risk` saturates here.
pub const AT_RISK_LIMIT: u32 = 1_000;
/// How many deleveraging shortfalls are counted at most.
const DELEVERAGING_LIMIT: usize = 1_000;
const LOG_TARGET: &str = "ballast-metrics";

/// The `ballast_*` gauges.
struct Metrics {
	price: GaugeVec<F64>,
	price_age: GaugeVec<F64>,
	price_max_age: GaugeVec<F64>,
	price_stale: GaugeVec<F64>,
	feed_late: GaugeVec<F64>,
	feed_sources: GaugeVec<F64>,
	feed_last_submit: GaugeVec<F64>,
	feed_blocks_since_submit: GaugeVec<F64>,
	at_risk: Gauge<F64>,
	seizure_queue: Gauge<F64>,
	watch_resume: Gauge<F64>,
	deleveraging_accounts: Gauge<F64>,
	backlog: Gauge<F64>,
	auctions_live: Gauge<F64>,
	auctions_restart: Gauge<F64>,
	auction_value: GaugeVec<F64>,
	auction_lot: GaugeVec<F64>,
	insurance_global: Gauge<F64>,
	insurance_market: GaugeVec<F64>,
	bad_debt: Gauge<F64>,
	deleveraging: Gauge<F64>,
	vault_cash: Gauge<F64>,
	vault_nav: Gauge<F64>,
	vault_shares: Gauge<F64>,
	vault_fees: Gauge<F64>,
	open_interest: GaugeVec<F64>,
	open_interest_usd: GaugeVec<F64>,
	market_price: GaugeVec<F64>,
	market_stale: GaugeVec<F64>,
	/// No labels: absent while coverage is undefined (nothing at risk).
	stress_coverage: GaugeVec<F64>,
	stress_worst_shortfall: Gauge<F64>,
	stress_capacity: Gauge<F64>,
	stress_tightening: Gauge<F64>,
	stress_alarm: Gauge<F64>,
	stress_pass_visited: Gauge<F64>,
	stress_shortfall: GaugeVec<F64>,
	block: Gauge<F64>,
	update_seconds: Gauge<F64>,
	failures: Counter<U64>,
}

fn gauge(registry: &Registry, name: &str, help: &str) -> Result<Gauge<F64>, PrometheusError> {
	register(Gauge::new(name, help)?, registry)
}

fn gauge_vec(
	registry: &Registry,
	name: &str,
	help: &str,
	labels: &[&str],
) -> Result<GaugeVec<F64>, PrometheusError> {
	register(GaugeVec::new(Opts::new(name, help), labels)?, registry)
}

impl Metrics {
	fn register(r: &Registry) -> Result<Self, PrometheusError> {
		let a = &["asset"];
		let m = &["market"];
		let ms = &["market", "side"];
		Ok(Self {
			price: gauge_vec(r, "ballast_price_usd", "Oracle price of the asset (USD)", a)?,
			price_age: gauge_vec(
				r,
				"ballast_price_age_seconds",
				"Age of the asset's oracle price at the block's timestamp",
				a,
			)?,
			price_max_age: gauge_vec(
				r,
				"ballast_price_max_age_seconds",
				"Maximum age the price guard accepts for the asset's price",
				a,
			)?,
			price_stale: gauge_vec(
				r,
				"ballast_price_stale",
				"1 if the asset has no price, one older than its maximum age, or no guard",
				a,
			)?,
			feed_late: gauge_vec(
				r,
				"ballast_price_feed_late",
				"1 if the asset's price is older than the feed's heartbeat",
				a,
			)?,
			feed_sources: gauge_vec(
				r,
				"ballast_price_feed_sources",
				"Number of on-chain HTTP sources of the asset's feed",
				a,
			)?,
			feed_last_submit: gauge_vec(
				r,
				"ballast_price_feed_last_submit_block",
				"Block at which this node's price-feed worker last submitted the asset",
				a,
			)?,
			feed_blocks_since_submit: gauge_vec(
				r,
				"ballast_price_feed_blocks_since_submit",
				"Blocks since this node's price-feed worker last submitted the asset",
				a,
			)?,
			at_risk: gauge(
				r,
				"ballast_accounts_at_risk",
				"Isolated accounts whose liquidation price the mark has crossed (at_risk, capped at 1000)",
			)?,
			seizure_queue: gauge(
				r,
				"ballast_sweep_seizure_queue",
				"Accounts waiting in the seizure queue for room under the auction caps",
			)?,
			watch_resume: gauge(
				r,
				"ballast_sweep_watch_resume",
				"1 if the last sweep ran out of budget inside the watch and resumes there",
			)?,
			deleveraging_accounts: gauge(
				r,
				"ballast_sweep_deleveraging_accounts",
				"Shortfalls being auto-deleveraged (accounts)",
			)?,
			backlog: gauge(
				r,
				"ballast_sweep_backlog",
				"Work left for the next sweeps: crossed accounts + seizure queue + deleveraging shortfalls + watch resume",
			)?,
			auctions_live: gauge(r, "ballast_auctions_live", "Live collateral auctions")?,
			auctions_restart: gauge(
				r,
				"ballast_auctions_needing_restart",
				"Live auctions at their floor or too old: someone must call liquidation.restart",
			)?,
			auction_value: gauge_vec(
				r,
				"ballast_auction_value_usd",
				"Remaining lots of live auctions at their current auction price (USD)",
				a,
			)?,
			auction_lot: gauge_vec(
				r,
				"ballast_auction_lot",
				"Remaining lots of live auctions (whole tokens)",
				a,
			)?,
			insurance_global: gauge(
				r,
				"ballast_insurance_global_usd",
				"The global insurance fund (USD)",
			)?,
			insurance_market: gauge_vec(
				r,
				"ballast_insurance_market_usd",
				"Each market's insurance fund (USD)",
				m,
			)?,
			bad_debt: gauge(r, "ballast_bad_debt_usd", "Debt written off so far (USD)")?,
			deleveraging: gauge(
				r,
				"ballast_deleveraging_usd",
				"Shortfalls the funds did not cover, waiting for auto-deleveraging (USD)",
			)?,
			vault_cash: gauge(r, "ballast_vault_cash_usd", "Quote held by the vault (USD)")?,
			vault_nav: gauge(
				r,
				"ballast_vault_nav_usd",
				"The vault's net asset value at the latest prices (USD)",
			)?,
			vault_shares: gauge(r, "ballast_vault_shares", "LP shares outstanding (whole units)")?,
			vault_fees: gauge(r, "ballast_vault_fees_usd", "Trading fees collected (USD)")?,
			open_interest: gauge_vec(
				r,
				"ballast_open_interest",
				"Open interest per market and side (whole base tokens)",
				ms,
			)?,
			open_interest_usd: gauge_vec(
				r,
				"ballast_open_interest_usd",
				"Open interest per market and side at the oracle price (USD)",
				ms,
			)?,
			market_price: gauge_vec(
				r,
				"ballast_market_price_usd",
				"Oracle price of the market's underlying (USD)",
				m,
			)?,
			market_stale: gauge_vec(
				r,
				"ballast_market_price_stale",
				"1 if trading would refuse the market's price (stale, out of bounds, held jump)",
				m,
			)?,
			stress_coverage: gauge_vec(
				r,
				"ballast_stress_coverage",
				"Stress-test coverage: (insurance funds + vaults' NAV) / worst scenario's shortfall; absent while nothing is at risk",
				&[],
			)?,
			stress_worst_shortfall: gauge(
				r,
				"ballast_stress_worst_shortfall_usd",
				"Stress test: the worst scenario's shortfall beyond the accounts' equity, summed over accounts (USD)",
			)?,
			stress_capacity: gauge(
				r,
				"ballast_stress_capacity_usd",
				"Stress test: what absorbs shortfalls, insurance funds + vaults' NAV (USD)",
			)?,
			stress_tightening: gauge(
				r,
				"ballast_stress_tightening_ratio",
				"Tightening of new risk in force (0..1): initial requirements x (1 + t), haircuts, open-interest caps",
			)?,
			stress_alarm: gauge(
				r,
				"ballast_stress_alarm",
				"1 while stress coverage is below the tightening threshold (until it recovers to the relaxing one)",
			)?,
			stress_pass_visited: gauge(
				r,
				"ballast_stress_pass_visited",
				"Accounts the stress test's pass in progress has valued so far",
			)?,
			stress_shortfall: gauge_vec(
				r,
				"ballast_stress_shortfall_usd",
				"Stress test: shortfall per scenario (label: the scenario's spot shock), the larger of the pass in progress and the last completed one (USD)",
				&["scenario"],
			)?,
			block: gauge(r, "ballast_metrics_block", "Block number the ballast_ gauges were read at")?,
			update_seconds: gauge(
				r,
				"ballast_metrics_update_seconds",
				"Time the last update of the ballast_ gauges took",
			)?,
			failures: register(
				Counter::new(
					"ballast_metrics_update_failures_total",
					"Updates of the ballast_ gauges that failed (a runtime call or a decode)",
				)?,
				r,
			)?,
		})
	}
}

/// `amount / 10^decimals` written out in decimal.
fn decimal(amount: u128, decimals: u8) -> String {
	if decimals == 0 {
		return amount.to_string();
	}
	let scale = 10u128.checked_pow(u32::from(decimals)).unwrap_or(u128::MAX);
	let int = amount.checked_div(scale).unwrap_or_default();
	let frac = amount.checked_rem(scale).unwrap_or_default();
	format!("{int}.{frac:0width$}", width = usize::from(decimals))
}

/// `amount / 10^decimals` as the nearest `f64`, through its decimal string (no float
/// arithmetic, exact rounding).
pub fn whole(amount: u128, decimals: u8) -> f64 {
	decimal(amount, decimals).parse().unwrap_or(f64::NAN)
}

/// A signed amount in whole units.
fn whole_signed(amount: i128, decimals: u8) -> f64 {
	let sign = if amount < 0 { "-" } else { "" };
	format!("{sign}{}", decimal(amount.unsigned_abs(), decimals)).parse().unwrap_or(f64::NAN)
}

/// A `FixedU128` price in USD.
fn usd(price: Price) -> f64 {
	whole(price.into_inner(), 18)
}

fn flag(value: bool) -> f64 {
	if value {
		1.0
	} else {
		0.0
	}
}

/// A `Permill` as a ratio in `0..=1`.
fn ratio(value: Permill) -> f64 {
	whole(u128::from(value.deconstruct()), 6)
}

/// A scenario's label: its spot shock in percent with its sign (`-300_000` ppm: `-30%`,
/// `+125_000`: `+12.5%`).
pub fn shock_label(ppm: i32) -> String {
	let sign = if ppm < 0 { "-" } else { "+" };
	let pct = decimal(u128::from(ppm.unsigned_abs()), 4);
	let pct = pct.trim_end_matches('0').trim_end_matches('.');
	format!("{sign}{pct}%")
}

/// Milliseconds as seconds.
fn seconds(ms: u64) -> f64 {
	whole(u128::from(ms), 3)
}

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

	/// This node's worker's last submission of `asset`: `(price, block)` under
	/// `price-feed::last::<asset>` in the persistent offchain storage.
	fn last_submit(&self, asset: AssetId) -> Option<u32> {
		let key = pallet_price_feed::ocw::last_key(asset);
		let raw = self.backend.offchain_storage()?.get(STORAGE_PREFIX, &key)?;
		<(Price, u32)>::decode(&mut raw.as_slice()).ok().map(|(_, block)| block)
	}

	fn update(&self, at: <Block as BlockT>::Hash, number: u32) -> Result<(), String> {
		let m = &self.metrics;
		let api = self.client.runtime_api();
		let err = |what: &str, e: polkadot_sdk::sp_api::ApiError| format!("{what}: {e}");
		let mut assets: BTreeMap<AssetId, AssetInfo> = BTreeMap::new();
		let mut info = |id: AssetId| assets.entry(id).or_insert_with(|| self.asset(at, id)).clone();

		// Prices and feeds.
		for status in api.prices(at).map_err(|e| err("prices", e))? {
			let name = info(status.asset).symbol;
			let l = &[name.as_str()];
			match status.latest {
				Some(latest) => m.price.with_label_values(l).set(usd(latest.price)),
				None => {
					let _ = m.price.remove_label_values(l);
				},
			}
			match status.age {
				Some(age) => m.price_age.with_label_values(l).set(seconds(age)),
				None => {
					let _ = m.price_age.remove_label_values(l);
				},
			}
			m.price_max_age.with_label_values(l).set(seconds(status.max_age));
			m.price_stale.with_label_values(l).set(flag(status.stale));
			m.feed_late.with_label_values(l).set(flag(status.late));
			m.feed_sources.with_label_values(l).set(f64::from(status.sources));
			if let Some(block) = self.last_submit(status.asset) {
				m.feed_last_submit.with_label_values(l).set(f64::from(block));
				m.feed_blocks_since_submit
					.with_label_values(l)
					.set(f64::from(number.saturating_sub(block)));
			}
		}

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

		// The sweep's backlog.
		let at_risk = api.at_risk(at, AT_RISK_LIMIT).map_err(|e| err("at_risk", e))?.len();
		m.at_risk.set(usize_f64(at_risk));
		let (head, tail) = self
			.storage::<(u32, u32)>(at, storage_prefix("Liquidation", "QueueBounds"))
			.unwrap_or_default();
		let queue = tail.saturating_sub(head);
		m.seizure_queue.set(f64::from(queue));
		let resume = self
			.client
			.storage(at, &StorageKey(storage_prefix("Liquidation", "WatchResume")))
			.ok()
			.flatten()
			.is_some();
		m.watch_resume.set(flag(resume));
		let prefix = StorageKey(storage_prefix("Liquidation", "Deleveraging"));
		let deleveraging = self
			.client
			.storage_keys(at, Some(&prefix), None)
			.map(|keys| keys.take(DELEVERAGING_LIMIT).count())
			.unwrap_or_default();
		m.deleveraging_accounts.set(usize_f64(deleveraging));
		m.backlog.set(usize_f64(
			at_risk
				.saturating_add(usize::try_from(queue).unwrap_or(usize::MAX))
				.saturating_add(deleveraging)
				.saturating_add(usize::from(resume)),
		));

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

	fn update_stress(&self, at: <Block as BlockT>::Hash) -> Result<(), String> {
		let m = &self.metrics;
		let q = self.quote_decimals;
		let stress =
			self.client.runtime_api().report(at).map_err(|e| format!("stress report: {e}"))?;
		match stress.coverage {
			Some(c) => m.stress_coverage.with_label_values(&[]).set(whole(c.into_inner(), 18)),
			None => {
				let _ = m.stress_coverage.remove_label_values(&[]);
			},
		}
		m.stress_worst_shortfall.set(whole(stress.worst_shortfall, q));
		m.stress_capacity.set(whole_signed(stress.capacity, q));
		m.stress_tightening.set(ratio(stress.tightening));
		m.stress_alarm.set(flag(stress.alarm));
		m.stress_pass_visited.set(f64::from(stress.pass.2));
		m.stress_shortfall.reset();
		let mut labels: Vec<String> = Vec::new();
		for (i, scenario) in stress.scenarios.iter().enumerate() {
			let current = stress.pass_totals.get(i).copied().unwrap_or_default();
			let completed = stress.completed_totals.get(i).copied().unwrap_or_default();
			let mut label = shock_label(scenario.shock);
			if labels.contains(&label) {
				// Two scenarios with one shock (different volatilities): tell them apart.
				label = format!("{label} vol x{}", whole(scenario.vol.into_inner(), 18));
			}
			m.stress_shortfall
				.with_label_values(&[label.as_str()])
				.set(whole(current.max(completed), q));
			labels.push(label);
		}
		Ok(())
	}
}

fn usize_f64(n: usize) -> f64 {
	u32::try_from(n).map(f64::from).unwrap_or(f64::from(u32::MAX))
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
	let updater = Updater { client: client.clone(), backend, metrics, quote_decimals };
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
	fn whole_units() {
		assert_eq!(whole(123_456_789, 6), 123.456789);
		assert_eq!(whole(5, 0), 5.0);
		assert_eq!(whole(1, 18), 1e-18);
		assert_eq!(whole_signed(-1_500_000, 6), -1.5);
		assert_eq!(seconds(61_500), 61.5);
		assert_eq!(usd(Price::saturating_from_integer(60_000u32)), 60_000.0);
		assert_eq!(ratio(Permill::from_percent(5)), 0.05);
		assert_eq!(ratio(Permill::one()), 1.0);
	}

	#[test]
	fn scenario_labels() {
		assert_eq!(shock_label(-300_000), "-30%");
		assert_eq!(shock_label(300_000), "+30%");
		assert_eq!(shock_label(125_000), "+12.5%");
		assert_eq!(shock_label(-1), "-0.0001%");
		assert_eq!(shock_label(0), "+0%");
		assert_eq!(shock_label(2_000_000), "+200%");
	}

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
