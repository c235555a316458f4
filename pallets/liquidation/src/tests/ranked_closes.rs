//! Cross accounts under the portfolio grid are closed leg by leg, the legs whose close lowers
//! the requirement most first (`ballast_math::liquidation::close_plan`): a hedge stays while it
//! hedges, and a large naked leg goes before a small one.

use super::*;

/// Market 2 is a second BTC market (10 decimals): 0.5 BTC there.
const HALF_BTC_2: i128 = 5_000_000_000;

#[test]
fn a_hedge_is_not_sold_to_cover_the_leg_it_hedges() {
	test(|| {
		use_grid();
		set_price(2, 1_000);
		// Long 1 BTC, short 0.5 BTC on the second market: net long 0.5 BTC, maintenance
		// 80 % × 16 % × 500 = 64 USDC against 100.
		open(ALICE, CROSS_ACCOUNT, None);
		deposit_quote(ALICE, CROSS_ACCOUNT, 100 * USD);
		trade(ALICE, CROSS_ACCOUNT, BTC_PERP, ONE_BTC);
		trade(ALICE, CROSS_ACCOUNT, 2, -HALF_BTC_2);
		assert_eq!(snapshot(ALICE, CROSS_ACCOUNT).maintenance_requirement, 64 * USD);
		assert!(next_block().is_empty());
		// BTC −10 %: equity 50, requirement 57.6.
		set_price(BTC_PERP, 900);
		set_price(2, 900);
		assert!(!snapshot(ALICE, CROSS_ACCOUNT).is_healthy());
		let events = next_block();
		assert!(liquidated(&events, ALICE, CROSS_ACCOUNT), "{events:?}");
		// The short, which hedges the long, is untouched; the long was cut, not closed.
		assert_eq!(position(ALICE, CROSS_ACCOUNT, 2).unwrap().quantity, -HALF_BTC_2);
		let long = position(ALICE, CROSS_ACCOUNT, BTC_PERP).unwrap().quantity;
		assert!(long > 0 && long < ONE_BTC, "{long}");
		assert!(snapshot(ALICE, CROSS_ACCOUNT).is_healthy());
		assert!(next_block().is_empty());
	});
}

#[test]
fn a_large_naked_leg_is_closed_before_a_small_one() {
	test(|| {
		use_grid();
		// Long 2 BTC (2,000) and 1 ETH (100): maintenance 80 % × 16 % × 2,100 = 268.8.
		open(BOB, CROSS_ACCOUNT, None);
		deposit_quote(BOB, CROSS_ACCOUNT, 300 * USD);
		trade(BOB, CROSS_ACCOUNT, BTC_PERP, 2 * ONE_BTC);
		trade(BOB, CROSS_ACCOUNT, ETH_PERP, ONE_ETH);
		assert!(next_block().is_empty());
		// BTC −2 %: equity 260, requirement 263.68.
		set_price(BTC_PERP, 980);
		assert!(!snapshot(BOB, CROSS_ACCOUNT).is_healthy());
		let events = next_block();
		assert!(liquidated(&events, BOB, CROSS_ACCOUNT), "{events:?}");
		// The larger reducer alone: ETH is untouched.
		assert_eq!(position(BOB, CROSS_ACCOUNT, ETH_PERP).unwrap().quantity, ONE_ETH);
		let btc = position(BOB, CROSS_ACCOUNT, BTC_PERP).unwrap().quantity;
		assert!(btc > 0 && btc < 2 * ONE_BTC, "{btc}");
		// No more than the proportional rule would have closed (its share of every position).
		let closed = events
			.iter()
			.find_map(|e| match e {
				Event::PositionsLiquidated { closed_notional, .. } => Some(*closed_notional),
				_ => None,
			})
			.unwrap();
		let before = proportional_notional(2 * ONE_BTC, 260 * USD as i128);
		assert!(closed <= before, "{closed} > {before}");
		assert!(snapshot(BOB, CROSS_ACCOUNT).is_healthy());
	});
}

/// The notional the proportional rule would close of BOB's book at BTC 980 with `equity`.
fn proportional_notional(btc: i128, equity: i128) -> Balance {
	use ballast_primitives::math::liquidation::close_fraction;
	let notional = (btc as u128 / ONE_BTC as u128) * 980 * USD + 100 * USD;
	let requirement =
		Permill::from_percent(80).mul_ceil(Permill::from_percent(16).mul_ceil(notional));
	close_fraction(
		equity,
		requirement,
		notional,
		Permill::from_percent(2),
		Permill::from_percent(10),
	)
	.mul_ceil(notional)
}

#[test]
fn without_the_grid_every_position_closes_by_the_same_share() {
	test(|| {
		// The same book under linear requirements (5 % maintenance): 100 USDC of quote, and a
		// drop that sinks it: both positions are cut.
		open(BOB, CROSS_ACCOUNT, None);
		deposit_quote(BOB, CROSS_ACCOUNT, 150 * USD);
		trade(BOB, CROSS_ACCOUNT, BTC_PERP, 2 * ONE_BTC);
		trade(BOB, CROSS_ACCOUNT, ETH_PERP, ONE_ETH);
		assert!(next_block().is_empty());
		set_price(BTC_PERP, 955);
		assert!(!snapshot(BOB, CROSS_ACCOUNT).is_healthy());
		let events = next_block();
		assert!(liquidated(&events, BOB, CROSS_ACCOUNT), "{events:?}");
		assert!(position(BOB, CROSS_ACCOUNT, ETH_PERP).unwrap().quantity < ONE_ETH);
		assert!(position(BOB, CROSS_ACCOUNT, BTC_PERP).unwrap().quantity < 2 * ONE_BTC);
	});
}

#[test]
fn a_ranked_liquidation_is_charged_its_grid_evaluations() {
	test(|| {
		use_grid();
		// Room for one plain liquidation, not for its ranking: the account waits.
		let key = (ALICE, CROSS_ACCOUNT);
		open(ALICE, CROSS_ACCOUNT, None);
		deposit_quote(ALICE, CROSS_ACCOUNT, 100 * USD);
		set_price(2, 1_000);
		trade(ALICE, CROSS_ACCOUNT, BTC_PERP, ONE_BTC);
		trade(ALICE, CROSS_ACCOUNT, 2, -HALF_BTC_2);
		let plain = act_weight();
		let ranked = Liquidation::act_weight(&key, plain);
		assert_eq!(ranked, plain.saturating_add(crate::weights::ranked_close_weight::<()>(2)),);
		// Isolated accounts pay what they always did.
		assert_eq!(Liquidation::act_weight(&(ALICE, ISO), plain), plain);
	});
}
