//! The watch: every account with a position is found in the block after a move that could
//! have sunk it, whatever it holds, and nothing else is looked at.

use super::*;
use crate::watch::{class_of, watch_level, Trigger};
use ballast_primitives::math::safety::Direction;

/// A cross account with BTC and ETH collateral, long BTC and short ETH, `quote` USDC.
fn portfolio(who: u64, quote: Balance) {
	open(who, CROSS_ACCOUNT, None);
	deposit(who, CROSS_ACCOUNT, BTC, ONE_BTC as Balance / 10);
	deposit(who, CROSS_ACCOUNT, ETH, ONE_ETH as Balance);
	deposit_quote(who, CROSS_ACCOUNT, quote * USD);
	trade(who, CROSS_ACCOUNT, BTC_PERP, ONE_BTC);
	trade(who, CROSS_ACCOUNT, ETH_PERP, -5 * ONE_ETH);
}

fn triggers(who: u64, sub: SubAccount) -> Vec<Trigger> {
	Watching::<Test>::get((who, sub)).map(|t| t.into_inner()).unwrap_or_default()
}

fn trigger_of(who: u64, sub: SubAccount, source: Source, dir: u8) -> i128 {
	let (_, _, k) = triggers(who, sub)
		.into_iter()
		.find(|(s, d, _)| *s == source && *d == dir)
		.expect("filed under this source");
	watch_level(if dir == DOWN { Direction::Down } else { Direction::Up }, k)
}

/// The sweep's weight with nothing to do: its base, plus reading the watched sources.
fn idle_weight() -> Weight {
	Liquidation::sweep(Weight::MAX)
}

#[test]
fn every_source_an_account_is_exposed_to_is_watched_in_the_direction_that_hurts() {
	test(|| {
		portfolio(ALICE, 300);
		let t = triggers(ALICE, CROSS_ACCOUNT);
		let has = |s: Source, d: u8| t.iter().any(|(x, y, _)| *x == s && *y == d);
		assert!(has(Source::Mark(BTC_PERP), DOWN) && has(Source::Mark(BTC_PERP), UP));
		assert!(has(Source::Mark(ETH_PERP), DOWN) && has(Source::Mark(ETH_PERP), UP));
		// A long owes the funding index's rise, a short its fall.
		assert!(has(Source::Funding(BTC_PERP), UP) && !has(Source::Funding(BTC_PERP), DOWN));
		assert!(has(Source::Funding(ETH_PERP), DOWN) && !has(Source::Funding(ETH_PERP), UP));
		for asset in [BTC, ETH] {
			assert!(has(Source::Price(asset), DOWN) && !has(Source::Price(asset), UP));
			assert!(has(Source::Weight(asset), DOWN));
		}
		assert_eq!(t.len(), 10);
		assert_eq!(class_of(&t), (2, 2));
		// The triggers sit below and above today's levels.
		let btc_mark = Price::from_u32(1_000).into_inner() as i128;
		assert!(trigger_of(ALICE, CROSS_ACCOUNT, Source::Mark(BTC_PERP), DOWN) < btc_mark);
		assert!(trigger_of(ALICE, CROSS_ACCOUNT, Source::Mark(BTC_PERP), UP) > btc_mark);
	});
}

#[test]
fn an_account_without_positions_is_never_in_the_watch() {
	test(|| {
		open(ALICE, CROSS_ACCOUNT, None);
		deposit(ALICE, CROSS_ACCOUNT, BTC, ONE_BTC as Balance);
		deposit_quote(ALICE, CROSS_ACCOUNT, 100 * USD);
		assert!(!Watching::<Test>::contains_key((ALICE, CROSS_ACCOUNT)));
		trade(ALICE, CROSS_ACCOUNT, BTC_PERP, ONE_BTC / 10);
		assert!(Watching::<Test>::contains_key((ALICE, CROSS_ACCOUNT)));
		trade(ALICE, CROSS_ACCOUNT, BTC_PERP, -ONE_BTC / 10);
		assert!(!Watching::<Test>::contains_key((ALICE, CROSS_ACCOUNT)));
		assert_eq!(WatchedSources::<Test>::iter().count(), 0);
	});
}

#[test]
fn a_cross_portfolio_sunk_by_its_collateral_is_found_in_the_next_block() {
	test(|| {
		AccountChecksPerBlock::set(0);
		portfolio(ALICE, 0);
		assert!(snapshot(ALICE, CROSS_ACCOUNT).is_healthy());
		// The collateral falls 80 %: the positions' marks do not move.
		set_oracle(ETH, 20);
		set_oracle(BTC, 200);
		assert!(!snapshot(ALICE, CROSS_ACCOUNT).is_healthy());
		let events = next_block();
		assert!(liquidated(&events, ALICE, CROSS_ACCOUNT));
	});
}

