//! `sweep-scale`: what the per-block liquidation sweep costs, and how fast it acts, as the
//! number of accounts grows.
//!
//! Run with `make sweep-scale` (or `cargo bench -p ballast-runtime --bench sweep_scale`). It
//! takes about 7 minutes and up to about 18 GiB of memory (the 1M populations); figures, not a
//! pass/fail test. `SWEEP_SCALE_MAX_N=100000` stops after the populations up to that size (a
//! quick look; the 1 % sink runs only at 1M).
//!
//! **Population.** n = 1k, 10k, 100k and 1M margin accounts, half isolated (one position in
//! BTC-, ETH- or DOT-PERP, long or short) and half cross (2–4 margin assets: BTC, ETH, DOT as
//! collateral and a USDC quote balance; positions in 2–3 markets). One in [`OPTION_EVERY`] cross
//! accounts also holds 1–2 options: 30-day European puts and calls on BTC and ETH, about 3 % out
//! of the money, from four series listed in the setup (through the listing call), bought from
//! the options vault and, for half of them, partly sold back; they are margined with the
//! account's perpetuals on the full portfolio grid, and watched under each series' sources.
//! 36 *template* accounts of those shapes (12 of each kind) are built through the real calls
//! (deposits, trades, option buys and sells: the engine files each in the watch and, if
//! isolated, in the liquidation-price index); the other accounts are copies of them written
//! directly to storage — the margin account, its account deposit, its positions (perpetual and
//! option, with the list of series it holds), its watch triggers (`Watching`, `Watch`,
//! `WatchedSources`), its liquidation-price and ADL index entries. Copies are not in the
//! markets' or series' open interest, the options vault's exposure or in custody (nothing
//! here reads those for them). Every template is at 2–4x leverage: far enough from its limit
//! that the bench's move (BTC and ETH −7 %) fires none of its triggers, which the bench
//! asserts — the population is watched, but the move sinks only the accounts built to sink.
//!
//! **What it prints.** First the budget (a quarter of a 2 s block) and the charged weights the
//! sweep works with: its base, a watched source, a liquidation, `check_account(p, c)` for a few
//! classes, and what the portfolio grid costs (one evaluation per perpetual and per option leg;
//! the room made for a ranked cross liquidation). Then for each n:
//!
//! * a header: watched accounts (and how many hold options), watch entries, watched sources,
//!   build time, peak memory;
//! * **k = 0** (nothing moved): the weight the sweep charges and its native time, medians over
//!   30 blocks (with the native time's quartiles, for the noise), and for n > 1k both medians
//!   against the 1k figures with a verdict on the requirement (within 10 %). The sweep reads each watched
//!   source and the index heads and re-checks the round-robin backstop's page (64 accounts,
//!   each charged `check_account(p, c)` at its class, option positions counted in `p`), so
//!   this must not grow with n;
//! * **k = 1,000 crossing in one block**, separately for isolated accounts, for cross accounts
//!   and for cross accounts with options: 1,000 real accounts (real calls; placed by
//!   calibration at 0.80–0.95 of their maintenance requirement after the move; those with
//!   options hold one leg each, a BTC or ETH put or call of about 600 USD of underlying) built
//!   on top of the population, then the move (the operators feed the moved prices again every
//!   block, so none goes stale however many blocks it takes). A summary line (how many the
//!   index rather than the watch finds; build time; whether all were healthy before and unhealthy after the move;
//!   how many neither the index nor a fired trigger points at — must be 0), then per block the
//!   accounts liquidated, the accounts valued (`Swept.checked`: the liquidated and any healthy
//!   account a trigger pointed at), the share of the budget charged and the native time; then
//!   the blocks to act on all 1,000 against the minimum the budget allows (Σ of what each costs
//!   — a liquidation if the index finds it, a check and a liquidation if the watch does — over
//!   the budget less the sweep's base; the grid evaluations of ranked cross closes are not in
//!   it), and the liquidations in the first block after the move (detection); last, per account
//!   acted on, the weight charged and the native time of all the blocks' sweeps against that
//!   check and liquidation (the difference is mostly the grid evaluations of ranked closes) and
//!   the room the sweep made for the liquidation. Each scenario runs in a storage transaction
//!   that is rolled back, so the next starts from the same population;
//! * the same k = 0 and crossing figures again after **1M empty margin accounts** are added
//!   (cross accounts holding only a 100 USDC deposit and their 1 BLST account deposit, no
//!   position): they are not watched and must change nothing.
//!
//! Last, **1 % of 1M sink**: on a population of exactly 1M (990,000 copies and templates, and
//! 10,000 real accounts, 5,000 isolated, 2,500 cross and 2,500 cross with options, built to
//! sink; run while the 1M population is being built, before its last 10,000 copies), the same
//! figures for the move that sinks the 10,000: blocks until every one is acted on against the
//! minimum the per-block capacity allows, and detection in the first block after the move.
//!
//! Charged weight is what the chain accounts (generated weights, ParityDB read/write costs).
//! Native time is the sweep's `on_initialize` against in-memory test externalities (no disk, no
//! wasm), on whatever else the machine is running: it shows compute and scaling, not a
//! validator's latency; at 1M the state is some 20 million in-memory entries.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::panic,
	clippy::float_arithmetic,
	missing_docs
)]

