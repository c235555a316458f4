//! The vault.

use super::*;

#[test]
fn first_deposit_mints_shares_one_to_one_and_emits_liquidity_added() {
	test(|| {
		MockLedger::fund_wallet(LP, 5_000 * USDC);
		assert_ok!(Perpetuals::add_liquidity(signed(LP), 1_000 * USDC));
		System::assert_last_event(
			Event::LiquidityAdded { who: LP, amount: 1_000 * USDC, shares: 1_000 * USDC }.into(),
		);
		assert_eq!(LpShares::<Test>::get(LP), 1_000 * USDC);
		assert_eq!(VaultState::<Test>::get(), Vault { cash: usdc(1_000), shares: 1_000 * USDC });
		assert_eq!(MockLedger::wallet(LP), 4_000 * USDC);
		assert_eq!(MockLedger::custody(), usdc(1_000));
	});
}

#[test]
fn deposits_and_withdrawals_are_priced_at_nav_and_emit_liquidity_removed() {
	test(|| {
		add_liquidity(LP, 100_000);
		fund(ALICE, 100_000);
		// A round trip leaves 72 USDC of spread in the vault.
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, BTC_PERP, -BTC);
		assert_eq!(Perpetuals::vault_nav(PriceMode::Fresh), Ok(usdc(100_072)));
		add_liquidity(LP2, 100_072);
		assert_eq!(LpShares::<Test>::get(LP2), 100_000 * USDC);
		System::assert_last_event(
			Event::LiquidityAdded { who: LP2, amount: 100_072 * USDC, shares: 100_000 * USDC }
				.into(),
		);
		assert_ok!(Perpetuals::remove_liquidity(signed(LP), 100_000 * USDC));
		System::assert_last_event(
			Event::LiquidityRemoved { who: LP, shares: 100_000 * USDC, amount: 100_072 * USDC }
				.into(),
		);
		assert_eq!(MockLedger::wallet(LP), 100_072 * USDC);
		assert!(!LpShares::<Test>::contains_key(LP));
		// A partial redemption keeps the rest.
		assert_ok!(Perpetuals::remove_liquidity(signed(LP2), 40_000 * USDC));
		assert_eq!(LpShares::<Test>::get(LP2), 60_000 * USDC);
		assert_eq!(MockLedger::wallet(LP2), 40_028_800_000);
	});
}

#[test]
fn lps_gain_what_traders_lose_at_nav() {
	test(|| {
		add_liquidity(LP, 10_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC / 10);
		MockPrices::set(BTC_KEY, 55_000);
		// Alice's 0.1 BTC, bought at 60,009, is down 500.9 USDC: the vault's NAV is up by as much.
		assert_eq!(Perpetuals::vault_nav(PriceMode::Fresh), Ok(usdc(10_000) + 500_900_000));
		// Redeem a tenth (the rest keeps the reserve).
		assert_ok!(Perpetuals::remove_liquidity(signed(LP), 1_000 * USDC));
		assert_eq!(MockLedger::wallet(LP), 1_050_090_000);
	});
}

#[test]
fn first_deposit_into_a_vault_in_deficit_is_refused() {
	test(|| {
		// Trading needs no liquidity in the vault: it takes Alice's win into negative cash.
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		MockPrices::set(BTC_KEY, 62_000);
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
		assert!(VaultState::<Test>::get().cash < 0);
		assert_eq!(VaultState::<Test>::get().shares, 0);
		// NAV is negative: the first LP's deposit would cover a deficit that is not theirs.
		MockLedger::fund_wallet(LP, 10_000 * USDC);
		assert_noop!(
			Perpetuals::add_liquidity(signed(LP), 10_000 * USDC),
			Error::<Test>::VaultInsolvent
		);
	});
}

