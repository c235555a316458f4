//! Transfer: errors.

use super::*;

#[test]
fn transfer_to_the_same_account_fails_with_same_account() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		assert_noop!(transfer(ALICE, CROSS, CROSS, BTC, 1), Error::<Test>::SameAccount);
	});
}

#[test]
fn transfer_of_nothing_fails_with_zero_amount() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		let sub = create_isolated(ALICE, 0);
		assert_noop!(transfer(ALICE, CROSS, sub, BTC, 0), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn transfer_from_or_to_an_account_that_does_not_exist_fails_with_unknown_account() {
	test(|| {
		let sub = create_isolated(ALICE, 0);
		// The source must exist, even the cross account.
		assert_noop!(transfer(ALICE, CROSS, sub, BTC, 1), Error::<Test>::UnknownAccount);
		assert_noop!(transfer(ALICE, 2, CROSS, BTC, 1), Error::<Test>::UnknownAccount);
		// An isolated destination must have been opened.
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		assert_noop!(transfer(ALICE, CROSS, 2, BTC, 1), Error::<Test>::UnknownAccount);
	});
}

#[test]
fn transfer_of_a_frozen_asset_fails_with_asset_frozen() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		let sub = create_isolated(ALICE, 0);
		MockRisk::set_status(BTC, AssetStatus::Frozen);
		assert_noop!(transfer(ALICE, CROSS, sub, BTC, 1), Error::<Test>::AssetFrozen);
	});
}

#[test]
fn transfer_of_an_asset_no_longer_listed_fails_with_asset_not_listed() {
	test(|| {
		MockRisk::set(LINK, plain_terms(LINK));
		MockPrices::set(LINK, 1, NOW);
		deposit(ALICE, CROSS, LINK, 100);
		let sub = create_isolated(ALICE, 0);
		MockRisk::unlist(LINK);
		assert_noop!(transfer(ALICE, CROSS, sub, LINK, 1), Error::<Test>::AssetNotListed);
		// It can still be taken out.
		assert_ok!(withdraw(ALICE, CROSS, LINK, 100));
	});
}

#[test]
fn transfer_of_more_than_held_fails_with_insufficient_balance() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(10));
		let sub = create_isolated(ALICE, 0);
		assert_noop!(
			transfer(ALICE, CROSS, sub, BTC, BTC_UNIT + 1),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(transfer(ALICE, CROSS, sub, ETH, 1), Error::<Test>::InsufficientBalance);
		assert_noop!(
			transfer(ALICE, CROSS, sub, USDC, usdc(10) + 1),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn transfer_beyond_the_destination_cap_fails_with_account_cap_exceeded() {
	test(|| {
		MockRisk::update(BTC, |t| t.account_cap = BTC_UNIT);
		let sub = create_isolated(ALICE, 0);
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, sub, BTC, BTC_UNIT);
		assert_noop!(transfer(ALICE, CROSS, sub, BTC, 1), Error::<Test>::AccountCapExceeded);
	});
}

#[test]
fn transfer_of_one_asset_too_many_fails_with_too_many_assets() {
	test(|| {
		MockRisk::set(LINK, plain_terms(LINK));
		MockPrices::set(LINK, 10, NOW);
		let sub = create_isolated(ALICE, 0);
		for (asset, amount) in [(BTC, BTC_UNIT), (ETH, ETH_UNIT), (DOT, DOT_UNIT)] {
			deposit(ALICE, sub, asset, amount);
		}
		deposit(ALICE, CROSS, LINK, 100);
		assert_noop!(transfer(ALICE, CROSS, sub, LINK, 1), Error::<Test>::TooManyAssets);
	});
}

#[test]
fn transfer_below_initial_margin_fails_with_insufficient_margin() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		let sub = create_isolated(ALICE, 0);
		open_position(ALICE, CROSS, 40_000, 20_000);
		assert_noop!(
			transfer(ALICE, CROSS, sub, BTC, BTC_UNIT / 5),
			Error::<Test>::InsufficientMargin
		);
		assert_ok!(transfer(ALICE, CROSS, sub, BTC, BTC_UNIT / 10));
	});
}

#[test]
fn transfer_with_a_missing_stale_or_out_of_bounds_price_fails_closed() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		let sub = create_isolated(ALICE, 0);
		open_position(ALICE, CROSS, 100, 50);
		MockPrices::set(BTC, 50_000, NOW - 60_001);
		assert_noop!(transfer(ALICE, CROSS, sub, BTC, 1), Error::<Test>::PriceStale);
		MockPrices::set(BTC, 1_000_001, NOW);
		assert_noop!(transfer(ALICE, CROSS, sub, BTC, 1), Error::<Test>::PriceOutOfBounds);
		MockPrices::remove(BTC);
		assert_noop!(transfer(ALICE, CROSS, sub, BTC, 1), Error::<Test>::PriceMissing);
	});
}

#[test]
fn transfer_of_quote_beyond_the_signed_range_fails_with_overflow() {
	test(|| {
		deposit(ALICE, CROSS, USDC, usdc(10));
		let sub = create_isolated(ALICE, 0);
		assert_noop!(
			transfer(ALICE, CROSS, sub, USDC, i128::MAX as u128 + 1),
			Error::<Test>::Overflow
		);
	});
}
