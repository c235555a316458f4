//! Asset status.

use super::*;

#[test]
fn delisted_collateral_counts_for_nothing_and_needs_no_price() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(1_000));
		open_position(ALICE, CROSS, 500, 250);
		MockRisk::set_status(BTC, AssetStatus::Delisted);
		MockPrices::remove(BTC);
		let v = MarginAccounts::valuation(&ALICE, CROSS).unwrap();
		assert_eq!(v.collateral_value, 0);
		assert_eq!(v.initial_equity, susdc(1_000));
		assert_noop!(
			withdraw(ALICE, CROSS, USDC, usdc(500) + 1),
			Error::<Test>::InsufficientMargin
		);
		assert_ok!(withdraw(ALICE, CROSS, USDC, usdc(500)));
		// Delisted collateral can leave.
		assert_ok!(withdraw(ALICE, CROSS, BTC, BTC_UNIT));
	});
}

#[test]
fn reduce_only_collateral_still_counts_and_can_leave_but_not_come_in() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		open_position(ALICE, CROSS, 40_000, 20_000);
		MockRisk::set_status(BTC, AssetStatus::ReduceOnly);
		assert_eq!(MarginAccounts::valuation(&ALICE, CROSS).unwrap().initial_equity, susdc(45_000));
		assert_ok!(withdraw(ALICE, CROSS, BTC, BTC_UNIT / 10));
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, BTC, 1),
			Error::<Test>::AssetNotAccepted
		);
		// Moving between own accounts is neither a deposit nor a withdrawal.
		let sub = create_isolated(ALICE, 0);
		assert_ok!(transfer(ALICE, CROSS, sub, BTC, 1));
	});
}
