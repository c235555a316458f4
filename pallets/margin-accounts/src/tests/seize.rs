//! Seize.

use super::*;

#[test]
fn seize_moves_even_frozen_collateral() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		MockRisk::set_status(BTC, AssetStatus::Frozen);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::AssetFrozen);
		assert_ok!(<MarginAccounts as MarginSide<AccountId>>::seize(
			&ALICE,
			CROSS,
			BTC,
			2 * BTC_UNIT / 5,
			&CHARLIE
		));
		assert_eq!(wallet(CHARLIE, BTC), wallet_at_genesis(BTC) + 2 * BTC_UNIT / 5);
		assert_eq!(account(ALICE, CROSS).holding(BTC), 3 * BTC_UNIT / 5);
		assert_eq!(TotalCollateral::<Test>::get(BTC), 3 * BTC_UNIT / 5);
		assert_custody_exact();
		// All of it: the entry goes.
		assert_ok!(MarginAccounts::seize(&ALICE, CROSS, BTC, 3 * BTC_UNIT / 5, &CHARLIE));
		assert!(account(ALICE, CROSS).collateral.is_empty());
	});
}

#[test]
fn seize_of_more_than_held_or_from_an_unknown_account_fails() {
	test(|| {
		assert_noop!(
			MarginAccounts::seize(&ALICE, CROSS, BTC, 1, &CHARLIE),
			Error::<Test>::UnknownAccount
		);
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(10));
		assert_noop!(
			MarginAccounts::seize(&ALICE, CROSS, BTC, BTC_UNIT + 1, &CHARLIE),
			Error::<Test>::InsufficientBalance
		);
		// Quote is settled, never seized.
		assert_noop!(
			MarginAccounts::seize(&ALICE, CROSS, USDC, 1, &CHARLIE),
			Error::<Test>::InsufficientBalance
		);
	});
}
