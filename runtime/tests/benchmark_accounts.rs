//! The runtime's benchmark helpers (`configs::benchmark_helpers`) against the dev genesis, as
//! `ballast-node benchmark pallet --chain dev` runs them: the widest accounts the weights are
//! declared for (16 positions, 8 collateral assets) are built through the real calls, with
//! markets and collateral assets listed beyond the genesis ones, and each class-dependent
//! benchmark's set-up, call and verification are replayed here (the benchmark closures need the
//! node's benchmarking database; these run on plain test externalities).
//!
//! Run with `cargo test -p ballast-runtime --features runtime-benchmarks`.

#![cfg(feature = "runtime-benchmarks")]
#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::panic
)]

use crate::common;

use ballast_primitives::{traits::MarginSide, CROSS_ACCOUNT};
use ballast_runtime::{
	configs::benchmark_helpers::BenchmarkHelpers, Liquidation, MarginAccounts, Perpetuals, Runtime,
	RuntimeCall, RuntimeOrigin,
};
use pallet_liquidation::{class_of, BenchmarkHelper as LiqHelper, Watch, Watching};
use pallet_margin_accounts::{BenchmarkHelper as MarginHelper, WeightInfo as _};
use pallet_perpetuals::{AccountClass, BenchmarkHelper as PerpHelper, WeightInfo as _};
use polkadot_sdk::{
	frame_support::{
		dispatch::{DispatchResultWithPostInfo, GetDispatchInfo},
		traits::UnfilteredDispatchable,
		weights::Weight,
		BoundedVec,
	},
	sp_genesis_builder::DEV_RUNTIME_PRESET,
	sp_runtime::AccountId32,
};

type MarginWeights = <Runtime as pallet_margin_accounts::Config>::WeightInfo;
type PerpWeights = <Runtime as pallet_perpetuals::Config>::WeightInfo;

const MAX_MARKETS: u32 = 16;
/// Positions in one margin account: a perpetual per market and 16 options.
const MAX_POSITIONS: u32 = 32;
const MAX_ASSETS: u32 = 8;

fn account(tag: u8) -> AccountId32 {
	AccountId32::new([tag; 32])
}

/// The benchmarks' caller (`frame_benchmarking::whitelisted_caller`).
fn caller() -> AccountId32 {
	polkadot_sdk::frame_benchmarking::whitelisted_caller()
}

/// Run `test` on the dev genesis at block 1, as a benchmark does.
fn on_dev_genesis(test: impl FnOnce()) {
	common::ext_for_preset(DEV_RUNTIME_PRESET).execute_with(test);
}

/// Dispatch `call` from `who` the way an extrinsic is dispatched; the post-dispatch info.
fn dispatch(who: &AccountId32, call: impl Into<RuntimeCall>) -> DispatchResultWithPostInfo {
	let call: RuntimeCall = call.into();
	call.dispatch_bypass_filter(RuntimeOrigin::signed(who.clone()))
}

/// The weight a successful call was charged: what it declared, refunded to `actual_weight`.
fn charged(call: impl Into<RuntimeCall> + Clone, who: &AccountId32) -> (Weight, Weight) {
	let call: RuntimeCall = call.into();
	let declared = call.get_dispatch_info().call_weight;
	let post = dispatch(who, call).expect("the call succeeds");
	(declared, post.actual_weight.expect("refunded to the class"))
}

#[test]
fn the_limits_are_the_ones_the_weights_are_declared_for() {
	assert_eq!(<Runtime as pallet_liquidation::Config>::MaxMarkets::get(), MAX_MARKETS);
	assert_eq!(<Runtime as pallet_perpetuals::Config>::MaxMarkets::get(), MAX_MARKETS);
	assert_eq!(<Runtime as pallet_margin_accounts::Config>::MaxPositions::get(), MAX_POSITIONS);
	assert_eq!(<Runtime as pallet_liquidation::Config>::MaxCollateralAssets::get(), MAX_ASSETS);
	assert_eq!(<Runtime as pallet_perpetuals::Config>::MaxCollateralAssets::get(), MAX_ASSETS);
	assert_eq!(<Runtime as pallet_margin_accounts::Config>::MaxCollateralAssets::get(), MAX_ASSETS);
}

