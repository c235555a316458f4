//! The index and the sweep.

use super::*;

#[test]
fn index_files_isolated_accounts_by_liquidation_price() {
	test(|| {
		long_btc(ALICE, 100);
		long_btc(BOB, 500);
		let (market, side, key) = Indexed::<Test>::get((ALICE, ISO)).unwrap();
		assert_eq!((market, side), (BTC_PERP, LONG));
		let liq = key_price(LONG, key);
		// (1,000 − 100) / 0.95, rounded up.
		assert!(liq > Price::from_rational(94_736, 100) && liq < Price::from_rational(94_737, 100));
		// The riskier long comes first.
		let head = Index::<Test>::iter_prefix((BTC_PERP, LONG)).next().unwrap().0 .1;
		assert_eq!(head, (ALICE, ISO));
		// Cross accounts are not in the price index, but every position is in the ADL index.
		short_winner(DAVE);
		assert!(Indexed::<Test>::get((DAVE, CROSS_ACCOUNT)).is_none());
		assert_eq!(AdlEntries::<Test>::get((DAVE, CROSS_ACCOUNT)).unwrap().len(), 1);
		assert_eq!(AdlIndex::<Test>::iter_prefix((BTC_PERP, SHORT)).count(), 1);
		assert_eq!(AdlIndex::<Test>::iter_prefix((BTC_PERP, LONG)).count(), 2);
	});
}

#[test]
fn index_follows_account_changes() {
	test(|| {
		long_btc(ALICE, 100);
		let before = Indexed::<Test>::get((ALICE, ISO)).unwrap().2;
		// More margin: a lower liquidation price.
		deposit_quote(ALICE, ISO, 100 * USD);
		let after = Indexed::<Test>::get((ALICE, ISO)).unwrap().2;
		assert!(key_price(LONG, after) < key_price(LONG, before));
		assert!(!Index::<Test>::contains_key((BTC_PERP, LONG, before, (ALICE, ISO))));
		// Closing the position takes it out of both indexes.
		trade(ALICE, ISO, BTC_PERP, -ONE_BTC);
		assert!(Indexed::<Test>::get((ALICE, ISO)).is_none());
		assert!(AdlEntries::<Test>::get((ALICE, ISO)).is_none());
		assert_eq!(Index::<Test>::iter().count(), 0);
		assert_eq!(AdlIndex::<Test>::iter().count(), 0);
	});
}

#[test]
fn index_finds_a_crossed_isolated_account_in_the_next_block() {
	test(|| {
		// Only the index looks: the cursor checks nothing.
		AccountChecksPerBlock::set(0);
		long_btc(ALICE, 100);
		set_price(BTC_PERP, 948);
		assert!(Liquidation::at_risk(10).is_empty());
		assert!(next_block().is_empty());

		set_price(BTC_PERP, 940);
		let at_risk = Liquidation::at_risk(10);
		assert_eq!(at_risk.len(), 1);
		assert_eq!((at_risk[0].0, at_risk[0].1), (ALICE, ISO));
		let events = next_block();
		assert!(liquidated(&events, ALICE, ISO));
		assert_eq!(
			events.last(),
			Some(&Event::Swept {
				checked: 1,
				liquidated: 1,
				// The base, the liquidation, and a read of each watched source (its mark down and
				// up, its funding index up).
				weight: base_weight()
					+ act_weight() + <() as crate::WeightInfo>::watch_source() * 3
			})
		);
		// Re-filed below the mark: no longer at risk.
		assert!(Liquidation::at_risk(10).is_empty());
		assert!(Indexed::<Test>::get((ALICE, ISO)).is_some());
	});
}

#[test]
fn a_healthy_account_is_never_touched() {
	test(|| {
		long_btc(ALICE, 500);
		isolated(BOB, BTC_PERP, 500 * USD, -ONE_BTC);
		short_winner(CHARLIE);
		open(DAVE, CROSS_ACCOUNT, None);
		deposit(DAVE, CROSS_ACCOUNT, BTC, ONE_BTC as Balance);
		deposit(DAVE, CROSS_ACCOUNT, ETH, 10 * ONE_ETH as Balance);
		trade(DAVE, CROSS_ACCOUNT, ETH_PERP, 10 * ONE_ETH);
		let book: Vec<_> = Book::iter().collect();
		let positions: Vec<_> = Positions::iter().collect();
		for (i, price) in [1_000, 900, 1_200, 700, 1_300, 1_000].into_iter().enumerate() {
			set_price(BTC_PERP, price);
			set_price(ETH_PERP, 50 + 10 * i as u32);
			for _ in 0..5 {
				assert!(next_block().is_empty(), "a healthy account was acted on");
			}
		}
		assert_eq!(Book::iter().collect::<Vec<_>>(), book);
		assert_eq!(Positions::iter().collect::<Vec<_>>(), positions);
		assert_eq!(MarketInsurance::<Test>::iter().count(), 0);
		assert_eq!(GlobalInsurance::<Test>::get(), 0);
		assert_eq!(AdlScope::<Test>::iter().count(), 0);
	});
}