#[path = "../tests/common/mod.rs"]
mod common;

use ballast_primitives::assets;
use ballast_runtime::{Runtime, UNIT};
use codec::Encode;
use common::{chain::*, population::*};
use pallet_liquidation::{
	watch::Trigger, AdlEntries, AdlIndex, Index, Indexed, Source, Watch, WatchedSources, Watching,
	WeightInfo as _,
};
use pallet_margin_accounts::{AccountDeposits, Accounts};
use pallet_options::OptionKind;
use polkadot_sdk::{
	frame_support::{
		assert_ok,
		storage::{with_transaction, TransactionOutcome},
		weights::Weight,
	},
	sp_runtime::DispatchError,
};
use std::{
	collections::{BTreeMap, BTreeSet},
	time::{Duration, Instant},
};

const BEFORE: Prices = [(assets::BTC, 60_000), (assets::ETH, 3_000), (assets::DOT, 6)];
/// BTC and ETH −7 %: inside the circuit breaker. The price guard reads one such move at once
/// as a daily volatility of ≈ 6 %, both assets' first volatility band (BTC from 5 %, ETH from
/// 6 %): marks, collateral prices and the two collateral weights move, the options' implied
/// volatility rises from its 30 % floor to ≈ 6 % × 19.1 ≈ 115 %, and calibration (`at_prices`)
/// values every account with all of them.
const AFTER: Prices = [(assets::BTC, 55_800), (assets::ETH, 2_790), (assets::DOT, 6)];

const DOT_PERP: u32 = 2;
const DOT: u128 = 10_000_000_000;
const TEMPLATES_PER_HALF: u32 = 12;
/// Every `OPTION_EVERY`-th cross account of the population holds options.
const OPTION_EVERY: u32 = 2;

#[path = "sweep_scale/population.rs"]
mod population;
use population::*;

/// What acting on `accounts` costs the sweep, as charged before any grid evaluation (a check at
/// its class unless the index finds it, and a liquidation); how many the index finds; and the
/// room the sweep makes for their liquidations (for a cross account under the portfolio grid,
/// the most its ranked closes may cost).
fn cost_of(accounts: &[(AccountId, u8)]) -> (Weight, u32, Weight) {
	let act = act_weight();
	let mut total = Weight::zero();
	let mut room = Weight::zero();
	let mut via_index = 0;
	for (who, sub) in accounts {
		if pallet_liquidation::Pallet::<Runtime>::is_crossed(who, *sub) {
			total = total.saturating_add(act);
			room = room.saturating_add(act);
			via_index += 1;
		} else {
			total =
				total.saturating_add(check_weight(class_charged(who, *sub))).saturating_add(act);
			room = room.saturating_add(pallet_liquidation::Pallet::<Runtime>::act_weight(
				&(who.clone(), *sub),
				act,
			));
		}
	}
	(total, via_index, room)
}

struct Crossing {
	blocks: Vec<Block>,
	acted: usize,
	min_blocks: u64,
	via_index: u32,
	unfired: usize,
	healthy_before: bool,
	unhealthy_after: usize,
	build: Duration,
	/// Σ check and liquidation, as [`cost_of`] counts them.
	work: Weight,
	/// Σ room made for the liquidations.
	room: Weight,
}

