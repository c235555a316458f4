//! Custody and settlement edge cases.

use super::*;

/// A withdrawal that would leave the custody account with less than the asset's minimum
/// balance would let `pallet_assets` reap it and destroy the rest, which belongs to other users
/// (the runtime lists assets with minimum balances above one: BTC 10, ETH 10^12, ...). Custody
/// pays out with `Preservation::Preserve` unless it pays out everything it holds.
#[test]
fn withdrawal_leaving_custody_below_the_minimum_balance_keeps_other_users_collateral() {
	test(|| {
		MockRisk::set(DUSTY, plain_terms(DUSTY));
		MockPrices::set(DUSTY, 1, NOW);
		deposit(ALICE, CROSS, DUSTY, DUSTY_MIN_BALANCE);
		deposit(BOB, CROSS, DUSTY, DUSTY_MIN_BALANCE / 2);
		assert_eq!(custody(DUSTY), 3 * DUSTY_MIN_BALANCE / 2);
		// Either this fails, or BOB's half stays in custody.
		let _ = withdraw(ALICE, CROSS, DUSTY, DUSTY_MIN_BALANCE);
		assert_eq!(custody(DUSTY), TotalCollateral::<Test>::get(DUSTY));
		assert_ok!(withdraw(BOB, CROSS, DUSTY, DUSTY_MIN_BALANCE / 2));
	});
}

/// `MarginLedger::settle` writes the account's quote balance before it checks that `TotalQuote`
/// does not overflow; on that error the account keeps the new balance unless the caller's
/// transactional layer reverts it (a hook or a caller that swallows the error would leave
/// `TotalQuote` out of step). Only reachable with totals near `i128::MAX`.
#[test]
fn settle_overflowing_the_total_leaves_the_account_unchanged() {
	test(|| {
		deposit(ALICE, CROSS, USDC, usdc(1));
		deposit(BOB, CROSS, USDC, usdc(1));
		// Σ quote == i128::MAX, each account below it.
		settle(ALICE, CROSS, i128::MAX - susdc(2));
		assert_noop!(
			<MarginAccounts as MarginLedger<AccountId>>::settle(&BOB, CROSS, 1),
			Error::<Test>::Overflow
		);
		settle(ALICE, CROSS, -(i128::MAX - susdc(2)));
	});
}

/// One collateral price that was never set must not zero the whole report: an account with
/// positions is still reported with its requirements (the unpriced holding counts for nothing
/// and is flagged), never as "nothing required".
#[test]
fn report_with_a_price_never_set_still_shows_the_requirements() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, ETH, ETH_UNIT);
		open_position(ALICE, CROSS, 100, 50);
		MockPrices::remove(ETH);
		let r = MarginAccounts::report(&ALICE, CROSS).unwrap();
		assert!(r.uses_stale_prices);
		assert_eq!(r.collateral[1].price, None);
		assert_eq!(r.maintenance_requirement, usdc(50));
		assert_eq!(r.initial_requirement, usdc(100));
		assert!(r.health_ratio.is_some());
	});
}

/// USDC (or `asset`) sent straight to the custody account, not through the pallet.
fn donate(asset: AssetId, amount: Balance) {
	assert_ok!(<Assets as Mutate<AccountId>>::transfer(
		asset,
		&CHARLIE,
		&MarginAccounts::custody_account(),
		amount,
		polkadot_sdk::frame_support::traits::tokens::Preservation::Expendable
	));
}

