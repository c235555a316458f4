//! The liquidation engine against the real runtime: detection in `on_initialize`, partial and
//! full liquidation, the bounded sweep under a crash, Dutch auctions and their floor, the loss
//! waterfall. Every block checks every pallet's invariants (see `common::chain`).

#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing,
	clippy::panic
)]

use crate::common;

use ballast_primitives::{assets, traits::PriceProvider, Price, CROSS_ACCOUNT};
use ballast_runtime::{
	configs::liquidation::SweepBudget, Assets, Liquidation, Oracle, PriceGuard, Runtime,
	RuntimeEvent, RuntimeOrigin, System,
};
use common::chain::*;
use pallet_liquidation::{Error as LiqError, Event as LiqEvent};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::Hooks},
	sp_runtime::AccountId32,
};

fn liquidation_events() -> Vec<LiqEvent<Runtime>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Liquidation(e) => Some(e),
			_ => None,
		})
		.collect()
}

fn positions_liquidated() -> usize {
	liquidation_events()
		.iter()
		.filter(|e| matches!(e, LiqEvent::PositionsLiquidated { .. }))
		.count()
}

/// A fresh account funded with `usdc` whole USDC (minted by the governance account, the
/// asset's issuer).
fn funded(i: u32, usdc: u128) -> AccountId {
	let mut raw = [7u8; 32];
	raw[..4].copy_from_slice(&i.to_le_bytes());
	let who = AccountId32::new(raw);
	// BLST for the deposits of its margin accounts.
	assert_ok!(ballast_runtime::Balances::force_set_balance(
		RuntimeOrigin::root(),
		who.clone().into(),
		10 * ballast_runtime::UNIT,
	));
	assert_ok!(Assets::mint(
		RuntimeOrigin::signed(ballast_runtime::genesis_config_presets::governance_account()),
		assets::USDC.into(),
		who.clone().into(),
		usdc * USDC
	));
	who
}

#[test]
fn a_healthy_account_is_never_liquidated() {
	chain().execute_with(|| {
		assert_ok!(create_isolated(&dave(), BTC_PERP));
		assert_ok!(deposit(&dave(), 1, assets::USDC, 20_000 * USDC));
		assert_ok!(trade(&dave(), 1, BTC_PERP, BTC as i128));
		// ±8 % swings for a hundred blocks: the account (liquidation price ≈ 42 000) stays healthy.
		for i in 0..100u32 {
			let btc = if i % 2 == 0 { 55_200 } else { 64_800 };
			feed(&[(assets::BTC, btc), (assets::ETH, 3_000), (assets::DOT, 6)]);
		}
		assert_eq!(positions_liquidated(), 0);
		assert_eq!(
			pallet_perpetuals::Positions::<Runtime>::get((dave(), 1), BTC_PERP).unwrap().quantity,
			BTC as i128
		);
	});
}

#[test]
fn an_unhealthy_isolated_account_is_partially_liquidated_in_the_next_block() {
	chain().execute_with(|| {
		assert_ok!(create_isolated(&dave(), BTC_PERP));
		assert_ok!(deposit(&dave(), 1, assets::USDC, 7_000 * USDC));
		assert_ok!(trade(&dave(), 1, BTC_PERP, BTC as i128));
		let (market, long, liq) = liquidation_price(&dave(), 1).unwrap();
		assert_eq!((market, long), (BTC_PERP, true));
		// (60 018 − 6 970) / 0.95 ≈ 55 840.
		assert!(liq > Price::from_u32(55_800) && liq < Price::from_u32(55_900), "{liq:?}");
		assert!(Liquidation::at_risk(10).is_empty());

		// The price crosses it: the account is at risk now, and acted on by the next block.
		feed_now(&[(assets::BTC, 55_500), (assets::ETH, 3_000), (assets::DOT, 6)]);
		assert_eq!(Liquidation::at_risk(10).len(), 1);
		assert!(!health(&dave(), 1).unwrap().is_healthy());
		next_block();
		let events = liquidation_events();
		let Some(LiqEvent::PositionsLiquidated { fraction, penalty, .. }) =
			events.iter().find(|e| matches!(e, LiqEvent::PositionsLiquidated { .. }))
		else {
			panic!("liquidated: {events:?}")
		};
		// Partial: a small share restores maintenance.
		assert!(fraction.deconstruct() > 0 && fraction.deconstruct() < 500_000, "{fraction:?}");
		assert!(*penalty > 0);
		let size =
			pallet_perpetuals::Positions::<Runtime>::get((dave(), 1), BTC_PERP).unwrap().quantity;
		assert!(size > 0 && size < BTC as i128);
		assert!(health(&dave(), 1).unwrap().is_healthy(), "back above maintenance");
		assert_eq!(pallet_liquidation::MarketInsurance::<Runtime>::get(BTC_PERP), *penalty);
		assert!(Liquidation::at_risk(10).is_empty());
		next_block();
	});
}

