//! Derivatives.

use super::*;

type Perps = Perpetuals;

#[test]
fn exposure_marks_every_position() {
	test(|| {
		fund(ALICE, 100_000);
		assert_eq!(
			Perps::exposure(&ALICE, CROSS_ACCOUNT, PriceMode::Fresh),
			Ok(Exposure::default())
		);
		trade(ALICE, BTC_PERP, BTC);
		// 1 ETH sold at 3,000 × (1 − 0.0105 %) = 2,999.685.
		trade(ALICE, ETH_PERP, -ETH);
		MockPrices::set(BTC_KEY, 61_000);
		MockPrices::set(ETH_KEY, 2_900);
		assert_eq!(
			Perps::exposure(&ALICE, CROSS_ACCOUNT, PriceMode::Fresh),
			Ok(Exposure {
				unrealized_pnl: usdc(61_000 - 60_036) + 2_999_685_000 - usdc(2_900),
				initial_requirement: 6_100 * USDC + 580 * USDC,
				maintenance_requirement: 3_050 * USDC + 290 * USDC,
				positions: 2,
				notional: 63_900 * USDC,
			})
		);
		// Pending funding is included: 10 blocks of a 1 BTC long skew at 61,000.
		run_to_block(11);
		let e = Perps::exposure(&ALICE, CROSS_ACCOUNT, PriceMode::Fresh).unwrap();
		let eth_funding = perp::funding_owed(
			-ETH,
			18,
			FixedI128::zero(),
			perp::funding_delta(
				-ETH,
				100_000 * ETH as u128,
				Permill::from_percent(10),
				100,
				10,
				price(2_900),
				6,
			),
		);
		assert_eq!(
			e.unrealized_pnl,
			usdc(61_000 - 60_036) + 2_999_685_000 - usdc(2_900) - 610_000 - eth_funding
		);
		// Another account sees nothing.
		assert_eq!(Perps::exposure(&BOB, CROSS_ACCOUNT, PriceMode::Fresh), Ok(Exposure::default()));
	});
}

#[test]
fn exposure_follows_the_price_mode() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		MockPrices::set_exact(BTC_KEY, price(59_000), NOW - 60_001);
		MockPrices::set_last_valid(BTC_KEY, 60_000);
		assert_eq!(
			Perps::exposure(&ALICE, CROSS_ACCOUNT, PriceMode::Fresh),
			Err(PriceError::Stale)
		);
		let last = Perps::exposure(&ALICE, CROSS_ACCOUNT, PriceMode::LastKnown).unwrap();
		assert_eq!(last.unrealized_pnl, usdc(59_000 - 60_036));
		// Conservative: the stale print is ignored for the last valid 60,000.
		let cons = Perps::exposure(&ALICE, CROSS_ACCOUNT, PriceMode::Conservative).unwrap();
		assert_eq!(cons.notional, 60_000 * USDC);
		// Unless that one is older than the maximum age too: no price, no exposure.
		MockPrices::set_last_valid_at(BTC_KEY, 60_000, NOW - 60_001);
		assert_eq!(
			Perps::exposure(&ALICE, CROSS_ACCOUNT, PriceMode::Conservative),
			Err(PriceError::Stale)
		);
	});
}

/// A market on key 9 (an underlying that is no collateral asset: only the price guard knows
/// its last valid price), ALICE long 1 BTC and BOB short 1 BTC on it, the last valid price
/// 60,000. Returns the market.
fn long_and_short_on_key_9() -> MarketId {
	assert_ok!(Perpetuals::create_market(root(), MarketParams { oracle_key: 9, ..btc_market() }));
	let market: MarketId = 2;
	MockPrices::set(9, 60_000);
	fund(ALICE, 100_000);
	fund(BOB, 100_000);
	trade(ALICE, market, BTC);
	trade(BOB, market, -BTC);
	MockPrices::set_last_valid(9, 60_000);
	market
}