#[test]
fn partial_liquidation_restores_maintenance() {
	test(|| {
		long_btc(ALICE, 100);
		set_price(BTC_PERP, 940);
		// Equity 40 against a requirement of 47: health 85 %, above the full-close ratio.
		let before = snapshot(ALICE, ISO);
		assert!(!before.is_healthy());
		assert_eq!(
			(before.maintenance_equity, before.maintenance_requirement),
			(40 * USD as i128, 47 * USD)
		);
		let events = next_block();
		// f = (47 − 40) / (47 − 2 % × 940) = 24.8227 %, plus 10 %: 27.305 %.
		assert_eq!(
			events[0],
			Event::PositionsLiquidated {
				who: ALICE,
				sub: ISO,
				fraction: Permill::from_parts(273_050),
				closed_notional: 256_667_000,
				penalty: 5_133_340,
			}
		);
		let after = snapshot(ALICE, ISO);
		assert!(after.is_healthy());
		assert_eq!(after.positions, 1);
		assert_eq!(position(ALICE, ISO, BTC_PERP).unwrap().quantity, ONE_BTC - 27_305_000);
		// The penalty went to the market's fund (an isolated account).
		assert_eq!(MarketInsurance::<Test>::get(BTC_PERP), 5_133_340);
		assert_eq!(GlobalInsurance::<Test>::get(), 0);
		// Realized −16.383 and the penalty.
		assert_eq!(quote_of(ALICE, ISO), (100 * USD - 16_383_000 - 5_133_340) as i128);
		// Nothing more to do in the next blocks.
		assert!(run_to_block(10).is_empty());
	});
}

#[test]
fn deep_losses_close_everything() {
	test(|| {
		long_btc(ALICE, 100);
		// Equity 5 against 45.25: health 11 % < 50 %.
		set_price(BTC_PERP, 905);
		let events = next_block();
		assert_eq!(
			events[0],
			Event::PositionsLiquidated {
				who: ALICE,
				sub: ISO,
				fraction: Permill::one(),
				closed_notional: 905 * USD,
				penalty: 18_100_000,
			}
		);
		assert!(position(ALICE, ISO, BTC_PERP).is_none());
		assert!(Indexed::<Test>::get((ALICE, ISO)).is_none());
		assert!(AdlEntries::<Test>::get((ALICE, ISO)).is_none());
	});
}

#[test]
fn dust_positions_close_in_full() {
	test(|| {
		// 0.1 BTC: notional 94 at 940, below the 100 USDC dust.
		isolated(ALICE, BTC_PERP, 10 * USD, ONE_BTC / 10);
		set_price(BTC_PERP, 940);
		assert!(!snapshot(ALICE, ISO).is_healthy());
		let events = next_block();
		assert!(matches!(
			events[0],
			Event::PositionsLiquidated { fraction, .. } if fraction == Permill::one()
		));
		assert!(position(ALICE, ISO, BTC_PERP).is_none());
	});
}

#[test]
fn a_move_that_sinks_cross_accounts_finds_every_one_in_the_next_block() {
	test(|| {
		// No backstop: the watch alone must find them.
		AccountChecksPerBlock::set(0);
		let accounts = [ALICE, BOB, CHARLIE, DAVE, EVE, KEEPER];
		for who in accounts {
			open(who, CROSS_ACCOUNT, None);
			deposit_quote(who, CROSS_ACCOUNT, 100 * USD);
			trade(who, CROSS_ACCOUNT, BTC_PERP, ONE_BTC);
			assert!(Watching::<Test>::contains_key((who, CROSS_ACCOUNT)));
		}
		set_price(BTC_PERP, 940);
		let events = next_block();
		assert!(matches!(events.last(), Some(Event::Swept { checked: 6, liquidated: 6, .. })));
		for who in accounts {
			assert!(liquidated(&events, who, CROSS_ACCOUNT));
		}
		// The cross accounts' penalties went to the global fund.
		assert_eq!(GlobalInsurance::<Test>::get(), 6 * 5_133_340);
		assert_eq!(MarketInsurance::<Test>::get(BTC_PERP), 0);
	});
}

