//! Benchmarks of `pallet_margin_accounts` (frame-benchmarking v2).
//!
//! The calls that value an account are measured by its class: `p` positions (up to
//! [`Config::MaxPositions`], opened by the runtime's [`crate::BenchmarkHelper`] through the
//! derivative pallets, markets listed as needed) and `c` collateral assets (up to
//! [`Config::MaxCollateralAssets`], listed as needed). The valuation behind the margin test and
//! the liquidation engine's re-filing (`OnChange`: the account's valuation, its triggers by
//! position and asset) read all of it. Each dispatchable declares the largest class and is
//! refunded to the class of the accounts it touched ([`Pallet::account_class`]).
//!
//! * `deposit(p, c)` and `withdraw(p, c)`: a tenth of the first collateral asset into or out
//!   of a cross account of class `(p, c)` (the holding stays: the class does not change).
//! * `transfer(p, c)`: the same from that cross account to an isolated account bound to the
//!   helper's market holding the same `c` assets and, if `p > 0`, a position (so that it has a
//!   liquidation price, and every change re-files it in the liquidation-price index too).

use super::*;
use alloc::vec::Vec;
use ballast_primitives::CROSS_ACCOUNT;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_system::{Pallet as System, RawOrigin},
};

fn assert_last_event<T: Config>(event: Event<T>) {
	System::<T>::assert_last_event(<T as Config>::RuntimeEvent::from(event).into());
}

/// `c` collateral assets with fresh prices, each with an amount worth depositing.
fn collateral<T: Config>(c: u32) -> Result<Vec<(AssetId, Balance)>, BenchmarkError> {
	let collateral = T::BenchmarkHelper::setup(c);
	if collateral.len() != c as usize {
		return Err(BenchmarkError::Stop("BenchmarkHelper::setup returned too few assets"));
	}
	Ok(collateral)
}

/// Deposit each of `collateral` into `(who, sub)` (funding the wallet first).
fn deposit_all<T: Config>(
	who: &T::AccountId,
	sub: SubAccount,
	collateral: &[(AssetId, Balance)],
) -> Result<(), BenchmarkError> {
	for (asset, amount) in collateral {
		T::BenchmarkHelper::fund(who, *asset, amount.saturating_mul(4));
		Pallet::<T>::do_deposit(who, sub, *asset, *amount)
			.map_err(|_| BenchmarkError::Stop("cannot deposit"))?;
	}
	Ok(())
}

/// `who`'s cross account of class `(p, c)`: every asset of `collateral`, ample quote, and `p`
/// positions.
fn cross_account<T: Config>(
	who: &T::AccountId,
	collateral: &[(AssetId, Balance)],
	p: u32,
) -> Result<(), BenchmarkError> {
	native_for_deposits::<T>(who);
	deposit_all::<T>(who, CROSS_ACCOUNT, collateral)?;
	let quote = T::BenchmarkHelper::quote_amount();
	T::BenchmarkHelper::fund(who, T::QuoteAsset::get(), quote.saturating_mul(4));
	Pallet::<T>::do_deposit(who, CROSS_ACCOUNT, T::QuoteAsset::get(), quote)
		.map_err(|_| BenchmarkError::Stop("cannot deposit quote"))?;
	T::BenchmarkHelper::open_positions(who, CROSS_ACCOUNT, p);
	let c = u32::try_from(collateral.len()).unwrap_or(u32::MAX);
	if Pallet::<T>::account_class(who, CROSS_ACCOUNT, None) != (p, c) {
		return Err(BenchmarkError::Stop("the cross account is not of class (p, c)"));
	}
	Ok(())
}

