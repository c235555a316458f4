//! The options vault: LP shares (`ballast_math::shares`), NAV, withdrawals and their errors.

use super::*;

fn add(who: AccountId, units: u128) -> Balance {
	MockLedger::fund_wallet(who, units * USDC);
	assert_ok!(Options::add_liquidity(signed(who), units * USDC, 0));
	LpShares::<Test>::get(who)
}

#[test]
fn deposits_mint_shares_at_nav_and_redemptions_pay_it() {
	test(|| {
		let shares = add(LP, 100_000);
		System::assert_last_event(
			Event::LiquidityAdded { who: LP, amount: 100_000 * USDC, shares }.into(),
		);
		// No options outstanding: one share per quote unit.
		assert_eq!(shares, 100_000 * USDC);
		// Traders buy; the vault is short options worth their mid, and kept the spread.
		fund(ALICE, 100_000);
		buy(ALICE, BTC_CALL, 2 * BTC);
		let nav = Options::vault_nav(PriceMode::Conservative).unwrap();
		assert!(nav > (SEED + 100_000 * USDC) as i128, "the spread is the LPs'");
		assert_ok!(Options::request_withdrawal(signed(LP), shares));
		System::assert_last_event(
			Event::WithdrawalRequested { who: LP, shares, ready_at: 1 }.into(),
		);
		assert_ok!(Options::withdraw_liquidity(signed(LP), 0));
		let paid = MockLedger::wallet(LP);
		System::assert_last_event(Event::LiquidityRemoved { who: LP, shares, amount: paid }.into());
		assert!(paid > 100_000 * USDC && paid < 100_100 * USDC, "{paid}");
	});
}

#[test]
fn vault_call_errors() {
	test(|| {
		assert_noop!(Options::add_liquidity(signed(LP), 0, 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Options::add_liquidity(signed(LP), USDC, 0),
			DispatchError::Token(TokenError::FundsUnavailable)
		);
		MockLedger::fund_wallet(LP, 1_000 * USDC);
		assert_noop!(
			Options::add_liquidity(signed(LP), USDC, 2 * USDC),
			Error::<Test>::BelowMinimumOutput
		);
		assert_noop!(Options::request_withdrawal(signed(LP), 0), Error::<Test>::ZeroAmount);
		assert_noop!(Options::request_withdrawal(signed(LP), 1), Error::<Test>::InsufficientShares);
		assert_noop!(
			Options::withdraw_liquidity(signed(LP), 0),
			Error::<Test>::NoPendingWithdrawal
		);
		assert_noop!(Options::cancel_withdrawal(signed(LP)), Error::<Test>::NoPendingWithdrawal);
		// Notice.
		assert_ok!(Options::set_vault_rules(
			root(),
			VaultRules { exit_notice: 10, ..test_rules() }
		));
		assert_ok!(Options::request_withdrawal(signed(SEED_LP), SEED / 2));
		assert_noop!(
			Options::withdraw_liquidity(signed(SEED_LP), 0),
			Error::<Test>::WithdrawalNotReady
		);
		assert_ok!(Options::cancel_withdrawal(signed(SEED_LP)));
		System::assert_last_event(
			Event::WithdrawalCancelled { who: SEED_LP, shares: SEED / 2 }.into(),
		);
		assert_eq!(LpShares::<Test>::get(SEED_LP), SEED);
	});
}

#[test]
fn lps_cannot_leave_the_options_uncovered() {
	test(|| {
		fund(ALICE, 1_000_000);
		buy(ALICE, BTC_CALL, 20 * BTC);
		// Everything out would leave the shorts without cover.
		assert_ok!(Options::request_withdrawal(signed(SEED_LP), SEED));
		assert_noop!(
			Options::withdraw_liquidity(signed(SEED_LP), 0),
			Error::<Test>::VaultStressExceeded
		);
		assert_noop!(
			Options::withdraw_liquidity(signed(SEED_LP), u128::MAX),
			Error::<Test>::BelowMinimumOutput
		);
		assert_ok!(Options::cancel_withdrawal(signed(SEED_LP)));
		// A slice is fine.
		assert_ok!(Options::request_withdrawal(signed(SEED_LP), SEED / 10));
		assert_ok!(Options::withdraw_liquidity(signed(SEED_LP), 0));
		// No usable price for an underlying with open interest: deposits and withdrawals wait.
		MockPrices::remove(BTC_KEY);
		MockLedger::fund_wallet(LP, 1_000 * USDC);
		assert_noop!(Options::add_liquidity(signed(LP), USDC, 0), Error::<Test>::PriceMissing);
	});
}
