//! Benchmarks of `pallet_options` (frame-benchmarking v2).
//!
//! `buy`, `add_liquidity` and `withdraw_liquidity` run with `s` live series
//! (up to [`Config::MaxLiveSeries`]), each with open interest: the vault's book values them all
//! (three Black–Scholes evaluations each). `settle_position` is measured as one position paid
//! by `on_initialize`'s settlement, `start_settlement(s)` as fixing a series after looking
//! through `s` expired ones. Prices and margin accounts come from the runtime's
//! [`crate::BenchmarkHelper`].

use super::*;
use ballast_primitives::{traits::PriceProvider, OracleKey};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::EnsureOrigin,
	frame_system::{Pallet as System, RawOrigin},
	sp_arithmetic::{traits::Saturating, FixedU128},
};

fn assert_last_event<T: Config>(event: Event<T>) {
	System::<T>::assert_last_event(<T as Config>::RuntimeEvent::from(event).into());
}

/// The oracle key the benchmarks price options on.
const KEY: OracleKey = 1;
/// Its decimals (BTC's).
const DECIMALS: u8 = 8;
/// A quantity worth trading: 0.01 of a token.
const QUANTITY: Balance = 1_000_000;

fn underlying() -> UnderlyingParams {
	UnderlyingParams {
		base_decimals: DECIMALS,
		vol_multiplier: FixedU128::from_u32(1),
		skew_down: FixedU128::from_rational(1, 10),
		skew_up: FixedU128::from_rational(1, 10),
		min_volatility: FixedU128::from_rational(1, 2),
		max_volatility: FixedU128::from_u32(3),
		spread: Permill::from_percent(2),
		max_delta: Balance::MAX / 4,
		max_vega: Balance::MAX / 4,
	}
}

fn governance<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

/// The spot the helper priced `KEY` at.
fn spot<T: Config>() -> Result<Price, BenchmarkError> {
	T::Prices::price(KEY).map(|p| p.price).ok_or(BenchmarkError::Stop("no price"))
}

/// `KEY` configured and priced, a funded vault, and exactly `s` live series, all on it
/// (strikes around the spot, a week to expiry), each with open interest. Series a genesis
/// listed are retired first, so `s` is the number the vault's book values (and `s` up to
/// `MaxLiveSeries` can be listed). Returns the series ids.
fn setup<T: Config>(s: u32) -> Result<Vec<SeriesId>, BenchmarkError> {
	ActiveSeries::<T>::kill();
	T::BenchmarkHelper::price(KEY);
	Pallet::<T>::do_set_underlying(KEY, underlying())
		.map_err(|_| BenchmarkError::Stop("cannot configure the underlying"))?;
	Rules::<T>::put(VaultRules { min_premium: 0, ..Default::default() });
	let lp: T::AccountId = account("lp", 0, 0);
	let amount = T::BenchmarkHelper::fund_quote(&lp);
	Pallet::<T>::do_add_liquidity(&lp, amount, 0)
		.map_err(|_| BenchmarkError::Stop("cannot fund the vault"))?;
	let spot = spot::<T>()?;
	let expiry = T::Prices::now().saturating_add(7 * 86_400_000);
	let mut ids = Vec::new();
	for i in 0..s {
		let strike = spot.saturating_mul(FixedU128::from_rational(u128::from(i % 20 + 90), 100));
		let kind = if i % 2 == 0 { OptionKind::Call } else { OptionKind::Put };
		let id =
			Pallet::<T>::do_list_series(SeriesParams { underlying: KEY, strike, expiry, kind })
				.map_err(|_| BenchmarkError::Stop("cannot list a series"))?;
		// One holder per series (an account holds at most `MaxPositions`).
		let holder: T::AccountId = account("holder", i, 0);
		let sub = T::BenchmarkHelper::cross_account(&holder);
		Pallet::<T>::do_buy(&holder, sub, id, QUANTITY, Balance::MAX)
			.map_err(|_| BenchmarkError::Stop("cannot open interest"))?;
		ids.push(id);
	}
	Ok(ids)
}

