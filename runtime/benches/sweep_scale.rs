//! `sweep-scale`: what the per-block liquidation sweep costs as the number of accounts grows.
//!
//! Run with `make sweep-scale` (or `cargo bench --workspace --bench sweep_scale`). For
//! n = 1k, 10k, 100k and 1M margin accounts, each an isolated account with a position far from
//! its liquidation price (filed in the liquidation index), it prints:
//!
//! * **k = 0** (nobody crossed): the weight the sweep charges and its native wall-clock time,
//!   median over 30 blocks. The sweep looks at the head of each market's index and at a fixed
//!   page of the round-robin cursor, so this must not grow with n.
//! * **k = 1000** (a crash makes 1 000 real accounts with real positions liquidatable at once):
//!   per block, the accounts liquidated, the weight charged against the budget (a quarter of
//!   the block), and wall-clock time; and the blocks needed to clear all 1 000.
//!
//! Wall-clock figures are native execution against the in-memory test externalities (no disk,
//! no wasm): they show the scaling and the compute per liquidation, not a validator's latency.
//! Charged weight is what the chain accounts: it includes the database cost of every read and
//! write at ParityDB's weights.

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

use ballast_primitives::{assets, Price};
use ballast_runtime::{
	configs::liquidation::SweepBudget, Assets, Liquidation, Oracle, Runtime, RuntimeOrigin, System,
};
use common::chain::*;
use pallet_liquidation::{index_key, Index, Indexed, LONG};
use pallet_margin_accounts::{Accounts, MarginAccount};
use polkadot_sdk::{
	frame_support::{assert_ok, traits::Hooks, weights::Weight},
	pallet_timestamp,
	sp_runtime::AccountId32,
};
use std::time::{Duration, Instant};

fn account(i: u32, tag: u8) -> AccountId {
	let mut raw = [tag; 32];
	raw[..4].copy_from_slice(&i.to_le_bytes());
	AccountId32::new(raw)
}

/// `n` isolated accounts, filed in the index at liquidation prices between 10 000 and 20 000
/// (BTC trades at 60 000): the population the sweep must not scan.
fn populate(n: u32) {
	for i in 0..n {
		let who = account(i, 0xAB);
		Accounts::<Runtime>::insert(
			&who,
			1,
			MarginAccount {
				market: Some(BTC_PERP),
				quote: 1_000 * USDC as i128,
				..Default::default()
			},
		);
		let price = Price::from_u32(10_000 + (i % 10_000));
		let key = index_key(true, price);
		Index::<Runtime>::insert((BTC_PERP, LONG, key, (&who, 1u8)), ());
		Indexed::<Runtime>::insert((&who, 1u8), (BTC_PERP, LONG, key));
	}
}

/// Start the next block: the oracle's `on_finalize`, then the sweep. Returns its weight and time.
fn block() -> (Weight, Duration, u32) {
	let n = System::block_number();
	Oracle::on_finalize(n);
	System::set_block_number(n + 1);
	System::reset_events();
	let start = Instant::now();
	let w = Liquidation::on_initialize(n + 1);
	let t = start.elapsed();
	let liquidated = System::events()
		.iter()
		.filter(|r| {
			matches!(
				r.event,
				ballast_runtime::RuntimeEvent::Liquidation(
					pallet_liquidation::Event::PositionsLiquidated { .. }
				)
			)
		})
		.count() as u32;
	(w, t, liquidated)
}

fn median(mut v: Vec<Duration>) -> Duration {
	v.sort();
	v[v.len() / 2]
}

fn pct(w: Weight) -> f64 {
	w.ref_time() as f64 * 100.0 / SweepBudget::get().ref_time() as f64 * 0.25
}

