//! Buying and selling: every error, the events, the books, the caps and the stress rule, and
//! attacks (trading at a stale price before expiry, dust).

use super::*;

#[test]
fn a_buy_pays_the_ask_from_the_quote_balance_into_the_vault() {
	test(|| {
		fund(ALICE, 10_000);
		let q = Options::quote(BTC_CALL, PriceMode::Fresh).unwrap();
		assert!(q.ask > q.mid && q.mid > q.bid);
		// ≈ 3,440 at the money, 30 days, 50 %.
		assert!(q.mid > Price::from_u32(3_300) && q.mid < Price::from_u32(3_600), "{q:?}");
		buy(ALICE, BTC_CALL, BTC);
		let premium = last_premium();
		assert_eq!(premium, q.ask.into_inner().div_ceil(1_000_000_000_000));
		System::assert_last_event(
			Event::Bought {
				who: ALICE,
				sub: CROSS_ACCOUNT,
				series: BTC_CALL,
				quantity: BTC,
				price: q.ask,
				premium,
				new_quantity: BTC,
			}
			.into(),
		);
		assert_eq!(MockLedger::quote(ALICE, CROSS_ACCOUNT), usdc(10_000) - premium as i128);
		assert_eq!(cash(), SEED + premium);
		assert_eq!(position(ALICE, BTC_CALL), Some(Position { quantity: BTC, cost: premium }));
		assert_eq!(series(BTC_CALL).open_interest, BTC);
		assert_eq!(series(BTC_CALL).holders, 1);
		assert_eq!(AccountSeries::<Test>::get((ALICE, CROSS_ACCOUNT)).into_inner(), vec![BTC_CALL]);
		assert_eq!(MockOnChange::calls(), vec![(ALICE, CROSS_ACCOUNT)]);
	});
}

#[test]
fn buy_errors() {
	test(|| {
		fund(ALICE, 10_000);
		let o = || signed(ALICE);
		assert_noop!(Options::buy(o(), 0, BTC_CALL, 0, u128::MAX), Error::<Test>::ZeroAmount);
		assert_noop!(
			Options::buy(o(), 0, FIRST + 50, BTC, u128::MAX),
			Error::<Test>::UnknownSeries
		);
		assert_noop!(Options::buy(o(), 0, 7, BTC, u128::MAX), Error::<Test>::UnknownSeries);
		assert_noop!(Options::buy(signed(BOB), 0, BTC_CALL, BTC, u128::MAX), UNKNOWN_ACCOUNT);
		MockLedger::open(ALICE, 1, Some(BTC_PUT));
		assert_noop!(Options::buy(o(), 1, BTC_CALL, BTC, u128::MAX), WRONG_MARKET);
		// Prices.
		MockPrices::remove(BTC_KEY);
		assert_noop!(Options::buy(o(), 0, BTC_CALL, BTC, u128::MAX), Error::<Test>::PriceMissing);
		MockPrices::set_exact(BTC_KEY, Price::from_u32(60_000), NOW - 61_000);
		assert_noop!(Options::buy(o(), 0, BTC_CALL, BTC, u128::MAX), Error::<Test>::PriceStale);
		MockPrices::set(BTC_KEY, 2_000_000);
		assert_noop!(
			Options::buy(o(), 0, BTC_CALL, BTC, u128::MAX),
			Error::<Test>::PriceOutOfBounds
		);
		MockPrices::set_last_valid_at(BTC_KEY, 30_000, NOW);
		MockPrices::set(BTC_KEY, 60_000);
		assert_noop!(Options::buy(o(), 0, BTC_CALL, BTC, u128::MAX), Error::<Test>::PriceJump);
		MockPrices::set_last_valid_at(BTC_KEY, 60_000, NOW);
		// Dust, slippage, margin.
		assert_noop!(
			Options::buy(o(), 0, BTC_CALL, 1_000, u128::MAX),
			Error::<Test>::TradeTooSmall
		);
		assert_noop!(
			Options::buy(o(), 0, BTC_CALL, BTC, 3_000 * USDC),
			Error::<Test>::SlippageExceeded
		);
		assert_noop!(Options::buy(o(), 0, BTC_CALL, 3 * BTC, u128::MAX), INSUFFICIENT_MARGIN);
		// Too many positions in one account.
		assert_ok!(Options::list_series(signed(LISTER), btc_series(65_000, 30, OptionKind::Call)));
		assert_ok!(Options::list_series(signed(LISTER), btc_series(55_000, 30, OptionKind::Put)));
		fund(ALICE, 100_000);
		for (id, q) in
			[(BTC_CALL, BTC / 10), (BTC_PUT, BTC / 10), (ETH_CALL, ETH), (FIRST + 3, BTC / 10)]
		{
			assert_ok!(Options::buy(o(), 0, id, q, u128::MAX));
		}
		assert_noop!(
			Options::buy(o(), 0, FIRST + 4, BTC / 10, u128::MAX),
			Error::<Test>::TooManyPositions
		);
		// Adding to a held series is not a new position.
		assert_ok!(Options::buy(o(), 0, BTC_CALL, BTC / 10, u128::MAX));
	});
}

