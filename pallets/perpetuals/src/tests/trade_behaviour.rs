//! Trade: behaviour.

use super::*;

#[test]
fn trade_opens_a_position_at_the_premium_price_and_emits_traded() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		System::assert_last_event(
			Event::Traded {
				who: ALICE,
				sub: CROSS_ACCOUNT,
				market: BTC_PERP,
				size_delta: BTC,
				price: price(60_036),
				fee: 30_018_000,
				realized_pnl: 0,
				funding: 0,
				new_size: BTC,
			}
			.into(),
		);
		let pos = position(ALICE, BTC_PERP).unwrap();
		assert_eq!(pos.quantity, BTC);
		assert_eq!(pos.entry_notional, 60_036 * USDC);
		let s = state(BTC_PERP);
		assert_eq!((s.long_oi, s.long_entry_notional), (BTC as u128, 60_036 * USDC));
		assert_eq!((s.short_oi, s.short_entry_notional), (0, 0));
		// The fee is the only thing settled on opening.
		assert_eq!(MockLedger::quote(ALICE, CROSS_ACCOUNT), usdc(100_000) - 30_018_000);
		assert_eq!(FeePot::<Test>::get(), 30_018_000);
		assert_eq!(VaultState::<Test>::get().cash, SEED as i128);
		assert_eq!(MockOnChange::calls(), vec![(ALICE, CROSS_ACCOUNT)]);
	});
}

#[test]
fn premium_grows_with_size_and_same_side_skew_and_is_capped() {
	test(|| {
		fund(ALICE, 100_000);
		let fill_price = || match last_traded() {
			Event::Traded { price, .. } => price,
			_ => unreachable!(),
		};
		// 4 BTC: 0.01 % + 2 / 1,000 = 0.21 %.
		trade(ALICE, BTC_PERP, 4 * BTC);
		assert_eq!(fill_price(), price(60_126));
		// 1 BTC more into a 4 BTC long skew: 0.01 % + 0.05 % + 0.4 % = 0.46 %.
		trade(ALICE, BTC_PERP, BTC);
		assert_eq!(fill_price(), price(60_276));
		// Against the skew: only spread and size.
		trade(ALICE, BTC_PERP, -BTC);
		assert_eq!(fill_price(), price(59_964));
		// Capped at the maximum premium.
		update(BTC_PERP, |p| p.max_premium = Permill::from_parts(3_000));
		trade(ALICE, BTC_PERP, BTC);
		assert_eq!(fill_price(), price(60_180));
	});
}

#[test]
fn round_trip_at_one_price_loses_only_spread_and_fees() {
	test(|| {
		fund(ALICE, 100_000);
		let (quote0, cash0, fees0) = books();
		trade(ALICE, BTC_PERP, BTC);
		trade(ALICE, BTC_PERP, -BTC);
		assert_eq!(position(ALICE, BTC_PERP), None);
		let (quote1, cash1, fees1) = books();
		// Bought at 60,036, sold at 59,964: 72 USDC of spread; fees 30.018 + 29.982.
		let spread = usdc(72);
		let fees = 30_018_000 + 29_982_000;
		assert_eq!(quote1 - quote0, -spread - fees);
		assert_eq!(cash1 - cash0, spread);
		assert_eq!(fees1 - fees0, fees as u128);
		let s = state(BTC_PERP);
		assert_eq!(
			(s.long_oi, s.long_entry_notional, s.short_oi, s.short_entry_notional),
			(0, 0, 0, 0)
		);
	});
}

#[test]
fn realized_pnl_settles_to_the_ledger_and_the_vault_books_the_opposite() {
	test(|| {
		add_liquidity(LP, 100_000);
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		MockPrices::set(BTC_KEY, 62_000);
		let (quote0, cash0, fees0) = books();
		let custody0 = MockLedger::custody();
		// 0.5 BTC sold at 62,000 × (1 − 0.035 %) = 61,978.3: 30,989.15 USDC against an entry
		// share of 30,018.
		trade(ALICE, BTC_PERP, -BTC / 2);
		let (fee, realized, funding) = last_fill();
		assert_eq!(realized, 30_989_150_000 - 30_018_000_000);
		assert_eq!(fee, 15_494_575);
		assert_eq!(funding, 0);
		let (quote1, cash1, fees1) = books();
		assert_eq!(quote1 - quote0, realized - fee as i128);
		assert_eq!(cash1 - cash0, -realized);
		assert_eq!(fees1 - fees0, fee);
		// Custody conserved: the three deltas cancel and nothing left the custody account.
		assert_eq!((quote1 - quote0) + (cash1 - cash0) + (fees1 - fees0) as i128, 0);
		assert_eq!(MockLedger::custody(), custody0);
		// The rest keeps its entry price.
		let pos = position(ALICE, BTC_PERP).unwrap();
		assert_eq!((pos.quantity, pos.entry_notional), (BTC / 2, 30_018 * USDC));
	});
}

