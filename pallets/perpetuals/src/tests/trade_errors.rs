//! Trade: errors.

use super::*;

#[test]
fn trade_requires_a_signed_origin() {
	test(|| {
		assert_noop!(
			Perpetuals::trade(root(), CROSS_ACCOUNT, BTC_PERP, BTC, None),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Perpetuals::close_position(RuntimeOrigin::none(), CROSS_ACCOUNT, BTC_PERP, None),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn trade_of_zero_size() {
	test(|| {
		fund(ALICE, 100_000);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, 0, None),
			Error::<Test>::ZeroAmount
		);
	});
}

#[test]
fn trade_in_an_unknown_market() {
	test(|| {
		fund(ALICE, 100_000);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, 9, BTC, None),
			Error::<Test>::UnknownMarket
		);
	});
}

#[test]
fn trade_without_a_margin_account() {
	test(|| {
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC, None),
			UNKNOWN_ACCOUNT
		);
	});
}

#[test]
fn isolated_account_trades_only_its_market() {
	test(|| {
		MockLedger::open(ALICE, 1, Some(ETH_PERP));
		MockLedger::deposit(ALICE, 1, 10_000 * USDC);
		assert_noop!(Perpetuals::trade(signed(ALICE), 1, BTC_PERP, BTC / 10, None), WRONG_MARKET);
		assert_ok!(Perpetuals::trade(signed(ALICE), 1, ETH_PERP, ETH, None));
		assert_eq!(Positions::<Test>::get((ALICE, 1), ETH_PERP).unwrap().quantity, ETH);
	});
}

#[test]
fn trade_below_initial_margin() {
	test(|| {
		// 1 BTC needs 6,000 USDC of initial margin.
		fund(ALICE, 5_000);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC, None),
			INSUFFICIENT_MARGIN
		);
		// The fill, fee and funding were rolled back with the rest.
		assert_eq!(MockLedger::quote(ALICE, CROSS_ACCOUNT), usdc(5_000));
		assert!(MockOnChange::calls().is_empty());
		fund(ALICE, 1_100);
		trade(ALICE, BTC_PERP, BTC);
	});
}

#[test]
fn trade_fails_with_the_ledgers_margin_error() {
	test(|| {
		fund(ALICE, 100_000);
		let error = DispatchError::Other("margin engine says no");
		MockLedger::fail_margin(ALICE, CROSS_ACCOUNT, error);
		assert_noop!(Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC, None), error);
	});
}

#[test]
fn price_missing() {
	test(|| {
		fund(ALICE, 100_000);
		assert_ok!(Perpetuals::create_market(
			root(),
			MarketParams { oracle_key: 9, ..btc_market() }
		));
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, 2, BTC, None),
			Error::<Test>::PriceMissing
		);
	});
}

#[test]
fn price_stale() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC / 10);
		MockPrices::set_now(NOW + 60_001);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC, None),
			Error::<Test>::PriceStale
		);
		// Closing needs a fresh price too.
		assert_noop!(
			Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None),
			Error::<Test>::PriceStale
		);
		// Exactly the maximum age is still fresh.
		MockPrices::set_now(NOW + 60_000);
		trade(ALICE, BTC_PERP, BTC);
	});
}

#[test]
fn price_out_of_bounds() {
	test(|| {
		fund(ALICE, 100_000);
		MockPrices::set(BTC_KEY, 999);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC / 100, None),
			Error::<Test>::PriceOutOfBounds
		);
		MockPrices::set(BTC_KEY, 1_000_001);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, -BTC / 100, None),
			Error::<Test>::PriceOutOfBounds
		);
		MockPrices::set(BTC_KEY, 1_000);
		trade(ALICE, BTC_PERP, BTC / 100);
	});
}

