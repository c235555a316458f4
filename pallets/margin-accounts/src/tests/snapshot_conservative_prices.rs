//! Snapshot (conservative prices).

use super::*;

/// Maintenance equity of ALICE's cross account holding one BTC and 100 USDC, at `price`.
fn equity(price: u32) -> SignedBalance {
	susdc(price as i128 * 95 / 100) + susdc(100)
}

/// ALICE's cross account: one BTC, 100 USDC, one position (maintenance 500 USDC).
fn alice_with_one_btc_and_a_position() {
	deposit(ALICE, CROSS, BTC, BTC_UNIT);
	deposit(ALICE, CROSS, USDC, usdc(100));
	open_position(ALICE, CROSS, 1_000, 500);
}

fn snapshot() -> ballast_primitives::traits::AccountSnapshot {
	MarginAccounts::snapshot(&ALICE, CROSS).unwrap()
}

#[test]
fn snapshot_values_collateral_at_conservative_prices() {
	test(|| {
		alice_with_one_btc_and_a_position();
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

		// A usable print is used as is, up to the circuit breaker (50% of the last valid price,
		// inclusive) either way.
		for price in [30_000, 25_000, 75_000] {
			MockPrices::set(BTC, price, NOW);
			assert_eq!(snapshot().maintenance_equity, equity(price), "print {price}");
		}
		// A crash the price guard has confirmed is the new last valid price: the account is
		// valued, and liquidated, at it.
		MockPrices::set(BTC, 400, NOW);
		MockPrices::update_bounds(BTC, |b| b.min_price = Price::from_u32(100));
		MockPrices::set_last_valid(BTC, 400);
		let s = snapshot();
		assert_eq!(s.maintenance_equity, equity(400));
		assert!(!s.is_healthy());
	});
}

#[test]
fn an_outlier_print_never_values_collateral_in_liquidation() {
	test(|| {
		alice_with_one_btc_and_a_position();
		// The attack: one print far below (or above) the last valid price, to make an account
		// look unhealthy (or healthy) and have it liquidated (or spared) at the print. Below the
		// floor, above the cap, a jump beyond the circuit breaker either way, or a stale print:
		// the print is ignored and the last valid price values the collateral.
		for (price, at, refused) in [
			(500, NOW, Error::<Test>::PriceOutOfBounds),
			(2_000_000, NOW, Error::<Test>::PriceOutOfBounds),
			(24_999, NOW, Error::<Test>::PriceJump),
			(75_001, NOW, Error::<Test>::PriceJump),
			(1_000, NOW, Error::<Test>::PriceJump),
			(40_000, NOW - 60_001, Error::<Test>::PriceStale),
			(60_000, NOW - 60_001, Error::<Test>::PriceStale),
		] {
			MockPrices::set(BTC, price, at);
			let s = snapshot();
			assert_eq!(s.maintenance_equity, equity(50_000), "print {price} at {at}");
			assert_eq!(s.equity_without_pnl, equity(50_000), "print {price} at {at}");
			assert!(s.is_healthy());
			// Meanwhile, any risk-increasing action fails closed.
			assert_noop!(withdraw(ALICE, CROSS, USDC, 1), refused);
		}
		// An account unhealthy at the last valid price is still liquidatable when the print
		// jumps up: the outlier never spares it either.
		MockPrices::set_last_valid(BTC, 400);
		MockPrices::update_bounds(BTC, |b| b.min_price = Price::from_u32(100));
		MockPrices::set(BTC, 50_000, NOW);
		let s = snapshot();
		assert_eq!(s.maintenance_equity, equity(400));
		assert!(!s.is_healthy());
	});
}

#[test]
fn conservative_valuation_counts_collateral_zero_on_an_outlier_print_when_the_last_valid_price_is_too_old(
) {
	test(|| {
		alice_with_one_btc_and_a_position();
		let account = account(ALICE, CROSS);
		let conservative =
			|| MarginAccounts::valuation_of(&ALICE, CROSS, &account, PriceMode::Conservative);
		// An out-of-bounds print, and a last valid price exactly the maximum age old: that one.
		MockPrices::set(BTC, 500, NOW);
		MockPrices::set_last_valid_at(BTC, 50_000, NOW - 60_000);
		assert_eq!(conservative().unwrap().0.maintenance_equity, equity(50_000));
		// A millisecond older: no usable price at all. The print is not used instead; the
		// holding counts for nothing, so the account is still valued (and liquidated) on the
		// rest: liquidation never waits for a price that may not come back.
		MockPrices::set_last_valid_at(BTC, 50_000, NOW - 60_001);
		assert_eq!(conservative().unwrap().0.maintenance_equity, susdc(100));
		let s = snapshot();
		assert_eq!(s.maintenance_equity, susdc(100));
		assert_eq!(s.collateral, vec![(BTC, BTC_UNIT)]);
		assert!(!s.is_healthy());
		// Likewise a jumped print (the jump is measured from the old last valid price).
		MockPrices::set(BTC, 20_000, NOW);
		assert_eq!(snapshot().maintenance_equity, susdc(100));
		// A margin test meanwhile fails closed, with the print's reason.
		assert_noop!(withdraw(ALICE, CROSS, USDC, 1), Error::<Test>::PriceJump);
		// Once a usable print returns, the holding counts at it again.
		MockPrices::set(BTC, 45_000, NOW);
		assert_eq!(snapshot().maintenance_equity, equity(45_000));
	});
}

