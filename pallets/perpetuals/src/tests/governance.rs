//! Create_market / update_market.

use super::*;

#[test]
fn create_market_adds_a_market_and_emits_market_created() {
	test(|| {
		let params = MarketParams { oracle_key: 3, ..btc_market() };
		assert_ok!(Perpetuals::create_market(root(), params));
		System::assert_last_event(Event::MarketCreated { market: 2, params }.into());
		let m = Markets::<Test>::get(2).unwrap();
		assert_eq!(m.params, params);
		assert_eq!(m.state, MarketState { funding_updated: 1, ..Default::default() });
		assert_eq!(NextMarketId::<Test>::get(), 3);
	});
}

#[test]
fn create_market_requires_governance() {
	test(|| {
		assert_noop!(
			Perpetuals::create_market(signed(ALICE), btc_market()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Perpetuals::create_market(RuntimeOrigin::none(), btc_market()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn too_many_markets() {
	test(|| {
		// Two exist from genesis.
		for key in 3..3 + MAX_MARKETS - 2 {
			assert_ok!(Perpetuals::create_market(
				root(),
				MarketParams { oracle_key: key, ..btc_market() }
			));
		}
		assert_noop!(
			Perpetuals::create_market(root(), btc_market()),
			Error::<Test>::TooManyMarkets
		);
	});
}

/// `create_market` and `update_market` both refuse `btc_market()` changed by `f` with `error`.
fn assert_params_rejected(f: impl Fn(&mut MarketParams), error: Error<Test>) {
	let error: DispatchError = error.into();
	let mut p = btc_market();
	f(&mut p);
	assert!(p.validate().is_err());
	assert_noop!(Perpetuals::create_market(root(), p), error);
	assert_noop!(Perpetuals::update_market(root(), BTC_PERP, p), error);
}

#[test]
fn invalid_margin_ratios() {
	test(|| {
		assert_params_rejected(
			|p| p.maintenance_margin = Permill::zero(),
			Error::InvalidMarginRatios,
		);
		assert_params_rejected(
			|p| p.maintenance_margin = p.initial_margin,
			Error::InvalidMarginRatios,
		);
		assert_params_rejected(
			|p| p.maintenance_margin = Permill::from_percent(11),
			Error::InvalidMarginRatios,
		);
	});
}

#[test]
fn fees_premiums_and_funding_have_upper_bounds() {
	test(|| {
		assert_params_rejected(
			|p| p.taker_fee = Permill::from_parts(50_001),
			Error::TakerFeeTooLarge,
		);
		assert_params_rejected(
			|p| p.max_premium = Permill::from_parts(200_001),
			Error::PremiumTooLarge,
		);
		// The base spread is a premium every trade pays: never above the cap.
		assert_params_rejected(
			|p| p.base_spread = Permill::from_parts(10_001),
			Error::PremiumTooLarge,
		);
		assert_params_rejected(
			|p| p.max_funding_rate = Permill::from_parts(100_001),
			Error::FundingRateTooLarge,
		);
		// At the bounds: accepted.
		let mut p = btc_market();
		p.taker_fee = Permill::from_percent(5);
		p.max_premium = Permill::from_percent(20);
		p.base_spread = Permill::from_percent(20);
		p.max_funding_rate = Permill::from_percent(10);
		assert_ok!(Perpetuals::update_market(RuntimeOrigin::root(), BTC_PERP, p));
	});
}

#[test]
fn create_market_refuses_an_unguarded_oracle_key() {
	test(|| {
		let params = MarketParams { oracle_key: UNGUARDED_KEY, ..btc_market() };
		assert!(params.validate().is_ok());
		assert_noop!(Perpetuals::create_market(root(), params), Error::<Test>::UnguardedOracleKey);
		// Once the price guard has the key, the same parameters make a market.
		MockPrices::set_bounds(UNGUARDED_KEY, btc_bounds());
		assert_ok!(Perpetuals::create_market(root(), params));
		assert_eq!(Markets::<Test>::get(2).unwrap().params, params);
	});
}

#[test]
fn update_market_refuses_an_unguarded_oracle_key() {
	test(|| {
		let params = MarketParams { oracle_key: UNGUARDED_KEY, ..btc_market() };
		assert_noop!(
			Perpetuals::update_market(root(), BTC_PERP, params),
			Error::<Test>::UnguardedOracleKey
		);
		// A market whose key lost its guard keeps its parameters until the key is guarded again.
		MockPrices::remove_bounds(BTC_KEY);
		assert_noop!(
			Perpetuals::update_market(root(), BTC_PERP, btc_market()),
			Error::<Test>::UnguardedOracleKey
		);
		MockPrices::set_bounds(BTC_KEY, btc_bounds());
		assert_ok!(Perpetuals::update_market(root(), BTC_PERP, btc_market()));
	});
}

#[test]
fn zero_skew_scale() {
	test(|| assert_params_rejected(|p| p.skew_scale = 0, Error::ZeroSkewScale));
}

#[test]
fn decimals_too_large() {
	test(|| {
		assert_params_rejected(
			|p| p.base_decimals = ballast_primitives::math::units::MAX_DECIMALS + 1,
			Error::DecimalsTooLarge,
		);
		// The largest is fine.
		assert_ok!(Perpetuals::create_market(
			root(),
			MarketParams {
				base_decimals: ballast_primitives::math::units::MAX_DECIMALS,
				..btc_market()
			}
		));
	});
}

#[test]
fn zero_open_interest_cap() {
	test(|| {
		assert_params_rejected(|p| p.max_long_oi = 0, Error::ZeroOpenInterestCap);
		assert_params_rejected(|p| p.max_short_oi = 0, Error::ZeroOpenInterestCap);
	});
}

#[test]
fn update_market_replaces_the_params_and_emits_market_updated() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		let before = state(BTC_PERP);
		let params = MarketParams { taker_fee: Permill::from_parts(700), ..btc_market() };
		assert_ok!(Perpetuals::update_market(root(), BTC_PERP, params));
		System::assert_last_event(Event::MarketUpdated { market: BTC_PERP, params }.into());
		let m = Markets::<Test>::get(BTC_PERP).unwrap();
		assert_eq!(m.params, params);
		// Open interest is untouched.
		assert_eq!(m.state, before);
	});
}

#[test]
fn governance_cannot_revalue_open_positions_by_swapping_the_oracle_key_or_decimals() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		let other_key = MarketParams { oracle_key: 3, ..btc_market() };
		let other_decimals = MarketParams { base_decimals: 18, ..btc_market() };
		for params in [other_key, other_decimals] {
			assert_noop!(
				Perpetuals::update_market(root(), BTC_PERP, params),
				Error::<Test>::UnderlyingInUse
			);
		}
		// Other parameters still change with positions open.
		let fee = MarketParams { taker_fee: Permill::from_parts(700), ..btc_market() };
		assert_ok!(Perpetuals::update_market(root(), BTC_PERP, fee));
		// Once the market is flat, the underlying may change.
		trade(ALICE, BTC_PERP, -BTC);
		assert_eq!((state(BTC_PERP).long_oi, state(BTC_PERP).short_oi), (0, 0));
		assert_ok!(Perpetuals::update_market(root(), BTC_PERP, other_key));
	});
}

#[test]
fn update_market_requires_governance() {
	test(|| {
		assert_noop!(
			Perpetuals::update_market(signed(ALICE), BTC_PERP, btc_market()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn update_market_of_an_unknown_market() {
	test(|| {
		assert_noop!(
			Perpetuals::update_market(root(), 9, btc_market()),
			Error::<Test>::UnknownMarket
		);
	});
}

#[test]
fn update_market_accrues_funding_under_the_old_parameters() {
	test(|| {
		fund(ALICE, 100_000);
		trade(ALICE, BTC_PERP, BTC);
		run_to_block(11);
		// 10 blocks of a 1 BTC long skew: 10 × (0.1 / 100) × (1 / 1,000) × 60,000 USDC per BTC.
		update(BTC_PERP, |p| p.max_funding_rate = Permill::zero());
		assert_eq!(state(BTC_PERP).funding_index, FixedI128::saturating_from_integer(600_000));
		assert_eq!(state(BTC_PERP).funding_updated, 11);
		run_to_block(21);
		// Nothing more accrues at a zero rate.
		assert_ok!(Perpetuals::close_position(signed(ALICE), CROSS_ACCOUNT, BTC_PERP, None));
		assert_eq!(last_fill().2, 600_000);
	});
}
