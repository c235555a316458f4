//! Auctions.

use super::*;

#[test]
fn debt_with_collateral_goes_to_auction() {
	test(|| {
		let id = start_auction();
		let a = auction(id);
		assert_eq!((a.who, a.asset, a.lot, a.value), (CHARLIE, BTC, 50_000_000, 500 * USD));
		assert_eq!(collateral_of(CHARLIE, CROSS_ACCOUNT, BTC), 50_000_000);
		assert_eq!(wallet(BTC, Liquidation::account_id()), 50_000_000);
		assert_eq!(LiveAuctions::<Test>::get((CHARLIE, CROSS_ACCOUNT)), 1);
		assert_eq!(TotalAuctionValue::<Test>::get(), 500 * USD);
		let reports = Liquidation::auction_reports();
		assert_eq!(reports.len(), 1);
		assert_eq!(reports[0].price, Some(Price::from_u32(1_020)));
		assert_eq!(reports[0].floor, Some(Price::from_u32(900)));
		// While the auction runs, the account is left alone.
		assert!(run_to_block(5).is_empty());
	});
}

#[test]
fn volatile_collateral_auctions_start_higher_and_decay_faster() {
	test(|| {
		set_volatility(BTC, Permill::from_percent(5));
		indebted(CHARLIE, 450);
		next_block();
		let a = auction(0);
		assert_eq!(a.start_price, Price::from_u32(1_070));
		assert_eq!(a.decay, Permill::from_parts(7_500));
	});
}

#[test]
fn take_buys_part_of_the_lot_and_repays_the_debt() {
	test(|| {
		let id = start_auction();
		fund_wallet(BIDDER, 1_000 * USD);
		assert_ok!(Liquidation::take(signed(BIDDER), id, 20_000_000, Price::from_u32(1_020)));
		System::assert_last_event(
			Event::AuctionTaken {
				id,
				bidder: BIDDER,
				amount: 20_000_000,
				price: Price::from_u32(1_020),
				paid: 204 * USD,
			}
			.into(),
		);
		assert_eq!(wallet(BTC, BIDDER), 20_000_000);
		assert_eq!(wallet(USDC, BIDDER), 796 * USD);
		assert_eq!(quote_of(CHARLIE, CROSS_ACCOUNT), -246 * USD as i128);
		assert_eq!(auction(id).lot, 30_000_000);
		assert_eq!(auction(id).value, 300 * USD);
		assert_eq!(TotalAuctionValue::<Test>::get(), 300 * USD);
		Liquidation::do_try_state().unwrap();
		check_custody();
	});
}

#[test]
fn taking_the_whole_lot_ends_the_auction() {
	test(|| {
		let id = start_auction();
		fund_wallet(BIDDER, 1_000 * USD);
		// More than the lot: only the lot is sold.
		assert_ok!(Liquidation::take(
			signed(BIDDER),
			id,
			ONE_BTC as Balance,
			Price::from_u32(2_000)
		));
		let events = events();
		assert!(events.contains(&Event::AuctionTaken {
			id,
			bidder: BIDDER,
			amount: 50_000_000,
			price: Price::from_u32(1_020),
			paid: 510 * USD,
		}));
		assert_eq!(events.last(), Some(&Event::AuctionEnded { id }));
		assert!(Auctions::<Test>::get(id).is_none());
		assert_eq!(LiveAuctions::<Test>::get((CHARLIE, CROSS_ACCOUNT)), 0);
		assert_eq!((AuctionValue::<Test>::get(BTC), TotalAuctionValue::<Test>::get()), (0, 0));
		// The debt is repaid with 60 to spare; the rest of the collateral stays.
		assert_eq!(quote_of(CHARLIE, CROSS_ACCOUNT), 60 * USD as i128);
		assert_eq!(collateral_of(CHARLIE, CROSS_ACCOUNT, BTC), 50_000_000);
		assert!(run_to_block(5).is_empty());
	});
}

