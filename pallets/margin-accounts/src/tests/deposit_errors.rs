//! Deposit: errors.

use super::*;

#[test]
fn deposit_of_nothing_fails_with_zero_amount() {
	test(|| {
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, BTC, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, USDC, 0),
			Error::<Test>::ZeroAmount
		);
	});
}

#[test]
fn deposit_into_an_isolated_account_never_opened_fails_with_unknown_account() {
	test(|| {
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), 1, BTC, BTC_UNIT),
			Error::<Test>::UnknownAccount
		);
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), 1, USDC, usdc(1)),
			Error::<Test>::UnknownAccount
		);
		// Another user's isolated account is not the caller's.
		create_isolated(BOB, 0);
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), 1, BTC, BTC_UNIT),
			Error::<Test>::UnknownAccount
		);
	});
}

#[test]
fn deposit_of_an_unlisted_asset_fails_with_asset_not_listed() {
	test(|| {
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, LINK, 10),
			Error::<Test>::AssetNotListed
		);
	});
}

#[test]
fn deposit_of_a_reduce_only_frozen_or_delisted_asset_fails_with_asset_not_accepted() {
	test(|| {
		for status in [AssetStatus::ReduceOnly, AssetStatus::Frozen, AssetStatus::Delisted] {
			MockRisk::set_status(BTC, status);
			assert_noop!(
				MarginAccounts::deposit(signed(ALICE), CROSS, BTC, BTC_UNIT),
				Error::<Test>::AssetNotAccepted
			);
		}
		MockRisk::set_status(BTC, AssetStatus::Active);
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
	});
}

#[test]
fn deposit_beyond_the_supply_cap_fails_with_supply_cap_exceeded() {
	test(|| {
		MockRisk::update(BTC, |t| t.supply_cap = 2 * BTC_UNIT);
		deposit(ALICE, CROSS, BTC, 3 * BTC_UNIT / 2);
		assert_noop!(
			MarginAccounts::deposit(signed(BOB), CROSS, BTC, BTC_UNIT),
			Error::<Test>::SupplyCapExceeded
		);
		// Up to the cap exactly.
		deposit(BOB, CROSS, BTC, BTC_UNIT / 2);
		assert_noop!(
			MarginAccounts::deposit(signed(CHARLIE), CROSS, BTC, 1),
			Error::<Test>::SupplyCapExceeded
		);
	});
}

#[test]
fn deposit_beyond_the_account_cap_fails_with_account_cap_exceeded() {
	test(|| {
		MockRisk::update(BTC, |t| t.account_cap = BTC_UNIT);
		// A new holding above the cap.
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, BTC, BTC_UNIT + 1),
			Error::<Test>::AccountCapExceeded
		);
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		// An existing holding pushed above the cap.
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, BTC, 1),
			Error::<Test>::AccountCapExceeded
		);
		// The cap is per margin account.
		let sub = create_isolated(ALICE, 0);
		deposit(ALICE, sub, BTC, BTC_UNIT);
	});
}

#[test]
fn deposit_of_one_asset_too_many_fails_with_too_many_assets() {
	test(|| {
		MockRisk::set(LINK, plain_terms(LINK));
		MockPrices::set(LINK, 1, NOW);
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, ETH, ETH_UNIT);
		deposit(ALICE, CROSS, DOT, DOT_UNIT);
		assert_eq!(MAX_COLLATERAL, 3);
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, LINK, 10),
			Error::<Test>::TooManyAssets
		);
		// More of a held asset, and quote, still go in.
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(10));
	});
}

#[test]
fn deposit_of_more_than_the_wallet_holds_fails_with_a_token_error() {
	test(|| {
		let all = wallet(ALICE, DOT);
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, DOT, all + 1),
			TokenError::FundsUnavailable
		);
		let all = wallet(ALICE, USDC);
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, USDC, all + 1),
			TokenError::FundsUnavailable
		);
		// Everything is fine.
		deposit(ALICE, CROSS, USDC, all);
		assert_eq!(wallet(ALICE, USDC), 0);
	});
}

#[test]
fn deposit_overflowing_fails_with_overflow() {
	test(|| {
		// A quote amount beyond the signed range.
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, USDC, i128::MAX as u128 + 1),
			Error::<Test>::Overflow
		);
		// A collateral total beyond u128.
		MockRisk::set(LINK, plain_terms(LINK));
		MockPrices::set(LINK, 1, NOW);
		deposit(ALICE, CROSS, LINK, 1);
		assert_noop!(
			MarginAccounts::deposit(signed(BOB), CROSS, LINK, u128::MAX),
			Error::<Test>::Overflow
		);
	});
}

#[test]
fn a_unit_of_an_unpriced_asset_cannot_be_deposited() {
	test(|| {
		// The attack: an underwater account deposits one unit of a listed asset that has never
		// been priced, so that it cannot be valued and its liquidation freezes.
		deposit(ALICE, CROSS, USDC, usdc(100));
		open_position(ALICE, CROSS, 1_000, 500);
		MockRisk::set(LINK, plain_terms(LINK));
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, LINK, 1),
			Error::<Test>::PriceMissing
		);
		// Nor one whose key has no guard (no price of it is usable).
		MockPrices::set(LINK, 10, NOW);
		MockPrices::set_bounds(LINK, None);
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, LINK, 1),
			Error::<Test>::PriceMissing
		);
		// Nor one whose only price is unusable for liquidation (the snapshot's conservative
		// prices): out of bounds, or older than the maximum age with no usable last valid price.
		MockPrices::set_bounds(LINK, bounds_at_genesis(LINK));
		MockPrices::set(LINK, 5_000, NOW);
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, LINK, 1),
			Error::<Test>::PriceOutOfBounds
		);
		MockPrices::set(LINK, 10, NOW - 60_001);
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, LINK, 1),
			Error::<Test>::PriceStale
		);
		// A print beyond the circuit breaker while the last valid price is still usable: the
		// snapshot values the holding at that last valid price, so the deposit is accepted.
		MockPrices::set_last_valid(LINK, 10);
		MockPrices::set(LINK, 100, NOW);
		deposit(ALICE, CROSS, LINK, 1);
		// And the account can be valued for liquidation.
		assert!(MarginAccounts::snapshot(&ALICE, CROSS).is_some());
		// The quote asset needs no price.
		deposit(ALICE, CROSS, USDC, usdc(1));
	});
}
