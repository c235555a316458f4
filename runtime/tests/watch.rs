//! The watch against the real runtime (issue 12): 2,000 accounts — 1,000 cross accounts with
//! 2–4 margin assets and positions in 2–3 markets, 1,000 isolated accounts — built through the
//! real calls on the dev genesis; a BTC move (60,000 → 54,000) after which exactly 300 are
//! unhealthy and 1,700 healthy, 1,000 of those within 1 % of their limit. Every unhealthy account
//! must be acted on in the first blocks after the move, within the blocks the sweep's budget and
//! charged weights allow, and no healthy account's margin account or positions may change.
//! Every block checks every pallet's invariants (`try_state`).
//!
//! Definitions (all at the engine's own valuation, `MarginSide::snapshot` at conservative
//! prices, in the block the first sweep after the move runs, just before it runs):
//! * **unhealthy**: maintenance equity `E` < maintenance requirement `R`;
//! * **within 1 % of the limit**: `R ≤ E < 1.01 R` (`100 E < 101 R`, integers);
//! * **far**: `E ≥ 1.01 R`.
//!
//! Accounts are placed at those levels by calibration (`common::population`): each is valued at
//! the moved prices in a rolled-back storage transaction and its quote balance adjusted with a
//! real deposit or withdrawal.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::panic
)]

use crate::common;

use ballast_primitives::assets;
use ballast_runtime::{Liquidation, Runtime};
use codec::Encode;
use common::{chain::*, population::*};
use pallet_liquidation::Event as LiqEvent;
use polkadot_sdk::frame_support::weights::Weight;
use std::collections::{BTreeMap, BTreeSet};

/// The move: BTC −10 % from the 60,000 the dev chain starts at (`chain()`); ETH and DOT unchanged.
const AFTER: Prices = [(assets::BTC, 54_000), (assets::ETH, 3_000), (assets::DOT, 6)];

const DOT_PERP: u32 = 2;
const DOT: u128 = 10_000_000_000;

/// Per half (isolated, cross): 150 unhealthy, 500 within 1 %, 350 far (200 of them exposed to
/// the move, 150 not adversely: hedged or in other markets).
const UNHEALTHY: u32 = 150;
const NEAR: u32 = 500;
const FAR_EXPOSED: u32 = 200;
const FAR_OTHER: u32 = 150;
const HALF: u32 = UNHEALTHY + NEAR + FAR_EXPOSED + FAR_OTHER;

#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
enum Class {
	Unhealthy,
	Near,
	Far,
}

/// Account `j` of a half: its class and its target `E / R` after the move, in millionths.
fn target(j: u32) -> (Class, u128) {
	let j = u128::from(j);
	let (u, n, fe) = (UNHEALTHY as u128, NEAR as u128, FAR_EXPOSED as u128);
	if j < u {
		// 0.60 … 0.97: partial liquidation (above the 50 % full-liquidation ratio).
		(Class::Unhealthy, 600_000 + j * 2_500)
	} else if j < u + n {
		// 1.001 … 1.009.
		(Class::Near, 1_001_000 + (j - u) * 16)
	} else if j < u + n + fe {
		// 1.2 … 3.0.
		(Class::Far, 1_200_000 + (j - u - n) * 9_000)
	} else {
		// 5.0 … 5.9: positions the move does not hurt (their margin test needs 2 × maintenance
		// before the move already).
		(Class::Far, 5_000_000 + (j - u - n - fe) * 6_000)
	}
}

