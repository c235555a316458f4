//! Funding.

use super::*;

#[test]
fn funding_accrues_with_skew_and_a_long_skew_pays() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		run_to_block(11);
		let (quote0, cash0, _) = books();
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
		let (fee, realized, funding) = last_fill();
		// Skew 1 BTC of 1,000: 0.1 % of the 10 % daily rate, over 10 of 100 blocks a day, on
		// 60,000 USDC: 0.6 USDC per BTC.
		assert_eq!(funding, 600_000);
		assert_eq!(state(BTC_PERP).funding_index, FixedI128::saturating_from_integer(600_000));
		let (quote1, cash1, _) = books();
		assert_eq!(quote1 - quote0, realized - funding - fee as i128);
		assert_eq!(cash1 - cash0, -realized + funding);
	});
}

#[test]
fn funding_flows_from_the_heavy_side() {
	test(|| {
		fund(ALICE, 100_000);
		fund(BOB, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		trade(BOB, BTC_PERP, -3 * BTC);
		// Skew −2 BTC for 10 blocks: the index falls by 2 × 0.12 × 10 × 60,000 / 60,000 …
		run_to_block(11);
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
		// … so the long is paid 1.2 USDC …
		assert_eq!(last_fill().2, -1_200_000);
		assert_ok!(Perpetuals::close_position(signed(BOB), CROSS_ACCOUNT, BTC_PERP, None));
		// … and the short 3 BTC pays 3.6.
		assert_eq!(last_fill().2, 3_600_000);
	});
}

#[test]
fn no_funding_without_skew() {
	test(|| {
		fund(ALICE, 100_000);
		fund(BOB, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		trade(BOB, BTC_PERP, -BTC);
		run_to_block(50);
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
		assert_eq!(last_fill().2, 0);
		assert_eq!(state(BTC_PERP).funding_index, FixedI128::zero());
	});
}

#[test]
fn funding_accrues_at_the_last_known_price_while_the_oracle_is_silent() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		run_to_block(11);
		// Stale, but funding still accrues (at 60,000) when the market is touched.
		MockPrices::set_now(NOW + 120_000);
		update(BTC_PERP, |p| p.taker_fee = Permill::zero());
		assert_eq!(state(BTC_PERP).funding_index, FixedI128::saturating_from_integer(600_000));
	});
}
