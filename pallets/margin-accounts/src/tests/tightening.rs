//! The stress test's tightening of new risk, and the stress profile the margin engine reports.

use super::*;
use ballast_primitives::traits::{StressHolding, StressSubject};

#[test]
fn tightening_raises_the_initial_test_and_leaves_maintenance_alone() {
	test(|| {
		// 1 BTC at 50,000 counts 45,000 for the initial test (10 % haircut); 40,000 needed.
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		open_position(ALICE, CROSS, 40_000, 20_000);
		let before = MarginAccounts::snapshot(&ALICE, CROSS).expect("valued");
		let report = MarginAccounts::report(&ALICE, CROSS).expect("exists");
		assert_eq!(report.initial_requirement, usdc(40_000));

		// 10 % tighter: the requirement is 44,000 and the haircut 19 % (40,500 counted).
		TighteningLevel::set(Permill::from_percent(10));
		assert_noop!(withdraw(ALICE, CROSS, BTC, 1), Error::<Test>::InsufficientMargin);
		let report = MarginAccounts::report(&ALICE, CROSS).expect("exists");
		assert_eq!(report.initial_requirement, usdc(44_000));
		assert_eq!(report.initial_equity, susdc(40_500));
		// What liquidation decides on is unchanged.
		assert_eq!(MarginAccounts::snapshot(&ALICE, CROSS).expect("valued"), before);

		// Relaxed again: the same withdrawal passes.
		TighteningLevel::set(Permill::zero());
		assert_ok!(withdraw(ALICE, CROSS, BTC, BTC_UNIT / 10));
	});
}

#[test]
fn an_account_without_positions_or_debt_has_no_stress_profile() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		assert_eq!(MarginAccounts::stress_profile(&ALICE, CROSS), None);
		assert_eq!(MarginAccounts::stress_profile(&BOB, CROSS), None);
	});
}

#[test]
fn a_stress_profile_counts_collateral_before_haircuts_and_the_debt() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		settle(ALICE, CROSS, -susdc(10));
		let profile = MarginAccounts::stress_profile(&ALICE, CROSS).expect("in debt");
		assert_eq!(profile.equity, susdc(50_000 - 10));
		assert_eq!(
			profile.holdings,
			vec![StressHolding { key: BTC, price: Price::from_u32(50_000), value: usdc(50_000) }]
		);
		assert!(profile.legs.is_empty());
	});
}