/// The isolated half: BTC-PERP longs of 0.02–0.10 BTC (hurt by the move); the last
/// `FAR_OTHER` are ETH-PERP longs, DOT-PERP shorts and BTC-PERP shorts.
fn isolated_shape(j: u32) -> Shape {
	let btc = (BTC / 50) * (1 + u128::from(j % 5));
	let (market, size, notional) = if j < UNHEALTHY + NEAR + FAR_EXPOSED {
		(BTC_PERP, btc as i128, btc * 60_000 / BTC)
	} else {
		match j % 3 {
			0 => (ETH_PERP, (ETH / 2) as i128, 1_500),
			1 => (DOT_PERP, -((300 * DOT) as i128), 1_800),
			_ => (BTC_PERP, -((BTC / 20) as i128), 3_000),
		}
	};
	// Ample quote first (the notional again): calibration draws it down.
	Shape {
		isolated: Some(market),
		collateral: vec![],
		trades: vec![(market, size)],
		quote: notional + 500,
	}
}

/// The cross half: 2–4 margin assets (BTC, ETH, DOT as collateral, USDC as the quote balance)
/// and positions in 2–3 markets. Exposed accounts hold BTC collateral and are long BTC-PERP;
/// the last `FAR_OTHER` hold ETH (and DOT) and are short BTC-PERP.
fn cross_shape(j: u32) -> Shape {
	let (btc_c, eth_c, dot_c) = (BTC / 200, ETH / 40, 10 * DOT); // 300, 75, 60 USD
	let eth_size = (ETH / 5) as i128; // 600 USD
	let dot_size = (50 * DOT) as i128; // 300 USD
	if j < UNHEALTHY + NEAR + FAR_EXPOSED {
		let btc = (BTC / 10) * (2 + u128::from(j % 3)) / 2; // 0.10, 0.15, 0.20 BTC
		let collateral = match j % 3 {
			0 => vec![(assets::BTC, btc_c)],
			1 => vec![(assets::BTC, btc_c), (assets::ETH, eth_c)],
			_ => vec![(assets::BTC, btc_c), (assets::ETH, eth_c), (assets::DOT, dot_c)],
		};
		let mut trades = vec![
			(BTC_PERP, btc as i128),
			(ETH_PERP, if j.is_multiple_of(2) { eth_size } else { -eth_size }),
		];
		if j % 4 < 2 {
			trades.push((DOT_PERP, -dot_size));
		}
		Shape { isolated: None, collateral, trades, quote: btc * 60_000 / BTC + 2_000 }
	} else {
		let collateral = if j.is_multiple_of(2) {
			vec![(assets::ETH, eth_c)]
		} else {
			vec![(assets::ETH, eth_c), (assets::DOT, dot_c)]
		};
		let mut trades = vec![(BTC_PERP, -((BTC / 20) as i128)), (ETH_PERP, eth_size)];
		if j % 4 < 2 {
			trades.push((DOT_PERP, dot_size));
		}
		Shape { isolated: None, collateral, trades, quote: 10_000 }
	}
}

/// What a healthy account must keep, SCALE-encoded: its margin accounts (all sub-accounts, with
/// their account deposits) and its positions.
type Kept = Vec<u8>;

fn kept(who: &AccountId) -> Kept {
	let mut accounts: Vec<_> =
		pallet_margin_accounts::Accounts::<Runtime>::iter_prefix(who).collect();
	accounts.sort_by_key(|(sub, _)| *sub);
	let mut deposits: Vec<_> =
		pallet_margin_accounts::AccountDeposits::<Runtime>::iter_prefix(who).collect();
	deposits.sort();
	let mut positions = Vec::new();
	for (sub, _) in &accounts {
		for (market, p) in pallet_perpetuals::Positions::<Runtime>::iter_prefix((who.clone(), *sub))
		{
			positions.push((*sub, market, p));
		}
	}
	positions.sort_by_key(|(s, m, _)| (*s, *m));
	(accounts, deposits, positions).encode()
}

