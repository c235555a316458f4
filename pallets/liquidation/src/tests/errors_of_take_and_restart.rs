//! Errors of `take` and `restart`.

use super::*;

#[test]
fn take_and_restart_need_a_signed_origin() {
	test(|| {
		let id = start_auction();
		assert_noop!(
			Liquidation::take(RuntimeOrigin::none(), id, 1, Price::from_u32(2_000)),
			DispatchError::BadOrigin
		);
		assert_noop!(Liquidation::restart(RuntimeOrigin::root(), id), DispatchError::BadOrigin);
	});
}

#[test]
fn take_rejects_an_unknown_auction() {
	test(|| {
		assert_noop!(
			Liquidation::take(signed(BIDDER), 7, 1, Price::from_u32(2_000)),
			Error::<Test>::UnknownAuction
		);
	});
}

#[test]
fn restart_rejects_an_unknown_auction() {
	test(|| {
		assert_noop!(Liquidation::restart(signed(KEEPER), 7), Error::<Test>::UnknownAuction);
	});
}

#[test]
fn take_rejects_a_zero_amount() {
	test(|| {
		let id = start_auction();
		assert_noop!(
			Liquidation::take(signed(BIDDER), id, 0, Price::from_u32(2_000)),
			Error::<Test>::ZeroAmount
		);
	});
}

#[test]
fn take_rejects_a_price_above_the_maximum() {
	test(|| {
		let id = start_auction();
		fund_wallet(BIDDER, 1_000 * USD);
		assert_noop!(
			Liquidation::take(signed(BIDDER), id, 1_000, Price::from_u32(1_019)),
			Error::<Test>::PriceAboveMax
		);
		// A block later the price has decayed below it.
		next_block();
		assert_ok!(Liquidation::take(signed(BIDDER), id, 1_000, Price::from_u32(1_019)));
	});
}

#[test]
fn take_rejects_a_stale_auction() {
	test(|| {
		let id = start_auction();
		fund_wallet(BIDDER, 1_000 * USD);
		// Too old, whatever the price: keep the floor below it.
		set_oracle(BTC, 100);
		run_to_block(System::block_number() + 100);
		assert_ok!(Liquidation::take(signed(BIDDER), id, 1_000, Price::from_u32(u32::MAX)));
		next_block();
		assert_noop!(
			Liquidation::take(signed(BIDDER), id, 1_000, Price::from_u32(u32::MAX)),
			Error::<Test>::AuctionNeedsReset
		);
	});
}

#[test]
fn restart_rejects_an_auction_that_can_still_sell() {
	test(|| {
		let id = start_auction();
		assert_noop!(Liquidation::restart(signed(KEEPER), id), Error::<Test>::AuctionNotStale);
	});
}

#[test]
fn take_and_restart_need_a_collateral_price() {
	test(|| {
		let id = start_auction();
		remove_oracle(BTC);
		assert_noop!(
			Liquidation::take(signed(BIDDER), id, 1_000, Price::from_u32(2_000)),
			Error::<Test>::AuctionPaused
		);
		assert_noop!(Liquidation::restart(signed(KEEPER), id), Error::<Test>::AuctionPaused);
		let report = &Liquidation::auction_reports()[0];
		assert_eq!((report.price, report.needs_reset), (None, true));
	});
}

#[test]
fn an_outlier_print_pauses_auctions_instead_of_selling_at_it() {
	test(|| {
		let id = start_auction();
		// An operator prints BTC = 0.5, below BTC's floor of 1: no take, no restart.
		set_oracle_exact(BTC, Price::from_rational(1, 2));
		assert_noop!(
			Liquidation::take(signed(BIDDER), id, 1_000, Price::from_u32(2_000)),
			Error::<Test>::AuctionPaused
		);
		assert_noop!(Liquidation::restart(signed(KEEPER), id), Error::<Test>::AuctionPaused);
	});
}

#[test]
fn a_paused_auction_does_not_decay_towards_its_floor() {
	test(|| {
		let id = start_auction();
		next_block();
		let (before, floor, _) =
			Liquidation::auction_price(&Auctions::<Test>::get(id).unwrap()).expect("priced");
		// Thirty blocks without a usable price: the guard's pause clock ticks with them.
		remove_oracle(BTC);
		for _ in 0..30 {
			next_block();
			add_invalid_blocks(BTC, 1);
		}
		set_oracle(BTC, 1_000);
		let (after, floor_after, reset) =
			Liquidation::auction_price(&Auctions::<Test>::get(id).unwrap()).expect("priced");
		assert_eq!((after, floor_after, reset), (before, floor, false));
		// Once priced again it decays as before.
		next_block();
		let (later, _, _) =
			Liquidation::auction_price(&Auctions::<Test>::get(id).unwrap()).expect("priced");
		assert!(later < before);
	});
}

#[test]
fn take_rejects_a_payment_that_overflows() {
	test(|| {
		// Only reachable with absurd amounts: a lot worth more than `u128::MAX` quote units.
		let lot = u128::MAX / 2;
		assert_ok!(
			<Assets as polkadot_sdk::frame_support::traits::fungibles::Mutate<u64>>::mint_into(
				BTC,
				&Liquidation::account_id(),
				lot
			)
		);
		Auctions::<Test>::insert(
			0,
			Auction {
				who: CHARLIE,
				sub: CROSS_ACCOUNT,
				asset: BTC,
				lot,
				start_price: Price::from_u32(1_000),
				started: System::block_number(),
				decay: Permill::from_parts(5_000),
				value: 0,
				paused_at_start: 0,
				paid_restarts: 0,
			},
		);
		LiveAuctions::<Test>::insert((CHARLIE, CROSS_ACCOUNT), 1);
		assert_noop!(
			Liquidation::take(signed(BIDDER), 0, lot, Price::from_u32(1_000)),
			Error::<Test>::Overflow
		);
		// Tidy up for the invariants.
		Auctions::<Test>::remove(0);
		LiveAuctions::<Test>::remove((CHARLIE, CROSS_ACCOUNT));
	});
}

#[test]
fn take_fails_without_funds_and_changes_nothing() {
	test(|| {
		let id = start_auction();
		fund_wallet(BIDDER, 100 * USD);
		assert!(Liquidation::take(signed(BIDDER), id, 20_000_000, Price::from_u32(2_000)).is_err());
		assert_eq!(auction(id).lot, 50_000_000);
		assert_eq!(quote_of(CHARLIE, CROSS_ACCOUNT), -450 * USD as i128);
	});
}

#[test]
fn an_account_that_cannot_be_valued_is_left_alone_until_it_can() {
	test(|| {
		long_btc(ALICE, 100);
		set_price(BTC_PERP, 800);
		let price = market_price(BTC_PERP).unwrap();
		remove_price(BTC_PERP);
		assert!(MockMargin::snapshot(&ALICE, ISO).is_none());
		assert!(run_to_block(4).is_empty());
		assert_eq!(position(ALICE, ISO, BTC_PERP).unwrap().quantity, ONE_BTC);
		set_price_exact(BTC_PERP, price);
		assert!(liquidated(&next_block(), ALICE, ISO));
	});
}