fn main() {
	let budget = SweepBudget::get();
	println!(
		"sweep-scale: budget per block = {} ms of ref time (25 % of the block)",
		budget.ref_time() / 1_000_000_000
	);
	println!(
		"{:>9} | {:>4} | {:>16} | {:>8} | {:>11} | {:>10} | {:>6}",
		"accounts", "k", "weight/block", "% block", "native time", "liquidated", "blocks"
	);
	let mut k0_at_1k = None;
	for n in [1_000u32, 10_000, 100_000, 1_000_000] {
		let mut ext = common::ext_for_preset(polkadot_sdk::sp_genesis_builder::DEV_RUNTIME_PRESET);
		ext.execute_with(|| {
			pallet_timestamp::Now::<Runtime>::put(NOW);
			feed(&[(assets::BTC, 60_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
			populate(n);

			// k = 0.
			let mut times = Vec::new();
			let mut weight = Weight::zero();
			for _ in 0..30 {
				let (w, t, l) = block();
				assert_eq!(l, 0);
				weight = weight.max(w);
				times.push(t);
			}
			let t0 = median(times);
			println!(
				"{:>9} | {:>4} | {:>13} ps | {:>7.3}% | {:>8.1} µs | {:>10} | {:>6}",
				n,
				0,
				weight.ref_time(),
				pct(weight),
				t0.as_secs_f64() * 1e6,
				0,
				1
			);
			if n == 1_000 {
				k0_at_1k = Some((weight, t0));
			} else if let Some((w1, t1)) = k0_at_1k {
				println!(
					"{:>9} |      | weight vs 1k: {:+.1} %, time vs 1k: {:+.1} %",
					"",
					(weight.ref_time() as f64 / w1.ref_time() as f64 - 1.0) * 100.0,
					(t0.as_secs_f64() / t1.as_secs_f64() - 1.0) * 100.0
				);
			}

			// k = 1000 real accounts cross at once: 100 BTC of longs, which the vault's stress
			// bound lets in only with more NAV than the genesis seed.
			let lp = account(0, 0xEF);
			assert_ok!(Assets::mint(
				RuntimeOrigin::signed(alice()),
				assets::USDC.into(),
				lp.clone().into(),
				2_000_000 * USDC
			));
			assert_ok!(ballast_runtime::Perpetuals::add_liquidity(
				RuntimeOrigin::signed(lp),
				2_000_000 * USDC,
				0
			));
			for i in 0..1_000u32 {
				let who = account(i, 0xCD);
				// BLST for its margin account's deposit.
				assert_ok!(ballast_runtime::Balances::force_set_balance(
					RuntimeOrigin::root(),
					who.clone().into(),
					10 * ballast_runtime::UNIT
				));
				assert_ok!(Assets::mint(
					RuntimeOrigin::signed(alice()),
					assets::USDC.into(),
					who.clone().into(),
					1_000 * USDC
				));
				assert_ok!(create_isolated(&who, BTC_PERP));
				assert_ok!(deposit(&who, 1, assets::USDC, 800 * USDC));
				assert_ok!(trade(&who, 1, BTC_PERP, (BTC / 10) as i128));
			}
			feed_now(&[(assets::BTC, 51_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
			let mut blocks = 0;
			let mut total = 0;
			let mut per_liq = Vec::new();
			while total < 1_000 && blocks < 20 {
				let (w, t, l) = block();
				blocks += 1;
				total += l;
				assert!(w.all_lte(budget), "over budget");
				if l > 0 {
					per_liq.push(t / l);
				}
				println!(
					"{:>9} | {:>4} | {:>13} ps | {:>7.3}% | {:>8.1} ms | {:>10} | {:>6}",
					n,
					1_000,
					w.ref_time(),
					pct(w),
					t.as_secs_f64() * 1e3,
					l,
					blocks
				);
			}
			assert_eq!(total, 1_000, "all crossed accounts liquidated");
			let per = median(per_liq);
			println!(
				"{:>9} |      | native time per liquidation {:.1} µs → {:.0} fit in 25 % of a 2 s block of compute",
				"",
				per.as_secs_f64() * 1e6,
				0.5 / per.as_secs_f64()
			);
		});
	}
}
