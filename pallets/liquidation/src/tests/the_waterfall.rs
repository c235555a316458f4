//! The waterfall.

use super::*;

#[test]
fn shortfall_is_covered_by_the_market_fund_first() {
	test(|| {
		long_btc(ALICE, 100);
		seed_insurance(None, 1_000 * USD);
		set_price(BTC_PERP, 905);
		// Closing at 905 leaves 5; the 18.1 penalty makes it −13.1, which the market fund
		// (holding the penalty) covers before the global fund.
		let events = next_block();
		assert_eq!(
			events[1],
			Event::ShortfallCovered {
				who: ALICE,
				sub: ISO,
				market: Some(BTC_PERP),
				amount: 13_100_000,
			}
		);
		assert_eq!(MarketInsurance::<Test>::get(BTC_PERP), 5 * USD);
		assert_eq!(GlobalInsurance::<Test>::get(), 1_000 * USD);
		assert_eq!(quote_of(ALICE, ISO), 0);
		assert_eq!(AdlScope::<Test>::get((ALICE, ISO)), 0);
	});
}

#[test]
fn waterfall_runs_market_fund_global_fund_deleveraging_then_bad_debt() {
	test(|| {
		long_btc(ALICE, 100);
		short_winner(BOB);
		seed_insurance(None, 30 * USD);
		// At 800: −200 realized, −16 penalty: −116. Market fund 16, global 30, 70 left.
		set_price(BTC_PERP, 800);
		let events = next_block();
		let waterfall: Vec<_> = events
			.iter()
			.filter(|e| !matches!(e, Event::PositionsLiquidated { .. } | Event::Swept { .. }))
			.cloned()
			.collect();
		assert_eq!(
			waterfall,
			vec![
				Event::ShortfallCovered {
					who: ALICE,
					sub: ISO,
					market: Some(BTC_PERP),
					amount: 16 * USD
				},
				Event::ShortfallCovered { who: ALICE, sub: ISO, market: None, amount: 30 * USD },
				Event::DeleveragePending { who: ALICE, sub: ISO, amount: 70 * USD },
			]
		);
		assert_eq!(Deleveraging::<Test>::get((ALICE, ISO)).unwrap().left, 70 * USD);
		assert_eq!(Liquidation::insurance_report().deleveraging, 70 * USD);
		assert_eq!(quote_of(ALICE, ISO), -70 * USD as i128);

		// Next block: BOB's short (+200 at 800) gives up 70: 35 % of it closes.
		let events = next_block();
		assert_eq!(
			events[0],
			Event::AutoDeleveraged {
				who: BOB,
				sub: CROSS_ACCOUNT,
				market: BTC_PERP,
				fraction: Permill::from_percent(35),
				haircut: 70 * USD,
				bankrupt: ALICE,
				bankrupt_sub: ISO,
			}
		);
		assert_eq!(quote_of(ALICE, ISO), 0);
		// BOB realized +70 on the closed 35 % and gave it up.
		assert_eq!(quote_of(BOB, CROSS_ACCOUNT), 500 * USD as i128);
		assert_eq!(position(BOB, CROSS_ACCOUNT, BTC_PERP).unwrap().quantity, -65_000_000);
		assert_eq!(Deleveraging::<Test>::iter().count(), 0);
		assert_eq!(BadDebt::<Test>::get(), 0);
	});
}

#[test]
fn deleveraging_takes_the_most_profitable_opposing_position_first() {
	test(|| {
		long_btc(ALICE, 100);
		// BOB shorted at 1,000, DAVE at 1,100 (more profitable at any price).
		short_winner(BOB);
		set_price(BTC_PERP, 1_100);
		short_winner(DAVE);
		set_price(BTC_PERP, 800);
		let adl: Vec<_> = run_to_block(3)
			.into_iter()
			.filter_map(|e| match e {
				Event::AutoDeleveraged { who, .. } => Some(who),
				_ => None,
			})
			.collect();
		assert_eq!(adl, vec![DAVE]);
		assert_eq!(position(BOB, CROSS_ACCOUNT, BTC_PERP).unwrap().quantity, -ONE_BTC);
	});
}

#[test]
fn shortfall_without_opposing_profit_is_bad_debt() {
	test(|| {
		long_btc(ALICE, 100);
		seed_insurance(None, 30 * USD);
		set_price(BTC_PERP, 800);
		let events = next_block();
		assert!(events.contains(&Event::BadDebtRecorded {
			who: ALICE,
			sub: ISO,
			amount: 70 * USD
		}));
		assert!(!events.iter().any(|e| matches!(e, Event::DeleveragePending { .. })));
		assert_eq!(BadDebt::<Test>::get(), 70 * USD);
		assert_eq!(BadDebtOf::<Test>::get((ALICE, ISO)), 70 * USD);
		assert_eq!(quote_of(ALICE, ISO), 0);
		assert_eq!(GlobalInsurance::<Test>::get(), 0);
		let report = Liquidation::insurance_report();
		assert_eq!((report.bad_debt, report.global), (70 * USD, 0));
	});
}

#[test]
fn a_failed_deleveraging_step_changes_nothing_and_the_shortfall_ends_written_off() {
	test(|| {
		long_btc(ALICE, 100);
		short_winner(BOB);
		fail_deleverage(BOB);
		set_price(BTC_PERP, 800);
		next_block();
		assert_eq!(Deleveraging::<Test>::get((ALICE, ISO)).unwrap().left, 116 * USD - 16 * USD);
		// One step per block.
		SweepBudget::set(base_weight() + Weight::from_parts(700_000_000, 30_000));
		let bob = (quote_of(BOB, CROSS_ACCOUNT), position(BOB, CROSS_ACCOUNT, BTC_PERP));
		let failure = Event::DeleverageFailed { who: ALICE, sub: ISO, error: deleverage_failed() };
		for step in 1..MaxDeleverageSteps::get() {
			assert_eq!(next_block(), vec![failure.clone()]);
			assert_eq!(Deleveraging::<Test>::get((ALICE, ISO)).unwrap().steps, step);
			assert_eq!((quote_of(BOB, CROSS_ACCOUNT), position(BOB, CROSS_ACCOUNT, BTC_PERP)), bob);
		}
		// The last allowed step fails too: the shortfall is written off.
		assert_eq!(
			next_block(),
			vec![failure, Event::BadDebtRecorded { who: ALICE, sub: ISO, amount: 100 * USD }]
		);
		assert_eq!(Deleveraging::<Test>::iter().count(), 0);
		assert_eq!((quote_of(BOB, CROSS_ACCOUNT), position(BOB, CROSS_ACCOUNT, BTC_PERP)), bob);
		assert_eq!(quote_of(ALICE, ISO), 0);
		assert_eq!(BadDebt::<Test>::get(), 100 * USD);
	});
}
