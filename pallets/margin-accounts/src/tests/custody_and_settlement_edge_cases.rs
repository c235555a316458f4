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