#[test]
fn a_thousand_accounts_crossing_in_one_block_are_all_liquidated_within_budget() {
	chain().execute_with(|| {
		// 100 BTC of longs: the vault needs NAV for a 10 % move of 6 M USDC of skew.
		more_vault_liquidity();
		let n = 1_000u32;
		let mut traders = Vec::new();
		for i in 0..n {
			let who = funded(i, 1_000);
			assert_ok!(create_isolated(&who, BTC_PERP));
			assert_ok!(deposit(&who, 1, assets::USDC, 800 * USDC));
			// 0.1 BTC long on 800 USDC: 7.5x.
			assert_ok!(trade(&who, 1, BTC_PERP, (BTC / 10) as i128));
			traders.push(who);
		}
		next_block();
		assert_eq!(positions_liquidated(), 0);

		// A 15 % crash puts every one of them below maintenance.
		feed_now(&[(assets::BTC, 51_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		assert_eq!(Liquidation::at_risk(2_000).len(), n as usize);

		let budget = SweepBudget::get();
		// Capacity from the generated weights: the budget less the sweep's base, over the
		// benchmarked marginal cost of one liquidation.
		type W = ballast_runtime::weights::pallet_liquidation::WeightInfo<Runtime>;
		let base = pallet_liquidation::weights::sweep_base_weight::<W>();
		let per = pallet_liquidation::weights::liquidation_weight::<W>();
		let capacity = ((budget.ref_time() - base.ref_time()) / per.ref_time()) as u32;
		let blocks_needed = n.div_ceil(capacity);
		let mut blocks = 0;
		while !Liquidation::at_risk(1).is_empty() {
			assert!(
				blocks < blocks_needed,
				"more than ⌈{n} / {capacity}⌉ = {blocks_needed} blocks"
			);
			let b = System::block_number() + 1;
			Oracle::on_finalize(b - 1);
			System::set_block_number(b);
			System::reset_events();
			let used = Liquidation::on_initialize(b);
			assert!(used.all_lte(budget), "block {b} used {used:?} of {budget:?}");
			blocks += 1;
			try_state();
		}
		assert!(blocks <= blocks_needed);
		// Every trader was acted on; none is left below maintenance.
		for who in &traders {
			assert!(health(who, 1).unwrap().is_healthy(), "{who:?}");
		}
		println!("1000 crossed accounts liquidated in {blocks} blocks (capacity {capacity}/block)");
	});
}

#[test]
fn seized_collateral_is_auctioned_never_below_the_floor_and_repays_the_debt() {
	chain().execute_with(|| {
		open_breaker(assets::ETH);
		// A cross account: 1 BTC of collateral, 10 ETH short.
		assert_ok!(deposit(&dave(), 0, assets::BTC, BTC));
		assert_ok!(trade(&dave(), 0, ETH_PERP, -(10 * ETH as i128)));
		// ETH triples: the short loses 60 000, more than the account is worth.
		feed(&[(assets::BTC, 60_000), (assets::ETH, 9_000), (assets::DOT, 6)]);
		assert!(pallet_perpetuals::Positions::<Runtime>::get((dave(), 0), ETH_PERP).is_none());
		let account = pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 0).unwrap();
		assert!(account.quote < 0, "debt left after closing");
		assert!(account.collateral.is_empty(), "collateral seized");
		let (id, auction) = pallet_liquidation::Auctions::<Runtime>::iter().next().unwrap();
		assert_eq!((auction.asset, auction.lot), (assets::BTC, BTC));
		let fund_before = pallet_liquidation::GlobalInsurance::<Runtime>::get();
		assert!(fund_before > 0, "the penalty went to the global fund");

		// No bids for two hundred blocks (the operators keep the price fresh): the price decays
		// to the floor and stops there; nothing can be taken below it.
		let floor = Price::from_u32(54_000); // 60 000 × (1 − 10 %)
		let take = |who: &AccountId, amount, max_price| {
			call(who, pallet_liquidation::Call::<Runtime>::take { id, amount, max_price })
		};
		let mut needed_reset_at = None;
		for n in 0..200 {
			if n % 10 == 0 {
				feed_now(&[(assets::BTC, 60_000), (assets::ETH, 9_000), (assets::DOT, 6)]);
			}
			let a = pallet_liquidation::Auctions::<Runtime>::get(id).unwrap();
			let (price, f, reset) = Liquidation::auction_price(&a).unwrap();
			assert_eq!(f, floor);
			if reset {
				needed_reset_at.get_or_insert(System::block_number());
				assert_noop!(
					take(&eve(), BTC, Price::from_u32(1_000_000)),
					LiqError::<Runtime>::AuctionNeedsReset
				);
			} else {
				assert!(price >= floor, "price {price:?} below the floor");
			}
			next_block();
		}
		assert!(needed_reset_at.unwrap() < 40, "decays to the floor in about 24 blocks");

		// A keeper restarts it at the current oracle price and earns the reward.
		let eve_usdc = |who: &AccountId| -> u128 {
			<Assets as polkadot_sdk::frame_support::traits::fungibles::Inspect<_>>::balance(
				assets::USDC,
				who,
			)
		};
		let before = eve_usdc(&charlie());
		assert_ok!(call(&charlie(), pallet_liquidation::Call::<Runtime>::restart { id }));
		assert_eq!(eve_usdc(&charlie()) - before, 5 * USDC);
		assert_noop!(
			call(&charlie(), pallet_liquidation::Call::<Runtime>::restart { id }),
			LiqError::<Runtime>::AuctionNotStale
		);
		assert_noop!(take(&eve(), 0, Price::from_u32(70_000)), LiqError::<Runtime>::ZeroAmount);
		assert_noop!(
			take(&eve(), BTC, Price::from_u32(50_000)),
			LiqError::<Runtime>::PriceAboveMax
		);
		assert_noop!(
			call(
				&eve(),
				pallet_liquidation::Call::<Runtime>::take {
					id: 99,
					amount: 1,
					max_price: Price::from_u32(1)
				}
			),
			LiqError::<Runtime>::UnknownAuction
		);

		// Partial take, then the rest; the proceeds go to the account's debt.
		let debt_before =
			pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 0).unwrap().quote;
		assert_ok!(take(&eve(), BTC / 4, Price::from_u32(70_000)));
		let quote = pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 0).unwrap().quote;
		assert!(quote > debt_before);
		next_block();
		assert_ok!(take(&eve(), BTC, Price::from_u32(70_000)));
		assert!(pallet_liquidation::Auctions::<Runtime>::get(id).is_none());
		assert!(liquidation_events().iter().any(|e| matches!(e, LiqEvent::AuctionEnded { .. })));
		// Eve holds the BTC; what the auction did not cover went down the waterfall.
		assert_eq!(
			<Assets as polkadot_sdk::frame_support::traits::fungibles::Inspect<_>>::balance(
				assets::BTC,
				&eve()
			),
			101 * BTC
		);
		let account = pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 0).unwrap();
		assert_eq!(account.quote, 0, "debt repaid or covered");
		let covered = liquidation_events().iter().any(|e| {
			matches!(e, LiqEvent::ShortfallCovered { .. } | LiqEvent::BadDebtRecorded { .. })
		});
		assert!(covered);
		next_block();
	});
}

