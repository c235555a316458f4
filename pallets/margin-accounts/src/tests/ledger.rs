//! MarginLedger: errors and behaviour.

use super::*;

#[test]
fn trading_another_market_from_an_isolated_account_fails_with_wrong_market() {
	test(|| {
		let sub = create_isolated(ALICE, 1);
		assert_noop!(
			<MarginAccounts as MarginLedger<AccountId>>::ensure_can_trade(&ALICE, sub, 0),
			Error::<Test>::WrongMarket
		);
		assert_ok!(<MarginAccounts as MarginLedger<AccountId>>::ensure_can_trade(&ALICE, sub, 1));
		// The cross account may trade anything, once it exists.
		assert_noop!(
			<MarginAccounts as MarginLedger<AccountId>>::ensure_can_trade(&ALICE, CROSS, 0),
			Error::<Test>::UnknownAccount
		);
		deposit(ALICE, CROSS, USDC, 1);
		for market in MARKETS {
			assert_ok!(<MarginAccounts as MarginLedger<AccountId>>::ensure_can_trade(
				&ALICE, CROSS, market
			));
		}
	});
}

#[test]
fn settle_on_an_unknown_account_or_beyond_the_signed_range_fails() {
	test(|| {
		assert_noop!(
			<MarginAccounts as MarginLedger<AccountId>>::settle(&ALICE, CROSS, 1),
			Error::<Test>::UnknownAccount
		);
		deposit(ALICE, CROSS, USDC, usdc(1));
		assert_noop!(
			<MarginAccounts as MarginLedger<AccountId>>::settle(&ALICE, CROSS, i128::MAX),
			Error::<Test>::Overflow
		);
		// ALICE at the top of the range: a quote deposit by anyone overflows the total.
		settle(ALICE, CROSS, i128::MAX - susdc(1));
		assert_noop!(MarginAccounts::deposit(signed(BOB), CROSS, USDC, 1), Error::<Test>::Overflow);
		settle(ALICE, CROSS, -(i128::MAX - susdc(1)));
	});
}

#[test]
fn ensure_initial_margin_tests_the_account_at_fresh_prices() {
	test(|| {
		assert_noop!(
			<MarginAccounts as MarginLedger<AccountId>>::ensure_initial_margin(&ALICE, CROSS),
			Error::<Test>::UnknownAccount
		);
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		// 45,000 USDC of initial value meets 45,000 exactly, not one unit more.
		MockDerivatives::open(
			ALICE,
			CROSS,
			&[0],
			Exposure { initial_requirement: usdc(45_000), ..Default::default() },
		);
		assert_ok!(<MarginAccounts as MarginLedger<AccountId>>::ensure_initial_margin(
			&ALICE, CROSS
		));
		MockDerivatives::open(
			ALICE,
			CROSS,
			&[0],
			Exposure { initial_requirement: usdc(45_000) + 1, ..Default::default() },
		);
		assert_noop!(
			<MarginAccounts as MarginLedger<AccountId>>::ensure_initial_margin(&ALICE, CROSS),
			Error::<Test>::InsufficientMargin
		);
		MockDerivatives::take_modes();
		MockPrices::set_now(NOW + 60_001);
		assert_noop!(
			<MarginAccounts as MarginLedger<AccountId>>::ensure_initial_margin(&ALICE, CROSS),
			Error::<Test>::PriceStale
		);
		assert!(MockDerivatives::take_modes().iter().all(|m| *m == PriceMode::Fresh));
	});
}

#[test]
fn a_positive_unrealized_pnl_counts_after_its_haircut_and_a_loss_in_full() {
	test(|| {
		deposit(ALICE, CROSS, USDC, usdc(1_000));
		MockDerivatives::open(
			ALICE,
			CROSS,
			&[0],
			Exposure {
				unrealized_pnl: susdc(1_000),
				initial_requirement: usdc(1_800),
				..Default::default()
			},
		);
		let v = MarginAccounts::valuation(&ALICE, CROSS).unwrap();
		assert_eq!(v.initial_equity, susdc(1_800));
		assert_ok!(<MarginAccounts as MarginLedger<AccountId>>::ensure_initial_margin(
			&ALICE, CROSS
		));
		MockDerivatives::open(
			ALICE,
			CROSS,
			&[0],
			Exposure { unrealized_pnl: -susdc(1_000), ..Default::default() },
		);
		assert_eq!(MarginAccounts::valuation(&ALICE, CROSS).unwrap().initial_equity, 0);
		assert_noop!(MarginAccounts::valuation(&BOB, CROSS), Error::<Test>::UnknownAccount);
	});
}

#[test]
fn quote_custody_covers_quote_balances_and_pools() {
	test(|| {
		deposit(ALICE, CROSS, USDC, usdc(1_000));
		// A vault deposit into the common custody.
		assert_ok!(<MarginAccounts as MarginLedger<AccountId>>::pool_deposit(&BOB, usdc(5_000)));
		MockPools::set(susdc(5_000));
		assert_eq!(custody(USDC), usdc(6_000));
		assert_custody_exact();
		// A gain paid by the pool.
		settle(ALICE, CROSS, susdc(300));
		assert_eq!(account(ALICE, CROSS).quote, susdc(1_300));
		assert_eq!(TotalQuote::<Test>::get(), susdc(1_300));
		assert_custody_exact();
		// A vault withdrawal.
		assert_ok!(<MarginAccounts as MarginLedger<AccountId>>::pool_withdraw(&BOB, usdc(1_000)));
		MockPools::set(susdc(3_700));
		assert_eq!(wallet(BOB, USDC), wallet_at_genesis(USDC) - usdc(4_000));
		assert_custody_exact();
		// The gain can be withdrawn.
		assert_ok!(withdraw(ALICE, CROSS, USDC, usdc(1_300)));
		assert_eq!(wallet(ALICE, USDC), wallet_at_genesis(USDC) + usdc(300));
		assert_eq!(custody(USDC), usdc(3_700));
		// The invariant notices a pool claiming more than custody holds.
		MockPools::set(susdc(3_700) + 1);
		assert!(MarginAccounts::do_try_state().is_err());
		MockPools::set(susdc(3_700));
	});
}
