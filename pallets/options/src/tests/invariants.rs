//! `try_state`: it holds after everything above (every test checks it at the end and every
//! block), and it catches each kind of corrupted state.

use super::*;

fn corrupted(f: impl FnOnce()) -> bool {
	let mut failed = false;
	test_no_check(|| {
		fund(ALICE, 10_000);
		buy(ALICE, BTC_CALL, BTC);
		assert!(Options::do_try_state().is_ok());
		f();
		failed = Options::do_try_state().is_err();
	});
	failed
}

fn test_no_check(f: impl FnOnce()) {
	new_test_ext_with(genesis(), &[(SEED_LP, SEED)]).execute_with(f);
}

#[test]
fn try_state_catches_open_interest_that_is_not_the_sum_of_positions() {
	assert!(corrupted(|| AllSeries::<Test>::mutate(BTC_CALL, |s| {
		s.as_mut().unwrap().open_interest += 1
	})));
	assert!(corrupted(|| AllSeries::<Test>::mutate(BTC_CALL, |s| s.as_mut().unwrap().holders = 2)));
}

#[test]
fn try_state_catches_positions_and_account_lists_that_disagree() {
	assert!(corrupted(|| AccountSeries::<Test>::remove((ALICE, CROSS_ACCOUNT))));
	assert!(corrupted(|| Positions::<Test>::insert(
		BTC_CALL,
		(ALICE, CROSS_ACCOUNT),
		Position { quantity: 0, cost: 0 }
	)));
	assert!(corrupted(|| Positions::<Test>::insert(
		BTC_PUT,
		(ALICE, CROSS_ACCOUNT),
		Position { quantity: 1, cost: 0 }
	)));
}

#[test]
fn try_state_catches_a_broken_settlement_state() {
	assert!(corrupted(|| VaultState::<Test>::mutate(|v| v.reserved = 1)));
	assert!(corrupted(|| Settling::<Test>::put(BTC_CALL)));
	assert!(corrupted(ActiveSeries::<Test>::kill));
	assert!(corrupted(|| AllSeries::<Test>::mutate(BTC_PUT, |s| {
		s.as_mut().unwrap().status = SeriesStatus::Settled { price: Price::from_u32(1) }
	})));
}

#[test]
fn try_state_catches_lp_shares_that_are_not_the_vaults() {
	assert!(corrupted(|| LpShares::<Test>::insert(LP, 1)));
	assert!(corrupted(|| Rules::<Test>::put(VaultRules {
		stress_move: Permill::zero(),
		..test_rules()
	})));
}

#[test]
fn custody_backs_every_quote_claim_through_trades_and_settlement() {
	test(|| {
		fund(ALICE, 100_000);
		buy(ALICE, BTC_CALL, BTC);
		MockLedger::check_custody().unwrap();
		assert_ok!(Options::sell(signed(ALICE), 0, BTC_CALL, BTC / 2, 0));
		MockLedger::check_custody().unwrap();
		let expiry = series(BTC_CALL).params.expiry;
		MockPrices::set_now(expiry + 1);
		MockPrices::set_exact(BTC_KEY, Price::from_u32(70_000), expiry + 1);
		next_block();
		assert_eq!(
			series(BTC_CALL).status,
			SeriesStatus::Settled { price: Price::from_u32(70_000) }
		);
		// Corrupt custody: the check fails.
		ledger::Custody::mutate(|c| *c += 1);
		assert!(MockLedger::check_custody().is_err());
		ledger::Custody::mutate(|c| *c -= 1);
	});
}
