//! Benchmarks of `pallet_margin_accounts` (frame-benchmarking v2).
//!
//! Every call is measured on an account holding every collateral asset the runtime lists and
//! positions in every market it may trade (opened by the runtime's [`crate::BenchmarkHelper`]
//! through the derivative pallets): the valuation behind the margin test, and the liquidation
//! engine's re-indexing (`OnChange`), read all of it. Deposits, withdrawals and transfers go to
//! or from an isolated account, whose re-indexing also computes a liquidation price.

use super::*;
use ballast_primitives::CROSS_ACCOUNT;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_system::{Pallet as System, RawOrigin},
};

fn assert_last_event<T: Config>(event: Event<T>) {
	System::<T>::assert_last_event(<T as Config>::RuntimeEvent::from(event).into());
}

/// `who` with every collateral asset in its cross account and in an isolated account bound to
/// the helper's market, each with positions; quote only in the cross account, so that the
/// isolated account has a liquidation price (it is filed in the liquidation index, and every
/// change re-files it). Returns the isolated sub-account.
fn loaded_accounts<T: Config>(
	who: &T::AccountId,
	collateral: &[(AssetId, Balance)],
) -> Result<SubAccount, BenchmarkError> {
	native_for_deposits::<T>(who);
	let sub = Pallet::<T>::do_create_isolated(who, T::BenchmarkHelper::market())
		.map_err(|_| BenchmarkError::Stop("cannot open an isolated account"))?;
	for (asset, amount) in collateral {
		T::BenchmarkHelper::fund(who, *asset, amount.saturating_mul(4));
		for s in [CROSS_ACCOUNT, sub] {
			Pallet::<T>::do_deposit(who, s, *asset, *amount)
				.map_err(|_| BenchmarkError::Stop("cannot deposit"))?;
		}
	}
	let quote = T::BenchmarkHelper::quote_amount();
	T::BenchmarkHelper::fund(who, T::QuoteAsset::get(), quote.saturating_mul(4));
	Pallet::<T>::do_deposit(who, CROSS_ACCOUNT, T::QuoteAsset::get(), quote)
		.map_err(|_| BenchmarkError::Stop("cannot deposit quote"))?;
	for s in [CROSS_ACCOUNT, sub] {
		T::BenchmarkHelper::open_positions(who, s);
	}
	Ok(sub)
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
	fn deposit() -> Result<(), BenchmarkError> {
		let collateral = T::BenchmarkHelper::setup();
		let who: T::AccountId = whitelisted_caller();
		let sub = loaded_accounts::<T>(&who, &collateral)?;
		let (asset, amount) =
			collateral.first().copied().ok_or(BenchmarkError::Stop("no collateral"))?;
		let amount = amount / 10;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), sub, asset, amount);

		assert_last_event::<T>(Event::Deposited { who, sub, asset, amount });
		Ok(())
	}

	#[benchmark]
	fn withdraw() -> Result<(), BenchmarkError> {
		let collateral = T::BenchmarkHelper::setup();
		let who: T::AccountId = whitelisted_caller();
		let sub = loaded_accounts::<T>(&who, &collateral)?;
		let (asset, amount) =
			collateral.first().copied().ok_or(BenchmarkError::Stop("no collateral"))?;
		let amount = amount / 10;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), sub, asset, amount);

		assert_last_event::<T>(Event::Withdrawn { who, sub, asset, amount });
		Ok(())
	}

	#[benchmark]
	fn transfer() -> Result<(), BenchmarkError> {
		let collateral = T::BenchmarkHelper::setup();
		let who: T::AccountId = whitelisted_caller();
		let sub = loaded_accounts::<T>(&who, &collateral)?;
		let (asset, amount) =
			collateral.first().copied().ok_or(BenchmarkError::Stop("no collateral"))?;
		let amount = amount / 10;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), CROSS_ACCOUNT, sub, asset, amount);

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
		T::BenchmarkHelper::setup();
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
		T::BenchmarkHelper::setup();
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
		T::BenchmarkHelper::setup();
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