#[test]
fn snapshot_without_a_recorded_valid_price_uses_only_a_usable_print() {
	test(|| {
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		MockPrices::clear();
		MockPrices::set_now(NOW);
		// Nothing recorded: a usable print is used (no reference for the circuit breaker).
		MockPrices::set(BTC, 500_000, NOW);
		assert_eq!(
			MarginAccounts::snapshot(&ALICE, CROSS).unwrap().maintenance_equity,
			susdc(475_000)
		);
		// An unusable one is not: the holding counts for nothing.
		MockPrices::set(BTC, 500, NOW);
		assert_eq!(MarginAccounts::snapshot(&ALICE, CROSS).unwrap().maintenance_equity, 0);
		MockPrices::set(BTC, 50_000, NOW - 1_000_000);
		assert_eq!(MarginAccounts::snapshot(&ALICE, CROSS).unwrap().maintenance_equity, 0);
	});
}

#[test]
fn snapshot_is_none_only_for_an_unknown_account() {
	test(|| {
		assert_eq!(MarginAccounts::snapshot(&ALICE, CROSS), None);
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		// A price gone altogether: the holding counts for nothing, the account is still valued.
		MockPrices::remove(BTC);
		let s = MarginAccounts::snapshot(&ALICE, CROSS).unwrap();
		assert_eq!((s.maintenance_equity, s.collateral), (0, vec![(BTC, BTC_UNIT)]));
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
		// At 1 USDC the holding is worth 10^36 smallest units: representable.
		MockPrices::set(LINK, 1, NOW);
		deposit(ALICE, CROSS, LINK, huge);
		deposit(ALICE, CROSS, USDC, usdc(10));
		open_position(ALICE, CROSS, 100, 50);
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

#[test]
fn unpriced_collateral_counts_zero_and_liquidation_proceeds() {
	test(|| {
		// The attack: an account in debt keeps a small holding of an asset whose price then
		// becomes unusable (its feed stops, its guard goes, its print leaves the bounds), so
		// that the account cannot be valued and its liquidation freezes while the debt grows.
		MockRisk::set(LINK, plain_terms(LINK));
		MockPrices::set(LINK, 10, NOW);
		deposit(ALICE, CROSS, BTC, BTC_UNIT);
		deposit(ALICE, CROSS, LINK, 1);
		open_position(ALICE, CROSS, 1_000, 500);
		settle(ALICE, CROSS, -susdc(47_000));
		// 47,500 of BTC + 6 of LINK (60% of 10) − 47,000 of debt ≥ 500: healthy.
		let s = snapshot();
		assert_eq!(s.maintenance_equity, equity(50_000) - susdc(100) + susdc(6) - susdc(47_000));
		assert!(s.is_healthy());
		// LINK's price becomes unusable, every way it can, and BTC falls: the LINK holding
		// counts for nothing, the account is still valued, found unhealthy and liquidated.
		MockPrices::set(BTC, 49_000, NOW);
		let without_link = susdc(49_000 * 95 / 100) - susdc(47_000);
		let unusable: [(&dyn Fn(), Error<Test>); 4] = [
			(&|| MockPrices::remove(LINK), Error::<Test>::PriceMissing),
			(&|| MockPrices::set(LINK, 10, NOW - 60_001), Error::<Test>::PriceStale),
			(&|| MockPrices::set(LINK, 5_000, NOW), Error::<Test>::PriceOutOfBounds),
			(&|| MockPrices::set_bounds(LINK, None), Error::<Test>::PriceMissing),
		];
		for (i, (make_unusable, refused)) in unusable.into_iter().enumerate() {
			MockPrices::set_bounds(LINK, bounds_at_genesis(LINK));
			make_unusable();
			let s = MarginAccounts::snapshot(&ALICE, CROSS).expect("valued without LINK");
			assert_eq!(s.maintenance_equity, without_link, "case {i}");
			assert_eq!(s.collateral, vec![(BTC, BTC_UNIT), (LINK, 1)], "case {i}");
			assert!(!s.is_healthy(), "case {i}");
			assert!(s.needs_action(), "case {i}");
			// Risk-increasing actions still refuse to value it at all (fail closed).
			assert_noop!(withdraw(ALICE, CROSS, BTC, 1), refused);
		}
	});
}