#[test]
fn an_outlier_print_never_closes_positions_at_the_outlier() {
	test(|| {
		let market = long_and_short_on_key_9();
		let notional = |who, mode| Perps::exposure(&who, CROSS_ACCOUNT, mode).map(|e| e.notional);

		// Above the guard's bounds (1,000–1,000,000), below them, or inside them but beyond the
		// circuit breaker (50% of the last valid price) either way: trading refuses the print,
		// and liquidation ignores it, valuing the long and the short alike at the last valid
		// price. Neither side can be liquidated, or spared, by one outlier.
		for (print, why) in [
			(1_000_001, PriceError::OutOfBounds),
			(999, PriceError::OutOfBounds),
			(90_001, PriceError::Jump),
			(29_999, PriceError::Jump),
		] {
			MockPrices::set(9, print);
			assert_eq!(notional(ALICE, PriceMode::Fresh), Err(why), "print {print}");
			assert_eq!(Perps::mark_price(market), Some(price(60_000)), "print {print}");
			assert_eq!(Perps::mark_price(market), Some(price(60_000)), "print {print}");
			assert_eq!(notional(ALICE, PriceMode::Conservative), Ok(60_000 * USDC));
			assert_eq!(notional(BOB, PriceMode::Conservative), Ok(60_000 * USDC));
		}

		// Closing both at an outlier below: at 60,000, not at the print.
		MockPrices::set(9, 999);
		assert_eq!(Perps::close_fraction(&ALICE, CROSS_ACCOUNT, Permill::one()), Ok(60_000 * USDC));
		assert_eq!(Perps::close_fraction(&BOB, CROSS_ACCOUNT, Permill::one()), Ok(60_000 * USDC));
		assert!(Perps::positions(&ALICE, CROSS_ACCOUNT).is_empty());
		assert!(Perps::positions(&BOB, CROSS_ACCOUNT).is_empty());
	});
}

#[test]
fn a_move_the_guard_confirmed_is_the_conservative_price_for_both_sides() {
	test(|| {
		let market = long_and_short_on_key_9();
		// Within the circuit breaker, a usable print is used as is.
		MockPrices::set(9, 90_000);
		assert_eq!(Perps::mark_price(market), Some(price(90_000)));
		assert_eq!(Perps::mark_price(market), Some(price(90_000)));
		// The bounds and breaker are the guard's: widened, and the crash confirmed as the new
		// last valid price, the same print is used for both sides.
		MockPrices::set(9, 999);
		assert_eq!(Perps::mark_price(market), Some(price(60_000)));
		MockPrices::set_bounds(
			9,
			ballast_primitives::traits::PriceBounds { min_price: price(1), ..btc_bounds() },
		);
		MockPrices::set_last_valid(9, 999);
		assert_eq!(Perps::mark_price(market), Some(price(999)));
		assert_eq!(Perps::mark_price(market), Some(price(999)));
	});
}

#[test]
fn a_liquidation_close_at_an_outlier_print_executes_at_the_last_valid_price() {
	test(|| {
		fund(ALICE, 100_000);
		fund(BOB, 100_000);
		trade(ALICE, BTC_PERP, 2 * BTC);
		// A short, sold against the long skew.
		trade(BOB, BTC_PERP, -BTC);
		let bob_entry = position(BOB, BTC_PERP).unwrap().entry_notional;
		MockPrices::set_last_valid(BTC_KEY, 60_000);
		// A print inside the bounds, but a 90% crash the guard has not confirmed.
		MockPrices::set(BTC_KEY, 6_000);
		assert_noop!(
			Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None),
			Error::<Test>::PriceJump
		);
		// Liquidating half of the long: 1 BTC at 60,000, not at 6,000.
		let (quote0, cash0, _) = books();
		let closed = Perps::close_fraction(&ALICE, CROSS_ACCOUNT, Permill::from_percent(50));
		assert_eq!(closed, Ok(60_000 * USDC));
		let realized = usdc(60_000 - 60_066);
		let (quote1, cash1, _) = books();
		assert_eq!((quote1 - quote0, cash1 - cash0), (realized, -realized));
		// Deleveraging the short at a spike: at 60,000 too, not at the print.
		MockPrices::set(BTC_KEY, 600_000);
		assert_eq!(
			Perps::deleverage(&BOB, CROSS_ACCOUNT, BTC_PERP, Permill::one()),
			Ok(bob_entry as SignedBalance - usdc(60_000))
		);
		assert_eq!(position(BOB, BTC_PERP), None);
		// The same through the one fill path directly.
		let pos = position(ALICE, BTC_PERP).unwrap();
		assert_eq!(
			Perps::close_part(&ALICE, CROSS_ACCOUNT, BTC_PERP, pos, Permill::one()),
			Ok((60_000 * USDC, usdc(60_000 - 60_066)))
		);
		assert_eq!(position(ALICE, BTC_PERP), None);
	});
}