/// `check_account(p, c)` over its whole range: `open_cross` builds a healthy cross account of
/// class `(p, c)`, filed in the watch; with every trigger moved, one check files it again under
/// exactly its triggers (the benchmark's verification: `class_of(triggers) == (p, c)`).
#[test]
fn open_cross_builds_every_class_check_account_asks_for() {
	for p in 1..=MAX_MARKETS {
		for c in 0..=MAX_ASSETS {
			on_dev_genesis(|| {
				<BenchmarkHelpers as LiqHelper<AccountId32>>::setup();
				let who = account(0xc1);
				<BenchmarkHelpers as LiqHelper<AccountId32>>::open_cross(&who, p, c);
				let key = (who.clone(), CROSS_ACCOUNT);
				let filed = Watching::<Runtime>::get(&key).expect("watched");
				assert_eq!(class_of(&filed), (p, c), "class after open_cross({p}, {c})");
				let snapshot = MarginAccounts::snapshot(&who, CROSS_ACCOUNT).unwrap();
				assert_eq!(snapshot.positions, p);
				assert_eq!(snapshot.collateral.len() as u32, c);
				assert!(!snapshot.needs_action());
				// Far from liquidation: equity at least ten times the maintenance requirement.
				assert!(
					snapshot.maintenance_equity >= 10 * snapshot.maintenance_requirement as i128
				);

				// As the benchmark: every trigger moved, then the account checked once (here by
				// the round-robin backstop, which walks every watched account).
				let mut moved = Vec::new();
				for (source, dir, k) in filed.iter() {
					Watch::<Runtime>::remove((source, dir, k, &key));
					let mut other = *k;
					other[15] ^= 1;
					Watch::<Runtime>::insert((source, dir, other, &key), ());
					moved.push((*source, *dir, other));
				}
				Watching::<Runtime>::insert(&key, BoundedVec::truncate_from(moved));
				pallet_liquidation::CrossCursor::<Runtime>::put(None::<(AccountId32, u8)>);
				Liquidation::sweep(Weight::MAX);
				assert_eq!(Watching::<Runtime>::get(&key), Some(filed));
				assert_eq!(MarginAccounts::snapshot(&who, CROSS_ACCOUNT).unwrap().positions, p);
			});
		}
	}
}

#[test]
fn the_helpers_stop_at_the_limits() {
	on_dev_genesis(|| {
		<BenchmarkHelpers as LiqHelper<AccountId32>>::setup();
		let who = account(0xc2);
		<BenchmarkHelpers as LiqHelper<AccountId32>>::open_cross(
			&who,
			MAX_MARKETS + 4,
			MAX_ASSETS + 4,
		);
		let filed = Watching::<Runtime>::get((who.clone(), CROSS_ACCOUNT)).unwrap();
		assert_eq!(class_of(&filed), (MAX_MARKETS, MAX_ASSETS));
		assert_eq!(pallet_perpetuals::NextMarketId::<Runtime>::get(), MAX_MARKETS);
		assert_eq!(
			<BenchmarkHelpers as MarginHelper<AccountId32>>::setup(MAX_ASSETS + 4).len() as u32,
			MAX_ASSETS
		);
	});
}

/// The perpetuals `trade(p, c)` benchmark at its corners: 16 markets with open interest, a cross
/// account of class `(p, c)` adds to its first position after the price moved; the call is
/// refunded to exactly `trade(p, c)`.
#[test]
fn the_trade_benchmark_runs_at_every_corner() {
	for (p, c) in [(1, 0), (1, MAX_ASSETS), (MAX_MARKETS, 0), (MAX_MARKETS, MAX_ASSETS)] {
		on_dev_genesis(|| {
			<BenchmarkHelpers as PerpHelper<AccountId32>>::setup();
			<BenchmarkHelpers as PerpHelper<AccountId32>>::list_markets(MAX_MARKETS);
			assert_eq!(pallet_perpetuals::NextMarketId::<Runtime>::get(), MAX_MARKETS);
			let lp = account(0x1b);
			let amount = <BenchmarkHelpers as PerpHelper<AccountId32>>::fund_quote(&lp);
			Perpetuals::do_add_liquidity(&lp, amount, 0).unwrap();
			let other = account(0x07);
			let sub = <BenchmarkHelpers as PerpHelper<AccountId32>>::cross_account(&other, 0);
			for m in 0..MAX_MARKETS {
				Perpetuals::do_trade(
					&other,
					sub,
					m,
					-<BenchmarkHelpers as PerpHelper<AccountId32>>::trade_size(m),
					None,
				)
				.unwrap();
			}
			let who = caller();
			let sub = <BenchmarkHelpers as PerpHelper<AccountId32>>::cross_account(&who, c);
			for m in 0..p {
				Perpetuals::do_trade(
					&who,
					sub,
					m,
					<BenchmarkHelpers as PerpHelper<AccountId32>>::trade_size(m),
					None,
				)
				.unwrap();
			}
			type Class = <Runtime as pallet_perpetuals::Config>::AccountClass;
			assert_eq!(<Class as AccountClass<AccountId32>>::class(&who, sub), (p, c));
			let size = <BenchmarkHelpers as PerpHelper<AccountId32>>::trade_size(0);
			<BenchmarkHelpers as PerpHelper<AccountId32>>::move_prices();

			let call = pallet_perpetuals::Call::<Runtime>::trade {
				sub,
				market: 0,
				size_delta: size,
				limit_price: None,
			};
			let (declared, actual) = charged(call, &who);

			let pos = pallet_perpetuals::Positions::<Runtime>::get((&who, sub), 0).unwrap();
			assert_eq!(pos.quantity, 2 * size);
			assert_eq!(declared, PerpWeights::trade(MAX_MARKETS, MAX_ASSETS));
			assert_eq!(actual, PerpWeights::trade(p, c));
		});
	}
}

