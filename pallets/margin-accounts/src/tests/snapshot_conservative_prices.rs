//! Snapshot (conservative prices).

use super::*;

#[test]
fn snapshot_values_collateral_at_conservative_prices() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, USDC, usdc(100));
		open_position(ALICE, CROSS, 1_000, 500);
		let equity = |price: u32| susdc(price as i128 * 95 / 100) + susdc(100);
		let snapshot = || MarginAccounts::snapshot(&ALICE, CROSS).unwrap();

		let s = snapshot();
		assert_eq!(s.maintenance_equity, equity(50_000));
		assert_eq!(s.equity_without_pnl, equity(50_000));
		assert_eq!(s.maintenance_requirement, usdc(500));
		assert_eq!(s.notional, usdc(10_000));
		assert_eq!(s.positions, 1);
		assert_eq!(s.market, None);
		assert_eq!(s.quote, susdc(100));
		assert_eq!(s.collateral, vec![(BTC, BTC_UNIT)]);
		assert!(s.is_healthy());
		assert!(MockDerivatives::take_modes().contains(&PriceMode::Conservative));

		// An out-of-bounds print above: the last valid price (the worse of the two).
		MockPrices::set(BTC, 2_000_000, NOW);
		assert_eq!(snapshot().maintenance_equity, equity(50_000));
		// An out-of-bounds print below: the print itself (the worse of the two).
		MockPrices::set(BTC, 500, NOW);
		assert_eq!(snapshot().maintenance_equity, equity(500));
		// A stale price: the worse of it and the last valid price.
		MockPrices::set(BTC, 60_000, NOW - 60_001);
		assert_eq!(snapshot().maintenance_equity, equity(50_000));
		MockPrices::set(BTC, 40_000, NOW - 60_001);
		assert_eq!(snapshot().maintenance_equity, equity(40_000));
		// Meanwhile, any risk-increasing action fails closed.
		assert_noop!(withdraw(ALICE, CROSS, USDC, 1), Error::<Test>::PriceStale);
	});
}

#[test]
fn snapshot_without_a_recorded_valid_price_uses_the_latest_print() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		MockPrices::clear();
		MockPrices::set_now(NOW);
		MockPrices::set(BTC, 500, NOW - 1_000_000);
		assert_eq!(MarginAccounts::snapshot(&ALICE, CROSS).unwrap().maintenance_equity, susdc(475));
	});
}

#[test]
fn snapshot_is_none_for_an_unknown_account_or_a_price_never_set() {
	test(|| {
		assert_eq!(MarginAccounts::snapshot(&ALICE, CROSS), None);
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		MockPrices::remove(BTC);
		assert_eq!(MarginAccounts::snapshot(&ALICE, CROSS), None);
		// Balances are read without prices.
		assert_eq!(
			<MarginAccounts as MarginSide<AccountId>>::balances(&ALICE, CROSS),
			Some((0, vec![(BTC, BTC_UNIT)]))
		);
		assert_eq!(<MarginAccounts as MarginSide<AccountId>>::balances(&BOB, CROSS), None);
	});
}

#[test]
fn a_collateral_value_too_large_to_represent_counts_as_zero() {
	test(|| {
		MockRisk::set(LINK, plain_terms(LINK));
		let huge: Balance = 10u128.pow(30);
		Assets::mint_into(LINK, &ALICE, huge).unwrap();
		deposit(ALICE, CROSS, LINK, huge);
		deposit(ALICE, CROSS, USDC, usdc(10));
		open_position(ALICE, CROSS, 100, 50);
		// At 1 USDC the holding is worth 10^36 smallest units: representable.
		MockPrices::set(LINK, 1, NOW);
		assert_eq!(
			MarginAccounts::valuation(&ALICE, CROSS).unwrap().collateral_value,
			huge * USDC_UNIT
		);
		assert!(MarginAccounts::snapshot(&ALICE, CROSS).unwrap().is_healthy());
		// At 1,000 USDC it is 10^39: beyond u128, so it counts for nothing, never more.
		MockPrices::set(LINK, 1_000, NOW);
		MockPrices::set_last_valid(LINK, 1_000);
		let v = MarginAccounts::valuation(&ALICE, CROSS).unwrap();
		assert_eq!(v.collateral_value, 0);
		assert_eq!(v.initial_equity, susdc(10));
		let s = MarginAccounts::snapshot(&ALICE, CROSS).unwrap();
		assert_eq!(s.maintenance_equity, susdc(10));
		assert!(!s.is_healthy());
		assert_noop!(withdraw(ALICE, CROSS, LINK, 1), Error::<Test>::InsufficientMargin);
		assert_eq!(MarginAccounts::report(&ALICE, CROSS).unwrap().collateral[0].value, 0);
	});
}
