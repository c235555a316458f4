//! Pricing on chain: put–call parity, the volatility model, reports.

use super::*;

#[test]
fn put_call_parity_on_chain() {
	test(|| {
		// Away from the strike, so that the forward is not zero: S − K = 2,000.
		set_prices(62_000);
		fund(ALICE, 100_000);
		let call = Options::quote(BTC_CALL, PriceMode::Fresh).unwrap();
		let put = Options::quote(BTC_PUT, PriceMode::Fresh).unwrap();
		// Same strike, same expiry: the same implied volatility.
		assert_eq!(call.volatility, put.volatility);
		// C − P = S − K (rate zero: the forward is the spot), to the rounding of the terms.
		let forward = 2_000i128 * 10i128.pow(18);
		let diff = call.mid.into_inner() as i128 - put.mid.into_inner() as i128;
		assert!((diff - forward).abs() < 1_000, "C − P = {diff}, forward {forward}");
		// Δcall − Δput = 1.
		let one = 10i128.pow(18);
		assert!((call.greeks.delta.into_inner() - put.greeks.delta.into_inner() - one).abs() < 10);
		// On chain: buy one of each; the premiums paid differ by the forward plus the spread
		// on it (ask = mid · 1.02), to a unit of rounding each.
		buy(ALICE, BTC_CALL, BTC);
		let paid_call = last_premium() as i128;
		buy(ALICE, BTC_PUT, BTC);
		let paid_put = last_premium() as i128;
		assert!((paid_call - paid_put - usdc(2_040)).abs() <= 2, "{paid_call} − {paid_put}");
		// A synthetic forward held to expiry pays exactly S_T − K.
		let expiry = series(BTC_CALL).params.expiry;
		MockPrices::set_now(expiry + 1);
		MockPrices::set_exact(BTC_KEY, Price::from_u32(65_000), expiry + 1);
		let before = MockLedger::quote(ALICE, CROSS_ACCOUNT);
		next_block();
		next_block();
		assert_eq!(MockLedger::quote(ALICE, CROSS_ACCOUNT) - before, usdc(5_000));
	});
}

#[test]
fn implied_volatility_follows_the_tracked_volatility_and_the_skew() {
	test(|| {
		let atm = Options::quote(BTC_CALL, PriceMode::Fresh).unwrap();
		assert_eq!(atm.volatility, FixedU128::from_rational(1, 2));
		// The tracked volatility doubles: so does the implied.
		MockPrices::set_volatility(BTC_KEY, Permill::from_percent(2));
		let hot = Options::quote(BTC_CALL, PriceMode::Fresh).unwrap();
		assert_eq!(hot.volatility, FixedU128::from_u32(1));
		assert!(hot.mid > atm.mid && hot.greeks.vega.is_positive());
		// An unknown (zero) tracked volatility prices at the floor, never at intrinsic.
		MockPrices::set_volatility(BTC_KEY, Permill::zero());
		let quiet = Options::quote(BTC_CALL, PriceMode::Fresh).unwrap();
		assert_eq!(quiet.volatility, FixedU128::from_rational(5, 100));
		assert!(quiet.mid > Price::zero());
		// Away from the money the skew adds: at 66,000 the 60,000 strike is ln(1.1) ≈ 0.095
		// below spot: + 0.0095.
		MockPrices::set_volatility(BTC_KEY, Permill::from_percent(1));
		set_prices(66_000);
		let itm = Options::quote(BTC_CALL, PriceMode::Fresh).unwrap();
		let added = itm.volatility.into_inner() - FixedU128::from_rational(1, 2).into_inner();
		assert!(added > 9_400_000_000_000_000 && added < 9_600_000_000_000_000, "{added}");
	});
}

#[test]
fn series_reports_carry_quotes_and_staleness() {
	test(|| {
		let reports = Options::series_reports();
		assert_eq!(reports.len(), 3);
		assert!(reports.iter().all(|r| r.quote.is_some() && !r.price_stale));
		MockPrices::set_now(NOW + 120_000);
		let r = Options::series_report(BTC_CALL).unwrap();
		assert!(r.price_stale && r.quote.is_some());
		assert!(Options::series_report(FIRST + 40).is_none());
	});
}