#[test]
fn the_backstop_visits_accounts_the_watch_lost_within_bounded_blocks() {
	test(|| {
		AccountChecksPerBlock::set(2);
		let accounts = [ALICE, BOB, CHARLIE, DAVE, EVE, KEEPER];
		for who in accounts {
			open(who, CROSS_ACCOUNT, None);
			deposit_quote(who, CROSS_ACCOUNT, 100 * USD);
			trade(who, CROSS_ACCOUNT, BTC_PERP, ONE_BTC);
			// As if something the watch does not follow had moved them.
			forget_triggers(who, CROSS_ACCOUNT);
		}
		set_price(BTC_PERP, 940);
		let mut done = Vec::new();
		for _ in 0..3 {
			let events = next_block();
			// Two found by the backstop per block.
			assert!(matches!(events.last(), Some(Event::Swept { liquidated: 2, .. })));
			done.extend(accounts.into_iter().filter(|w| liquidated(&events, *w, CROSS_ACCOUNT)));
		}
		done.sort();
		assert_eq!(done, {
			let mut a = accounts.to_vec();
			a.sort();
			a
		});
		// The end of the accounts: the cursor starts over.
		assert!(next_block().is_empty());
		assert_eq!(CrossCursor::<Test>::get(), None);
	});
}

#[test]
fn a_million_empty_accounts_cost_the_backstop_nothing() {
	test(|| {
		// Accounts with collateral and no position are not watched, nor walked by the backstop.
		for who in 100..400u64 {
			open(who, CROSS_ACCOUNT, None);
			deposit_quote(who, CROSS_ACCOUNT, USD);
			assert!(!Watching::<Test>::contains_key((who, CROSS_ACCOUNT)));
		}
		AccountChecksPerBlock::set(1);
		open(ALICE, CROSS_ACCOUNT, None);
		deposit_quote(ALICE, CROSS_ACCOUNT, 100 * USD);
		trade(ALICE, CROSS_ACCOUNT, BTC_PERP, ONE_BTC);
		forget_triggers(ALICE, CROSS_ACCOUNT);
		set_price(BTC_PERP, 940);
		// The only account the backstop walks is the one with a position: found at once.
		let events = next_block();
		assert!(liquidated(&events, ALICE, CROSS_ACCOUNT));
	});
}

#[test]
fn sweep_never_exceeds_its_budget_and_carries_work_over() {
	test(|| {
		let budget = base_weight() + act_weight() * 2;
		SweepBudget::set(budget);
		AccountChecksPerBlock::set(0);
		let accounts = [ALICE, BOB, CHARLIE, DAVE, EVE];
		for who in accounts {
			long_btc(who, 100);
		}
		set_price(BTC_PERP, 940);
		let mut per_block = Vec::new();
		for _ in 0..4 {
			// `next_block` asserts the hook's weight is within the budget.
			let events = next_block();
			let n = accounts.iter().filter(|w| liquidated(&events, **w, ISO)).count();
			if let Some(Event::Swept { weight, liquidated, .. }) = events.last() {
				assert!(weight.all_lte(budget));
				assert_eq!(*liquidated as usize, n);
			}
			per_block.push(n);
		}
		assert_eq!(per_block, vec![2, 2, 1, 0]);
		assert!(Liquidation::at_risk(10).is_empty());
	});
}

#[test]
fn sweep_emits_swept_only_when_it_acted() {
	test(|| {
		long_btc(ALICE, 500);
		assert!(next_block().is_empty());
		set_price(BTC_PERP, 500);
		let events = next_block();
		assert!(matches!(events.last(), Some(Event::Swept { liquidated: 1, .. })));
	});
}

#[test]
fn nothing_is_liquidated_while_a_global_settlement_runs() {
	test(|| {
		long_btc(ALICE, 100);
		set_price(BTC_PERP, 940);
		MockSettlement::set(MockPhase::Settling);
		// Crossed, but the settlement closes positions at its fixed prices: no liquidation,
		// no sweep at all (one read).
		assert!(next_block().is_empty());
		assert!(Liquidation::at_risk(10).len() == 1);
		assert!(Indexed::<Test>::get((ALICE, ISO)).is_some());
		// Once it is over, the engine acts as always.
		MockSettlement::set(MockPhase::Settled);
		assert!(liquidated(&next_block(), ALICE, ISO));
	});
}
