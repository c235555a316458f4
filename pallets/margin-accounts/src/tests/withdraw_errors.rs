//! Withdraw: errors.

use super::*;

#[test]
fn withdraw_of_nothing_fails_with_zero_amount() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 0), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn withdraw_from_an_account_never_funded_fails_with_unknown_account() {
	test(|| {
		// Not even the cross account exists before a deposit.
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::UnknownAccount);
		assert_noop!(withdraw(ALICE, 2, USDC, 1), Error::<Test>::UnknownAccount);
	});
}

#[test]
fn withdraw_of_a_frozen_asset_fails_with_asset_frozen() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		MockRisk::set_status(BTC, AssetStatus::Frozen);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::AssetFrozen);
		MockRisk::set_status(BTC, AssetStatus::ReduceOnly);
		assert_ok!(withdraw(ALICE, CROSS, BTC, 1));
	});
}

#[test]
fn withdraw_of_more_than_held_fails_with_insufficient_balance() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(100));
		assert_noop!(withdraw(ALICE, CROSS, BTC, BTC_UNIT + 1), Error::<Test>::InsufficientBalance);
		// An asset not held at all.
		assert_noop!(withdraw(ALICE, CROSS, ETH, 1), Error::<Test>::InsufficientBalance);
		assert_eq!(<Test as crate::Config>::QuoteAsset::get(), USDC);
		assert_noop!(
			withdraw(ALICE, CROSS, USDC, usdc(100) + 1),
			Error::<Test>::InsufficientBalance
		);
		// In debt: no quote to withdraw.
		assert_ok!(withdraw(ALICE, CROSS, USDC, usdc(100)));
		settle(ALICE, CROSS, -susdc(10));
		assert_noop!(withdraw(ALICE, CROSS, USDC, 1), Error::<Test>::InsufficientBalance);
	});
}

#[test]
fn withdraw_below_initial_margin_fails_with_insufficient_margin() {
	test(|| {
		// 1 BTC counts 45,000 USDC for the initial test.
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		open_position(ALICE, CROSS, 40_000, 20_000);
		assert_noop!(withdraw(ALICE, CROSS, BTC, BTC_UNIT / 5), Error::<Test>::InsufficientMargin);
		assert_ok!(withdraw(ALICE, CROSS, BTC, BTC_UNIT / 10));
		// Quote too: 1,000 USDC in, and the account is exactly at its requirement after taking
		// out 500 of it when the requirement is 41,000.
		deposit(ALICE, CROSS, USDC, usdc(1_000));
		open_position(ALICE, CROSS, 41_000, 20_000);
		assert_noop!(
			withdraw(ALICE, CROSS, USDC, usdc(500) + 1),
			Error::<Test>::InsufficientMargin
		);
		assert_ok!(withdraw(ALICE, CROSS, USDC, usdc(500)));
	});
}

#[test]
fn withdraw_with_a_missing_price_fails_with_price_missing() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, ETH, ETH_UNIT);
		open_position(ALICE, CROSS, 100, 50);
		MockPrices::remove(ETH);
		// Even withdrawing the other asset needs every price.
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceMissing);
	});
}

#[test]
fn withdraw_with_a_stale_price_fails_closed_with_price_stale() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		open_position(ALICE, CROSS, 100, 50);
		// Exactly the maximum age is still fresh.
		MockPrices::set_now(NOW + 60_000);
		assert_ok!(withdraw(ALICE, CROSS, BTC, 1));
		MockPrices::set_now(NOW + 60_001);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceStale);
	});
}

#[test]
fn withdraw_with_a_price_out_of_bounds_fails_closed_with_price_out_of_bounds() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		open_position(ALICE, CROSS, 100, 50);
		for price in [999, 1_000_001] {
			MockPrices::set(BTC, price, NOW);
			assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceOutOfBounds);
		}
		// The bounds themselves are valid (once the price guard has confirmed the move).
		MockPrices::set(BTC, 1_000_000, NOW);
		MockPrices::set_last_valid(BTC, 1_000_000);
		assert_ok!(withdraw(ALICE, CROSS, BTC, 1));
	});
}