#[test]
fn sell_errors_and_a_sale_at_the_bid() {
	test(|| {
		fund(ALICE, 10_000);
		buy(ALICE, BTC_CALL, BTC);
		let o = || signed(ALICE);
		assert_noop!(Options::sell(o(), 0, BTC_CALL, 0, 0), Error::<Test>::ZeroAmount);
		assert_noop!(Options::sell(o(), 0, FIRST + 9, BTC, 0), Error::<Test>::UnknownSeries);
		assert_noop!(Options::sell(o(), 0, BTC_PUT, BTC, 0), Error::<Test>::NoPosition);
		assert_noop!(
			Options::sell(o(), 0, BTC_CALL, 2 * BTC, 0),
			Error::<Test>::InsufficientPosition
		);
		MockPrices::set_exact(BTC_KEY, Price::from_u32(60_000), NOW - 61_000);
		assert_noop!(Options::sell(o(), 0, BTC_CALL, BTC, 0), Error::<Test>::PriceStale);
		MockPrices::set(BTC_KEY, 60_000);
		// A partial sale of dust; the whole position may always go.
		assert_noop!(Options::sell(o(), 0, BTC_CALL, 1_000, 0), Error::<Test>::TradeTooSmall);
		assert_noop!(
			Options::sell(o(), 0, BTC_CALL, BTC, 10_000 * USDC),
			Error::<Test>::SlippageExceeded
		);
		// A vault without free cash cannot buy back.
		let v = VaultState::<Test>::get();
		VaultState::<Test>::put(Vault { reserved: v.cash - 10, ..v });
		assert_noop!(Options::sell(o(), 0, BTC_CALL, BTC, 0), Error::<Test>::VaultInsufficientCash);
		VaultState::<Test>::put(v);

		let q = Options::quote(BTC_CALL, PriceMode::Fresh).unwrap();
		let before = MockLedger::quote(ALICE, CROSS_ACCOUNT);
		assert_ok!(Options::sell(o(), 0, BTC_CALL, BTC / 2, 0));
		let got = q.bid.into_inner() / 2 / 1_000_000_000_000;
		System::assert_last_event(
			Event::Sold {
				who: ALICE,
				sub: CROSS_ACCOUNT,
				series: BTC_CALL,
				quantity: BTC / 2,
				price: q.bid,
				premium: got,
				new_quantity: BTC / 2,
			}
			.into(),
		);
		assert_eq!(MockLedger::quote(ALICE, CROSS_ACCOUNT), before + got as i128);
		assert_eq!(series(BTC_CALL).open_interest, BTC / 2);
		assert_ok!(Options::sell(o(), 0, BTC_CALL, BTC / 2, 0));
		assert_eq!(position(ALICE, BTC_CALL), None);
		assert!(AccountSeries::<Test>::get((ALICE, CROSS_ACCOUNT)).is_empty());
		assert_eq!(series(BTC_CALL).holders, 0);
		// The round trip cost the spread, to the vault.
		assert!(cash() > SEED);
	});
}

#[test]
fn expired_series_stop_trading() {
	test(|| {
		fund(ALICE, 10_000);
		buy(ALICE, BTC_CALL, BTC / 10);
		let expiry = series(BTC_CALL).params.expiry;
		// Inside the hour before expiry: closed, even at a fresh price.
		MockPrices::set_now(expiry - 3_600_000);
		set_prices(60_000);
		assert_noop!(
			Options::buy(signed(ALICE), 0, BTC_CALL, BTC, u128::MAX),
			Error::<Test>::TradingClosed
		);
		assert_noop!(
			Options::sell(signed(ALICE), 0, BTC_CALL, BTC / 10, 0),
			Error::<Test>::TradingClosed
		);
		MockPrices::set_now(expiry + 1);
		set_prices(60_000);
		assert_noop!(
			Options::buy(signed(ALICE), 0, BTC_CALL, BTC, u128::MAX),
			Error::<Test>::TradingClosed
		);
		// One millisecond before the cutoff it still trades.
		MockPrices::set_now(expiry - 3_600_001);
		set_prices(60_000);
		assert_ok!(Options::sell(signed(ALICE), 0, BTC_CALL, BTC / 10, 0));
	});
}

#[test]
fn attack_buying_just_before_expiry_at_a_stale_price_is_refused() {
	// The oracle stalled with BTC at 60,000 while the market moved to 70,000; an attacker who
	// knows it tries to buy calls at the stale price just before trading closes.
	test(|| {
		fund(EVE, 100_000);
		let expiry = series(BTC_CALL).params.expiry;
		let stalled_at = expiry - 2 * 3_600_000;
		MockPrices::set_exact(BTC_KEY, Price::from_u32(60_000), stalled_at);
		MockPrices::set_now(stalled_at + 61_000);
		assert_noop!(
			Options::buy(signed(EVE), 0, BTC_CALL, 10 * BTC, u128::MAX),
			Error::<Test>::PriceStale
		);
		// Nor through the conservative last valid price.
		MockPrices::set_last_valid_at(BTC_KEY, 60_000, stalled_at + 60_000);
		assert_noop!(
			Options::buy(signed(EVE), 0, BTC_CALL, 10 * BTC, u128::MAX),
			Error::<Test>::PriceStale
		);
	});
}

