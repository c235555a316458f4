//! The round-robin cursor under a tight budget.

use super::*;

#[test]
fn the_round_robin_check_never_exceeds_the_sweep_budget() {
	test(|| {
		// Room after the base: 1.1 liquidations' worth, enough for 4 checks.
		SweepBudget::set(base_weight() + Weight::from_parts(1_100_000_000, 100_000));
		open(ALICE, CROSS_ACCOUNT, None);
		deposit_quote(ALICE, CROSS_ACCOUNT, 100 * USD);
		trade(ALICE, CROSS_ACCOUNT, BTC_PERP, ONE_BTC);
		forget_triggers(ALICE, CROSS_ACCOUNT);
		set_price(BTC_PERP, 940);
		// One check (0.2) and one liquidation (1.0) = 1.2 > 1.1.
		next_block();
	});
}

#[test]
fn the_cursor_never_starves_the_tail_of_the_accounts() {
	test(|| {
		let accounts = [ALICE, BOB, CHARLIE];
		for who in accounts {
			open(who, CROSS_ACCOUNT, None);
			deposit_quote(who, CROSS_ACCOUNT, 1_000 * USD);
		}
		// The last account in storage order is unhealthy.
		for who in accounts {
			trade(who, CROSS_ACCOUNT, BTC_PERP, ONE_BTC / 100);
		}
		let order: Vec<_> = Watching::<Test>::iter_keys().collect();
		let (last, _) = order[2];
		trade(last, CROSS_ACCOUNT, BTC_PERP, 10 * ONE_BTC);
		forget_triggers(last, CROSS_ACCOUNT);
		set_price(BTC_PERP, 920);
		assert!(!snapshot(last, CROSS_ACCOUNT).is_healthy());
		// Room for two healthy checks, or one check and one liquidation, per block.
		SweepBudget::set(base_weight() + Weight::from_parts(1_300_000_000, 100_000));
		let events = run_to_block(20);
		assert!(liquidated(&events, last, CROSS_ACCOUNT), "the last account was never checked");
	});
}