#[test]
fn a_lot_that_does_not_cover_the_debt_ends_in_the_waterfall() {
	test(|| {
		// 1 BTC cannot cover 1,040: all of it is seized.
		indebted(CHARLIE, 1_040);
		next_block();
		assert_eq!(auction(0).lot, ONE_BTC as Balance);
		assert_eq!(collateral_of(CHARLIE, CROSS_ACCOUNT, BTC), 0);
		fund_wallet(BIDDER, 2_000 * USD);
		seed_insurance(None, 100 * USD);
		// Taken at 1,020: 20 USDC of debt is left, which the global fund covers.
		assert_ok!(Liquidation::take(
			signed(BIDDER),
			0,
			ONE_BTC as Balance,
			Price::from_u32(2_000)
		));
		assert!(events().contains(&Event::ShortfallCovered {
			who: CHARLIE,
			sub: CROSS_ACCOUNT,
			market: None,
			amount: 20 * USD,
		}));
		assert_eq!(quote_of(CHARLIE, CROSS_ACCOUNT), 0);
		assert_eq!(GlobalInsurance::<Test>::get(), 80 * USD);
	});
}

#[test]
fn auctions_never_sell_below_the_floor() {
	test(|| {
		let id = start_auction();
		fund_wallet(BIDDER, 10_000 * USD);
		let mut sold_at = Vec::new();
		let mut resets = 0;
		for _ in 0..40 {
			let a = auction(id);
			let (price, floor, reset) = Liquidation::auction_price(&a).unwrap();
			if price < floor {
				assert!(reset);
			}
			if reset {
				resets += 1;
				assert_noop!(
					Liquidation::take(signed(BIDDER), id, 1_000, Price::from_u32(u32::MAX)),
					Error::<Test>::AuctionNeedsReset
				);
			} else {
				assert_ok!(Liquidation::take(signed(BIDDER), id, 1_000, Price::from_u32(u32::MAX)));
				let Some(Event::AuctionTaken { price, .. }) = events().last().cloned() else {
					panic!("no AuctionTaken")
				};
				assert!(price >= floor);
				sold_at.push(price);
			}
			next_block();
		}
		// 1,020 × 0.995^t stays above 900 for t ≤ 24.
		assert_eq!(sold_at.len(), 25);
		assert_eq!(resets, 15);
		assert!(sold_at.windows(2).all(|w| w[1] < w[0]));
	});
}

#[test]
fn an_oracle_jump_above_the_auction_price_needs_a_reset() {
	test(|| {
		let id = start_auction();
		fund_wallet(BIDDER, 10_000 * USD);
		// Floor 1,080 > 1,020.
		set_oracle(BTC, 1_200);
		assert_noop!(
			Liquidation::take(signed(BIDDER), id, 1_000, Price::from_u32(u32::MAX)),
			Error::<Test>::AuctionNeedsReset
		);
		assert_ok!(Liquidation::restart(signed(KEEPER), id));
		assert_eq!(auction(id).start_price, Price::from_u32(1_224));
		assert_ok!(Liquidation::take(signed(BIDDER), id, 1_000, Price::from_u32(u32::MAX)));
	});
}

#[test]
fn restart_resets_the_price_and_pays_the_keeper() {
	test(|| {
		let id = start_auction();
		seed_insurance(None, 8 * USD);
		run_to_block(System::block_number() + 101);
		set_oracle(BTC, 1_100);
		assert_ok!(Liquidation::restart(signed(KEEPER), id));
		System::assert_last_event(
			Event::AuctionRestarted {
				id,
				keeper: KEEPER,
				start_price: Price::from_u32(1_122),
				reward: 5 * USD,
			}
			.into(),
		);
		let a = auction(id);
		assert_eq!(a.started, System::block_number());
		assert_eq!(wallet(USDC, KEEPER), 5 * USD);
		assert_eq!(GlobalInsurance::<Test>::get(), 3 * USD);
		// Only what the fund holds is paid.
		run_to_block(System::block_number() + 101);
		assert_ok!(Liquidation::restart(signed(KEEPER), id));
		System::assert_last_event(
			Event::AuctionRestarted {
				id,
				keeper: KEEPER,
				start_price: Price::from_u32(1_122),
				reward: 3 * USD,
			}
			.into(),
		);
		assert_eq!(GlobalInsurance::<Test>::get(), 0);
		// And nothing when it is empty.
		run_to_block(System::block_number() + 101);
		assert_ok!(Liquidation::restart(signed(KEEPER), id));
		assert_eq!(wallet(USDC, KEEPER), 8 * USD);
	});
}

