//! Benchmarks of `pallet_perpetuals` (frame-benchmarking v2).
//!
//! `trade`, `add_liquidity` and `withdraw_liquidity` run with [`Config::MaxMarkets`] markets, each
//! with open interest (the vault's NAV and its stress test read them all).
//!
//! * `trade(p, c)`: a cross account with `p` positions (up to [`Config::MaxMarkets`]) and `c`
//!   collateral assets (up to [`Config::MaxCollateralAssets`]) adds to one of its positions
//!   after the price moved, increasing the market's skew: the vault's stress test, the
//!   initial-margin test at fresh prices over the whole account, and the liquidation engine's
//!   re-filing (`OnChange`: the account's valuation, its triggers by position and asset, the
//!   position under a new entry price). The dispatchable declares the largest class and is
//!   refunded to the account's ([`Config::AccountClass`]).
//!
//! Accounts are funded and markets listed by the runtime's [`crate::BenchmarkHelper`] (through
//! the margin pallet, the registry and the price guard); `create_market` and `update_market` run
//! on an oracle key the helper has guarded (both read the key's guard).

use super::*;
use ballast_primitives::OracleKey;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::EnsureOrigin,
	frame_system::{Pallet as System, RawOrigin},
};

fn assert_last_event<T: Config>(event: Event<T>) {
	System::<T>::assert_last_event(<T as Config>::RuntimeEvent::from(event).into());
}

/// The oracle key the benchmarks create markets on.
const KEY: OracleKey = 1;

/// Have the runtime guard `key` (a market can only be created on a guarded key).
fn guarded<T: Config>(key: OracleKey) -> Result<(), BenchmarkError> {
	T::BenchmarkHelper::guard(key);
	if T::Prices::bounds(key).is_none() {
		return Err(BenchmarkError::Stop("BenchmarkHelper::guard left the oracle key unguarded"));
	}
	Ok(())
}

/// Valid parameters for a new market on `oracle_key`.
fn params(oracle_key: OracleKey) -> MarketParams {
	MarketParams {
		oracle_key,
		base_decimals: 8,
		initial_margin: Permill::from_percent(10),
		maintenance_margin: Permill::from_percent(5),
		max_long_oi: 1_000_000_000_000,
		max_short_oi: 1_000_000_000_000,
		taker_fee: Permill::from_parts(500),
		base_spread: Permill::from_parts(100),
		skew_scale: 100_000_000_000,
		max_premium: Permill::from_percent(1),
		max_funding_rate: Permill::from_parts(1_000),
		status: MarketStatus::Active,
	}
}

/// [`Config::MaxMarkets`] markets with open interest in every one: a helper account shorts a
/// small amount in each, against a vault an LP funded (the vault's stress test passes).
fn open_interest<T: Config>() -> Result<(), BenchmarkError> {
	T::BenchmarkHelper::list_markets(T::MaxMarkets::get());
	if NextMarketId::<T>::get() < T::MaxMarkets::get() {
		return Err(BenchmarkError::Stop("BenchmarkHelper::list_markets listed too few markets"));
	}
	let lp: T::AccountId = account("lp", 0, 0);
	let amount = T::BenchmarkHelper::fund_quote(&lp);
	Pallet::<T>::do_add_liquidity(&lp, amount, 0)
		.map_err(|_| BenchmarkError::Stop("cannot fund the vault"))?;
	let other: T::AccountId = account("other", 0, 0);
	let sub = T::BenchmarkHelper::cross_account(&other, 0);
	for market in Markets::<T>::iter_keys().collect::<Vec<_>>() {
		let size = T::BenchmarkHelper::trade_size(market);
		Pallet::<T>::do_trade(&other, sub, market, size.saturating_neg(), None)
			.map_err(|_| BenchmarkError::Stop("cannot open interest"))?;
	}
	Ok(())
}

/// An LP with shares of a vault with open interest.
fn funded_lp<T: Config>() -> Result<T::AccountId, BenchmarkError> {
	T::BenchmarkHelper::setup();
	open_interest::<T>()?;
	let who: T::AccountId = whitelisted_caller();
	let amount = T::BenchmarkHelper::fund_quote(&who);
	Pallet::<T>::do_add_liquidity(&who, amount, 0)
		.map_err(|_| BenchmarkError::Stop("cannot add liquidity"))?;
	Ok(who)
}