#[test]
fn a_cross_portfolio_sunk_by_its_short_leg_is_found_in_the_next_block() {
	test(|| {
		AccountChecksPerBlock::set(0);
		portfolio(ALICE, 0);
		set_price(ETH_PERP, 160);
		assert!(!snapshot(ALICE, CROSS_ACCOUNT).is_healthy());
		assert!(liquidated(&next_block(), ALICE, CROSS_ACCOUNT));
	});
}

#[test]
fn an_isolated_account_with_volatile_collateral_is_found_when_only_the_collateral_falls() {
	test(|| {
		AccountChecksPerBlock::set(0);
		open(ALICE, ISO, Some(BTC_PERP));
		deposit(ALICE, ISO, ETH, ONE_ETH as Balance);
		deposit_quote(ALICE, ISO, 10 * USD);
		trade(ALICE, ISO, BTC_PERP, ONE_BTC);
		// The mark never moves: the liquidation-price index cannot see this.
		set_oracle(ETH, 40);
		assert!(!snapshot(ALICE, ISO).is_healthy());
		assert!(!Liquidation::is_crossed(&ALICE, ISO));
		assert!(liquidated(&next_block(), ALICE, ISO));
	});
}

#[test]
fn funding_that_eats_the_buffer_is_found() {
	test(|| {
		AccountChecksPerBlock::set(0);
		// 10× long: buffer ≈ 50 USDC over 1,000 of notional.
		long_btc(ALICE, 100);
		assert!(next_block().is_empty());
		// Longs pay 60 USDC per BTC: the mark never moves.
		set_funding(BTC_PERP, 60 * USD as i128);
		assert!(!snapshot(ALICE, ISO).is_healthy());
		assert!(liquidated(&next_block(), ALICE, ISO));
	});
}

#[test]
fn a_volatility_band_that_cuts_the_collateral_weight_is_found() {
	test(|| {
		AccountChecksPerBlock::set(0);
		open(ALICE, CROSS_ACCOUNT, None);
		deposit(ALICE, CROSS_ACCOUNT, BTC, ONE_BTC as Balance);
		trade(ALICE, CROSS_ACCOUNT, BTC_PERP, 12 * ONE_BTC);
		assert!(snapshot(ALICE, CROSS_ACCOUNT).is_healthy());
		// BTC's weight falls from 90 % to 50 %: no price moved.
		set_weight_cut(BTC, 40);
		assert!(!snapshot(ALICE, CROSS_ACCOUNT).is_healthy());
		assert!(liquidated(&next_block(), ALICE, CROSS_ACCOUNT));
	});
}

#[test]
fn a_move_inside_every_margin_looks_at_no_account() {
	test(|| {
		AccountChecksPerBlock::set(0);
		for who in 100..160u64 {
			portfolio(who, 300 + who as Balance);
		}
		let idle = idle_weight();
		let before: Vec<_> = Watching::<Test>::iter().collect();
		// Half a percent on every price: far inside every account's margin.
		set_price(BTC_PERP, 995);
		set_price(ETH_PERP, 100);
		set_oracle(BTC, 995);
		// Nothing fired: the sweep pays its idle cost and writes nothing.
		assert_eq!(Liquidation::sweep(Weight::MAX), idle);
		let after: Vec<_> = Watching::<Test>::iter().collect();
		assert_eq!(before, after);
	});
}

#[test]
fn a_move_past_some_margins_looks_at_exactly_those_accounts() {
	test(|| {
		AccountChecksPerBlock::set(0);
		// Ten 10× longs and ten 2× longs.
		for who in 100..110u64 {
			long_btc(who, 100);
		}
		for who in 200..210u64 {
			long_btc(who, 500);
		}
		next_block();
		let idle = idle_weight();
		// 3 %: past the 10× accounts' margin (buffer 50 over G = 2 × 1,000 + 50: 2.4 %),
		// inside the 2× ones' (450 / 2,050: 22 %).
		set_price(BTC_PERP, 970);
		let per_check = <() as crate::WeightInfo>::check_account(1, 0);
		// Ten checks, each at its own class; the 2× accounts are not looked at.
		let used = Liquidation::sweep(Weight::MAX);
		assert_eq!(used, idle + per_check * 10);
		// Checked and filed again around today's price: a second pass looks at nobody.
		assert_eq!(Liquidation::sweep(Weight::MAX), idle);
	});
}