#[test]
fn two_thousand_accounts_every_unhealthy_one_is_acted_on_within_capacity_and_no_healthy_one_is_touched(
) {
	let started = std::time::Instant::now();
	chain().execute_with(|| {
		// Block 2, prices of block 1 (6 s old): everything is built in this block, so no
		// funding accrues between an account's calibration and the move.
		add_vault_liquidity(&account(0, 0xEE), 20_000_000);

		let mut population: Vec<((AccountId, u8), Class, u128)> = Vec::new();
		for (tag, shape) in [(0x11, isolated_shape as fn(u32) -> Shape), (0x22, cross_shape)] {
			for j in 0..HALF {
				let (class, t) = target(j);
				let who = account(j, tag);
				let sub = open(&who, &shape(j));
				population.push(((who, sub), class, t));
			}
		}
		let targets: Vec<_> = population.iter().map(|(k, _, t)| (k.clone(), *t)).collect();
		if let Err((i, e)) = calibrate_all(&AFTER, &targets) {
			panic!("calibrating {:?}: {e:?}", population[i]);
		}
		try_state();
		let built = started.elapsed();

		// The population is what was asked for: half cross with 2–4 margin assets (collateral
		// and a quote balance) and 2–3 positions, half isolated with one position.
		for ((who, sub), _, _) in &population {
			let (p, c) = class_in_storage(who, *sub);
			let quote = pallet_margin_accounts::Accounts::<Runtime>::get(who, sub).unwrap().quote;
			if *sub == 0 {
				let margin_assets = c + u32::from(quote > 0);
				assert!((2..=4).contains(&margin_assets), "{who:?}: {margin_assets} assets");
				assert!((2..=3).contains(&p), "{who:?}: {p} positions");
			} else {
				assert_eq!((p, c), (1, 0));
			}
			// Every account with a position is watched, and charged at its real class.
			assert_eq!(class_charged(who, *sub), (p, c), "{who:?}/{sub}: class from triggers");
		}
		let healthy: Vec<_> =
			population.iter().filter(|(_, c, _)| *c != Class::Unhealthy).collect();
		let before: BTreeMap<AccountId, Kept> =
			healthy.iter().map(|((who, _), _, _)| (who.clone(), kept(who))).collect();
		// Nobody is unhealthy before the move.
		for ((who, sub), _, _) in &population {
			assert!(health(who, *sub).unwrap().is_healthy(), "{who:?}/{sub} before the move");
		}

		// The move: BTC −10 % (inside the circuit breaker). The guard reads it at once as a
		// daily volatility of ≈ 8.8 %, BTC's 15 % haircut band (from 5 %): marks, collateral
		// prices and BTC's collateral weight move. Calibration valued every account with all
		// three (`at_prices` lets the guard observe the move).
		feed_now(&AFTER);

		// The first block after the move. Just before its sweep: every account is where it was
		// placed, and the work the sweep must do is known.
		let budget = budget();
		let (base, act) = (base_weight(), act_weight());
		let mut plan = Plan::default();
		let first = block(true, || {
			let mut counts = BTreeMap::new();
			let levels = source_levels();
			for ((who, sub), class, t) in &population {
				let s = health(who, *sub).unwrap();
				let (e, r) = (s.maintenance_equity, s.maintenance_requirement as i128);
				let observed = if e < r {
					Class::Unhealthy
				} else if 100 * e < 101 * r {
					Class::Near
				} else {
					Class::Far
				};
				assert_eq!(observed, *class, "{who:?}/{sub}: E {e}, R {r}, target {t} ppm");
				*counts.entry(observed).or_insert(0u32) += 1;
				plan.add(&levels, who, *sub, observed == Class::Unhealthy, act);
				// The accounts the move cannot hurt (targets of 5.0 and more: BTC-PERP shorts
				// without BTC collateral, ETH- and DOT-PERP positions).
				if *t >= 5_000_000 && fired(&levels, who, *sub) {
					plan.fired_unhurt += 1;
				}
			}
			assert_eq!(
				counts,
				BTreeMap::from([(Class::Unhealthy, 300), (Class::Near, 1_000), (Class::Far, 700)])
			);
		});
		let after_move = started.elapsed();
		// Every block reads each watched source once (at most), at its own charge.
		let sources = source_weight().saturating_mul(u64::from(watched_sources()));
		plan.largest = plan.largest.max(source_weight());
		let capacity = plan.bounds(budget, base, sources);
		println!(
			"built 2,000 accounts in {:.1} s; a trigger fired for {} healthy accounts ({} of them \
			 accounts the move cannot hurt); {} unhealthy ({} via the index); their work {} ps (≤ {} ps with every fired healthy account's \
			 check); blocks: at least {}, at most {} (budget {} ps, base {} ps, {} ps for the \
			 watched sources, largest item {} ps, liquidation {} ps)",
			built.as_secs_f64(),
			plan.fired_healthy,
			plan.fired_unhurt,
			plan.unhealthy,
			plan.via_index,
			plan.work_lower.ref_time(),
			plan.work_upper.ref_time(),
			capacity.0,
			capacity.1,
			budget.ref_time(),
			base.ref_time(),
			sources.ref_time(),
			plan.largest.ref_time(),
			act.ref_time(),
		);

		let unhealthy: BTreeSet<(AccountId, u8)> = population
			.iter()
			.filter(|(_, c, _)| *c == Class::Unhealthy)
			.map(|(k, _, _)| k.clone())
			.collect();
		let healthy_keys: BTreeSet<(AccountId, u8)> =
			healthy.iter().map(|(k, _, _)| k.clone()).collect();
		let mut acted: BTreeSet<(AccountId, u8)> = BTreeSet::new();
		let mut blocks = vec![first];
		loop {
			let b = blocks.last().unwrap();
			assert!(b.used.all_lte(budget), "over budget: {:?}", b.used);
			for e in &b.other {
				assert!(!matches!(e, LiqEvent::LiquidationFailed { .. }), "{e:?}");
			}
			for k in &b.liquidated {
				assert!(!healthy_keys.contains(k), "healthy account {k:?} liquidated");
				acted.insert(k.clone());
			}
			if acted.len() == unhealthy.len() {
				break;
			}
			// Not done: this block must have been full (the next account did not fit).
			assert!(
				b.used.ref_time() + plan.largest.ref_time() > budget.ref_time(),
				"block {} stopped with room left ({} of {} ps) and {} unhealthy accounts waiting",
				blocks.len(),
				b.used.ref_time(),
				budget.ref_time(),
				unhealthy.len() - acted.len()
			);
			assert!(blocks.len() < capacity.1 as usize, "more blocks than capacity requires");
			blocks.push(block(true, || {}));
		}
		assert_eq!(acted, unhealthy, "exactly the unhealthy accounts were acted on");
		assert!(!blocks[0].liquidated.is_empty(), "detected in the next block");
		for (i, b) in blocks.iter().enumerate() {
			println!(
				"block {}: {} liquidated, {} valued, {} ps used ({:.1} % of the budget)",
				i + 1,
				b.liquidated.len(),
				b.checked,
				b.used.ref_time(),
				b.used.ref_time() as f64 * 100.0 / budget.ref_time() as f64
			);
		}
		assert!(blocks.len() as u32 >= capacity.0 && blocks.len() as u32 <= capacity.1);

		// Then on until the watch has valued every account a trigger pointed at (a block with
		// room left) — within the same capacity bound, which counts every one of them — and one
		// more: nobody healthy is acted on. Then compare. The liquidation pallet's own entries
		// for healthy accounts (watch triggers, liquidation-price index) are re-filed by those
		// re-checks: that is the engine's bookkeeping, not the account's state, and it is not
		// compared.
		let mut later = 0;
		let mut last = blocks.last().unwrap().used;
		while last.ref_time() + plan.largest.ref_time() > budget.ref_time() {
			assert!(
				blocks.len() + later < capacity.1 as usize,
				"the watch has not valued every fired account within {} blocks",
				capacity.1
			);
			let b = block(true, || {});
			later += 1;
			for k in &b.liquidated {
				assert!(!healthy_keys.contains(k), "healthy account {k:?} liquidated later");
			}
			last = b.used;
		}
		block(true, || {});
		for ((who, _), _, _) in &healthy {
			assert!(before[who] == kept(who), "{who:?}: margin account or positions changed");
		}
		// The unhealthy are healthy again (partially closed).
		for (who, sub) in &unhealthy {
			assert!(health(who, *sub).unwrap().is_healthy(), "{who:?}/{sub} after liquidation");
		}
		println!(
			"{} blocks to act on all 300, {} more until the watch caught up; total {:.1} s \
			 (build {:.1} s, first sweep at {:.1} s)",
			blocks.len(),
			later,
			started.elapsed().as_secs_f64(),
			built.as_secs_f64(),
			after_move.as_secs_f64()
		);
	});
}