#[test]
fn add_liquidity_of_zero() {
	test(|| {
		MockLedger::fund_wallet(LP, 1_000 * USDC);
		assert_noop!(Perpetuals::add_liquidity(signed(LP), 0), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn add_liquidity_worth_no_share() {
	test(|| {
		add_liquidity(LP, 1_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, BTC_PERP, -BTC);
		// NAV 1,072 USDC for 1,000 USDC of shares: one smallest unit buys none.
		MockLedger::fund_wallet(LP2, 10);
		assert_noop!(Perpetuals::add_liquidity(signed(LP2), 1), Error::<Test>::ZeroAmount);
		assert_ok!(Perpetuals::add_liquidity(signed(LP2), 2));
		assert_eq!(LpShares::<Test>::get(LP2), 1);
	});
}

#[test]
fn add_liquidity_without_the_quote_in_the_wallet() {
	test(|| {
		MockLedger::fund_wallet(LP, 999 * USDC);
		assert_noop!(
			Perpetuals::add_liquidity(signed(LP), 1_000 * USDC),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn liquidity_calls_require_a_signed_origin() {
	test(|| {
		assert_noop!(Perpetuals::add_liquidity(root(), 1), DispatchError::BadOrigin);
		assert_noop!(Perpetuals::remove_liquidity(root(), 1), DispatchError::BadOrigin);
	});
}

#[test]
fn remove_liquidity_of_zero_shares() {
	test(|| {
		add_liquidity(LP, 1_000);
		assert_noop!(Perpetuals::remove_liquidity(signed(LP), 0), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn insufficient_shares() {
	test(|| {
		add_liquidity(LP, 1_000);
		assert_noop!(
			Perpetuals::remove_liquidity(signed(LP), 1_000 * USDC + 1),
			Error::<Test>::InsufficientShares
		);
		assert_noop!(
			Perpetuals::remove_liquidity(signed(LP2), 1),
			Error::<Test>::InsufficientShares
		);
	});
}

#[test]
fn vault_insolvent() {
	test(|| {
		add_liquidity(LP, 1_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		// Alice is up ≈ 59,964 USDC against a vault of 1,000.
		MockPrices::set(BTC_KEY, 120_000);
		assert!(Perpetuals::vault_nav(PriceMode::Fresh).unwrap() < 0);
		MockLedger::fund_wallet(LP2, 1_000 * USDC);
		assert_noop!(
			Perpetuals::add_liquidity(signed(LP2), 1_000 * USDC),
			Error::<Test>::VaultInsolvent
		);
		assert_noop!(Perpetuals::remove_liquidity(signed(LP), 1), Error::<Test>::VaultInsolvent);
	});
}

#[test]
fn vault_insufficient_cash() {
	test(|| {
		add_liquidity(LP, 1_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		// Alice is down 10,036 USDC, unrealized: NAV 11,036 but only 1,000 in cash.
		MockPrices::set(BTC_KEY, 50_000);
		assert_eq!(Perpetuals::vault_nav(PriceMode::Fresh), Ok(usdc(11_036)));
		assert_noop!(
			Perpetuals::remove_liquidity(signed(LP), 1_000 * USDC),
			Error::<Test>::VaultInsufficientCash
		);
	});
}

#[test]
fn vault_reserve_breached() {
	test(|| {
		add_liquidity(LP, 10_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		// NAV 10,036 < 20 % of the 60,000 skew notional: not even one share may go.
		assert_noop!(
			Perpetuals::remove_liquidity(signed(LP), 1),
			Error::<Test>::VaultReserveBreached
		);
		// With the skew gone, everything may go.
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
		assert_ok!(Perpetuals::remove_liquidity(signed(LP), 10_000 * USDC));
		assert_eq!(VaultState::<Test>::get(), Vault { cash: 0, shares: 0 });
	});
}

#[test]
fn vault_needs_fresh_prices_with_open_interest() {
	test(|| {
		add_liquidity(LP, 100_000);
		MockLedger::fund_wallet(LP2, 1_000 * USDC);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		MockPrices::set_now(NOW + 60_001);
		assert_noop!(
			Perpetuals::add_liquidity(signed(LP2), 1_000 * USDC),
			Error::<Test>::PriceStale
		);
		assert_noop!(Perpetuals::remove_liquidity(signed(LP), 1), Error::<Test>::PriceStale);
		MockPrices::set_now(NOW);
		MockPrices::set(BTC_KEY, 10);
		assert_noop!(Perpetuals::remove_liquidity(signed(LP), 1), Error::<Test>::PriceOutOfBounds);
		MockPrices::set_last_valid(BTC_KEY, 60_000);
		MockPrices::set(BTC_KEY, 100_000);
		assert_noop!(Perpetuals::remove_liquidity(signed(LP), 1), Error::<Test>::PriceJump);
		// A market without open interest needs no price at all.
		MockPrices::set(BTC_KEY, 60_000);
		assert_ok!(Perpetuals::create_market(
			root(),
			MarketParams { oracle_key: 9, ..btc_market() }
		));
		assert_ok!(Perpetuals::add_liquidity(signed(LP2), 1_000 * USDC));
	});
}

#[test]
fn pooled_quote_is_vault_cash_plus_fees() {
	test(|| {
		assert_eq!(Perpetuals::pooled_quote(), 0);
		add_liquidity(LP, 10_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, BTC_PERP, -BTC);
		// 10,000 + 72 of spread in the vault, 60 of fees in the pot.
		assert_eq!(Perpetuals::pooled_quote(), usdc(10_072) + 60_000_000);
		assert_eq!(
			Perpetuals::pooled_quote(),
			VaultState::<Test>::get().cash + FeePot::<Test>::get() as i128
		);
		// It is exactly what the custody holds beyond the traders' balances.
		assert_eq!(MockLedger::custody() - MockLedger::total_quote(), Perpetuals::pooled_quote());
	});
}