/// The margin `deposit(p, c)`, `withdraw(p, c)` and `transfer(p, c)` benchmarks at their
/// corners (up to `MaxPositions`: every market's perpetual and 16 options): a cross account of
/// class `(p, c)` (and for the transfer an isolated account with the
/// same assets and a position); each call is refunded to exactly its weight at `(p, c)`.
#[test]
fn the_margin_benchmarks_run_at_every_corner() {
	/// The benchmarks' `cross_account`: `c` assets, quote, `p` positions.
	fn cross_account(who: &AccountId32, p: u32, c: u32) -> Vec<(u32, u128)> {
		let collateral = <BenchmarkHelpers as MarginHelper<AccountId32>>::setup(c);
		assert_eq!(collateral.len() as u32, c);
		polkadot_sdk::pallet_balances::Pallet::<Runtime>::force_set_balance(
			RuntimeOrigin::root(),
			who.clone().into(),
			100 * ballast_runtime::UNIT,
		)
		.unwrap();
		for (asset, amount) in &collateral {
			<BenchmarkHelpers as MarginHelper<AccountId32>>::fund(who, *asset, amount * 4);
			MarginAccounts::do_deposit(who, CROSS_ACCOUNT, *asset, *amount).unwrap();
		}
		let quote = <BenchmarkHelpers as MarginHelper<AccountId32>>::quote_amount();
		<BenchmarkHelpers as MarginHelper<AccountId32>>::fund(
			who,
			ballast_primitives::assets::USDC,
			quote * 4,
		);
		MarginAccounts::do_deposit(who, CROSS_ACCOUNT, ballast_primitives::assets::USDC, quote)
			.unwrap();
		<BenchmarkHelpers as MarginHelper<AccountId32>>::open_positions(who, CROSS_ACCOUNT, p);
		assert_eq!(MarginAccounts::account_class(who, CROSS_ACCOUNT, None), (p, c));
		collateral
	}
	for (p, c) in [(0, 1), (0, MAX_ASSETS), (MAX_POSITIONS, 1), (MAX_POSITIONS, MAX_ASSETS)] {
		on_dev_genesis(|| {
			let who = caller();
			let collateral = cross_account(&who, p, c);
			let (asset, amount) = collateral[0];
			let call = pallet_margin_accounts::Call::<Runtime>::deposit {
				sub: CROSS_ACCOUNT,
				asset,
				amount: amount / 10,
			};
			let (declared, actual) = charged(call, &who);
			assert_eq!(declared, MarginWeights::deposit(MAX_POSITIONS, MAX_ASSETS));
			assert_eq!(actual, MarginWeights::deposit(p, c));
		});
		on_dev_genesis(|| {
			let who = caller();
			let collateral = cross_account(&who, p, c);
			let (asset, amount) = collateral[0];
			let call = pallet_margin_accounts::Call::<Runtime>::withdraw {
				sub: CROSS_ACCOUNT,
				asset,
				amount: amount / 10,
			};
			let (declared, actual) = charged(call, &who);
			assert_eq!(declared, MarginWeights::withdraw(MAX_POSITIONS, MAX_ASSETS));
			assert_eq!(actual, MarginWeights::withdraw(p, c));
		});
		on_dev_genesis(|| {
			let who = caller();
			let collateral = cross_account(&who, p, c);
			let sub = MarginAccounts::do_create_isolated(
				&who,
				<BenchmarkHelpers as MarginHelper<AccountId32>>::market(),
			)
			.unwrap();
			for (asset, amount) in &collateral {
				<BenchmarkHelpers as MarginHelper<AccountId32>>::fund(&who, *asset, amount * 4);
				MarginAccounts::do_deposit(&who, sub, *asset, *amount).unwrap();
			}
			<BenchmarkHelpers as MarginHelper<AccountId32>>::open_positions(&who, sub, p.min(1));
			// An isolated account with a position counts one more (its liquidation price).
			let isolated = if p > 0 { 2 } else { 0 };
			assert_eq!(MarginAccounts::account_class(&who, sub, None), (isolated, c));
			let (asset, amount) = collateral[0];
			let call = pallet_margin_accounts::Call::<Runtime>::transfer {
				from: CROSS_ACCOUNT,
				to: sub,
				asset,
				amount: amount / 10,
			};
			let (declared, actual) = charged(call, &who);
			assert_eq!(declared, MarginWeights::transfer(MAX_POSITIONS, MAX_ASSETS));
			assert_eq!(actual, MarginWeights::transfer(p.max(isolated), c));
		});
	}
}

#[test]
fn the_global_settlement_trigger_benchmark_fixes_k_keys() {
	use pallet_global_settlement::BenchmarkHelper as GsHelper;
	for k in [1, 3, 10, MAX_MARKETS, 64] {
		on_dev_genesis(|| {
			let keys = <BenchmarkHelpers as GsHelper>::prices(k);
			// The genesis markets' and series' three keys, then one per market listed.
			assert_eq!(keys, k.clamp(3, MAX_MARKETS));
			let prices = ballast_runtime::GlobalSettlement::do_trigger().unwrap();
			assert_eq!(prices.len() as u32, keys);
		});
	}
}