#[test]
fn a_key_that_lost_its_guard_has_no_usable_price() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		MockPrices::remove_bounds(BTC_KEY);
		assert_eq!(
			Perps::exposure(&ALICE, CROSS_ACCOUNT, PriceMode::Fresh),
			Err(PriceError::Missing)
		);
		assert_eq!(
			Perps::exposure(&ALICE, CROSS_ACCOUNT, PriceMode::Conservative),
			Err(PriceError::Missing)
		);
		assert_eq!(Perps::mark_price(BTC_PERP), None);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, -BTC, None),
			Error::<Test>::PriceMissing
		);
		// Reports still show the latest price, flagged.
		let m = Perpetuals::market_report(BTC_PERP).unwrap();
		assert_eq!((m.price, m.price_stale), (Some(price(60_000)), true));
	});
}

#[test]
fn positions_carry_the_entry_price() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, ETH_PERP, -ETH);
		let mut ps = Perps::positions(&ALICE, CROSS_ACCOUNT);
		ps.sort_by_key(|p| p.market);
		// The second BTC filled at 60,000 × (1 + 0.01 % + 0.05 % + 0.1 %) = 60,096.
		assert_eq!(
			ps,
			vec![
				PositionView {
					market: BTC_PERP,
					quantity: 2 * BTC,
					entry_notional: 120_132 * USDC,
					entry_price: price(60_066),
				},
				PositionView {
					market: ETH_PERP,
					quantity: -ETH,
					entry_notional: 2_999_685_000,
					entry_price: Price::from_rational(2_999_685, 1_000),
				},
			]
		);
		assert!(ps[0].is_long() && !ps[1].is_long());
		assert!(Perps::positions(&BOB, CROSS_ACCOUNT).is_empty());
	});
}

#[test]
fn market_exists_and_mark_price_is_conservative() {
	test(|| {
		assert!(Perps::market_exists(BTC_PERP) && Perps::market_exists(ETH_PERP));
		assert!(!Perps::market_exists(2));
		assert_eq!(Perps::mark_price(BTC_PERP), Some(price(60_000)));
		// A stale print is ignored for the last valid price, for longs and shorts alike.
		MockPrices::set_exact(BTC_KEY, price(59_000), NOW - 60_001);
		MockPrices::set_last_valid(BTC_KEY, 60_000);
		assert_eq!(Perps::mark_price(BTC_PERP), Some(price(60_000)));
		assert_eq!(Perps::mark_price(BTC_PERP), Some(price(60_000)));
		assert_eq!(Perps::mark_price(2), None);
		assert_ok!(Perpetuals::create_market(
			root(),
			MarketParams { oracle_key: 9, ..btc_market() }
		));
		assert_eq!(Perps::mark_price(2), None);
	});
}

#[test]
fn the_liquidation_price_counts_the_funding_the_position_owes() {
	// Scenario 12: the indexed price left out pending funding, so a long that owed a day of
	// funding was filed below the price at which it was really unhealthy.
	test(|| {
		MockLedger::open(ALICE, 1, Some(BTC_PERP));
		MockLedger::deposit(ALICE, 1, 100_000 * USDC);
		assert_ok!(Perpetuals::trade(signed(ALICE), 1, BTC_PERP, 10 * BTC, None));
		let (_, _, at_once) = Perps::liquidation_price(&ALICE, 1, usdc(100_000)).unwrap();
		run_to_block(1 + 5 * BLOCKS_PER_DAY as u64);
		let owed = {
			let pos = Positions::<Test>::get((ALICE, 1), BTC_PERP).unwrap();
			Perpetuals::mark(BTC_PERP, &pos, PriceMode::Fresh).unwrap().2
		};
		assert!(owed < 0, "funding owed shows in the PnL: {owed}");
		let (_, _, later) = Perps::liquidation_price(&ALICE, 1, usdc(100_000)).unwrap();
		// A long that owes funding is liquidated at a higher price.
		assert!(later > at_once, "{at_once:?} -> {later:?}");
	});
}

#[test]
fn liquidation_price_of_a_single_position() {
	test(|| {
		MockLedger::open(ALICE, 1, Some(BTC_PERP));
		MockLedger::deposit(ALICE, 1, 20_000 * USDC);
		MockLedger::open(BOB, 1, Some(BTC_PERP));
		MockLedger::deposit(BOB, 1, 20_000 * USDC);
		assert_eq!(Perps::liquidation_price(&ALICE, 1, usdc(12_536)), None);
		assert_ok!(Perpetuals::trade(signed(ALICE), 1, BTC_PERP, BTC, None));
		// (60,036 − 12,536) / 0.95 = 50,000.
		assert_eq!(
			Perps::liquidation_price(&ALICE, 1, usdc(12_536)),
			Some((BTC_PERP, true, price(50_000)))
		);
		// Equity covering the whole entry: never liquidatable.
		assert_eq!(Perps::liquidation_price(&ALICE, 1, usdc(60_036)), None);
		// A short of 1 BTC, sold against the long skew at 60,000 × (1 − 0.06 %) …
		assert_ok!(Perpetuals::trade(signed(BOB), 1, BTC_PERP, -BTC, None));
		let entry = Positions::<Test>::get((BOB, 1), BTC_PERP).unwrap().entry_notional;
		assert_eq!(entry, 59_964 * USDC);
		// … (9,000 + 59,964) / 1.05 = 65,680.
		assert_eq!(
			Perps::liquidation_price(&BOB, 1, usdc(9_000)),
			Some((BTC_PERP, false, price(65_680)))
		);
		// Two positions: no single liquidation price.
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, ETH_PERP, ETH);
		assert_eq!(Perps::liquidation_price(&ALICE, CROSS_ACCOUNT, 0), None);
	});
}

