//! `sweep-scale`: what the per-block liquidation sweep costs, and how fast it acts, as the
//! number of accounts grows.
//!
//! Run with `make sweep-scale` (or `cargo bench -p ballast-runtime --bench sweep_scale`). It
//! takes about 5 minutes and up to about 16 GiB of memory (the 1M populations); figures, not a
//! pass/fail test.
//!
//! **Population.** n = 1k, 10k, 100k and 1M margin accounts, half isolated (one position in
//! BTC-, ETH- or DOT-PERP, long or short) and half cross (2–4 margin assets: BTC, ETH, DOT as
//! collateral and a USDC quote balance; positions in 2–3 markets). 24 *template* accounts of
//! those shapes are built through the real calls (deposits, trades: the engine files each in
//! the watch and, if isolated, in the liquidation-price index); the other accounts are copies of
//! them written directly to storage — the margin account, its account deposit, its positions,
//! its watch triggers (`Watching`, `Watch`, `WatchedSources`), its liquidation-price and ADL
//! index entries. Copies are not in the markets' open interest or in custody (nothing here
//! reads those for them). Every template is at 2–4x leverage: far enough from its limit that the
//! bench's move (BTC and ETH −7 %) fires none of its triggers, which the bench asserts — the
//! population is watched, but the move sinks only the accounts built to sink.
//!
//! **What it prints.** First the budget (a quarter of a 2 s block) and the charged weights the
//! sweep works with: its base, a watched source, a liquidation, `check_account(p, c)` for a few
//! classes. Then for each n:
//!
//! * a header: watched accounts, watch entries, watched sources, build time, peak memory;
//! * **k = 0** (nothing moved): the weight the sweep charges and its native time, medians over
//!   30 blocks (with the native time's quartiles, for the noise), and for n > 1k both medians
//!   against the 1k figures with a verdict on the requirement (within 10 %). The sweep reads each watched
//!   source and the index heads and re-checks the round-robin backstop's page (64 accounts,
//!   each charged `check_account(p, c)` at its class), so this must not grow with n;
//! * **k = 1,000 crossing in one block**, separately for isolated and for cross accounts: 1,000
//!   real accounts (real calls; placed by calibration at 0.80–0.95 of their maintenance
//!   requirement after the move) built on top of the population, then the move. A summary line
//!   (how many the index rather than the watch finds; build time; whether all were healthy
//!   before and unhealthy after the move; how many neither the index nor a fired trigger points
//!   at — must be 0), then per block the accounts liquidated, the accounts valued
//!   (`Swept.checked`: the liquidated and any healthy account a trigger pointed at), the share
//!   of the budget charged and the native time; then the blocks to act on all 1,000 against the
//!   minimum the budget allows (Σ of what each costs — a liquidation if the index finds it, a
//!   check and a liquidation if the watch does — over the budget less the sweep's base), and
//!   the liquidations in the first block after the move (detection). Each scenario runs in a
//!   storage transaction that is rolled back, so the next starts from the same population;
//! * the same k = 0 and crossing figures again after **1M empty margin accounts** are added
//!   (cross accounts holding only a 100 USDC deposit and their 1 BLST account deposit, no
//!   position): they are not watched and must change nothing.
//!
//! Last, **1 % of 1M sink**: on a population of exactly 1M (990,000 copies and templates, and
//! 10,000 real accounts, 5,000 isolated and 5,000 cross, built to sink; run while the 1M
//! population is being built, before its last 10,000 copies), the same figures for the move
//! that sinks the 10,000: blocks until every one is acted on against the minimum the per-block
//! capacity allows, and detection in the first block after the move.
//!
//! Charged weight is what the chain accounts (generated weights, ParityDB read/write costs).
//! Native time is the sweep's `on_initialize` against in-memory test externalities (no disk, no
//! wasm), on whatever else the machine is running: it shows compute and scaling, not a
//! validator's latency; at 1M the state is some 18 million in-memory entries.

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
};
use pallet_margin_accounts::{AccountDeposits, Accounts};
use polkadot_sdk::{
	frame_support::{
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
/// BTC and ETH −7 %: inside the circuit breaker, and below both assets' first volatility band
/// (one 7 % update makes σ ≈ 1.7 %), so only marks and collateral prices move.
const AFTER: Prices = [(assets::BTC, 55_800), (assets::ETH, 2_790), (assets::DOT, 6)];

const DOT_PERP: u32 = 2;
const DOT: u128 = 10_000_000_000;
const TEMPLATES_PER_HALF: u32 = 12;

// ---------------------------------------------------------------------------------------------
// The population.

/// Template `t` of the isolated half: market, side and leverage (2x–4x).
fn isolated_template(t: u32) -> Shape {
	let market = t % 3;
	let long = t.is_multiple_of(2);
	let (size, notional) = match market {
		BTC_PERP => ((BTC / 10) as i128, 6_000u128),
		ETH_PERP => ((2 * ETH) as i128, 6_000),
		_ => ((1_000 * DOT) as i128, 6_000),
	};
	// 2x, 3x, 4x (DOT, margined at twice the rate, at most 3x).
	let leverage = [2u128, 3, 4][(t / 3 % 3) as usize].min(if market == DOT_PERP { 3 } else { 4 });
	Shape {
		isolated: Some(market),
		collateral: vec![],
		trades: vec![(market, if long { size } else { -size })],
		quote: notional / leverage + 150,
	}
}

/// Template `t` of the cross half: 1–3 collateral assets and a quote balance (2–4 margin
/// assets), positions in 2–3 markets, 2x or 3x.
fn cross_template(t: u32) -> Shape {
	let collateral = match t % 3 {
		0 => vec![(assets::BTC, BTC / 40)],
		1 => vec![(assets::BTC, BTC / 40), (assets::ETH, ETH / 2)],
		_ => vec![(assets::BTC, BTC / 40), (assets::ETH, ETH / 2), (assets::DOT, 250 * DOT)],
	};
	let long = t.is_multiple_of(2);
	let side = |s: i128| if long { s } else { -s };
	let mut trades = vec![(BTC_PERP, side((BTC / 20) as i128)), (ETH_PERP, side(ETH as i128))];
	if t % 4 < 2 {
		trades.push((DOT_PERP, -side((500 * DOT) as i128)));
	}
	// Notional 3,000 + 3,000 (+ 3,000); equity = notional / leverage, collateral included.
	let notional = 3_000 * trades.len() as u128;
	let leverage = if t / 6 == 0 { 2 } else { 3 };
	let collateral_value: u128 = 1_500 + [0, 1_500, 3_000][(t % 3) as usize];
	Shape {
		isolated: None,
		collateral,
		trades,
		quote: (notional / leverage).saturating_sub(collateral_value * 9 / 10) + 300,
	}
}

type MarginAccountOf = pallet_margin_accounts::MarginAccount<
	<Runtime as pallet_margin_accounts::Config>::MaxCollateralAssets,
>;

/// One template account, as stored.
struct Template {
	account: MarginAccountOf,
	deposit: u128,
	positions: Vec<(u32, pallet_perpetuals::Position)>,
	triggers:
		polkadot_sdk::frame_support::BoundedVec<Trigger, pallet_liquidation::MaxTriggers<Runtime>>,
	indexed: Option<(u32, u8, [u8; 16])>,
	adl: Vec<(u32, u8, [u8; 16])>,
}

fn read_template(who: &AccountId, sub: u8) -> Template {
	let key = (who.clone(), sub);
	Template {
		account: Accounts::<Runtime>::get(who, sub).unwrap(),
		deposit: AccountDeposits::<Runtime>::get(who, sub).unwrap(),
		positions: pallet_perpetuals::Positions::<Runtime>::iter_prefix(key.clone()).collect(),
		triggers: Watching::<Runtime>::get(&key).unwrap(),
		indexed: Indexed::<Runtime>::get(&key),
		adl: AdlEntries::<Runtime>::get(&key).map(|v| v.into_inner()).unwrap_or_default(),
	}
}

/// Build the 24 templates through the real calls; check that the move fires none of them.
fn templates() -> (Vec<Template>, Vec<Template>) {
	let build = |tag: u8, shape: fn(u32) -> Shape| -> Vec<Template> {
		let keys: Vec<_> = (0..TEMPLATES_PER_HALF)
			.map(|t| {
				let who = account(t, tag);
				let sub = open(&who, &shape(t));
				(who, sub)
			})
			.collect();
		let fired_by_move = at_prices(&AFTER, || {
			let levels = source_levels();
			keys.iter().filter(|(who, sub)| fired(&levels, who, *sub)).count()
		});
		assert_eq!(fired_by_move, 0, "a template is within the move's reach");
		keys.iter().map(|(who, sub)| read_template(who, *sub)).collect()
	};
	(build(0xA1, isolated_template), build(0xA2, cross_template))
}

/// The storage entries of `t` copied to `(who, sub)` (raw keys and values); counts its triggers
/// per watched source into `counts`.
fn copy(
	t: &Template,
	who: &AccountId,
	sub: u8,
	out: &mut Vec<(Vec<u8>, Vec<u8>)>,
	counts: &mut BTreeMap<(Source, u8), u32>,
) {
	let key = (who.clone(), sub);
	out.push((Accounts::<Runtime>::hashed_key_for(who, sub), t.account.encode()));
	out.push((AccountDeposits::<Runtime>::hashed_key_for(who, sub), t.deposit.encode()));
	for (market, p) in &t.positions {
		out.push((
			pallet_perpetuals::Positions::<Runtime>::hashed_key_for(&key, market),
			p.encode(),
		));
	}
	for (source, dir, k) in &t.triggers {
		out.push((Watch::<Runtime>::hashed_key_for((source, dir, k, &key)), Vec::new()));
		*counts.entry((*source, *dir)).or_default() += 1;
	}
	out.push((Watching::<Runtime>::hashed_key_for(&key), t.triggers.encode()));
	if let Some((m, side, k)) = t.indexed {
		out.push((Index::<Runtime>::hashed_key_for((m, side, k, &key)), Vec::new()));
		out.push((Indexed::<Runtime>::hashed_key_for(&key), (m, side, k).encode()));
	}
	for (m, side, k) in &t.adl {
		out.push((AdlIndex::<Runtime>::hashed_key_for((m, side, k, &key)), Vec::new()));
	}
	if !t.adl.is_empty() {
		out.push((AdlEntries::<Runtime>::hashed_key_for(&key), t.adl.encode()));
	}
}

/// Write `entries` in key order (inserting a large batch into the externalities' ordered map in
/// order is several times faster than in hash order).
fn write_sorted(mut entries: Vec<(Vec<u8>, Vec<u8>)>) {
	entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
	for (k, v) in entries {
		polkadot_sdk::frame_support::storage::unhashed::put_raw(&k, &v);
	}
}

/// Copies `from..to` (account indexes) of the templates, alternately isolated and cross.
fn populate(from: u32, to: u32, iso: &[Template], cross: &[Template]) {
	let mut counts = BTreeMap::new();
	let mut entries = Vec::new();
	for i in from..to {
		let (templates, sub) = if i.is_multiple_of(2) { (iso, 1u8) } else { (cross, 0u8) };
		let t = &templates[(i / 2 % TEMPLATES_PER_HALF) as usize];
		copy(t, &account(i, 0xAB), sub, &mut entries, &mut counts);
	}
	write_sorted(entries);
	for (key, c) in counts {
		WatchedSources::<Runtime>::mutate(key, |n| *n = Some(n.unwrap_or(0) + c));
	}
}

/// `n` cross margin accounts holding only a 100 USDC deposit (and the 1 BLST account deposit).
fn add_empty_accounts(n: u32) {
	let account =
		MarginAccountOf { market: None, quote: 100 * USDC as i128, collateral: Default::default() }
			.encode();
	let mut entries = Vec::with_capacity(2 * n as usize);
	for i in 0..n {
		let who = common::population::account(i, 0xE0);
		entries.push((Accounts::<Runtime>::hashed_key_for(&who, 0u8), account.clone()));
		entries.push((AccountDeposits::<Runtime>::hashed_key_for(&who, 0u8), UNIT.encode()));
	}
	write_sorted(entries);
}

// ---------------------------------------------------------------------------------------------
// Accounts that sink.

/// Sinker `j`, isolated: a BTC- or ETH-PERP long.
fn isolated_sinker(j: u32) -> Shape {
	let (market, size, notional) = if j.is_multiple_of(2) {
		let s = BTC / 50 + (BTC / 100) * u128::from(j % 4);
		(BTC_PERP, s as i128, s * 60_000 / BTC)
	} else {
		let s = (3 * ETH) / 10 + (ETH / 10) * u128::from(j % 4);
		(ETH_PERP, s as i128, s * 3_000 / ETH)
	};
	Shape {
		isolated: Some(market),
		collateral: vec![],
		trades: vec![(market, size)],
		quote: notional + 500,
	}
}

/// Sinker `j`, cross: 1–3 collateral assets and the quote balance (2–4 margin assets), long
/// BTC- and ETH-PERP, short DOT-PERP for half of them (2–3 markets).
fn cross_sinker(j: u32) -> Shape {
	let collateral = match j % 3 {
		0 => vec![(assets::BTC, BTC / 500)],
		1 => vec![(assets::BTC, BTC / 500), (assets::ETH, ETH / 50)],
		_ => vec![(assets::BTC, BTC / 500), (assets::ETH, ETH / 50), (assets::DOT, 5 * DOT)],
	};
	let btc = BTC / 40 + (BTC / 100) * u128::from(j % 3);
	let eth = (3 * ETH) / 10 + (ETH / 10) * u128::from(j % 3);
	let mut trades = vec![(BTC_PERP, btc as i128), (ETH_PERP, eth as i128)];
	if j.is_multiple_of(2) {
		// 60 USD: DOT-PERP's initial margin (20 %) is twice its maintenance margin, and the
		// account must meet it before the move at 0.8 of maintenance after it.
		trades.push((DOT_PERP, -((10 * DOT) as i128)));
	}
	Shape {
		isolated: None,
		collateral,
		trades,
		quote: btc * 60_000 / BTC + eth * 3_000 / ETH + 500,
	}
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
	Isolated,
	Cross,
	Half,
}

/// Build `k` sinkers of `kind` (tag `tag`), each placed at 0.80–0.95 of its maintenance
/// requirement after the move.
fn build_sinkers(kind: Kind, k: u32, tag: u8) -> Vec<(AccountId, u8)> {
	let mut out = Vec::new();
	let mut targets = Vec::new();
	for j in 0..k {
		let who = account(j, tag);
		let iso = match kind {
			Kind::Isolated => true,
			Kind::Cross => false,
			Kind::Half => j.is_multiple_of(2),
		};
		let sub = open(&who, &if iso { isolated_sinker(j) } else { cross_sinker(j) });
		targets.push(((who.clone(), sub), 800_000 + u128::from(j % 150) * 1_000));
		out.push((who, sub));
	}
	if let Err((i, e)) = calibrate_all(&AFTER, &targets) {
		panic!("calibrating sinker {i}: {e:?}");
	}
	out
}

/// What acting on `accounts` costs the sweep, as charged, and the largest single reservation.
fn cost_of(accounts: &[(AccountId, u8)]) -> (Weight, u32) {
	let act = act_weight();
	let mut total = Weight::zero();
	let mut via_index = 0;
	for (who, sub) in accounts {
		if pallet_liquidation::Pallet::<Runtime>::is_crossed(who, *sub) {
			total = total.saturating_add(act);
			via_index += 1;
		} else {
			total =
				total.saturating_add(check_weight(class_charged(who, *sub))).saturating_add(act);
		}
	}
	(total, via_index)
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
		let ((work, via_index), unhealthy_after, unfired) = plan.unwrap();
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
		"population: half isolated, half cross (2–4 margin assets, 2–3 markets), copies of 24 \
		 real templates at 2–4x; move: BTC and ETH −7 %"
	);
	let mut reference = None;
	let mut sink = None;
	for n in [1_000u32, 10_000, 100_000, 1_000_000] {
		let mut ext = common::ext_for_preset(polkadot_sdk::sp_genesis_builder::DEV_RUNTIME_PRESET);
		ext.execute_with(|| {
			let start = Instant::now();
			set_now(NOW);
			feed(&BEFORE);
			// NAV for the sinkers' skew (the vault's stress bound).
			add_vault_liquidity(&account(0, 0xEF), 50_000_000);
			let (iso, cross) = templates();
			let copies = n - 2 * TEMPLATES_PER_HALF;
			if n == 1_000_000 {
				// 1 % of exactly 1M sink: 990,000 accounts and 10,000 real ones built to sink
				// (rolled back), before the last 10,000 copies complete this population.
				populate(0, copies - 10_000, &iso, &cross);
				let built = start.elapsed();
				sink = Some((crossing(Kind::Half, 10_000, 0xD1, 400), built));
				populate(copies - 10_000, copies, &iso, &cross);
			} else {
				populate(0, copies, &iso, &cross);
			}
			let watched = Watching::<Runtime>::iter_keys().count();
			let entries: u32 = WatchedSources::<Runtime>::iter_values().sum();
			println!(
				"n = {n}: {watched} watched accounts, {entries} watch entries under {} sources \
				 (built in {:.1} s; peak memory so far {:.1} GiB)",
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
		});
		drop(ext);
	}
	if let Some((c, built)) = sink {
		println!(
			"1 % of 1M sink: 990,000 accounts (copies and templates, built in {:.1} s) + 10,000 \
			 real ones built to sink (5,000 isolated, 5,000 cross)",
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