/// Build `k` sinkers, move the prices, run blocks until every one was acted on (at most
/// `max_blocks`). In a storage transaction that is rolled back.
fn crossing(kind: Kind, k: u32, tag: u8, max_blocks: usize) -> Crossing {
	with_transaction(|| {
		// Fresh prices, in a block of their own (calibration feeds again in the next).
		feed_now(&BEFORE);
		block(false, || {});
		let start = Instant::now();
		let sinkers = build_sinkers(kind, k, tag);
		let build = start.elapsed();
		let healthy_before = sinkers.iter().all(|(w, s)| health(w, *s).unwrap().is_healthy());
		feed_now(&AFTER);
		let set: BTreeSet<_> = sinkers.iter().cloned().collect();
		let mut plan = None;
		let mut blocks = Vec::new();
		let mut acted = BTreeSet::new();
		while acted.len() < set.len() && blocks.len() < max_blocks {
			if !blocks.is_empty() {
				// The operators keep feeding (the same prices): a price older than 10 minutes
				// (100 blocks) would pause liquidation of what it prices.
				feed_now(&AFTER);
			}
			let b = block(false, || {
				if plan.is_none() {
					let unhealthy = sinkers
						.iter()
						.filter(|(w, s)| !health(w, *s).unwrap().is_healthy())
						.count();
					let levels = source_levels();
					let unfired = sinkers
						.iter()
						.filter(|(w, s)| {
							!fired(&levels, w, *s)
								&& !pallet_liquidation::Pallet::<Runtime>::is_crossed(w, *s)
						})
						.count();
					plan = Some((cost_of(&sinkers), unhealthy, unfired));
				}
			});
			for key in &b.liquidated {
				if set.contains(key) {
					acted.insert(key.clone());
				}
			}
			blocks.push(b);
		}
		let ((work, via_index, room_made), unhealthy_after, unfired) = plan.unwrap();
		let room = budget().ref_time() - base_weight().ref_time();
		let out = Crossing {
			blocks,
			acted: acted.len(),
			min_blocks: work.ref_time().div_ceil(room),
			via_index,
			unfired,
			healthy_before,
			unhealthy_after,
			build,
			work,
			room: room_made,
		};
		TransactionOutcome::Rollback(Ok::<_, DispatchError>(out))
	})
	.unwrap()
}

// ---------------------------------------------------------------------------------------------
// Figures.

fn median<T: Ord + Copy>(mut v: Vec<T>) -> T {
	v.sort();
	v[v.len() / 2]
}

fn pct(w: u64) -> f64 {
	w as f64 * 100.0 / budget().ref_time() as f64
}

fn ms(w: u64) -> f64 {
	w as f64 / 1e9
}

/// k = 0 over 30 blocks (after fresh prices): the medians of charged weight (ps) and native
/// time, and the native time's quartiles.
fn idle() -> Idle {
	feed_now(&BEFORE);
	block(false, || {});
	let mut weights = Vec::new();
	let mut times = Vec::new();
	for _ in 0..30 {
		let b = block(false, || {});
		assert!(b.liquidated.is_empty(), "nothing moved, nothing liquidated");
		weights.push(b.used.ref_time());
		times.push(b.time);
	}
	times.sort();
	Idle {
		weight: median(weights),
		time: times[times.len() / 2],
		quartiles: (times[times.len() / 4], times[times.len() * 3 / 4]),
	}
}

#[derive(Clone, Copy)]
struct Idle {
	weight: u64,
	time: Duration,
	quartiles: (Duration, Duration),
}

fn print_idle(label: &str, k0: Idle, reference: Option<Idle>) {
	let versus = match reference {
		Some(r) => {
			let dw = (k0.weight as f64 / r.weight as f64 - 1.0) * 100.0;
			let dt = (k0.time.as_secs_f64() / r.time.as_secs_f64() - 1.0) * 100.0;
			let verdict = |d: f64| if d.abs() <= 10.0 { "within 10 %" } else { "OUTSIDE 10 %" };
			format!(
				" | vs 1k: weight {dw:+.1} % ({}), time {dt:+.1} % ({})",
				verdict(dw),
				verdict(dt)
			)
		},
		None => String::new(),
	};
	println!(
		"  {label:<10} k = 0: weight {:>6.2} ms ({:>5.2} % of budget), native {:>5.2} ms \
		 (quartiles {:.2}–{:.2}) (medians of 30 blocks){versus}",
		ms(k0.weight),
		pct(k0.weight),
		k0.time.as_secs_f64() * 1e3,
		k0.quartiles.0.as_secs_f64() * 1e3,
		k0.quartiles.1.as_secs_f64() * 1e3,
	);
}

