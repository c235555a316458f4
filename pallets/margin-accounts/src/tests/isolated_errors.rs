//! Create_isolated / close_isolated: errors.

use super::*;

#[test]
fn create_isolated_for_a_market_that_does_not_exist_fails_with_unknown_market() {
	test(|| {
		assert_noop!(
			MarginAccounts::create_isolated(signed(ALICE), 9),
			Error::<Test>::UnknownMarket
		);
		MockDerivatives::set_markets(&[9]);
		assert_ok!(MarginAccounts::create_isolated(signed(ALICE), 9));
	});
}

#[test]
fn create_isolated_beyond_the_maximum_fails_with_too_many_isolated_accounts() {
	test(|| {
		for _ in 0..MAX_ISOLATED {
			assert_ok!(MarginAccounts::create_isolated(signed(ALICE), 0));
		}
		assert_noop!(
			MarginAccounts::create_isolated(signed(ALICE), 1),
			Error::<Test>::TooManyIsolatedAccounts
		);
		// Per user.
		assert_ok!(MarginAccounts::create_isolated(signed(BOB), 1));
	});
}

#[test]
fn close_of_the_cross_account_fails_with_cannot_close_cross() {
	test(|| {
		deposit(ALICE, CROSS, BTC, 1);
		assert_ok!(withdraw(ALICE, CROSS, BTC, 1));
		assert_noop!(
			MarginAccounts::close_isolated(signed(ALICE), CROSS),
			Error::<Test>::CannotCloseCross
		);
	});
}

#[test]
fn close_of_an_isolated_account_not_open_fails_with_unknown_account() {
	test(|| {
		assert_noop!(
			MarginAccounts::close_isolated(signed(ALICE), 1),
			Error::<Test>::UnknownAccount
		);
		create_isolated(BOB, 0);
		assert_noop!(
			MarginAccounts::close_isolated(signed(ALICE), 1),
			Error::<Test>::UnknownAccount
		);
	});
}

#[test]
fn close_of_an_isolated_account_holding_anything_fails_with_account_not_empty() {
	test(|| {
		let sub = create_isolated(ALICE, 0);
		let not_empty = || {
			assert_noop!(
				MarginAccounts::close_isolated(signed(ALICE), sub),
				Error::<Test>::AccountNotEmpty
			);
		};
		// Collateral.
		deposit(ALICE, sub, BTC, 1);
		not_empty();
		assert_ok!(withdraw(ALICE, sub, BTC, 1));
		// Quote.
		deposit(ALICE, sub, USDC, 1);
		not_empty();
		assert_ok!(withdraw(ALICE, sub, USDC, 1));
		// Debt.
		settle(ALICE, sub, -1);
		not_empty();
		deposit(ALICE, sub, USDC, 1);
		// A position.
		open_position(ALICE, sub, 0, 0);
		not_empty();
		MockDerivatives::close_all(ALICE, sub);
		assert_ok!(MarginAccounts::close_isolated(signed(ALICE), sub));
	});
}

#[test]
fn closing_an_isolated_account_with_a_live_auction_is_refused() {
	test(|| {
		// The attack: an isolated account is liquidated; its collateral is seized into auctions
		// and its debt repaid, leaving it empty while the auctions still run. Closing it then
		// would leave the auctions' proceeds nowhere to go, and every `take` would revert.
		let sub = create_isolated(ALICE, 0);
		deposit(ALICE, sub, BTC, BTC_UNIT);
		// CHARLIE stands for the auction.
		assert_ok!(MarginAccounts::seize(&ALICE, sub, BTC, BTC_UNIT, &CHARLIE));
		assert!(account(ALICE, sub).is_empty());
		MockPendingLiquidation::set(ALICE, sub, true);
		assert_noop!(
			MarginAccounts::close_isolated(signed(ALICE), sub),
			Error::<Test>::LiquidationPending
		);
		// Once the liquidation engine is done with it, it closes.
		MockPendingLiquidation::set(ALICE, sub, false);
		assert_ok!(MarginAccounts::close_isolated(signed(ALICE), sub));
		assert!(!Accounts::<Test>::contains_key(ALICE, sub));
	});
}
