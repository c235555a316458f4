//! The governed liquidation parameters: the hard bounds (`LiquidationParams::validate`, pure),
//! `set_params` (origin, one error per bound, event), that a change applies, and that
//! `try_state` refuses stored parameters outside the bounds.

use super::*;

fn defaults() -> LiquidationParams {
	MockDefaultParams::get()
}

fn with(change: impl FnOnce(&mut LiquidationParams)) -> LiquidationParams {
	let mut p = defaults();
	change(&mut p);
	p
}

/// Every rule, broken once (just past its bound), with the error it must give.
#[allow(clippy::type_complexity)]
fn violations() -> Vec<(&'static str, LiquidationParams, ParamError)> {
	use ParamError::*;
	let over = |p: Permill| Permill::from_parts(p.deconstruct() + 1);
	vec![
		("zero close buffer", with(|p| p.close_buffer = Permill::zero()), CloseBufferOutOfRange),
		(
			"close buffer above 50 %",
			with(|p| p.close_buffer = over(MAX_CLOSE_BUFFER)),
			CloseBufferOutOfRange,
		),
		(
			"dust above 10,000 USDC",
			with(|p| p.dust_notional = MAX_DUST_NOTIONAL_UNITS * USD + 1),
			DustNotionalTooHigh,
		),
		(
			"penalty above 25 %",
			with(|p| p.liquidation_penalty = over(MAX_LIQUIDATION_PENALTY)),
			PenaltyTooHigh,
		),
		(
			"base premium above the max premium",
			with(|p| p.auction_base_premium = over(p.auction_max_premium)),
			BasePremiumAboveMax,
		),
		(
			"max premium above 50 %",
			with(|p| p.auction_max_premium = over(MAX_AUCTION_PREMIUM)),
			MaxPremiumTooHigh,
		),
		("zero decay", with(|p| p.auction_base_decay = Permill::zero()), DecayOutOfRange),
		(
			"decay above 10 % a block",
			with(|p| p.auction_base_decay = over(MAX_AUCTION_DECAY)),
			DecayOutOfRange,
		),
		("zero discount", with(|p| p.auction_max_discount = Permill::zero()), DiscountOutOfRange),
		(
			"discount of 100 % (selling for nothing)",
			with(|p| p.auction_max_discount = Permill::one()),
			DiscountOutOfRange,
		),
		(
			"discount above 50 %",
			with(|p| p.auction_max_discount = over(MAX_AUCTION_DISCOUNT)),
			DiscountOutOfRange,
		),
		(
			"max age under 10 blocks",
			with(|p| p.auction_max_age = MIN_AUCTION_MAX_AGE - 1),
			MaxAgeTooShort,
		),
		(
			"zero global cap",
			with(|p| {
				p.max_auction_value = 0;
				p.max_auction_value_per_asset = 0;
			}),
			ZeroAuctionCap,
		),
		("zero per-asset cap", with(|p| p.max_auction_value_per_asset = 0), ZeroAuctionCap),
		(
			"per-asset cap above the global cap",
			with(|p| p.max_auction_value_per_asset = p.max_auction_value + 1),
			AssetCapAboveTotal,
		),
		(
			"keeper reward above 1,000 USDC",
			with(|p| p.keeper_reward = MAX_KEEPER_REWARD_UNITS * USD + 1),
			KeeperRewardTooHigh,
		),
		(
			"keeper share above 10 %",
			with(|p| p.keeper_reward_share = over(MAX_KEEPER_REWARD_SHARE)),
			KeeperShareTooHigh,
		),
		(
			"more than 16 paid restarts",
			with(|p| p.max_paid_restarts = MAX_PAID_RESTARTS + 1),
			TooManyPaidRestarts,
		),
	]
}

#[test]
fn the_defaults_are_within_the_bounds() {
	assert_eq!(defaults().validate(QUOTE_DECIMALS), Ok(()));
}

#[test]
fn every_bound_itself_is_allowed() {
	let edge = LiquidationParams {
		close_buffer: MAX_CLOSE_BUFFER,
		full_liquidation_ratio: Permill::one(),
		dust_notional: MAX_DUST_NOTIONAL_UNITS * USD,
		liquidation_penalty: MAX_LIQUIDATION_PENALTY,
		auction_base_premium: MAX_AUCTION_PREMIUM,
		auction_max_premium: MAX_AUCTION_PREMIUM,
		auction_base_decay: MAX_AUCTION_DECAY,
		auction_max_discount: MAX_AUCTION_DISCOUNT,
		auction_max_age: MIN_AUCTION_MAX_AGE,
		max_auction_value: 1,
		max_auction_value_per_asset: 1,
		keeper_reward: MAX_KEEPER_REWARD_UNITS * USD,
		keeper_reward_share: MAX_KEEPER_REWARD_SHARE,
		max_paid_restarts: MAX_PAID_RESTARTS,
	};
	assert_eq!(edge.validate(QUOTE_DECIMALS), Ok(()));
	// The other ends: no penalty, premium, keeper reward or paid restart, partial closes only
	// by the health ratio, no dust, the least decay and discount, an auction that never ages.
	let low = LiquidationParams {
		close_buffer: Permill::from_parts(1),
		full_liquidation_ratio: Permill::zero(),
		dust_notional: 0,
		liquidation_penalty: Permill::zero(),
		auction_base_premium: Permill::zero(),
		auction_max_premium: Permill::zero(),
		auction_base_decay: Permill::from_parts(1),
		auction_max_discount: Permill::from_parts(1),
		auction_max_age: u32::MAX,
		max_auction_value: Balance::MAX,
		max_auction_value_per_asset: Balance::MAX,
		keeper_reward: 0,
		keeper_reward_share: Permill::zero(),
		max_paid_restarts: 0,
	};
	assert_eq!(low.validate(QUOTE_DECIMALS), Ok(()));
}