fn print_crossing(label: &str, k: u32, c: &Crossing) {
	let liquidated: Vec<usize> = c.blocks.iter().map(|b| b.liquidated.len()).collect();
	let valued: Vec<u32> = c.blocks.iter().map(|b| b.checked).collect();
	let used: Vec<String> =
		c.blocks.iter().map(|b| format!("{:.1}", pct(b.used.ref_time()))).collect();
	let times: Vec<String> =
		c.blocks.iter().map(|b| format!("{:.1}", b.time.as_secs_f64() * 1e3)).collect();
	println!(
		"  {label}: k = {k} crossing in one block ({} via the index; built in {:.1} s; healthy \
		 before: {}, unhealthy after the move: {}, not pointed at by index or watch: {})",
		c.via_index,
		c.build.as_secs_f64(),
		c.healthy_before,
		c.unhealthy_after,
		c.unfired
	);
	println!("    liquidated per block:  {liquidated:?}");
	println!("    valued per block:      {valued:?}");
	println!("    % of budget per block: [{}]", used.join(", "));
	println!("    native ms per block:   [{}]", times.join(", "));
	let first = c.blocks.first().map_or(0, |b| b.liquidated.len());
	println!(
		"    all {} acted on in {} blocks (minimum by capacity {}); first block after the move: \
		 {} liquidated{}",
		c.acted,
		c.blocks.len(),
		c.min_blocks,
		first,
		if c.acted < k as usize { "  — NOT ALL ACTED ON" } else { "" }
	);
	let acted = c.acted.max(1) as f64;
	let charged: u64 = c.blocks.iter().map(|b| b.used.ref_time()).sum();
	let native: f64 = c.blocks.iter().map(|b| b.time.as_secs_f64()).sum();
	let room = ms(budget().ref_time() - base_weight().ref_time());
	println!(
		"    per account acted on: charged {:.2} ms (the budget fits {:.0} a block at that), native \
		 {:.2} ms (all the blocks' sweeps); check at its class + liquidation {:.2} ms; room made \
		 for its liquidation {:.2} ms",
		ms(charged) / acted,
		room / (ms(charged) / acted),
		native * 1e3 / acted,
		ms(c.work.ref_time()) / k as f64,
		ms(c.room.ref_time()) / k as f64,
	);
}

/// Peak resident memory of this process so far, GiB.
fn peak_rss_gib() -> f64 {
	std::fs::read_to_string("/proc/self/status")
		.ok()
		.and_then(|s| {
			s.lines()
				.find(|l| l.starts_with("VmHWM:"))
				.and_then(|l| l.split_whitespace().nth(1))
				.and_then(|kb| kb.parse::<f64>().ok())
		})
		.map_or(f64::NAN, |kb| kb / (1024.0 * 1024.0))
}