const EVE: AccountId = 66;

#[test]
fn attack_dust_trades_never_profit_from_rounding() {
	test(|| {
		fund(EVE, 1_000);
		// Below the minimum premium: refused.
		assert_noop!(
			Options::buy(signed(EVE), 0, BTC_CALL, 1, u128::MAX),
			Error::<Test>::TradeTooSmall
		);
		// Without a minimum: a buy of one wei of ETH options pays one quote unit (rounded up),
		// its sale gets nothing back (rounded down); a loop of them only pays the vault.
		assert_ok!(Options::set_vault_rules(root(), VaultRules { min_premium: 0, ..test_rules() }));
		let start = MockLedger::quote(EVE, CROSS_ACCOUNT);
		for _ in 0..20 {
			assert_ok!(Options::buy(signed(EVE), 0, ETH_CALL, 1, u128::MAX));
			assert_eq!(last_premium(), 1);
			assert_ok!(Options::sell(signed(EVE), 0, ETH_CALL, 1, 0));
			assert_eq!(last_premium(), 0);
		}
		assert_eq!(MockLedger::quote(EVE, CROSS_ACCOUNT), start - 20);
		assert_eq!(cash(), SEED + 20);
		// The same with the smallest BTC amount: the round trip loses the spread and rounding.
		assert_ok!(Options::buy(signed(EVE), 0, BTC_CALL, 1, u128::MAX));
		let paid = last_premium();
		assert_ok!(Options::sell(signed(EVE), 0, BTC_CALL, 1, 0));
		assert!(last_premium() < paid);
		// A worthless option is never given away: a zero premium is refused.
		assert_ok!(Options::list_series(signed(LISTER), btc_series(500_000, 2, OptionKind::Call)));
		assert_noop!(
			Options::buy(signed(EVE), 0, FIRST + 3, BTC, u128::MAX),
			Error::<Test>::TradeTooSmall
		);
	});
}

#[test]
fn the_vault_refuses_buys_beyond_its_delta_cap() {
	test(|| {
		fund(ALICE, 1_000_000);
		// An at-the-money call has Δ ≈ 0.53: 30 BTC of them is ≈ −16 BTC for the vault.
		buy(ALICE, BTC_CALL, 30 * BTC);
		assert_noop!(
			Options::buy(signed(ALICE), 0, BTC_CALL, 10 * BTC, u128::MAX),
			Error::<Test>::DeltaCapExceeded
		);
		// Puts bring the vault's delta back towards zero: taken.
		buy(ALICE, BTC_PUT, 10 * BTC);
		assert_ok!(Options::buy(signed(ALICE), 0, BTC_CALL, 5 * BTC, u128::MAX));
		// Another underlying has its own cap.
		assert_ok!(Options::buy(signed(ALICE), 0, ETH_CALL, 10 * ETH, u128::MAX));
		let report = Options::vault_report();
		let btc = report.greeks.iter().find(|g| g.underlying == BTC_KEY).unwrap();
		assert!(btc.greeks.delta.is_negative() && btc.greeks.vega.is_negative());
	});
}

#[test]
fn the_vault_refuses_buys_beyond_its_vega_cap() {
	test(|| {
		fund(ALICE, 1_000_000);
		// Vega of an at-the-money 30-day BTC option ≈ 6,850 USDC per 1.00 of volatility.
		assert_ok!(Options::set_underlying(
			root(),
			BTC_KEY,
			UnderlyingParams { max_vega: 100_000 * USDC, ..btc_underlying() }
		));
		buy(ALICE, BTC_CALL, 7 * BTC);
		assert_noop!(
			Options::buy(signed(ALICE), 0, BTC_PUT, 8 * BTC, u128::MAX),
			Error::<Test>::VegaCapExceeded
		);
		buy(ALICE, BTC_PUT, 7 * BTC);
		// Selling back is always taken (vega falls).
		assert_ok!(Options::sell(signed(ALICE), 0, BTC_PUT, 7 * BTC, 0));
	});
}

#[test]
fn the_vault_sells_only_while_its_cash_covers_the_stress_loss() {
	new_test_ext_with(
		crate::GenesisConfig { vault_deposits: vec![(SEED_LP, 50_000 * USDC)], ..genesis() },
		&[(SEED_LP, 50_000 * USDC)],
	)
	.execute_with(|| {
		fund(ALICE, 1_000_000);
		buy(ALICE, BTC_CALL, BTC);
		// After +20 % an at-the-money call is worth ≈ 12,300: 6 BTC of them more than the
		// vault's 50,000 plus the premiums.
		assert_noop!(
			Options::buy(signed(ALICE), 0, BTC_CALL, 5 * BTC, u128::MAX),
			Error::<Test>::VaultStressExceeded
		);
		let report = Options::vault_report();
		assert!(report.stress_loss.unwrap() <= report.cash);
		check_invariants();
	});
}