#[test]
fn position_pnl_is_at_the_conservative_price() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		assert_eq!(Perps::position_pnl(&ALICE, CROSS_ACCOUNT, ETH_PERP), None);
		assert_eq!(
			Perps::position_pnl(&ALICE, CROSS_ACCOUNT, BTC_PERP),
			Some((usdc(-36), 60_036 * USDC))
		);
		// A stale print is ignored for the last valid price.
		MockPrices::set_exact(BTC_KEY, price(59_000), NOW - 60_001);
		MockPrices::set_last_valid(BTC_KEY, 61_000);
		assert_eq!(
			Perps::position_pnl(&ALICE, CROSS_ACCOUNT, BTC_PERP),
			Some((usdc(61_000 - 60_036), 60_036 * USDC))
		);
		// None at all: no PnL to deleverage on.
		MockPrices::set_last_valid_at(BTC_KEY, 61_000, NOW - 60_001);
		assert_eq!(Perps::position_pnl(&ALICE, CROSS_ACCOUNT, BTC_PERP), None);
	});
}

#[test]
fn close_fraction_closes_at_the_conservative_price_without_fee() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, 2 * BTC);
		trade(ALICE, ETH_PERP, -ETH);
		// BTC stale at 58,000 with 60,000 last valid: the print is ignored, the long closes at
		// 60,000.
		MockPrices::set_exact(BTC_KEY, price(58_000), NOW - 60_001);
		MockPrices::set_last_valid(BTC_KEY, 60_000);
		let (quote0, cash0, fees0) = books();
		MockOnChange::clear();
		let closed = Perps::close_fraction(&ALICE, CROSS_ACCOUNT, Permill::from_percent(50));
		// 1 BTC at 60,000 and 0.5 ETH bought back at 3,000.
		assert_eq!(closed, Ok(60_000 * USDC + 1_500 * USDC));
		let realized = usdc(60_000 - 60_066) + (1_499_842_500 - 1_500_000_000);
		let (quote1, cash1, fees1) = books();
		assert_eq!(quote1 - quote0, realized);
		assert_eq!(cash1 - cash0, -realized);
		assert_eq!(fees1, fees0);
		let btc = position(ALICE, BTC_PERP).unwrap();
		assert_eq!((btc.quantity, btc.entry_notional), (BTC, 60_066 * USDC));
		assert_eq!(position(ALICE, ETH_PERP).unwrap().quantity, -ETH / 2);
		// No `Traded` event for a liquidation close.
		assert!(
			matches!(last_traded(), Event::Traded { market: ETH_PERP, size_delta, .. } if size_delta == -ETH)
		);
		// All of the rest.
		assert_ok!(Perps::close_fraction(&ALICE, CROSS_ACCOUNT, Permill::one()));
		assert!(Perps::positions(&ALICE, CROSS_ACCOUNT).is_empty());
		assert_eq!(Perps::close_fraction(&ALICE, CROSS_ACCOUNT, Permill::one()), Ok(0));
	});
}

#[test]
fn close_fraction_rounds_the_closed_size_up() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, 3);
		assert_ok!(Perps::close_fraction(&ALICE, CROSS_ACCOUNT, Permill::from_percent(50)));
		assert_eq!(position(ALICE, BTC_PERP).unwrap().quantity, 1);
		// Nothing for a zero fraction.
		assert_eq!(Perps::close_fraction(&ALICE, CROSS_ACCOUNT, Permill::zero()), Ok(0));
		assert_eq!(position(ALICE, BTC_PERP).unwrap().quantity, 1);
	});
}