#[test]
fn price_jump() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC / 10);
		MockPrices::set_last_valid(BTC_KEY, 60_000);
		// Inside the bounds, but more than 50% from the last valid price, either way.
		for print in [90_001, 29_999] {
			MockPrices::set(BTC_KEY, print);
			assert_noop!(
				Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC, None),
				Error::<Test>::PriceJump
			);
			// Closing at an unconfirmed jump is refused too.
			assert_noop!(
				Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None),
				Error::<Test>::PriceJump
			);
		}
		// Exactly 50% is within the breaker.
		MockPrices::set(BTC_KEY, 90_000);
		trade(ALICE, BTC_PERP, BTC / 10);
		// Once the guard has confirmed a move, it is the reference.
		MockPrices::set(BTC_KEY, 150_000);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC / 10, None),
			Error::<Test>::PriceJump
		);
		MockPrices::set_last_valid(BTC_KEY, 150_000);
		trade(ALICE, BTC_PERP, BTC / 10);
	});
}

#[test]
fn slippage_exceeded() {
	test(|| {
		fund(ALICE, 100_000);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC, Some(price(60_035))),
			Error::<Test>::SlippageExceeded
		);
		assert_ok!(Perpetuals::trade(
			signed(ALICE),
			CROSS_ACCOUNT,
			BTC_PERP,
			BTC,
			Some(price(60_036))
		));
		// A sell's limit is the lowest price accepted (the sell fills at 59,964).
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, -BTC, Some(price(59_965))),
			Error::<Test>::SlippageExceeded
		);
		assert_noop!(
			Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, Some(price(59_965))),
			Error::<Test>::SlippageExceeded
		);
		assert_ok!(Perpetuals::close_position(
			signed(ALICE),
			CROSS_ACCOUNT,
			BTC_PERP,
			Some(price(59_964))
		));
	});
}

#[test]
fn market_reduce_only() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		update(BTC_PERP, |p| p.status = MarketStatus::ReduceOnly);
		// No bigger position, no flip, no new position.
		for delta in [BTC, -2 * BTC] {
			assert_noop!(
				Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, delta, None),
				Error::<Test>::MarketReduceOnly
			);
		}
		fund(BOB, 100_000);
		assert_noop!(
			Perpetuals::trade(signed(BOB), CROSS_ACCOUNT, BTC_PERP, -BTC, None),
			Error::<Test>::MarketReduceOnly
		);
		// Reducing and closing are allowed.
		trade(ALICE, BTC_PERP, -BTC / 2);
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
		assert_eq!(position(ALICE, BTC_PERP), None);
	});
}

#[test]
fn long_open_interest_cap_exceeded() {
	test(|| {
		fund(ALICE, 1_000_000);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, 10 * BTC + 1, None),
			Error::<Test>::LongOpenInterestCapExceeded
		);
		trade(ALICE, BTC_PERP, 6 * BTC);
		fund(BOB, 1_000_000);
		assert_noop!(
			Perpetuals::trade(signed(BOB), CROSS_ACCOUNT, BTC_PERP, 4 * BTC + 1, None),
			Error::<Test>::LongOpenInterestCapExceeded
		);
		// Up to the cap is fine.
		trade(BOB, BTC_PERP, 4 * BTC);
		assert_eq!(state(BTC_PERP).long_oi, 10 * BTC as u128);
	});
}

#[test]
fn the_stress_tests_tightening_lowers_the_cap_for_new_risk_only() {
	test(|| {
		fund(ALICE, 1_000_000);
		trade(ALICE, BTC_PERP, 6 * BTC);
		// 20 % tighter: the 10 BTC cap is 8 BTC for new longs.
		TighteningLevel::set(Permill::from_percent(20));
		fund(BOB, 1_000_000);
		assert_noop!(
			Perpetuals::trade(signed(BOB), CROSS_ACCOUNT, BTC_PERP, 2 * BTC + 1, None),
			Error::<Test>::LongOpenInterestCapExceeded
		);
		trade(BOB, BTC_PERP, 2 * BTC);
		// Reducing is never limited, nor is the other side.
		trade(ALICE, BTC_PERP, -BTC);
		trade(BOB, BTC_PERP, -3 * BTC);
		TighteningLevel::set(Permill::zero());
		trade(ALICE, BTC_PERP, 3 * BTC);
		assert_eq!(state(BTC_PERP).long_oi, 8 * BTC as u128);
	});
}