/// Enough native currency in `who`'s wallet for the deposits of every account it may open.
fn native_for_deposits<T: Config>(who: &T::AccountId) {
	use polkadot_sdk::frame_support::traits::fungible::{Inspect, Mutate};
	let need = T::AccountDeposit::get()
		.saturating_mul(u128::from(T::MaxIsolatedAccounts::get()).saturating_add(2))
		.saturating_add(T::Currency::minimum_balance().saturating_mul(10));
	T::Currency::set_balance(who, need);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn deposit(
		p: Linear<0, { T::MaxPositions::get() }>,
		c: Linear<1, { T::MaxCollateralAssets::get() }>,
	) -> Result<(), BenchmarkError> {
		let collateral = collateral::<T>(c)?;
		let who: T::AccountId = whitelisted_caller();
		cross_account::<T>(&who, &collateral, p)?;
		let (asset, amount) =
			collateral.first().copied().ok_or(BenchmarkError::Stop("no collateral"))?;
		let amount = amount / 10;
		let sub = CROSS_ACCOUNT;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), sub, asset, amount);

		assert_eq!(Pallet::<T>::account_class(&who, sub, None), (p, c));
		assert_last_event::<T>(Event::Deposited { who, sub, asset, amount });
		Ok(())
	}

	#[benchmark]
	fn withdraw(
		p: Linear<0, { T::MaxPositions::get() }>,
		c: Linear<1, { T::MaxCollateralAssets::get() }>,
	) -> Result<(), BenchmarkError> {
		let collateral = collateral::<T>(c)?;
		let who: T::AccountId = whitelisted_caller();
		cross_account::<T>(&who, &collateral, p)?;
		let (asset, amount) =
			collateral.first().copied().ok_or(BenchmarkError::Stop("no collateral"))?;
		let amount = amount / 10;
		let sub = CROSS_ACCOUNT;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), sub, asset, amount);

		assert_eq!(Pallet::<T>::account_class(&who, sub, None), (p, c));
		assert_last_event::<T>(Event::Withdrawn { who, sub, asset, amount });
		Ok(())
	}

	#[benchmark]
	fn transfer(
		p: Linear<0, { T::MaxPositions::get() }>,
		c: Linear<1, { T::MaxCollateralAssets::get() }>,
	) -> Result<(), BenchmarkError> {
		let collateral = collateral::<T>(c)?;
		let who: T::AccountId = whitelisted_caller();
		cross_account::<T>(&who, &collateral, p)?;
		let sub = Pallet::<T>::do_create_isolated(&who, T::BenchmarkHelper::market())
			.map_err(|_| BenchmarkError::Stop("cannot open an isolated account"))?;
		deposit_all::<T>(&who, sub, &collateral)?;
		T::BenchmarkHelper::open_positions(&who, sub, p.min(1));
		let (asset, amount) =
			collateral.first().copied().ok_or(BenchmarkError::Stop("no collateral"))?;
		let amount = amount / 10;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), CROSS_ACCOUNT, sub, asset, amount);

		assert_eq!(Pallet::<T>::account_class(&who, CROSS_ACCOUNT, None), (p, c));
		assert_last_event::<T>(Event::Transferred {
			who,
			from: CROSS_ACCOUNT,
			to: sub,
			asset,
			amount,
		});
		Ok(())
	}

	#[benchmark]
	fn create_isolated() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::setup(0);
		let who: T::AccountId = whitelisted_caller();
		native_for_deposits::<T>(&who);
		let market = T::BenchmarkHelper::market();
		// All but one isolated slot taken: the search for a free one walks them all.
		for _ in 1..T::MaxIsolatedAccounts::get() {
			Pallet::<T>::do_create_isolated(&who, market)
				.map_err(|_| BenchmarkError::Stop("cannot open an isolated account"))?;
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), market);

		let sub = T::MaxIsolatedAccounts::get();
		assert_last_event::<T>(Event::IsolatedAccountCreated { who, sub, market });
		Ok(())
	}

	#[benchmark]
	fn close_cross() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::setup(0);
		let who: T::AccountId = whitelisted_caller();
		native_for_deposits::<T>(&who);
		let quote = T::BenchmarkHelper::quote_amount();
		T::BenchmarkHelper::fund(&who, T::QuoteAsset::get(), quote);
		Pallet::<T>::do_deposit(&who, CROSS_ACCOUNT, T::QuoteAsset::get(), quote)
			.map_err(|_| BenchmarkError::Stop("cannot deposit quote"))?;
		Pallet::<T>::do_withdraw(&who, CROSS_ACCOUNT, T::QuoteAsset::get(), quote)
			.map_err(|_| BenchmarkError::Stop("cannot withdraw quote"))?;
		let held = AccountDeposits::<T>::get(&who, CROSS_ACCOUNT).unwrap_or(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_last_event::<T>(Event::AccountClosed { who, sub: CROSS_ACCOUNT, deposit: held });
		Ok(())
	}

	#[benchmark]
	fn close_isolated() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::setup(0);
		let who: T::AccountId = whitelisted_caller();
		native_for_deposits::<T>(&who);
		let sub = Pallet::<T>::do_create_isolated(&who, T::BenchmarkHelper::market())
			.map_err(|_| BenchmarkError::Stop("cannot open an isolated account"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), sub);

		assert_last_event::<T>(Event::IsolatedAccountClosed { who, sub });
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