#[test]
fn flipping_closes_then_opens() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		// Sell 3 BTC against a 1 BTC long skew: 0.01 % + 0.15 % = 0.16 %: 59,904.
		trade(ALICE, BTC_PERP, -3 * BTC);
		let (fee, realized, _) = last_fill();
		assert_eq!(realized, usdc(59_904 - 60_036));
		assert_eq!(fee, 89_856_000);
		let pos = position(ALICE, BTC_PERP).unwrap();
		assert_eq!((pos.quantity, pos.entry_notional), (-2 * BTC, 119_808 * USDC));
		let s = state(BTC_PERP);
		assert_eq!((s.long_oi, s.long_entry_notional), (0, 0));
		assert_eq!((s.short_oi, s.short_entry_notional), (2 * BTC as u128, 119_808 * USDC));
		match last_traded() {
			Event::Traded { new_size, size_delta, .. } => {
				assert_eq!((size_delta, new_size), (-3 * BTC, -2 * BTC))
			},
			_ => unreachable!(),
		}
	});
}

#[test]
fn close_position_closes_exactly_and_emits_traded() {
	test(|| {
		fund(ALICE, 100_000);
		fund(BOB, 100_000);
		trade(ALICE, BTC_PERP, 123_456_789);
		trade(BOB, ETH_PERP, -3 * ETH - 7);
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
		match last_traded() {
			Event::Traded { who, market, size_delta, new_size, .. } => {
				assert_eq!((who, market, size_delta, new_size), (ALICE, BTC_PERP, -123_456_789, 0))
			},
			_ => unreachable!(),
		}
		assert_ok!(Perpetuals::close_position(signed(BOB), CROSS_ACCOUNT, ETH_PERP, None));
		match last_traded() {
			Event::Traded { who, market, size_delta, new_size, .. } => {
				assert_eq!((who, market, size_delta, new_size), (BOB, ETH_PERP, 3 * ETH + 7, 0))
			},
			_ => unreachable!(),
		}
		assert_eq!(position(ALICE, BTC_PERP), None);
		assert_eq!(position(BOB, ETH_PERP), None);
		for m in [BTC_PERP, ETH_PERP] {
			let s = state(m);
			assert_eq!(
				(s.long_oi, s.long_entry_notional, s.short_oi, s.short_entry_notional),
				(0, 0, 0, 0)
			);
		}
		assert_noop!(
			Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None),
			Error::<Test>::NoPosition
		);
	});
}

#[test]
fn reducing_trades_skip_the_initial_margin_test() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, 2 * BTC);
		MockLedger::fail_margin(ALICE, CROSS_ACCOUNT, INSUFFICIENT_MARGIN);
		trade(ALICE, BTC_PERP, -BTC);
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, BTC, None),
			INSUFFICIENT_MARGIN
		);
		// A flip adds risk.
		assert_noop!(
			Perpetuals::trade(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, -2 * BTC, None),
			INSUFFICIENT_MARGIN
		);
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
	});
}

#[test]
fn on_change_is_told_after_every_trade() {
	test(|| {
		fund(ALICE, 100_000);
		MockLedger::open(ALICE, 3, Some(BTC_PERP));
		MockLedger::deposit(ALICE, 3, 10_000 * USDC);
		trade(ALICE, BTC_PERP, BTC);
		assert_ok!(Perpetuals::trade(signed(ALICE), 3, BTC_PERP, -BTC / 10, None));
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
		assert_eq!(
			MockOnChange::calls(),
			vec![(ALICE, CROSS_ACCOUNT), (ALICE, 3), (ALICE, CROSS_ACCOUNT)]
		);
		// Not after a failed one.
		MockOnChange::clear();
		assert_noop!(
			Perpetuals::trade(signed(ALICE), 3, BTC_PERP, 1_000 * BTC, None),
			Error::<Test>::LongOpenInterestCapExceeded
		);
		assert!(MockOnChange::calls().is_empty());
	});
}
