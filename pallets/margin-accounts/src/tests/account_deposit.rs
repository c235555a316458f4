//! The account deposit: opening a margin account holds native currency, closing it releases
//! it (issue 12: spam costs money).

use super::*;
use crate::{AccountDeposits, HoldReason};
use polkadot_sdk::{frame_support::traits::fungible::InspectHold, sp_runtime::DispatchError};

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::AccountDeposit.into(), &who)
}

#[test]
fn a_million_empty_accounts_cost_a_million_deposits() {
	// The attack: open accounts for a fraction of a token in fees and fill the chain's account
	// set (and every sweep over it) with empty ones. Each open account now holds a deposit.
	test(|| {
		assert_eq!(held(ALICE), 0);
		deposit(ALICE, CROSS, USDC, USDC_UNIT);
		System::assert_has_event(
			Event::AccountOpened { who: ALICE, sub: CROSS, deposit: ACCOUNT_DEPOSIT }.into(),
		);
		assert_eq!(held(ALICE), ACCOUNT_DEPOSIT);
		for _ in 0..MAX_ISOLATED {
			assert_ok!(MarginAccounts::create_isolated(RuntimeOrigin::signed(ALICE), MARKETS[0]));
		}
		assert_eq!(held(ALICE), ACCOUNT_DEPOSIT * (1 + MAX_ISOLATED as Balance));
		assert_eq!(AccountDeposits::<Test>::get(ALICE, 1), Some(ACCOUNT_DEPOSIT));
		// A second deposit into an open account holds nothing more.
		deposit(ALICE, CROSS, USDC, USDC_UNIT);
		assert_eq!(held(ALICE), ACCOUNT_DEPOSIT * (1 + MAX_ISOLATED as Balance));
	});
}

#[test]
fn closing_an_account_releases_its_deposit() {
	test(|| {
		assert_ok!(MarginAccounts::create_isolated(RuntimeOrigin::signed(BOB), MARKETS[0]));
		assert_eq!(held(BOB), ACCOUNT_DEPOSIT);
		assert_ok!(MarginAccounts::close_isolated(RuntimeOrigin::signed(BOB), 1));
		System::assert_has_event(
			Event::AccountClosed { who: BOB, sub: 1, deposit: ACCOUNT_DEPOSIT }.into(),
		);
		assert_eq!(held(BOB), 0);
		assert!(AccountDeposits::<Test>::get(BOB, 1).is_none());

		// The cross account: closed once empty, opened again by the next deposit.
		deposit(BOB, CROSS, USDC, USDC_UNIT);
		assert_noop!(
			MarginAccounts::close_cross(RuntimeOrigin::signed(BOB)),
			Error::<Test>::AccountNotEmpty
		);
		assert_ok!(MarginAccounts::withdraw(RuntimeOrigin::signed(BOB), CROSS, USDC, USDC_UNIT));
		assert_ok!(MarginAccounts::close_cross(RuntimeOrigin::signed(BOB)));
		assert_eq!(held(BOB), 0);
		assert!(Accounts::<Test>::get(BOB, CROSS).is_none());
		assert_noop!(
			MarginAccounts::close_cross(RuntimeOrigin::signed(BOB)),
			Error::<Test>::UnknownAccount
		);
		deposit(BOB, CROSS, USDC, USDC_UNIT);
		assert_eq!(held(BOB), ACCOUNT_DEPOSIT);
	});
}

#[test]
fn an_account_cannot_be_opened_without_the_deposit() {
	test(|| {
		// DAVE has assets but no native currency to hold.
		let dave: AccountId = 4;
		use polkadot_sdk::frame_support::traits::fungibles::Mutate;
		assert_ok!(<Assets as Mutate<AccountId>>::mint_into(USDC, &dave, 10 * USDC_UNIT));
		assert_noop!(
			MarginAccounts::deposit(RuntimeOrigin::signed(dave), CROSS, USDC, USDC_UNIT),
			Error::<Test>::CannotHoldDeposit
		);
		assert_noop!(
			MarginAccounts::create_isolated(RuntimeOrigin::signed(dave), MARKETS[0]),
			Error::<Test>::CannotHoldDeposit
		);
	});
}

#[test]
fn close_cross_refuses_while_liquidation_is_pending() {
	test(|| {
		deposit(CHARLIE, CROSS, USDC, USDC_UNIT);
		assert_ok!(MarginAccounts::withdraw(
			RuntimeOrigin::signed(CHARLIE),
			CROSS,
			USDC,
			USDC_UNIT
		));
		MockPendingLiquidation::set(CHARLIE, CROSS, true);
		assert_noop!(
			MarginAccounts::close_cross(RuntimeOrigin::signed(CHARLIE)),
			Error::<Test>::LiquidationPending
		);
		assert_noop!(MarginAccounts::close_cross(RuntimeOrigin::none()), DispatchError::BadOrigin);
	});
}

#[test]
fn try_state_catches_a_deposit_out_of_step_with_the_accounts() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, CROSS, USDC, USDC_UNIT);
		assert_ok!(MarginAccounts::do_try_state());
		AccountDeposits::<Test>::insert(ALICE, CROSS, ACCOUNT_DEPOSIT + 1);
		assert!(MarginAccounts::do_try_state().is_err());
		AccountDeposits::<Test>::remove(ALICE, CROSS);
		assert_eq!(MarginAccounts::do_try_state(), Err("account without a deposit".into()));
		AccountDeposits::<Test>::insert(ALICE, CROSS, ACCOUNT_DEPOSIT);
		AccountDeposits::<Test>::insert(BOB, CROSS, 0);
		assert_eq!(MarginAccounts::do_try_state(), Err("deposit without an account".into()));
	});
}
