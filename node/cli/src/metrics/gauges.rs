//! The `ballast_*` gauges and their registration (names, help texts, labels).

use polkadot_sdk::substrate_prometheus_endpoint::{
	register, Counter, Gauge, GaugeVec, Opts, PrometheusError, Registry, F64, U64,
};

/// The `ballast_*` gauges.
pub struct Metrics {
	pub price: GaugeVec<F64>,
	pub price_age: GaugeVec<F64>,
	pub price_max_age: GaugeVec<F64>,
	pub price_stale: GaugeVec<F64>,
	pub feed_late: GaugeVec<F64>,
	pub feed_sources: GaugeVec<F64>,
	pub feed_last_submit: GaugeVec<F64>,
	pub feed_blocks_since_submit: GaugeVec<F64>,
	/// Labels asset, source (index), host, result (`ok`/`failed`): the worker's counters.
	pub feed_source_fetches: GaugeVec<F64>,
	/// Labels asset, source, host.
	pub feed_source_last_error: GaugeVec<F64>,
	pub at_risk: Gauge<F64>,
	pub seizure_queue: Gauge<F64>,
	pub watch_resume: Gauge<F64>,
	pub deleveraging_accounts: Gauge<F64>,
	pub backlog: Gauge<F64>,
	pub backstop_accounts: Gauge<F64>,
	pub backstop_position: Gauge<F64>,
	pub auctions_live: Gauge<F64>,
	pub auctions_restart: Gauge<F64>,
	pub auction_value: GaugeVec<F64>,
	pub auction_lot: GaugeVec<F64>,
	pub insurance_global: Gauge<F64>,
	pub insurance_market: GaugeVec<F64>,
	pub bad_debt: Gauge<F64>,
	pub deleveraging: Gauge<F64>,
	pub vault_cash: Gauge<F64>,
	pub vault_nav: Gauge<F64>,
	pub vault_shares: Gauge<F64>,
	pub vault_fees: Gauge<F64>,
	pub open_interest: GaugeVec<F64>,
	pub open_interest_usd: GaugeVec<F64>,
	pub market_price: GaugeVec<F64>,
	pub market_stale: GaugeVec<F64>,
	/// No labels: absent while coverage is undefined (nothing at risk).
	pub stress_coverage: GaugeVec<F64>,
	pub stress_worst_shortfall: Gauge<F64>,
	pub stress_capacity: Gauge<F64>,
	pub stress_tightening: Gauge<F64>,
	pub stress_alarm: Gauge<F64>,
	pub stress_pass_visited: Gauge<F64>,
	pub stress_shortfall: GaugeVec<F64>,
	pub block: Gauge<F64>,
	pub update_seconds: Gauge<F64>,
	pub failures: Counter<U64>,
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
	pub fn register(r: &Registry) -> Result<Self, PrometheusError> {
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
			feed_source_fetches: gauge_vec(
				r,
				"ballast_price_feed_source_fetches_total",
				"Fetches of a source by this node's price-feed worker, by result (ok: a sane value; failed: none): the worker's counter, exported as a gauge holding its value (it restarts at zero when the source at that index changes)",
				&["asset", "source", "host", "result"],
			)?,
			feed_source_last_error: gauge_vec(
				r,
				"ballast_price_feed_source_last_error",
				"Why the latest fetch of the source by this node's price-feed worker gave no value: 0 none (it gave one), 1 request not started, 2 timeout, 3 transport error, 4 HTTP status not 200, 5 body cut short, 6 body too large, 7 malformed JSON, 8 nothing at the JSON path, 9 not a positive number, 10 outside the price guard's bounds",
				&["asset", "source", "host"],
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
			backstop_accounts: gauge(
				r,
				"ballast_sweep_backstop_accounts",
				"Accounts the sweep's round-robin backstop walks (accounts with positions or debt; capped at 100000)",
			)?,
			backstop_position: gauge(
				r,
				"ballast_sweep_backstop_position",
				"Accounts the round-robin backstop has checked in its current round (0: a round starts next block)",
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