#[test]
fn withdraw_at_a_print_beyond_the_circuit_breaker_fails_closed_with_price_jump() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		open_position(ALICE, CROSS, 100, 50);
		// Inside the bounds, but more than 50% from the last valid price (50,000), either way:
		// an outlier that would inflate (or deflate) the collateral is refused.
		for price in [75_001, 24_999, 1_000_000] {
			MockPrices::set(BTC, price, NOW);
			assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceJump);
		}
		// A move of exactly 50% is within the breaker.
		MockPrices::set(BTC, 75_000, NOW);
		assert_ok!(withdraw(ALICE, CROSS, BTC, 1));
		// The breaker is the price guard's, per key.
		MockPrices::set(BTC, 80_000, NOW);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceJump);
		MockPrices::update_bounds(BTC, |b| b.max_jump = Permill::from_percent(60));
		assert_ok!(withdraw(ALICE, CROSS, BTC, 1));
		// Once the guard has confirmed the move, the new price is the reference.
		MockPrices::update_bounds(BTC, |b| b.max_jump = Permill::from_percent(50));
		MockPrices::set(BTC, 200_000, NOW);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceJump);
		MockPrices::set_last_valid(BTC, 200_000);
		assert_ok!(withdraw(ALICE, CROSS, BTC, 1));
	});
}

#[test]
fn withdraw_checks_collateral_prices_against_the_price_guard() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		open_position(ALICE, CROSS, 100, 50);
		// The key's bounds are the guard's: narrowing them refuses the same price.
		MockPrices::update_bounds(BTC, |b| b.max_price = Price::from_u32(49_999));
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceOutOfBounds);
		MockPrices::update_bounds(BTC, |b| b.max_price = Price::from_u32(50_000));
		assert_ok!(withdraw(ALICE, CROSS, BTC, 1));
		// So is its trading age (a withdrawal is risk-increasing: the short age applies).
		MockPrices::set_now(NOW + 1_000);
		MockPrices::update_bounds(BTC, |b| b.trade_age = 999);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceStale);
		MockPrices::update_bounds(BTC, |b| b.trade_age = 1_000);
		assert_ok!(withdraw(ALICE, CROSS, BTC, 1));
		// A key the guard does not guard has no usable price, whatever the oracle says.
		MockPrices::set_bounds(BTC, None);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceMissing);
		MockPrices::set_bounds(BTC, bounds_at_genesis(BTC));
		assert_ok!(withdraw(ALICE, CROSS, BTC, 1));
	});
}

#[test]
fn withdraw_with_a_stale_mark_price_fails_closed() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		open_position(ALICE, CROSS, 100, 50);
		MockDerivatives::fail_fresh(ALICE, CROSS, PriceError::Stale);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceStale);
		MockDerivatives::fail_fresh(ALICE, CROSS, PriceError::OutOfBounds);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceOutOfBounds);
		MockDerivatives::fail_fresh(ALICE, CROSS, PriceError::Jump);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceJump);
	});
}

#[test]
fn withdraw_with_debt_and_no_positions_needs_fresh_prices() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		settle(ALICE, CROSS, -susdc(1_000));
		MockPrices::remove(BTC);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceMissing);
		MockPrices::set(BTC, 50_000, NOW - 60_001);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::PriceStale);
		MockPrices::set(BTC, 50_000, NOW);
		// 1,000 USDC of debt against 45,000 of initial value: most of it can go.
		assert_noop!(
			withdraw(ALICE, CROSS, BTC, BTC_UNIT * 98 / 100),
			Error::<Test>::InsufficientMargin
		);
		assert_ok!(withdraw(ALICE, CROSS, BTC, BTC_UNIT * 97 / 100));
	});
}

#[test]
fn after_a_global_settlement_is_triggered_nothing_leaves_an_account_with_positions() {
	test(|| {
		deposit(ALICE, CROSS, USDC, usdc(10_000));
		open_position(ALICE, CROSS, 1_000, 500);
		MockSettlement::set(MockPhase::Settling);
		// Valued at live prices it could take out what it owes at the fixed ones: refused.
		assert_noop!(withdraw(ALICE, CROSS, USDC, usdc(1)), Error::<Test>::PositionsBeingSettled);
		assert_noop!(
			MarginAccounts::transfer(RuntimeOrigin::signed(ALICE), CROSS, 1, USDC, usdc(1)),
			Error::<Test>::PositionsBeingSettled
		);
		// Deposits go through.
		deposit(ALICE, CROSS, USDC, usdc(1));
		// Once its positions are settled, it withdraws everything.
		MockDerivatives::close_all(ALICE, CROSS);
		assert_ok!(withdraw(ALICE, CROSS, USDC, usdc(10_001)));
	});
}