#[test]
fn the_round_robin_check_catches_cross_accounts() {
	chain().execute_with(|| {
		// Cross accounts are not in the price index: the cursor finds them. Half a BTC
		// (30,000 USDC) needs the portfolio grid's 16 % (4,800) and its costs; a drop to 52,000
		// loses 4,000, far below the grid's maintenance (12.8 % of 26,000).
		assert_ok!(deposit(&dave(), 0, assets::USDC, 5_000 * USDC));
		assert_ok!(trade(&dave(), 0, BTC_PERP, (BTC / 2) as i128));
		assert!(liquidation_price(&dave(), 0).is_none());
		feed(&[(assets::BTC, 52_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
		// Within a few blocks (64 accounts checked per block; the dev chain has few).
		for _ in 0..3 {
			next_block();
		}
		assert!(positions_liquidated() > 0);
		assert!(health(&dave(), 0).unwrap().is_healthy());
	});
}

#[test]
fn auction_value_is_capped_and_the_excess_waits_in_the_queue() {
	chain().execute_with(|| {
		// 50 BTC (3 M USDC; 2.7 M after its haircut) of collateral against a 4 500 ETH short
		// (13.5 M USDC of skew: the vault needs 1.35 M USDC of NAV to take it; the portfolio
		// grid's 16 % of it, 2.16 M, and the trade's costs fit in the collateral).
		more_vault_liquidity();
		more_vault_liquidity_from(&charlie());
		assert_ok!(deposit(&dave(), 0, assets::BTC, 50 * BTC));
		assert_ok!(trade(&dave(), 0, ETH_PERP, -(4_500 * ETH as i128)));
		// ETH +20 %: a 2.7 M loss, with the entry's premium and the penalty beyond 3 M. All 50
		// BTC must go, but at most 2 M of one asset may be in live auctions.
		feed(&[(assets::BTC, 60_000), (assets::ETH, 3_600), (assets::DOT, 6)]);
		let events = liquidation_events();
		assert!(events.iter().any(|e| matches!(e, LiqEvent::SeizureQueued { .. })), "{events:?}");
		let per_asset = 2_000_000 * USDC;
		assert!(pallet_liquidation::AuctionValue::<Runtime>::get(assets::BTC) <= per_asset);
		assert!(
			pallet_liquidation::AuctionValue::<Runtime>::get(assets::BTC) > per_asset - 100 * USDC
		);
		let (id, first) = pallet_liquidation::Auctions::<Runtime>::iter().next().unwrap();
		assert!(first.lot < 34 * BTC && first.lot > 33 * BTC, "{}", first.lot);
		let left = pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 0).unwrap();
		assert!(left.holding(assets::BTC) > 16 * BTC, "the rest stays in the account");

		// While the caps are full, the queue waits.
		next_block();
		assert_eq!(pallet_liquidation::Auctions::<Runtime>::iter().count(), 1);

		// A bidder clears the lot: room again, and the next block's sweep serves the queue.
		assert_ok!(Assets::mint(
			RuntimeOrigin::signed(ballast_runtime::genesis_config_presets::governance_account()),
			assets::USDC.into(),
			eve().into(),
			3_000_000 * USDC
		));
		assert_ok!(call(
			&eve(),
			pallet_liquidation::Call::<Runtime>::take {
				id,
				amount: first.lot,
				max_price: Price::from_u32(100_000)
			}
		));
		// The lot is gone; the next sweep serves the queue: the rest of the BTC (about 1 M) goes
		// to auction.
		assert!(pallet_liquidation::Auctions::<Runtime>::get(id).is_none());
		next_block();
		let (_, second) = pallet_liquidation::Auctions::<Runtime>::iter().next().expect("the rest");
		assert_eq!(second.who, dave());
		let live = pallet_liquidation::TotalAuctionValue::<Runtime>::get();
		assert!(live > 900_000 * USDC && live < 1_100_000 * USDC, "{live}");
		assert!(pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 0)
			.unwrap()
			.collateral
			.is_empty());
		assert!(pallet_liquidation::Queued::<Runtime>::get((dave(), 0u8)).is_none());
		next_block();
	});
}

/// Dave, isolated, 1 BTC long with 6 500 USDC at 60 000: a gap to 50 000 leaves him about
/// 3 500 USDC short once the position is closed and the market fund has paid.
fn bankrupt_long_after_a_gap(opposing: impl FnOnce()) {
	assert_ok!(create_isolated(&dave(), BTC_PERP));
	assert_ok!(deposit(&dave(), 1, assets::USDC, 6_500 * USDC));
	assert_ok!(trade(&dave(), 1, BTC_PERP, BTC as i128));
	opposing();
	feed(&[(assets::BTC, 50_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
}

fn adl_events() -> Vec<(AccountId, u32, u128)> {
	liquidation_events()
		.into_iter()
		.filter_map(|e| match e {
			LiqEvent::AutoDeleveraged { who, market, haircut, .. } => Some((who, market, haircut)),
			_ => None,
		})
		.collect()
}

#[test]
fn a_shortfall_past_the_funds_deleverages_the_most_profitable_opposing_position_first() {
	chain().execute_with(|| {
		// Two shorts oppose Dave: Eve sold at 62 000 (more profitable per unit at any price),
		// Charlie at 60 000 with a larger position.
		let (eve_s, charlie_s) = (funded(40, 20_000), funded(41, 40_000));
		bankrupt_long_after_a_gap(|| {
			feed(&[(assets::BTC, 62_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
			assert_ok!(deposit(&eve_s, 0, assets::USDC, 20_000 * USDC));
			assert_ok!(trade(&eve_s, 0, BTC_PERP, -((BTC / 2) as i128)));
			feed(&[(assets::BTC, 60_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
			assert_ok!(deposit(&charlie_s, 0, assets::USDC, 40_000 * USDC));
			assert_ok!(trade(&charlie_s, 0, BTC_PERP, -(2 * BTC as i128)));
		});
		// The ADL index files both shorts, Eve first.
		let head = pallet_liquidation::AdlIndex::<Runtime>::iter_prefix((BTC_PERP, 1u8))
			.next()
			.map(|((_, acct), ())| acct);
		assert_eq!(head, Some((eve_s.clone(), 0)));

		// The gap: Dave is closed in full; the market fund (his own penalty) and the empty global
		// fund do not cover the shortfall, which waits for deleveraging.
		let events = liquidation_events();
		let pending = events.iter().find_map(|e| match e {
			LiqEvent::DeleveragePending { who, amount, .. } if *who == dave() => Some(*amount),
			_ => None,
		});
		let pending = pending.unwrap_or_else(|| panic!("no DeleveragePending in {events:?}"));
		let covered_by_market = events.iter().any(
			|e| matches!(e, LiqEvent::ShortfallCovered { market: Some(m), .. } if *m == BTC_PERP),
		);
		assert!(covered_by_market, "the market fund pays first: {events:?}");
		assert!(pending > 2_000 * USDC && pending < 6_000 * USDC, "{pending}");
		assert!(pallet_liquidation::Deleveraging::<Runtime>::contains_key((dave(), 1)));
		let eve_before = pallet_margin_accounts::Accounts::<Runtime>::get(&eve_s, 0).unwrap().quote;
		let eve_size =
			pallet_perpetuals::Positions::<Runtime>::get((&eve_s, 0), BTC_PERP).unwrap().quantity;

		// Next block: Eve's short (≈ 6 000 USDC of profit) covers it alone, in part.
		next_block();
		assert_eq!(adl_events(), vec![(eve_s.clone(), BTC_PERP, pending)]);
		assert!(!pallet_liquidation::Deleveraging::<Runtime>::contains_key((dave(), 1)));
		assert_eq!(pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 1).unwrap().quote, 0);
		let eve_after =
			pallet_perpetuals::Positions::<Runtime>::get((&eve_s, 0), BTC_PERP).unwrap().quantity;
		assert!(eve_after < 0 && eve_after > eve_size, "Eve's short shrank: {eve_after}");
		// Eve kept the profit of the closed part beyond the haircut: her quote balance rose.
		let eve_quote = pallet_margin_accounts::Accounts::<Runtime>::get(&eve_s, 0).unwrap().quote;
		assert!(eve_quote > eve_before, "{eve_before} → {eve_quote}");
		// Charlie was not touched; nothing was written off.
		assert_eq!(
			pallet_perpetuals::Positions::<Runtime>::get((&charlie_s, 0), BTC_PERP)
				.unwrap()
				.quantity,
			-(2 * BTC as i128)
		);
		assert_eq!(pallet_liquidation::BadDebt::<Runtime>::get(), 0);
	});
}

#[test]
fn deleveraging_walks_down_the_profit_order_and_writes_off_only_what_no_one_covers() {
	chain().execute_with(|| {
		// Small opposing shorts: 0.01 BTC each, ≈ 100–120 USDC of profit after the gap.
		let (eve_s, charlie_s) = (funded(50, 5_000), funded(51, 5_000));
		bankrupt_long_after_a_gap(|| {
			feed(&[(assets::BTC, 62_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
			assert_ok!(deposit(&eve_s, 0, assets::USDC, 5_000 * USDC));
			assert_ok!(trade(&eve_s, 0, BTC_PERP, -((BTC / 100) as i128)));
			feed(&[(assets::BTC, 60_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
			assert_ok!(deposit(&charlie_s, 0, assets::USDC, 5_000 * USDC));
			assert_ok!(trade(&charlie_s, 0, BTC_PERP, -((BTC / 100) as i128)));
			// A long that is losing is never deleveraged.
			assert_ok!(deposit(&dave(), 0, assets::USDC, 5_000 * USDC));
			assert_ok!(trade(&dave(), 0, BTC_PERP, (BTC / 100) as i128));
		});
		let pending = pallet_liquidation::Deleveraging::<Runtime>::get((dave(), 1)).unwrap().left;
		next_block();
		// Eve first (sold higher), then Charlie, both closed in full; then the rest written off.
		let steps = adl_events();
		assert_eq!(steps.len(), 2, "{steps:?}");
		assert_eq!(steps[0].0, eve_s);
		assert_eq!(steps[1].0, charlie_s);
		assert!(steps[0].2 > steps[1].2, "Eve's cut is the larger: {steps:?}");
		assert!(pallet_perpetuals::Positions::<Runtime>::get((&eve_s, 0), BTC_PERP).is_none());
		assert!(pallet_perpetuals::Positions::<Runtime>::get((&charlie_s, 0), BTC_PERP).is_none());
		assert!(pallet_perpetuals::Positions::<Runtime>::get((dave(), 0), BTC_PERP).is_some());
		let written_off = pending - steps[0].2 - steps[1].2;
		assert_eq!(pallet_liquidation::BadDebt::<Runtime>::get(), written_off);
		assert_eq!(pallet_liquidation::BadDebtOf::<Runtime>::get((dave(), 1)), written_off);
		let order: Vec<_> = liquidation_events()
			.into_iter()
			.filter(|e| {
				matches!(e, LiqEvent::AutoDeleveraged { .. } | LiqEvent::BadDebtRecorded { .. })
			})
			.map(|e| matches!(e, LiqEvent::BadDebtRecorded { .. }))
			.collect();
		assert_eq!(order, vec![false, false, true], "bad debt only after deleveraging");
		assert_eq!(pallet_margin_accounts::Accounts::<Runtime>::get(dave(), 1).unwrap().quote, 0);
	});
}

#[test]
fn outlier_print_executes_nothing() {
	chain().execute_with(|| {
		// Dave: isolated 1 BTC long, liquidation price ≈ 42 000. Eve: cross 1 BTC short.
		assert_ok!(create_isolated(&dave(), BTC_PERP));
		assert_ok!(deposit(&dave(), 1, assets::USDC, 20_000 * USDC));
		assert_ok!(trade(&dave(), 1, BTC_PERP, BTC as i128));
		let short = funded(60, 30_000);
		assert_ok!(deposit(&short, 0, assets::USDC, 20_000 * USDC));
		assert_ok!(trade(&short, 0, BTC_PERP, -(BTC as i128)));
		next_block();
		let last_valid = || <PriceGuard as PriceProvider>::last_valid(assets::BTC).map(|p| p.price);
		assert_eq!(last_valid(), Some(Price::from_u32(60_000)));
		let dave_before = health(&dave(), 1).unwrap().maintenance_equity;
		let short_before = health(&short, 0).unwrap().maintenance_equity;

		// Operators print BTC = 900 (below BTC's bounds), then 30 000 (inside them, but a 50 %
		// jump beyond the 25 % circuit breaker). Trading refuses both; liquidation ignores both
		// and values everyone at the last valid 60 000: nobody is closed at the outlier.
		for (print, error) in [
			(900, pallet_perpetuals::Error::<Runtime>::PriceOutOfBounds),
			(30_000, pallet_perpetuals::Error::<Runtime>::PriceJump),
		] {
			feed_now(&[(assets::BTC, print), (assets::ETH, 3_000), (assets::DOT, 6)]);
			assert_noop!(trade(&dave(), 1, BTC_PERP, (BTC / 10) as i128), error);
			assert_eq!(health(&dave(), 1).unwrap().maintenance_equity, dave_before);
			assert_eq!(health(&short, 0).unwrap().maintenance_equity, short_before);
			next_block();
			next_block();
			assert_eq!(last_valid(), Some(Price::from_u32(60_000)), "print {print}");
			assert!(liquidation_events().is_empty(), "print {print}: {:?}", liquidation_events());
			for who in [(dave(), 1), (short.clone(), 0)] {
				assert!(pallet_perpetuals::Positions::<Runtime>::get(&who, BTC_PERP).is_some());
			}
		}
	});
}

#[test]
fn a_crash_that_persists_is_liquidated_once_the_breaker_confirms_it() {
	chain().execute_with(|| {
		assert_ok!(create_isolated(&dave(), BTC_PERP));
		assert_ok!(deposit(&dave(), 1, assets::USDC, 20_000 * USDC));
		assert_ok!(trade(&dave(), 1, BTC_PERP, BTC as i128));
		next_block();
		// A genuine crash to 30 000, fed every block: held for a minute, then confirmed, and the
		// long (liquidation price ≈ 42 000) goes in the next block.
		let mut liquidated_at = None;
		let mut confirmed_at = None;
		for n in 0..20 {
			feed(&[(assets::BTC, 30_000), (assets::ETH, 3_000), (assets::DOT, 6)]);
			let events = System::events();
			if confirmed_at.is_none()
				&& events.iter().any(|r| {
					matches!(
						r.event,
						RuntimeEvent::PriceGuard(pallet_price_guard::Event::JumpConfirmed { .. })
					)
				}) {
				confirmed_at = Some(n);
			}
			if liquidated_at.is_none()
				&& liquidation_events().iter().any(
					|e| matches!(e, LiqEvent::PositionsLiquidated { who, sub: 1, .. } if *who == dave()),
				) {
				liquidated_at = Some(n);
			}
		}
		let (confirmed, liquidated) =
			(confirmed_at.expect("confirmed"), liquidated_at.expect("liquidated"));
		assert!(confirmed >= 9, "held for a minute of 6 s blocks, confirmed after {confirmed}");
		assert!(liquidated <= confirmed + 1, "liquidated {liquidated}, confirmed {confirmed}");
	});
}

/// Eve adds 900,000 USDC to the vault (the genesis 500,000 carries 5 M USDC of net skew).
fn more_vault_liquidity() {
	more_vault_liquidity_from(&eve());
}

fn more_vault_liquidity_from(who: &AccountId) {
	assert_ok!(call(
		who,
		pallet_perpetuals::Call::<Runtime>::add_liquidity { amount: 900_000 * USDC, min_shares: 0 }
	));
}

/// The liquidation parameters are one governed value: the runtime's defaults until a
/// `risk_parameters` referendum sets others, and never outside the pallet's hard bounds.
#[test]
fn governed_liquidation_params_are_bounded_and_a_higher_penalty_is_charged() {
	use ballast_runtime::{configs::liquidation::DefaultLiquidationParams, governance::origins};
	use polkadot_sdk::sp_arithmetic::Permill;
	chain().execute_with(|| {
		let risk = || -> RuntimeOrigin { origins::Origin::RiskParameters.into() };
		// Nothing stored: today's values, unchanged.
		assert!(!pallet_liquidation::Params::<Runtime>::exists());
		assert_eq!(Liquidation::params(), DefaultLiquidationParams::get());
		assert_eq!(Liquidation::params().liquidation_penalty, Permill::from_percent(2));

		// Out of bounds: refused with the rule's own error, nothing stored.
		let mut nonsense = DefaultLiquidationParams::get();
		nonsense.liquidation_penalty = Permill::from_percent(30);
		assert_noop!(
			Liquidation::set_params(risk(), nonsense),
			LiqError::<Runtime>::PenaltyTooHigh
		);
		let mut for_nothing = DefaultLiquidationParams::get();
		for_nothing.auction_max_discount = Permill::one();
		assert_noop!(
			Liquidation::set_params(RuntimeOrigin::root(), for_nothing),
			LiqError::<Runtime>::DiscountOutOfRange
		);
		let mut generous = DefaultLiquidationParams::get();
		generous.keeper_reward = 1_001 * USDC;
		assert_noop!(
			Liquidation::set_params(risk(), generous),
			LiqError::<Runtime>::KeeperRewardTooHigh
		);

		// A valid change: a 3 % penalty (below BTC-PERP's 5 % maintenance rate, so the close
		// stays partial), read back and announced.
		let mut higher = DefaultLiquidationParams::get();
		higher.liquidation_penalty = Permill::from_percent(3);
		assert_ok!(Liquidation::set_params(risk(), higher.clone()));
		assert_eq!(Liquidation::params(), higher);
		assert!(liquidation_events().contains(&LiqEvent::ParamsSet { params: higher }));

		// It is what the next liquidation charges (as in the partial liquidation above).
		assert_ok!(create_isolated(&dave(), BTC_PERP));
		assert_ok!(deposit(&dave(), 1, assets::USDC, 7_000 * USDC));
		assert_ok!(trade(&dave(), 1, BTC_PERP, BTC as i128));
		feed_now(&[(assets::BTC, 55_500), (assets::ETH, 3_000), (assets::DOT, 6)]);
		next_block();
		let events = liquidation_events();
		let Some(LiqEvent::PositionsLiquidated { fraction, closed_notional, penalty, .. }) =
			events.iter().find(|e| matches!(e, LiqEvent::PositionsLiquidated { .. }))
		else {
			panic!("liquidated: {events:?}")
		};
		assert!(fraction.deconstruct() > 0 && fraction.deconstruct() < 1_000_000, "{fraction:?}");
		assert_eq!(*penalty, Permill::from_percent(3).mul_ceil(*closed_notional));
		assert_eq!(pallet_liquidation::MarketInsurance::<Runtime>::get(BTC_PERP), *penalty);
		next_block();
	});
}

// ---------------------------------------------------------------- ranked closes (cross)

/// `who`'s cross account withdraws its quote down to a little above its initial requirement
/// (at fresh prices), so that a small move sinks it below maintenance.
fn down_to_initial(who: &AccountId) {
	let v = ballast_runtime::MarginAccounts::valuation(who, CROSS_ACCOUNT).unwrap();
	let excess = v.initial_equity - v.initial_requirement as i128;
	assert!(excess > 0, "{v:?}");
	assert_ok!(withdraw(who, CROSS_ACCOUNT, assets::USDC, (excess as u128) * 98 / 100));
}

/// Lower BTC by 0.25 % a block from 60,000 until the engine acts on `who`'s cross account
/// (healthy until then: every block's sweep values it); returns the price it acted at.
fn sink_btc_until_liquidated(who: &AccountId) -> u32 {
	let mut btc = 60_000;
	loop {
		btc -= 150;
		assert!(btc > 45_000, "never sank");
		let before = health(who, CROSS_ACCOUNT).unwrap();
		feed_now(&[(assets::BTC, btc), (assets::ETH, 3_000), (assets::DOT, 6)]);
		System::reset_events();
		next_block();
		if positions_liquidated() > 0 {
			return btc;
		}
		assert!(before.is_healthy() || health(who, CROSS_ACCOUNT).unwrap().is_healthy());
	}
}

/// The attack ruled out: an account sinks and the engine sells its protective put along with
/// the perp it protects (proportional closes), leaving the perp more naked than before. Long
/// 1 BTC with a 30-day 57,000 put on half of it: the engine cuts the perp, which is what lowers
/// the requirement, and keeps the put.
#[test]
fn a_hedge_is_not_sold_to_cover_the_leg_it_hedges() {
	chain().execute_with(|| {
		let params = pallet_options::SeriesParams {
			underlying: assets::BTC,
			strike: Price::from_u32(57_000),
			expiry: NOW + 30 * 86_400_000,
			kind: pallet_options::OptionKind::Put,
		};
		assert_ok!(root(pallet_options::Call::<Runtime>::list_series { params }));
		let put = System::events()
			.into_iter()
			.rev()
			.find_map(|r| match r.event {
				RuntimeEvent::Options(pallet_options::Event::SeriesListed { series, .. }) => {
					Some(series)
				},
				_ => None,
			})
			.unwrap();
		assert_ok!(deposit(&dave(), CROSS_ACCOUNT, assets::USDC, 30_000 * USDC));
		assert_ok!(trade(&dave(), CROSS_ACCOUNT, BTC_PERP, BTC as i128));
		assert_ok!(call(
			&dave(),
			pallet_options::Call::<Runtime>::buy {
				sub: CROSS_ACCOUNT,
				series: put,
				quantity: BTC / 2,
				max_premium: 20_000 * USDC,
			}
		));
		down_to_initial(&dave());
		next_block();
		let btc = sink_btc_until_liquidated(&dave());
		assert_eq!(positions_liquidated(), 1, "liquidated at {btc}: {:?}", liquidation_events());
		// The put is whole; the perp was cut, not closed.
		let put_held =
			pallet_options::Positions::<Runtime>::get(put, (dave(), CROSS_ACCOUNT)).unwrap();
		assert_eq!(put_held.quantity, BTC / 2);
		let perp = pallet_perpetuals::Positions::<Runtime>::get((dave(), CROSS_ACCOUNT), BTC_PERP)
			.unwrap()
			.quantity;
		assert!(perp > 0 && perp < BTC as i128, "{perp}");
		let after = health(&dave(), CROSS_ACCOUNT).unwrap();
		assert!(after.is_healthy(), "{after:?}");
		System::reset_events();
		next_block();
		assert_eq!(positions_liquidated(), 0);
	});
}

/// A cross account long 1 BTC (60,000) and 1 ETH (3,000) sinks on BTC: the BTC perp, the
/// larger reducer of the requirement, is cut; the ETH perp is not touched.
#[test]
fn the_larger_reducer_is_closed_first() {
	chain().execute_with(|| {
		assert_ok!(deposit(&eve(), CROSS_ACCOUNT, assets::USDC, 30_000 * USDC));
		assert_ok!(trade(&eve(), CROSS_ACCOUNT, BTC_PERP, BTC as i128));
		assert_ok!(trade(&eve(), CROSS_ACCOUNT, ETH_PERP, ETH as i128));
		down_to_initial(&eve());
		next_block();
		let btc = sink_btc_until_liquidated(&eve());
		assert_eq!(positions_liquidated(), 1, "liquidated at {btc}");
		let size = |market| {
			pallet_perpetuals::Positions::<Runtime>::get((eve(), CROSS_ACCOUNT), market)
				.map_or(0, |p| p.quantity)
		};
		assert_eq!(size(ETH_PERP), ETH as i128, "the small leg is untouched");
		assert!(size(BTC_PERP) > 0 && size(BTC_PERP) < BTC as i128);
		assert!(health(&eve(), CROSS_ACCOUNT).unwrap().is_healthy());
		next_block();
	});
}