#[test]
fn try_state_catches_a_watch_entry_without_its_reverse() {
	new_test_ext().execute_with(|| {
		portfolio(ALICE, 300);
		Liquidation::do_try_state().unwrap();
		crate::Watch::<Test>::insert((Source::Mark(BTC_PERP), DOWN, [0u8; 16], (BOB, 0)), ());
		assert!(Liquidation::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_an_unwatched_account_with_positions() {
	new_test_ext().execute_with(|| {
		portfolio(ALICE, 300);
		for (source, dir, k) in triggers(ALICE, CROSS_ACCOUNT) {
			crate::Watch::<Test>::remove((source, dir, k, (ALICE, CROSS_ACCOUNT)));
			crate::WatchedSources::<Test>::mutate_exists((source, dir), |n| {
				*n = n.map(|c| c - 1).filter(|c| *c > 0)
			});
		}
		crate::Watching::<Test>::remove((ALICE, CROSS_ACCOUNT));
		assert!(Liquidation::do_try_state().is_err());
	});
}

#[test]
fn try_state_catches_a_miscounted_source() {
	new_test_ext().execute_with(|| {
		portfolio(ALICE, 300);
		crate::WatchedSources::<Test>::mutate((Source::Mark(BTC_PERP), DOWN), |n| {
			*n = n.map(|c| c + 1)
		});
		assert!(Liquidation::do_try_state().is_err());
	});
}

#[test]
fn the_watch_never_exceeds_the_budget_and_carries_work_over() {
	test(|| {
		AccountChecksPerBlock::set(0);
		let accounts = [ALICE, BOB, CHARLIE, DAVE, EVE];
		for who in accounts {
			open(who, CROSS_ACCOUNT, None);
			deposit_quote(who, CROSS_ACCOUNT, 100 * USD);
			trade(who, CROSS_ACCOUNT, BTC_PERP, ONE_BTC);
		}
		let per = <() as crate::WeightInfo>::check_account(1, 0) + act_weight();
		SweepBudget::set(idle_weight() + per * 2 + Weight::from_parts(1, 1));
		set_price(BTC_PERP, 940);
		let mut per_block = Vec::new();
		for _ in 0..4 {
			// `next_block` asserts the hook's weight is within the budget.
			let events = next_block();
			per_block
				.push(accounts.iter().filter(|w| liquidated(&events, **w, CROSS_ACCOUNT)).count());
		}
		assert_eq!(per_block.iter().sum::<usize>(), 5);
		assert_eq!(per_block[..3], [2, 2, 1]);
	});
}

#[test]
fn after_a_partial_liquidation_the_account_is_filed_no_looser_than_a_fresh_valuation_would() {
	test(|| {
		AccountChecksPerBlock::set(0);
		portfolio(ALICE, 0);
		// Equity 70 against 81 required: a partial close.
		set_price(ETH_PERP, 120);
		let events = next_block();
		assert!(liquidated(&events, ALICE, CROSS_ACCOUNT));
		assert!(Book::get((ALICE, CROSS_ACCOUNT)).is_some());
		let filed = triggers(ALICE, CROSS_ACCOUNT);
		assert!(!filed.is_empty(), "positions are left: still watched");
		// What a fresh valuation of what is left would file.
		let positions: Vec<_> =
			<MockPerps as ballast_primitives::traits::Derivatives<u64>>::positions(
				&ALICE,
				CROSS_ACCOUNT,
			)
			.iter()
			.map(|p| (p.market, p.is_long()))
			.collect();
		let fresh = Liquidation::triggers(&snapshot(ALICE, CROSS_ACCOUNT), &positions, false);
		assert_eq!(fresh.len(), filed.len());
		for (source, dir, k) in fresh {
			let (_, _, f) = filed.iter().find(|(s, d, _)| *s == source && *d == dir).unwrap();
			let d = if dir == DOWN { Direction::Down } else { Direction::Up };
			let (mine, exact) = (watch_level(d, *f), watch_level(d, k));
			match d {
				Direction::Down => assert!(mine >= exact, "{source:?} down: {mine} < {exact}"),
				Direction::Up => assert!(mine <= exact, "{source:?} up: {mine} > {exact}"),
			}
		}
		// And a further move that sinks what is left is found in the next block.
		set_price(ETH_PERP, 160);
		assert!(!snapshot(ALICE, CROSS_ACCOUNT).is_healthy());
		assert!(liquidated(&next_block(), ALICE, CROSS_ACCOUNT));
	});
}