/// An LP with shares of a vault with `s` live series.
fn funded_lp<T: Config>(s: u32) -> Result<T::AccountId, BenchmarkError> {
	setup::<T>(s)?;
	let who: T::AccountId = whitelisted_caller();
	let amount = T::BenchmarkHelper::fund_quote(&who);
	Pallet::<T>::do_add_liquidity(&who, amount, 0)
		.map_err(|_| BenchmarkError::Stop("cannot add liquidity"))?;
	Ok(who)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_underlying() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::price(KEY);
		let origin = governance::<T>()?;
		let p = underlying();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, KEY, p);

		assert_last_event::<T>(Event::UnderlyingSet { underlying: KEY, params: p });
		Ok(())
	}

	#[benchmark]
	fn list_series() -> Result<(), BenchmarkError> {
		setup::<T>(0)?;
		let count = SeriesCount::<T>::get();
		let origin =
			T::ListOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let p = SeriesParams {
			underlying: KEY,
			strike: spot::<T>()?,
			expiry: T::Prices::now().saturating_add(86_400_000),
			kind: OptionKind::Call,
		};

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, p);

		assert_eq!(SeriesCount::<T>::get(), count.saturating_add(1));
		Ok(())
	}

	#[benchmark]
	fn buy(s: Linear<1, { T::MaxLiveSeries::get() }>) -> Result<(), BenchmarkError> {
		let ids = setup::<T>(s)?;
		let who: T::AccountId = whitelisted_caller();
		let sub = T::BenchmarkHelper::cross_account(&who);
		let id = *ids.first().ok_or(BenchmarkError::Stop("no series"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), sub, id, QUANTITY, Balance::MAX);

		assert!(Positions::<T>::contains_key(id, (&who, sub)));
		Ok(())
	}

	#[benchmark]
	fn sell() -> Result<(), BenchmarkError> {
		let ids = setup::<T>(1)?;
		let who: T::AccountId = whitelisted_caller();
		let sub = T::BenchmarkHelper::cross_account(&who);
		let id = *ids.first().ok_or(BenchmarkError::Stop("no series"))?;
		Pallet::<T>::do_buy(&who, sub, id, QUANTITY.saturating_mul(2), Balance::MAX)
			.map_err(|_| BenchmarkError::Stop("cannot buy"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), sub, id, QUANTITY, 0);

		assert_eq!(Positions::<T>::get(id, (&who, sub)).map(|p| p.quantity), Some(QUANTITY));
		Ok(())
	}

	#[benchmark]
	fn add_liquidity(s: Linear<0, { T::MaxLiveSeries::get() }>) -> Result<(), BenchmarkError> {
		setup::<T>(s)?;
		let who: T::AccountId = whitelisted_caller();
		let amount = T::BenchmarkHelper::fund_quote(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount, 1);

		assert!(LpShares::<T>::get(&who) > 0);
		Ok(())
	}

	#[benchmark]
	fn request_withdrawal() -> Result<(), BenchmarkError> {
		let who = funded_lp::<T>(0)?;
		let shares = LpShares::<T>::get(&who) / 4;
		Pallet::<T>::do_request_withdrawal(&who, shares)
			.map_err(|_| BenchmarkError::Stop("cannot request a withdrawal"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), shares);

		assert_eq!(PendingExits::<T>::get(&who).map(|e| e.shares), Some(shares.saturating_mul(2)));
		Ok(())
	}

	#[benchmark]
	fn withdraw_liquidity(s: Linear<0, { T::MaxLiveSeries::get() }>) -> Result<(), BenchmarkError> {
		let who = funded_lp::<T>(s)?;
		let shares = LpShares::<T>::get(&who) / 2;
		let exit = Pallet::<T>::do_request_withdrawal(&who, shares)
			.map_err(|_| BenchmarkError::Stop("cannot request a withdrawal"))?;
		System::<T>::set_block_number(exit.ready_at);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 1);

		assert!(PendingExits::<T>::get(&who).is_none());
		Ok(())
	}

	#[benchmark]
	fn cancel_withdrawal() -> Result<(), BenchmarkError> {
		let who = funded_lp::<T>(0)?;
		let shares = LpShares::<T>::get(&who) / 2;
		Pallet::<T>::do_request_withdrawal(&who, shares)
			.map_err(|_| BenchmarkError::Stop("cannot request a withdrawal"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(PendingExits::<T>::get(&who).is_none());
		Ok(())
	}

	#[benchmark]
	fn set_vault_rules() -> Result<(), BenchmarkError> {
		let origin = governance::<T>()?;
		let rules = VaultRules { exit_notice: 100, ..Default::default() };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, rules);

		assert_eq!(Rules::<T>::get(), rules);
		Ok(())
	}

	#[benchmark]
	fn settle_idle() -> Result<(), BenchmarkError> {
		setup::<T>(T::MaxLiveSeries::get())?;

		#[block]
		{
			Pallet::<T>::settle_expired(Weight::zero());
		}

		assert!(Settling::<T>::get().is_none());
		Ok(())
	}

	/// Looking through `s` expired series, none with a settlement price but the last.
	#[benchmark]
	fn start_settlement(s: Linear<1, { T::MaxLiveSeries::get() }>) -> Result<(), BenchmarkError> {
		let ids = setup::<T>(s)?;
		let expiry = ids
			.first()
			.and_then(|id| AllSeries::<T>::get(id))
			.map(|x| x.params.expiry)
			.ok_or(BenchmarkError::Stop("no series"))?;
		// Settlement needs a price stamped at or after expiry: the helper prices "now".
		T::BenchmarkHelper::expire(expiry);
		T::BenchmarkHelper::price(KEY);

		#[block]
		{
			Pallet::<T>::settle_expired(Weight::zero());
		}

		assert!(Settling::<T>::get().is_some() || ActiveSeries::<T>::get().len() < ids.len());
		Ok(())
	}

	#[benchmark]
	fn settle_position() -> Result<(), BenchmarkError> {
		let ids = setup::<T>(1)?;
		let id = *ids.first().ok_or(BenchmarkError::Stop("no series"))?;
		for i in 0..2u32 {
			let who: T::AccountId = account("settled", i, 0);
			let sub = T::BenchmarkHelper::cross_account(&who);
			Pallet::<T>::do_buy(&who, sub, id, QUANTITY, Balance::MAX)
				.map_err(|_| BenchmarkError::Stop("cannot buy"))?;
		}
		let expiry =
			AllSeries::<T>::get(id).map(|x| x.params.expiry).ok_or(BenchmarkError::Stop("no"))?;
		T::BenchmarkHelper::expire(expiry);
		T::BenchmarkHelper::price(KEY);
		// Fix it (and pay one position); the measured block pays one more.
		Pallet::<T>::settle_expired(Weight::zero());
		let left = Positions::<T>::iter_prefix(id).count();

		#[block]
		{
			Pallet::<T>::settle_expired(Weight::zero());
		}

		assert_eq!(Positions::<T>::iter_prefix(id).count(), left.saturating_sub(1));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
