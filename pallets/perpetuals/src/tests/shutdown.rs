//! Global settlement: trading and new liquidity refused once triggered, withdrawals open; every
//! position closed in full at the fixed price with no fee, over several steps at a cursor.

use super::*;
use ballast_primitives::traits::{GlobalSettle, SettleStep};
use polkadot_sdk::frame_support::weights::Weight;

fn trigger() {
	MockSettlement::set(MockPhase::Settling);
}

fn fixed(btc: u32, eth: u32) -> Vec<(u32, Price)> {
	vec![(BTC_KEY, price(btc)), (ETH_KEY, price(eth))]
}

#[test]
fn trading_and_deposits_are_refused_once_triggered_withdrawals_stay_open() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		add_liquidity(LP, 10_000);
		trigger();
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC, None),
			Error::<Test>::GlobalSettlementActive
		);
		assert_noop!(
			Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None),
			Error::<Test>::GlobalSettlementActive
		);
		MockLedger::fund_wallet(LP2, 1_000 * USDC);
		assert_noop!(
			Perpetuals::add_liquidity(signed(LP2), 1_000 * USDC, 0),
			Error::<Test>::GlobalSettlementActive
		);
		// Leaving is open: the LP redeems after the notice, at NAV.
		let shares = LpShares::<Test>::get(LP);
		assert_ok!(remove_liquidity(LP, shares));
		assert_eq!(LpShares::<Test>::get(LP), 0);
	});
}

#[test]
fn only_markets_with_open_interest_need_a_settlement_price() {
	test(|| {
		// No position anywhere: nothing to price.
		assert_eq!(<Perpetuals as GlobalSettle>::price_keys(), Vec::<u32>::new());
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		// ETH's market has no open interest: a dead ETH feed could not stop the settlement.
		assert_eq!(<Perpetuals as GlobalSettle>::price_keys(), vec![BTC_KEY]);
	});
}

#[test]
fn settlement_closes_every_position_at_the_fixed_price_without_fee() {
	test(|| {
		fund(ALICE, 100_000);
		fund(BOB, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		trade(BOB, BTC_PERP, -2 * BTC);
		trade(BOB, ETH_PERP, 10 * ETH);
		let fees = FeePot::<Test>::get();
		let (quote0, cash0, _) = books();
		let alice0 = MockLedger::quote(ALICE, CROSS_ACCOUNT);
		let bob0 = MockLedger::quote(BOB, CROSS_ACCOUNT);
		assert_eq!(
			<Perpetuals as GlobalSettle>::price_keys(),
			vec![BTC_KEY, ETH_KEY],
			"every market's key"
		);
		trigger();
		// The oracle moves on; the settlement uses the fixed prices, not these.
		set_prices(50_000);
		let step =
			<Perpetuals as GlobalSettle>::settle_next(&fixed(61_000, 3_100), 10, Weight::MAX);
		assert_eq!(step.settled, 3);
		assert!(step.done);
		assert_eq!(Positions::<Test>::iter().count(), 0);
		let s = state(BTC_PERP);
		assert_eq!(
			(s.long_oi, s.short_oi, s.long_entry_notional, s.short_entry_notional),
			(0, 0, 0, 0)
		);
		// No fee; PnL at the fixed price: Alice bought at 60,036, sold at 61,000.
		assert_eq!(FeePot::<Test>::get(), fees);
		assert_eq!(MockLedger::quote(ALICE, CROSS_ACCOUNT) - alice0, usdc(964));
		System::assert_has_event(
			Event::PositionSettledGlobally {
				who: ALICE,
				sub: CROSS_ACCOUNT,
				market: BTC_PERP,
				size: BTC,
				price: price(61_000),
				settled: usdc(964),
			}
			.into(),
		);
		// What traders gained the vault lost, and the other way round: nothing created.
		let (quote1, cash1, _) = books();
		assert_eq!(quote1 - quote0, cash0 - cash1);
		assert!(MockLedger::quote(BOB, CROSS_ACCOUNT) < bob0, "Bob's short lost at 61,000");
		// Nothing left: the next step does nothing and is done.
		let step =
			<Perpetuals as GlobalSettle>::settle_next(&fixed(61_000, 3_100), 10, Weight::MAX);
		assert_eq!((step.settled, step.done), (0, true));
	});
}

#[test]
fn settlement_is_bounded_and_resumes_at_its_cursor() {
	test(|| {
		let traders: Vec<AccountId> = (100..107).collect();
		for (i, who) in traders.iter().enumerate() {
			fund(*who, 100_000);
			trade(*who, BTC_PERP, if i % 2 == 0 { BTC / 10 } else { -BTC / 10 });
			trade(*who, ETH_PERP, ETH);
		}
		trigger();
		let prices = fixed(60_000, 3_000);
		let mut steps: Vec<SettleStep> = Vec::new();
		loop {
			let step = <Perpetuals as GlobalSettle>::settle_next(&prices, 4, Weight::MAX);
			assert!(step.settled <= 4, "the cap per step");
			steps.push(step);
			if step.done {
				break;
			}
			run_to_block(System::block_number() + 1);
		}
		assert_eq!(steps.iter().map(|s| s.settled).sum::<u32>(), 14);
		assert_eq!(steps.len(), 4, "4 + 4 + 4 + 2");
		assert_eq!(Positions::<Test>::iter().count(), 0);
		// A budget for one position settles one.
		assert!(steps.iter().all(|s| s.weight.ref_time() > 0));
	});
}

#[test]
fn a_small_budget_settles_at_least_one_position() {
	test(|| {
		fund(ALICE, 100_000);
		fund(BOB, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		trade(BOB, BTC_PERP, -BTC);
		trigger();
		let step =
			<Perpetuals as GlobalSettle>::settle_next(&fixed(60_000, 3_000), 10, Weight::zero());
		assert_eq!((step.settled, step.done), (1, false));
		let step =
			<Perpetuals as GlobalSettle>::settle_next(&fixed(60_000, 3_000), 10, Weight::zero());
		assert_eq!((step.settled, step.done), (1, true));
	});
}
