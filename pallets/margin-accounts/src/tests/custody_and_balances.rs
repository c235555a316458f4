//! Custody and balances.

use super::*;

#[test]
fn custody_is_exact_after_deposits_withdrawals_and_transfers() {
	test(|| {
		deposit(ALICE, CROSS, BTC, 2 * BTC_UNIT);
		deposit(ALICE, CROSS, ETH, 10 * ETH_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(5_000));
		deposit(BOB, CROSS, BTC, BTC_UNIT);
		deposit(BOB, CROSS, DOT, 100 * DOT_UNIT);
		assert_custody_exact();
		let sub = create_isolated(ALICE, 0);
		assert_ok!(transfer(ALICE, CROSS, sub, BTC, BTC_UNIT / 2));
		assert_ok!(transfer(ALICE, CROSS, sub, USDC, usdc(1_000)));
		assert_custody_exact();
		assert_ok!(withdraw(ALICE, sub, BTC, 3 * BTC_UNIT / 10));
		assert_ok!(withdraw(BOB, CROSS, BTC, BTC_UNIT));
		assert_ok!(withdraw(ALICE, CROSS, USDC, usdc(4_000)));
		assert_custody_exact();

		assert_eq!(custody(BTC), 2 * BTC_UNIT - 3 * BTC_UNIT / 10);
		assert_eq!(TotalCollateral::<Test>::get(BTC), custody(BTC));
		assert_eq!(custody(ETH), 10 * ETH_UNIT);
		assert_eq!(custody(DOT), 100 * DOT_UNIT);
		assert_eq!(custody(USDC), usdc(1_000));
		assert_eq!(TotalQuote::<Test>::get(), susdc(1_000));
		assert_eq!(
			account(ALICE, CROSS).collateral.to_vec(),
			vec![(BTC, 3 * BTC_UNIT / 2), (ETH, 10 * ETH_UNIT)]
		);
		assert_eq!(account(ALICE, CROSS).quote, 0);
		assert_eq!(account(ALICE, sub).collateral.to_vec(), vec![(BTC, BTC_UNIT / 5)]);
		assert_eq!(account(ALICE, sub).quote, susdc(1_000));
		// BOB's BTC is all out: the entry is gone, not zero.
		assert_eq!(account(BOB, CROSS).collateral.to_vec(), vec![(DOT, 100 * DOT_UNIT)]);
		assert_eq!(wallet(ALICE, BTC), wallet_at_genesis(BTC) - 2 * BTC_UNIT + 3 * BTC_UNIT / 10);
		assert_eq!(wallet(BOB, BTC), wallet_at_genesis(BTC));
		assert_eq!(wallet(ALICE, USDC), wallet_at_genesis(USDC) - usdc(1_000));
	});
}

#[test]
fn a_quote_deposit_repays_debt_first() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		settle(ALICE, CROSS, -susdc(100));
		assert_eq!(account(ALICE, CROSS).quote, -susdc(100));
		deposit(ALICE, CROSS, USDC, usdc(150));
		assert_eq!(account(ALICE, CROSS).quote, susdc(50));
		assert_eq!(TotalQuote::<Test>::get(), susdc(50));
	});
}

#[test]
fn an_account_without_positions_or_debt_withdraws_and_transfers_without_prices() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(1_000));
		let sub = create_isolated(ALICE, 0);
		deposit(ALICE, sub, ETH, ETH_UNIT);
		MockPrices::clear();
		MockDerivatives::fail_fresh(ALICE, CROSS, PriceError::Missing);
		assert_ok!(withdraw(ALICE, CROSS, BTC, BTC_UNIT / 2));
		assert_ok!(withdraw(ALICE, CROSS, USDC, usdc(1_000)));
		assert_ok!(transfer(ALICE, sub, CROSS, ETH, ETH_UNIT));
		assert_ok!(transfer(ALICE, CROSS, sub, BTC, BTC_UNIT / 2));
		assert_ok!(withdraw(ALICE, sub, BTC, BTC_UNIT / 2));
		assert_ok!(withdraw(ALICE, CROSS, ETH, ETH_UNIT));
		assert!(account(ALICE, CROSS).is_empty());
		assert_eq!(wallet(ALICE, BTC), wallet_at_genesis(BTC));
	});
}