fn governance<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_market() -> Result<(), BenchmarkError> {
		guarded::<T>(KEY)?;
		let origin =
			T::ListingOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let p = params(KEY);
		let market = NextMarketId::<T>::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, p);

		assert_last_event::<T>(Event::MarketCreated { market, params: p });
		Ok(())
	}

	#[benchmark]
	fn update_market() -> Result<(), BenchmarkError> {
		guarded::<T>(KEY)?;
		let market = Pallet::<T>::do_create_market(params(KEY))
			.map_err(|_| BenchmarkError::Stop("cannot create a market"))?;
		let origin = governance::<T>()?;
		let mut p = params(KEY);
		p.taker_fee = Permill::from_parts(700);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, market, p);

		assert_last_event::<T>(Event::MarketUpdated { market, params: p });
		Ok(())
	}

	#[benchmark]
	fn trade(
		p: Linear<1, { T::MaxMarkets::get() }>,
		c: Linear<0, { T::MaxCollateralAssets::get() }>,
	) -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::setup();
		open_interest::<T>()?;
		let who: T::AccountId = whitelisted_caller();
		let sub = T::BenchmarkHelper::cross_account(&who, c);
		// One long per market in `0..p` (the helper account's shorts leave no skew): the trade
		// measured adds to the first one.
		for m in 0..p {
			let size = T::BenchmarkHelper::trade_size(m);
			Pallet::<T>::do_trade(&who, sub, m, size, None)
				.map_err(|_| BenchmarkError::Stop("cannot open a position"))?;
		}
		if T::AccountClass::class(&who, sub) != (p, c) {
			return Err(BenchmarkError::Stop("the account is not of class (p, c)"));
		}
		let market: MarketId = 0;
		let size = T::BenchmarkHelper::trade_size(market);
		T::BenchmarkHelper::move_prices();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), sub, market, size, None);

		let pos = Positions::<T>::get((&who, sub), market).map(|p| p.quantity);
		assert_eq!(pos, Some(size.saturating_mul(2)));
		Ok(())
	}

	#[benchmark]
	fn add_liquidity() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::setup();
		open_interest::<T>()?;
		let who: T::AccountId = whitelisted_caller();
		let amount = T::BenchmarkHelper::fund_quote(&who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount, 1);

		assert!(LpShares::<T>::get(&who) > 0);
		Ok(())
	}

	#[benchmark]
	fn request_withdrawal() -> Result<(), BenchmarkError> {
		let who = funded_lp::<T>()?;
		let shares = LpShares::<T>::get(&who) / 4;
		// A second request (the worst case: it adds to the first).
		Pallet::<T>::do_request_withdrawal(&who, shares)
			.map_err(|_| BenchmarkError::Stop("cannot request a withdrawal"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), shares);

		assert_eq!(PendingExits::<T>::get(&who).map(|e| e.shares), Some(shares.saturating_mul(2)));
		Ok(())
	}

	#[benchmark]
	fn withdraw_liquidity() -> Result<(), BenchmarkError> {
		let who = funded_lp::<T>()?;
		let shares = LpShares::<T>::get(&who) / 2;
		let exit = Pallet::<T>::do_request_withdrawal(&who, shares)
			.map_err(|_| BenchmarkError::Stop("cannot request a withdrawal"))?;
		System::<T>::set_block_number(exit.ready_at);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 1);

		assert!(PendingExits::<T>::get(&who).is_none());
		assert!(LpShares::<T>::get(&who) > 0);
		Ok(())
	}

	#[benchmark]
	fn cancel_withdrawal() -> Result<(), BenchmarkError> {
		let who = funded_lp::<T>()?;
		let shares = LpShares::<T>::get(&who) / 2;
		Pallet::<T>::do_request_withdrawal(&who, shares)
			.map_err(|_| BenchmarkError::Stop("cannot request a withdrawal"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(PendingExits::<T>::get(&who).is_none());
		Ok(())
	}

	#[benchmark]
	fn recapitalise_vault() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::setup();
		let who: T::AccountId = whitelisted_caller();
		let amount = T::BenchmarkHelper::fund_quote(&who);
		let cash = VaultState::<T>::get().cash;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);

		assert!(VaultState::<T>::get().cash > cash);
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

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
