//! Events.

use super::*;

#[test]
fn deposit_emits_deposited_and_reports_the_change() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		System::assert_last_event(
			Event::Deposited { who: ALICE, sub: CROSS, asset: BTC, amount: BTC_UNIT }.into(),
		);
		let sub = create_isolated(ALICE, 0);
		deposit(ALICE, sub, USDC, usdc(5));
		System::assert_last_event(
			Event::Deposited { who: ALICE, sub, asset: USDC, amount: usdc(5) }.into(),
		);
		assert_eq!(MockOnChange::take(), vec![(ALICE, CROSS), (ALICE, sub)]);
	});
}

#[test]
fn withdraw_emits_withdrawn_and_reports_the_change() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		MockOnChange::take();
		assert_ok!(withdraw(ALICE, CROSS, BTC, BTC_UNIT / 4));
		System::assert_last_event(
			Event::Withdrawn { who: ALICE, sub: CROSS, asset: BTC, amount: BTC_UNIT / 4 }.into(),
		);
		assert_eq!(MockOnChange::take(), vec![(ALICE, CROSS)]);
	});
}

#[test]
fn transfer_emits_transferred_and_reports_both_accounts() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		let sub = create_isolated(ALICE, 0);
		MockOnChange::take();
		assert_ok!(transfer(ALICE, CROSS, sub, BTC, BTC_UNIT / 4));
		System::assert_last_event(
			Event::Transferred {
				who: ALICE,
				from: CROSS,
				to: sub,
				asset: BTC,
				amount: BTC_UNIT / 4,
			}
			.into(),
		);
		assert_eq!(MockOnChange::take(), vec![(ALICE, CROSS), (ALICE, sub)]);
	});
}

#[test]
fn create_isolated_emits_isolated_account_created_at_the_lowest_free_index() {
	test(|| {
		assert_ok!(MarginAccounts::create_isolated(signed(ALICE), 2));
		System::assert_last_event(
			Event::IsolatedAccountCreated { who: ALICE, sub: 1, market: 2 }.into(),
		);
		assert_eq!(account(ALICE, 1).market, Some(2));
		assert!(account(ALICE, 1).is_empty());
		assert_ok!(MarginAccounts::create_isolated(signed(ALICE), 0));
		System::assert_last_event(
			Event::IsolatedAccountCreated { who: ALICE, sub: 2, market: 0 }.into(),
		);
	});
}

#[test]
fn close_isolated_emits_isolated_account_closed_and_frees_the_index() {
	test(|| {
		let first = create_isolated(ALICE, 0);
		let second = create_isolated(ALICE, 1);
		assert_ok!(MarginAccounts::close_isolated(signed(ALICE), first));
		System::assert_last_event(Event::IsolatedAccountClosed { who: ALICE, sub: first }.into());
		assert!(Accounts::<Test>::get(ALICE, first).is_none());
		// The freed index is reused first.
		assert_ok!(MarginAccounts::create_isolated(signed(ALICE), 2));
		System::assert_last_event(
			Event::IsolatedAccountCreated { who: ALICE, sub: first, market: 2 }.into(),
		);
		assert_eq!(account(ALICE, second).market, Some(1));
	});
}