#[test]
fn deposits_never_need_a_margin_test() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		open_position(ALICE, CROSS, 1_000_000, 900_000);
		settle(ALICE, CROSS, -susdc(1_000));
		// Far below its margin, every price too old for a margin test (though not for
		// liquidation), the mark price failing: deposits still go in.
		for key in [BTC, ETH, DOT] {
			MockPrices::update_bounds(key, |b| b.trade_age = 1_000);
		}
		MockPrices::set_now(NOW + 30_000);
		MockDerivatives::fail_fresh(ALICE, CROSS, PriceError::Stale);
		MockDerivatives::take_modes();
		deposit(ALICE, CROSS, BTC, BTC_UNIT / 2);
		deposit(ALICE, CROSS, USDC, usdc(2_000));
		assert!(MockDerivatives::take_modes().is_empty());
		assert_eq!(account(ALICE, CROSS).quote, susdc(1_000));
		assert_noop!(withdraw(ALICE, CROSS, USDC, 1), Error::<Test>::PriceStale);
		// The quote asset needs no price at all. (Collateral needs one liquidation could use:
		// see `a_unit_of_an_unpriced_asset_cannot_be_deposited`.)
		MockPrices::clear();
		deposit(ALICE, CROSS, USDC, 1);
		assert_noop!(
			MarginAccounts::deposit(signed(ALICE), CROSS, BTC, 1),
			Error::<Test>::PriceMissing
		);
	});
}

#[test]
fn isolated_accounts_are_ring_fenced() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		let sub = create_isolated(ALICE, 0);
		deposit(ALICE, sub, BTC, BTC_UNIT / 10);
		deposit(ALICE, sub, USDC, usdc(1_000));
		open_position(ALICE, sub, 800, 400);
		// The cross account far below its own margin ...
		open_position(ALICE, CROSS, 1_000_000, 500_000);
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::InsufficientMargin);
		// ... does not stop the isolated account, which is tested alone (4,500 + 1,000 vs 800).
		assert_ok!(transfer(ALICE, sub, CROSS, BTC, BTC_UNIT / 100));
		let cross_before = MarginAccounts::snapshot(&ALICE, CROSS).unwrap();

		// A loss in the isolated account stays there.
		settle(ALICE, sub, -susdc(1_500));
		let cross_after = MarginAccounts::snapshot(&ALICE, CROSS).unwrap();
		assert_eq!(cross_after, cross_before);
		let iso = MarginAccounts::snapshot(&ALICE, sub).unwrap();
		assert_eq!(iso.quote, -susdc(500));
		assert_eq!(iso.market, Some(0));
		// 0.09 BTC at 95% of 50,000 = 4,275, less 500 of debt.
		assert_eq!(iso.maintenance_equity, susdc(3_775));
		// Taking the isolated account below its own margin fails, whatever the cross holds.
		assert_noop!(
			transfer(ALICE, sub, CROSS, BTC, BTC_UNIT * 8 / 100),
			Error::<Test>::InsufficientMargin
		);
		// Without positions, the cross account is free of the isolated account's debt: every
		// unit can go, without any price.
		MockDerivatives::close_all(ALICE, CROSS);
		MockPrices::clear();
		assert_ok!(withdraw(ALICE, CROSS, BTC, BTC_UNIT + BTC_UNIT / 100));
		assert!(account(ALICE, CROSS).is_empty());
	});
}

#[test]
fn total_held_is_the_sum_over_accounts() {
	use ballast_primitives::traits::CollateralHoldings;
	test(|| {
		assert_eq!(MarginAccounts::total_held(BTC), 0);
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		let sub = create_isolated(BOB, 0);
		deposit(BOB, sub, BTC, 2 * BTC_UNIT);
		deposit(BOB, sub, USDC, usdc(5));
		assert_eq!(MarginAccounts::total_held(BTC), 3 * BTC_UNIT);
		assert_eq!(MarginAccounts::total_held(ETH), 0);
		// The quote asset is not collateral.
		assert_eq!(MarginAccounts::total_held(USDC), 0);
		assert_ok!(withdraw(BOB, sub, BTC, BTC_UNIT));
		assert_ok!(MarginAccounts::seize(&ALICE, CROSS, BTC, BTC_UNIT / 2, &CHARLIE));
		assert_eq!(MarginAccounts::total_held(BTC), 3 * BTC_UNIT / 2);
	});
}