/// The work a sweep must do after a move, from the charged weights: per account it must value
/// (a fired trigger, or a crossed liquidation price) what the sweep charges for it.
#[derive(Default)]
struct Plan {
	/// Σ over the unhealthy of what finding and liquidating them costs: a liquidation if the
	/// index finds it (its weight covers the valuation), a check and a liquidation if the watch
	/// does.
	work_lower: Weight,
	/// `work_lower` + a check of every healthy account a trigger points at (the watch walks
	/// each source in firing order, not in order of health, so in the worst case all of them
	/// come first).
	work_upper: Weight,
	/// The most the sweep reserves before looking at one account (a check and a liquidation)
	/// or reading one source.
	largest: Weight,
	fired_healthy: u32,
	/// Of those, accounts the move can only help or leave alone.
	fired_unhurt: u32,
	unhealthy: u32,
	via_index: u32,
}

impl Plan {
	fn add(
		&mut self,
		levels: &BTreeMap<pallet_liquidation::Source, Option<i128>>,
		who: &AccountId,
		sub: u8,
		unhealthy: bool,
		act: Weight,
	) {
		let check = check_weight(class_charged(who, sub));
		// A cross account's liquidation also pays for ranking its closes under the grid: the
		// sweep makes room for the most it may cost, and charges what it made (at least none).
		let least = act;
		let act = Liquidation::act_weight(&(who.clone(), sub), act);
		let crossed = Liquidation::is_crossed(who, sub);
		let fired = fired(levels, who, sub);
		if unhealthy {
			// Detection: an unhealthy account is in the crossed part of the index or has a
			// fired trigger — otherwise the next sweep could not find it.
			assert!(crossed || fired, "{who:?}/{sub} is unhealthy but nothing points at it");
			self.unhealthy += 1;
			self.via_index += u32::from(crossed);
			let own = if crossed { act } else { check.saturating_add(act) };
			let own_least = if crossed { least } else { check.saturating_add(least) };
			self.work_lower = self.work_lower.saturating_add(own_least);
			self.work_upper = self.work_upper.saturating_add(own);
		} else if crossed {
			// Inside the index's rounding band: the index charges it a liquidation.
			self.work_upper = self.work_upper.saturating_add(act);
		} else if fired {
			self.fired_healthy += 1;
			self.work_upper = self.work_upper.saturating_add(check);
		}
		// The index reserves a liquidation; the watch a check and a liquidation.
		let reserve = if crossed { act } else { check.saturating_add(act) };
		if crossed || fired {
			self.largest = self.largest.max(reserve);
		}
	}

	/// Blocks: at least ⌈work_lower / (budget − base)⌉; at most ⌈work_upper / (budget − base −
	/// sources × per source − largest)⌉: every block but the last stops only when the next
	/// account (or source) does not fit, so it spent more than `budget − largest`, of which at
	/// most the base and one read of every watched source was not work on accounts.
	fn bounds(&self, budget: Weight, base: Weight, sources: Weight) -> (u32, u32) {
		let room = budget.ref_time() - base.ref_time();
		let full = room - sources.ref_time() - self.largest.ref_time();
		(
			self.work_lower.ref_time().div_ceil(room) as u32,
			self.work_upper.ref_time().div_ceil(full) as u32,
		)
	}
}
