//! Report and liquidation price.

use super::*;

#[test]
fn report_values_the_account_at_the_latest_prices() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, ETH, ETH_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(1_000));
		MockDerivatives::open(
			ALICE,
			CROSS,
			&[0],
			Exposure {
				unrealized_pnl: susdc(1_000),
				initial_requirement: usdc(2_000),
				maintenance_requirement: usdc(1_000),
				..Default::default()
			},
		);
		let r = MarginAccounts::report(&ALICE, CROSS).unwrap();
		assert_eq!(r.market, None);
		assert_eq!(r.quote, susdc(1_000));
		assert_eq!(r.unrealized_pnl, susdc(1_000));
		let btc = &r.collateral[0];
		assert_eq!((btc.asset, btc.amount), (BTC, BTC_UNIT));
		assert_eq!(btc.price, Some(Price::from_u32(50_000)));
		assert!(!btc.price_stale);
		assert_eq!(btc.haircut, Permill::from_percent(10));
		assert_eq!((btc.value, btc.risk_adjusted_value), (usdc(50_000), usdc(45_000)));
		let eth = &r.collateral[1];
		assert_eq!((eth.value, eth.risk_adjusted_value), (usdc(3_000), usdc(2_400)));
		// 45,000 + 2,400 + 1,000 + 80% of 1,000.
		assert_eq!(r.initial_equity, susdc(49_200));
		// 47,500 + 2,700 + 1,000 + 800.
		assert_eq!(r.maintenance_equity, susdc(52_000));
		assert_eq!((r.initial_requirement, r.maintenance_requirement), (usdc(2_000), usdc(1_000)));
		assert_eq!(r.free_margin, usdc(47_200));
		assert_eq!(r.health_ratio, Some(FixedU128::from_u32(52)));
		assert!(!r.uses_stale_prices);
		assert_eq!(r.liquidation_price, None);
		assert_eq!(MarginAccounts::report(&BOB, CROSS), None);
	});
}

#[test]
fn report_flags_stale_prices() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, ETH, ETH_UNIT);
		open_position(ALICE, CROSS, 100, 50);
		// A stale BTC price is used, and flagged.
		MockPrices::set(BTC, 48_000, NOW - 60_001);
		let r = MarginAccounts::report(&ALICE, CROSS).unwrap();
		assert!(r.uses_stale_prices);
		assert_eq!(r.collateral[0].price, Some(Price::from_u32(48_000)));
		assert!(r.collateral[0].price_stale);
		assert_eq!(r.collateral[0].value, usdc(48_000));
		assert!(!r.collateral[1].price_stale);
		// An out-of-bounds one too.
		MockPrices::set(BTC, 999, NOW);
		let r = MarginAccounts::report(&ALICE, CROSS).unwrap();
		assert!(r.uses_stale_prices && r.collateral[0].price_stale);
		// A jump beyond the circuit breaker too: the print is reported, and flagged.
		MockPrices::set(BTC, 80_000, NOW);
		let r = MarginAccounts::report(&ALICE, CROSS).unwrap();
		assert!(r.uses_stale_prices && r.collateral[0].price_stale);
		assert_eq!(r.collateral[0].price, Some(Price::from_u32(80_000)));
		// Fresh again.
		MockPrices::set(BTC, 50_000, NOW);
		assert!(!MarginAccounts::report(&ALICE, CROSS).unwrap().uses_stale_prices);
		// A stale mark price.
		MockDerivatives::fail_fresh(ALICE, CROSS, PriceError::Stale);
		let r = MarginAccounts::report(&ALICE, CROSS).unwrap();
		assert!(r.uses_stale_prices);
		assert!(r.collateral.iter().all(|c| !c.price_stale));
		// An asset no longer listed: no price, full haircut, no value.
		MockDerivatives::open(ALICE, CROSS, &[0], exposure(100, 50));
		MockRisk::unlist(ETH);
		let r = MarginAccounts::report(&ALICE, CROSS).unwrap();
		assert!(r.uses_stale_prices);
		let eth = &r.collateral[1];
		assert_eq!((eth.price, eth.price_stale, eth.haircut), (None, true, Permill::one()));
		assert_eq!((eth.value, eth.risk_adjusted_value), (0, 0));
	});
}

#[test]
fn liquidation_price_is_reported_for_an_isolated_account_with_one_position_only() {
	test(|| {
		MockDerivatives::set_liquidation_price(Some(Price::from_u32(40_000)));
		let sub = create_isolated(ALICE, 0);
		deposit(ALICE, sub, BTC, BTC_UNIT / 10);
		deposit(ALICE, sub, USDC, usdc(1_000));
		MockDerivatives::open(
			ALICE,
			sub,
			&[0],
			Exposure {
				unrealized_pnl: -susdc(200),
				maintenance_requirement: usdc(400),
				..Default::default()
			},
		);
		assert_eq!(MarginAccounts::liquidation_price(&ALICE, sub), Some(Price::from_u32(40_000)));
		// The derivative side is told the equity without the position: 4,750 + 1,000.
		assert_eq!(MockDerivatives::other_equity_seen(), Some(susdc(5_750)));
		assert_eq!(
			MarginAccounts::report(&ALICE, sub).unwrap().liquidation_price,
			Some(Price::from_u32(40_000))
		);
		// Two positions: none.
		MockDerivatives::open(ALICE, sub, &[0, 0], exposure(100, 50));
		assert_eq!(MarginAccounts::liquidation_price(&ALICE, sub), None);
		// No position: none.
		MockDerivatives::close_all(ALICE, sub);
		assert_eq!(MarginAccounts::liquidation_price(&ALICE, sub), None);
		// The cross account: none.
		deposit(ALICE, CROSS, USDC, usdc(1_000));
		open_position(ALICE, CROSS, 100, 50);
		assert_eq!(MarginAccounts::liquidation_price(&ALICE, CROSS), None);
		assert_eq!(MarginAccounts::liquidation_price(&BOB, CROSS), None);
	});
}