fn main() {
	let total = Instant::now();
	let budget = budget();
	// The largest population (1M by default; a smaller one for a quick look: the 1 % sink runs
	// only at 1M).
	let max_n: u32 =
		std::env::var("SWEEP_SCALE_MAX_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
	println!(
		"sweep-scale: budget {:.0} ms of ref time per block (25 % of a 2 s block); sweep base \
		 {:.3} ms, per watched source {:.3} ms, liquidation {:.3} ms, check_account(1,0) {:.3} ms, \
		 (2,1) {:.3} ms, (3,3) {:.3} ms",
		ms(budget.ref_time()),
		ms(base_weight().ref_time()),
		ms(source_weight().ref_time()),
		ms(act_weight().ref_time()),
		ms(check_weight((1, 0)).ref_time()),
		ms(check_weight((2, 1)).ref_time()),
		ms(check_weight((3, 3)).ref_time()),
	);
	println!(
		"portfolio grid (cross accounts): one evaluation of (perpetual legs, option legs) (3,0) \
		 {:.3} ms, (3,1) {:.3} ms, (3,2) {:.3} ms; room made for a ranked cross liquidation of p \
		 legs ((2p + 33) evaluations, every leg an option): p = 3 {:.1} ms, p = 5 {:.1} ms; \
		 check_account(5,3) {:.3} ms",
		ms(LiqWeights::grid_evaluation(3, 0).ref_time()),
		ms(LiqWeights::grid_evaluation(3, 1).ref_time()),
		ms(LiqWeights::grid_evaluation(3, 2).ref_time()),
		ms(pallet_liquidation::weights::ranked_close_weight::<LiqWeights>(3).ref_time()),
		ms(pallet_liquidation::weights::ranked_close_weight::<LiqWeights>(5).ref_time()),
		ms(check_weight((5, 3)).ref_time()),
	);
	println!(
		"population: half isolated, half cross (2–4 margin assets, 2–3 markets), 1 in \
		 {OPTION_EVERY} cross accounts also holding 1–2 options (30-day BTC and ETH puts and \
		 calls, about 3 % out of the money, bought from the options vault, some sold back); copies \
		 of 36 real templates at 2–4x; move: BTC and ETH −7 %"
	);
	let mut reference = None;
	let mut sink = None;
	for n in [1_000u32, 10_000, 100_000, 1_000_000].into_iter().filter(|n| *n <= max_n) {
		let mut ext = common::ext_for_preset(polkadot_sdk::sp_genesis_builder::DEV_RUNTIME_PRESET);
		ext.execute_with(|| {
			let start = Instant::now();
			set_now(NOW);
			feed(&BEFORE);
			// NAV for the sinkers' skew (the vault's stress bound).
			add_vault_liquidity(&account(0, 0xEF), 50_000_000);
			// The options' series, and cash for the options vault's stress bound.
			list_series(&account(1, 0xEF), 20_000_000);
			let templates = templates();
			let copies = n - 3 * TEMPLATES_PER_HALF;
			if n == 1_000_000 {
				// 1 % of exactly 1M sink: 990,000 accounts and 10,000 real ones built to sink
				// (rolled back), before the last 10,000 copies complete this population.
				populate(0, copies - 10_000, &templates);
				let built = start.elapsed();
				sink = Some((crossing(Kind::Mixed, 10_000, 0xD1, 400), built));
				populate(copies - 10_000, copies, &templates);
			} else {
				populate(0, copies, &templates);
			}
			let watched = Watching::<Runtime>::iter_keys().count();
			let with_options = pallet_options::AccountSeries::<Runtime>::iter_keys().count();
			let entries: u32 = WatchedSources::<Runtime>::iter_values().sum();
			println!(
				"n = {n}: {watched} watched accounts ({with_options} cross with options), {entries} \
				 watch entries under {} sources (built in {:.1} s; peak memory so far {:.1} GiB)",
				watched_sources(),
				start.elapsed().as_secs_f64(),
				peak_rss_gib()
			);
			let k0 = idle();
			print_idle("", k0, reference);
			if n == 1_000 {
				reference = Some(k0);
			}
			print_crossing("isolated", 1_000, &crossing(Kind::Isolated, 1_000, 0xC1, 60));
			print_crossing("cross", 1_000, &crossing(Kind::Cross, 1_000, 0xC2, 60));
			print_crossing(
				"cross with options",
				1_000,
				&crossing(Kind::CrossOptions, 1_000, 0xC3, 120),
			);

			let start = Instant::now();
			add_empty_accounts(1_000_000);
			println!(
				"  + 1M empty margin accounts (added in {:.1} s; {} margin accounts in all; peak \
				 memory so far {:.1} GiB):",
				start.elapsed().as_secs_f64(),
				n + 1_000_000,
				peak_rss_gib()
			);
			print_idle("+1M empty", idle(), reference);
			print_crossing(
				"+1M empty, isolated",
				1_000,
				&crossing(Kind::Isolated, 1_000, 0xC1, 60),
			);
			print_crossing("+1M empty, cross", 1_000, &crossing(Kind::Cross, 1_000, 0xC2, 60));
			print_crossing(
				"+1M empty, cross with options",
				1_000,
				&crossing(Kind::CrossOptions, 1_000, 0xC3, 120),
			);
		});
		drop(ext);
	}
	if let Some((c, built)) = sink {
		println!(
			"1 % of 1M sink: 990,000 accounts (copies and templates, built in {:.1} s) + 10,000 \
			 real ones built to sink (5,000 isolated, 2,500 cross, 2,500 cross with options)",
			built.as_secs_f64()
		);
		print_crossing("1 % of 1M", 10_000, &c);
	}
	println!(
		"sweep-scale done in {:.0} s; peak memory {:.1} GiB",
		total.elapsed().as_secs_f64(),
		peak_rss_gib()
	);
}