#[test]
fn each_rule_refuses_a_value_just_past_its_bound() {
	for (name, params, error) in violations() {
		assert_eq!(params.validate(QUOTE_DECIMALS), Err(error), "{name}");
	}
}

#[test]
fn amount_bounds_are_in_whole_quote_units() {
	let dust = with(|p| {
		p.dust_notional = 10_000 * 100;
		p.keeper_reward = 0;
	});
	// 10,000 units of a 2-decimal quote asset is the bound; of a 0-decimal one, far past it.
	assert_eq!(dust.validate(2), Ok(()));
	assert_eq!(dust.validate(0), Err(ParamError::DustNotionalTooHigh));
	// A decimals count whose unit overflows saturates: nothing is too large.
	assert_eq!(with(|p| p.keeper_reward = Balance::MAX).validate(60), Ok(()));
}

#[test]
fn set_params_stores_the_value_and_emits_params_set() {
	test(|| {
		let params = with(|p| {
			p.liquidation_penalty = Permill::from_percent(5);
			p.auction_max_age = 200;
		});
		assert_ok!(Liquidation::set_params(RuntimeOrigin::root(), params.clone()));
		assert_eq!(Params::<Test>::get(), params);
		assert_eq!(Liquidation::params(), params);
		assert_eq!(events(), vec![Event::ParamsSet { params }]);
	});
}

#[test]
fn an_empty_store_reads_the_defaults() {
	test(|| {
		assert!(!Params::<Test>::exists());
		assert_eq!(Params::<Test>::get(), defaults());
	});
}

#[test]
fn set_params_errors() {
	test(|| {
		assert_noop!(Liquidation::set_params(signed(ALICE), defaults()), DispatchError::BadOrigin);
		for (name, params, error) in violations() {
			let expected = || -> Error<Test> { error.into() };
			assert_eq!(
				Liquidation::set_params(RuntimeOrigin::root(), params.clone()),
				Err(expected().into()),
				"{name}"
			);
			assert_noop!(Liquidation::set_params(RuntimeOrigin::root(), params), expected());
		}
	});
}

#[test]
fn each_param_error_maps_to_the_pallet_error_of_its_name() {
	for (_, _, error) in violations() {
		let e: Error<Test> = error.into();
		assert_eq!(format!("{e:?}"), format!("{error:?}"));
	}
}

#[test]
fn a_higher_penalty_set_by_governance_is_charged_in_the_next_liquidation() {
	test(|| {
		assert_ok!(Liquidation::set_params(
			RuntimeOrigin::root(),
			with(|p| p.liquidation_penalty = Permill::from_percent(5))
		));
		// As `deep_losses_close_everything`, where 2 % of 905 is 18.1: now 5 %, 45.25.
		long_btc(ALICE, 100);
		set_price(BTC_PERP, 905);
		let events = next_block();
		assert_eq!(
			events[0],
			Event::PositionsLiquidated {
				who: ALICE,
				sub: ISO,
				fraction: Permill::one(),
				closed_notional: 905 * USD,
				penalty: 45_250_000,
			}
		);
	});
}

#[test]
fn a_shorter_max_age_set_by_governance_makes_a_live_auction_restartable() {
	test(|| {
		let id = start_auction();
		System::set_block_number(System::block_number() + 20);
		assert_noop!(Liquidation::restart(signed(KEEPER), id), Error::<Test>::AuctionNotStale);
		assert_ok!(Liquidation::set_params(
			RuntimeOrigin::root(),
			with(|p| p.auction_max_age = MIN_AUCTION_MAX_AGE)
		));
		assert_ok!(Liquidation::restart(signed(KEEPER), id));
	});
}

#[test]
fn try_state_refuses_params_outside_the_bounds() {
	new_test_ext().execute_with(|| {
		assert_ok!(Liquidation::do_try_state());
		for (name, params, _) in violations() {
			Params::<Test>::put(params);
			assert!(Liquidation::do_try_state().is_err(), "{name}");
		}
		Params::<Test>::put(defaults());
		assert_ok!(Liquidation::do_try_state());
	});
}