#[test]
fn close_fraction_needs_some_price() {
	test(|| {
		assert_ok!(Perpetuals::create_market(
			root(),
			MarketParams { oracle_key: 9, ..btc_market() }
		));
		MockPrices::set(9, 60_000);
		fund(ALICE, 100_000);
		trade(ALICE, 2, BTC);
		MockPrices::remove(9);
		assert_eq!(
			Perps::close_fraction(&ALICE, CROSS_ACCOUNT, Permill::one()),
			Err(Error::<Test>::PriceMissing.into())
		);
	});
}

#[test]
fn a_liquidation_close_pauses_on_an_outlier_print_with_a_last_valid_price_too_old() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		MockPrices::set_last_valid_at(BTC_KEY, 60_000, NOW - 60_001);
		// The print is never used instead: the close fails with the print's reason, and the
		// position stays open until a usable price returns.
		for (print, why) in [(999, PriceError::OutOfBounds), (6_000, PriceError::Jump)] {
			MockPrices::set(BTC_KEY, print);
			let why = || Error::<Test>::from(why);
			assert_noop!(Perps::close_fraction(&ALICE, CROSS_ACCOUNT, Permill::one()), why());
			assert_noop!(Perps::deleverage(&ALICE, CROSS_ACCOUNT, BTC_PERP, Permill::one()), why());
			assert_eq!(Perps::mark_price(BTC_PERP), None);
			assert_eq!(position(ALICE, BTC_PERP).unwrap().quantity, BTC);
		}
		MockPrices::set(BTC_KEY, 59_000);
		assert_eq!(Perps::close_fraction(&ALICE, CROSS_ACCOUNT, Permill::one()), Ok(59_000 * USDC));
	});
}

#[test]
fn deleverage_settles_pnl_net_of_funding() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		run_to_block(11);
		MockPrices::set(BTC_KEY, 62_000);
		let (quote0, cash0, fees0) = books();
		// Funding accrues at the price of the moment: 10 × 0.06 / 60,000 × 62,000 = 0.62 USDC.
		let settled = Perps::deleverage(&ALICE, CROSS_ACCOUNT, BTC_PERP, Permill::one());
		assert_eq!(settled, Ok(usdc(62_000 - 60_036) - 620_000));
		let (quote1, cash1, fees1) = books();
		assert_eq!(quote1 - quote0, settled.unwrap());
		assert_eq!(cash1 - cash0, -settled.unwrap());
		assert_eq!(fees1, fees0);
		assert_eq!(position(ALICE, BTC_PERP), None);
		assert_eq!(state(BTC_PERP).long_oi, 0);
	});
}

#[test]
fn deleverage_a_fraction() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		MockPrices::set(BTC_KEY, 62_000);
		assert_eq!(
			Perps::deleverage(&ALICE, CROSS_ACCOUNT, BTC_PERP, Permill::from_percent(25)),
			Ok(usdc(62_000 - 60_036) / 4)
		);
		assert_eq!(position(ALICE, BTC_PERP).unwrap().quantity, BTC * 3 / 4);
	});
}

#[test]
fn deleverage_without_a_position() {
	test(|| {
		assert_eq!(
			Perps::deleverage(&ALICE, CROSS_ACCOUNT, BTC_PERP, Permill::one()),
			Err(Error::<Test>::NoPosition.into())
		);
	});
}

#[test]
fn risk_legs_describe_every_position_for_the_portfolio_grid() {
	use ballast_primitives::math::portfolio::Instrument;
	test(|| {
		fund(ALICE, 100_000);
		assert_eq!(Perps::risk_legs(&ALICE, CROSS_ACCOUNT, PriceMode::Fresh), Ok(Vec::new()));
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, ETH_PERP, -ETH);
		MockPrices::set(BTC_KEY, 61_000);
		let legs = Perps::risk_legs(&ALICE, CROSS_ACCOUNT, PriceMode::Fresh).unwrap();
		let mut seen: Vec<_> = legs
			.iter()
			.map(|l| (l.underlying, l.spot, l.quantity, l.base_decimals, l.instrument))
			.collect();
		// In storage order.
		seen.sort_by_key(|l| l.0);
		assert_eq!(
			seen,
			vec![
				(BTC_KEY, price(61_000), BTC, 8, Instrument::Perp),
				(ETH_KEY, price(3_000), -ETH, 18, Instrument::Perp)
			]
		);
		// The prices follow the mode, as the exposure's do.
		MockPrices::set_exact(BTC_KEY, price(59_000), NOW - 60_001);
		assert_eq!(
			Perps::risk_legs(&ALICE, CROSS_ACCOUNT, PriceMode::Fresh),
			Err(PriceError::Stale)
		);
	});
}