#[test]
fn a_quote_credit_from_nothing_breaks_try_state_even_when_a_donation_covers_it() {
	new_test_ext().execute_with(|| {
		// The scenario: a written-off debt is credited to the bankrupt account and charged to
		// no pool (claims grow by 100 with nothing behind them), while custody happens to hold
		// a donation of 100. "Custody ≥ claims" still holds; the books do not.
		deposit(ALICE, CROSS, USDC, usdc(1_000));
		deposit(BOB, CROSS, USDC, usdc(1));
		settle(BOB, CROSS, -susdc(100));
		donate(USDC, usdc(100));
		assert_ok!(MarginAccounts::do_try_state());
		// The write-off: BOB credited, no pool charged.
		assert_ok!(<MarginAccounts as MarginLedger<AccountId>>::settle(&BOB, CROSS, susdc(100)));
		assert_eq!(
			MarginAccounts::do_try_state(),
			Err("custody books differ from Σ quote balances + pools".into())
		);
		// Charged to a pool in the same block: exact again.
		MockPools::set(MockPools::pooled_quote() - susdc(100));
		assert_ok!(MarginAccounts::do_try_state());
	});
}

#[test]
fn collateral_credited_from_nothing_breaks_try_state_even_when_a_donation_covers_it() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		donate(BTC, BTC_UNIT);
		assert_ok!(MarginAccounts::do_try_state());
		// A bug credits ALICE a BTC that never came in, totals updated alike.
		Accounts::<Test>::mutate(ALICE, CROSS, |a| {
			a.as_mut().unwrap().collateral = vec![(BTC, 2 * BTC_UNIT)].try_into().unwrap();
		});
		TotalCollateral::<Test>::mutate(BTC, |t| *t += BTC_UNIT);
		assert_eq!(
			MarginAccounts::do_try_state(),
			Err("custody books differ from Σ collateral".into())
		);
	});
}

#[test]
fn a_donation_to_custody_is_surplus_and_never_paid_out() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, CROSS, USDC, usdc(1_000));
		assert_ok!(<MarginAccounts as MarginLedger<AccountId>>::pool_deposit(&BOB, usdc(500)));
		MockPools::set(susdc(500));
		donate(USDC, usdc(100));
		// Custody holds more than its books: surplus, not a break.
		assert_eq!(custody(USDC), usdc(1_600));
		assert_eq!(CustodyLedger::<Test>::get(USDC), usdc(1_500));
		assert_ok!(MarginAccounts::do_try_state());
		// A pool paying out more than the books hold would pay with the donation (or with
		// what others are owed): refused.
		assert_noop!(
			<MarginAccounts as MarginLedger<AccountId>>::pool_withdraw(&BOB, usdc(1_501)),
			Error::<Test>::CustodyShort
		);
		// Every claim is paid in full; the donation stays.
		assert_ok!(<MarginAccounts as MarginLedger<AccountId>>::pool_withdraw(&BOB, usdc(500)));
		MockPools::set(0);
		assert_ok!(withdraw(ALICE, CROSS, USDC, usdc(1_000)));
		assert_eq!(custody(USDC), usdc(100));
		assert_eq!(CustodyLedger::<Test>::get(USDC), 0);
		assert_ok!(MarginAccounts::do_try_state());
	});
}

#[test]
fn a_withdrawal_backed_only_by_unpaid_debt_fails_with_custody_short() {
	test(|| {
		// ALICE's 1,000 are in custody. BOB, who deposited 1 USDC, loses 101 to the pool: he
		// owes 100 that custody does not have. The pool's claim (101) and ALICE's (1,000)
		// together exceed what custody holds; the first payout beyond it is refused.
		deposit(ALICE, CROSS, USDC, usdc(1_000));
		deposit(BOB, CROSS, USDC, usdc(1));
		settle(BOB, CROSS, -susdc(101));
		assert_ok!(<MarginAccounts as MarginLedger<AccountId>>::pool_withdraw(&CHARLIE, usdc(101)));
		MockPools::set(0);
		assert_noop!(withdraw(ALICE, CROSS, USDC, usdc(1_000)), Error::<Test>::CustodyShort);
		assert_ok!(withdraw(ALICE, CROSS, USDC, usdc(900)));
		// BOB repays his debt: ALICE can be paid in full.
		deposit(BOB, CROSS, USDC, usdc(100));
		assert_ok!(withdraw(ALICE, CROSS, USDC, usdc(100)));
	});
}