#[test]
fn short_open_interest_cap_exceeded() {
	test(|| {
		fund(ALICE, 1_000_000);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, -10 * BTC - 1, None),
			Error::<Test>::ShortOpenInterestCapExceeded
		);
		// A flip from 5 long to 11 short opens 11 on the short side.
		trade(ALICE, BTC_PERP, 5 * BTC);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, -16 * BTC, None),
			Error::<Test>::ShortOpenInterestCapExceeded
		);
		trade(ALICE, BTC_PERP, -15 * BTC);
		assert_eq!(position(ALICE, BTC_PERP).unwrap().quantity, -10 * BTC);
	});
}

#[test]
fn a_lowered_cap_forces_nobody_out() {
	test(|| {
		fund(ALICE, 1_000_000);
		trade(ALICE, BTC_PERP, 5 * BTC);
		update(BTC_PERP, |p| p.max_long_oi = 2 * BTC as u128);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, 1, None),
			Error::<Test>::LongOpenInterestCapExceeded
		);
		// Reducing is allowed even while still above the cap.
		trade(ALICE, BTC_PERP, -BTC);
		assert_eq!(state(BTC_PERP).long_oi, 4 * BTC as u128);
	});
}

#[test]
fn an_exceeded_long_cap_does_not_block_new_shorts() {
	test(|| {
		fund(ALICE, 1_000_000);
		trade(ALICE, BTC_PERP, 5 * BTC);
		update(BTC_PERP, |p| p.max_long_oi = 2 * BTC as u128);
		// A new short adds nothing to the long side (it even reduces the skew); the short cap
		// (10 BTC) has room.
		fund(BOB, 100_000);
		trade(BOB, BTC_PERP, -BTC);
		assert_eq!(state(BTC_PERP).short_oi, BTC as u128);
	});
}

#[test]
fn close_position_without_a_position() {
	test(|| {
		fund(ALICE, 100_000);
		assert_noop!(
			Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None),
			Error::<Test>::NoPosition
		);
		assert_noop!(
			Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, 9, None),
			Error::<Test>::NoPosition
		);
	});
}

#[test]
fn a_one_wei_trade_cannot_sit_at_the_head_of_the_adl_index() {
	// Scenario 7: a 1-wei ETH trade had notional 0: no fee, no margin, entry price 0.
	test(|| {
		fund(ALICE, 100_000);
		assert_ok!(Perpetuals::set_vault_rules(
			root(),
			VaultRules {
				min_trade_notional: 10 * USDC,
				min_fee: USDC / 20,
				..Rules::<Test>::get()
			}
		));
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, ETH_PERP, 1, None),
			Error::<Test>::TradeTooSmall
		);
		// 0.001 ETH is 3 USDC: still too small; 0.01 ETH (30 USDC) trades and pays the
		// minimum fee of 0.05 USDC (0.05 % would be 0.015 USDC).
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, ETH_PERP, ETH / 1_000, None),
			Error::<Test>::TradeTooSmall
		);
		trade(ALICE, ETH_PERP, ETH / 100);
		assert_eq!(last_fill().0, USDC / 20);
		// A reduction may not leave dust behind...
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, ETH_PERP, -(ETH / 100) + 1, None),
			Error::<Test>::TradeTooSmall
		);
		// ...but closing the whole position is always allowed.
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, ETH_PERP, None));
	});
}

#[test]
fn every_trade_pays_at_least_the_minimum_fee() {
	test(|| {
		fund(ALICE, 100_000);
		assert_ok!(Perpetuals::set_vault_rules(
			root(),
			VaultRules { min_trade_notional: 10 * USDC, min_fee: USDC, ..Rules::<Test>::get() }
		));
		trade(ALICE, ETH_PERP, ETH / 100);
		assert_eq!(last_fill().0, USDC);
		// A big trade pays its rate.
		trade(ALICE, BTC_PERP, BTC);
		assert_eq!(last_fill().0, 30_018_000);
	});
}