#[test]
fn seizures_beyond_the_caps_wait_in_the_queue() {
	test(|| {
		set_params(|p| {
			p.max_auction_value = 500 * USD;
			p.max_auction_value_per_asset = 500 * USD;
		});
		let first = start_auction();
		// DAVE's seizure finds no room.
		indebted(DAVE, 450);
		let events = next_block();
		assert_eq!(events, vec![Event::SeizureQueued { who: DAVE, sub: CROSS_ACCOUNT }]);
		assert!(Queued::<Test>::contains_key((DAVE, CROSS_ACCOUNT)));
		assert_eq!(QueueBounds::<Test>::get(), (0, 1));
		assert_eq!(collateral_of(DAVE, CROSS_ACCOUNT, BTC), ONE_BTC as Balance);
		// Still no room: it keeps waiting.
		assert!(run_to_block(System::block_number() + 3).is_empty());
		assert_eq!(QueueBounds::<Test>::get(), (0, 1));
		// A bidder takes CHARLIE's lot: the next block serves the queue.
		fund_wallet(BIDDER, 1_000 * USD);
		assert_ok!(Liquidation::take(
			signed(BIDDER),
			first,
			ONE_BTC as Balance,
			Price::from_u32(2_000)
		));
		let events = next_block();
		assert_eq!(
			events[0],
			Event::AuctionStarted {
				id: 1,
				who: DAVE,
				sub: CROSS_ACCOUNT,
				asset: BTC,
				lot: 50_000_000,
				start_price: Price::from_u32(1_020),
			}
		);
		assert!(matches!(events.last(), Some(Event::Swept { liquidated: 1, .. })));
		assert_eq!(QueueBounds::<Test>::get(), (1, 1));
		assert!(!Queued::<Test>::contains_key((DAVE, CROSS_ACCOUNT)));
	});
}

#[test]
fn the_per_asset_cap_limits_the_lot() {
	test(|| {
		set_params(|p| p.max_auction_value_per_asset = 300 * USD);
		indebted(CHARLIE, 450);
		let events = next_block();
		// 300 worth of BTC at 1,000 is 0.3 BTC; the rest waits.
		assert!(events.contains(&Event::SeizureQueued { who: CHARLIE, sub: CROSS_ACCOUNT }));
		assert_eq!(auction(0).lot, 30_000_000);
		assert_eq!(AuctionValue::<Test>::get(BTC), 300 * USD);
	});
}

#[test]
fn the_collateral_registry_penalty_is_charged_on_seizure_to_the_insurance_fund() {
	// Scenario 11: the registry's `liquidation_penalty` was validated but never read (the
	// engine charged nothing on seized collateral). One source of truth: the asset's own
	// penalty, on the debt each lot repays, to the insurance fund.
	test(|| {
		set_collateral_penalty(BTC, Permill::from_percent(5));
		let fund = GlobalInsurance::<Test>::get();
		indebted(CHARLIE, 450);
		let events = next_block();
		// The lot raises the debt and its penalty, still at the floor: 472.5 / 0.9 = 525 USD.
		assert!(events.contains(&Event::AuctionStarted {
			id: 0,
			who: CHARLIE,
			sub: CROSS_ACCOUNT,
			asset: BTC,
			lot: 52_500_000,
			start_price: Price::from_u32(1_020),
		}));
		assert!(events.contains(&Event::CollateralPenaltyCharged {
			who: CHARLIE,
			sub: CROSS_ACCOUNT,
			asset: BTC,
			penalty: 22_500_000,
		}));
		assert_eq!(quote_of(CHARLIE, CROSS_ACCOUNT), -(472_500_000i128));
		assert_eq!(GlobalInsurance::<Test>::get(), fund + 22_500_000);
		Liquidation::do_try_state().unwrap();
		check_custody();
	});
}

#[test]
fn collateral_in_live_auctions_counts_as_held() {
	// Scenario 10's gap: seized collateral left the margin account's books, so governance could
	// redefine the asset (its oracle key or decimals) while lots were live and revalue them.
	test(|| {
		use ballast_primitives::traits::CollateralHoldings;
		assert_eq!(<Liquidation as CollateralHoldings>::total_held(BTC), 0);
		let id = start_auction();
		assert_eq!(<Liquidation as CollateralHoldings>::total_held(BTC), auction(id).lot);
		assert_eq!(<Liquidation as CollateralHoldings>::total_held(ETH), 0);
	});
}
