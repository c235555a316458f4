//! The pallet's logic, outside the `#[pallet]` module so that the workspace's panic lints
//! (which that module has to relax for the macro-generated code) keep applying to it.

use crate::{pallet::*, risk, CollateralParamsOf, Tightening, LOG_TARGET};
use alloc::vec::Vec;
use ballast_primitives::{
	traits::{CollateralHoldings, CollateralRisk, CollateralTerms, PriceProvider},
	AssetId, AssetStatus, Balance,
};
use polkadot_sdk::{
	frame_support::{dispatch::DispatchResult, ensure, traits::Get},
	sp_arithmetic::Permill,
};

impl<T: Config> Pallet<T> {
	/// The parameter set of `asset`, if listed.
	pub fn params(asset: AssetId) -> Option<CollateralParamsOf<T>> {
		AssetParams::<T>::get(asset)
	}

	/// The volatility of `asset`: the price guard's for its oracle key (zero if the asset is not
	/// listed or the guard knows none).
	pub fn volatility(asset: AssetId) -> Permill {
		AssetParams::<T>::get(asset)
			.map(|params| T::Prices::volatility(params.oracle_key))
			.unwrap_or_default()
	}

	/// Validate `params` and check that the price guard guards its oracle key.
	fn check(params: &CollateralParamsOf<T>) -> DispatchResult {
		risk::validate(params).map_err(Error::<T>::from)?;
		ensure!(T::Prices::bounds(params.oracle_key).is_some(), Error::<T>::UnguardedOracleKey);
		Ok(())
	}

	/// The listed assets, in listing order.
	pub fn listed_assets() -> Vec<AssetId> {
		ListedAssets::<T>::get().into_inner()
	}

	/// Validate and list `asset`. Used by `register_asset` and genesis.
	pub(crate) fn do_register_asset(
		asset: AssetId,
		params: CollateralParamsOf<T>,
	) -> DispatchResult {
		ensure!(!AssetParams::<T>::contains_key(asset), Error::<T>::AssetAlreadyRegistered);
		Self::check(&params)?;
		ListedAssets::<T>::try_mutate(|listed| listed.try_push(asset))
			.map_err(|_| Error::<T>::TooManyAssets)?;
		AssetParams::<T>::insert(asset, params);
		Self::deposit_event(Event::AssetRegistered { asset });
		Ok(())
	}

	/// Replace the parameter set of a listed `asset`. Used by `update_params`. What the asset
	/// is (its oracle key and decimals) changes only while margin accounts hold none of it.
	pub(crate) fn do_update_params(
		asset: AssetId,
		params: CollateralParamsOf<T>,
	) -> DispatchResult {
		AssetParams::<T>::try_mutate(asset, |stored| -> DispatchResult {
			let stored = stored.as_mut().ok_or(Error::<T>::UnknownAsset)?;
			Self::check(&params)?;
			if (stored.oracle_key, stored.decimals) != (params.oracle_key, params.decimals) {
				ensure!(T::Holdings::total_held(asset) == 0, Error::<T>::AssetInUse);
			}
			let (from, to) = (stored.status, params.status);
			*stored = params;
			// A full decision supersedes the emergency tightenings made since the last one.
			EmergencyTightenings::<T>::remove(asset);
			if from != to {
				Self::deposit_event(Event::StatusChanged { asset, from, to });
			}
			Ok(())
		})?;
		Self::deposit_event(Event::ParamsUpdated { asset });
		Ok(())
	}

	/// Change the status of a listed `asset`. Used by `set_status`.
	pub(crate) fn do_set_status(asset: AssetId, status: AssetStatus) -> DispatchResult {
		let from = AssetParams::<T>::try_mutate(asset, |stored| {
			let stored = stored.as_mut().ok_or(Error::<T>::UnknownAsset)?;
			ensure!(stored.status != status, Error::<T>::StatusUnchanged);
			Ok::<_, Error<T>>(core::mem::replace(&mut stored.status, status))
		})?;
		Self::deposit_event(Event::StatusChanged { asset, from, to: status });
		Ok(())
	}

	/// Change the caps of a listed `asset`. Used by `set_caps`.
	pub(crate) fn do_set_caps(
		asset: AssetId,
		supply_cap: Balance,
		account_cap: Balance,
	) -> DispatchResult {
		AssetParams::<T>::try_mutate(asset, |stored| {
			let stored = stored.as_mut().ok_or(Error::<T>::UnknownAsset)?;
			risk::validate_caps(supply_cap, account_cap).map_err(Error::<T>::from)?;
			stored.supply_cap = supply_cap;
			stored.account_cap = account_cap;
			Ok::<_, Error<T>>(())
		})?;
		Self::deposit_event(Event::CapsUpdated { asset, supply_cap, account_cap });
		Ok(())
	}

	/// Tighten a listed `asset` by `step` at once, within the emergency bound. Used by
	/// `emergency_tighten`.
	pub(crate) fn do_emergency_tighten(asset: AssetId, step: Tightening) -> DispatchResult {
		ensure!(!step.is_zero(), Error::<T>::NothingToTighten);
		let total = AssetParams::<T>::try_mutate(asset, |stored| {
			let stored = stored.as_mut().ok_or(Error::<T>::UnknownAsset)?;
			let total = EmergencyTightenings::<T>::get(asset)
				.unwrap_or_default()
				.then_within(&step, &T::EmergencyBound::get())
				.ok_or(Error::<T>::EmergencyBoundExceeded)?;
			*stored = risk::tighten(stored, &step).map_err(Error::<T>::from)?;
			Ok::<_, Error<T>>(total)
		})?;
		EmergencyTightenings::<T>::insert(asset, total);
		Self::deposit_event(Event::EmergencyTightened { asset, step, total });
		Ok(())
	}

	/// Checks the pallet's invariants:
	///
	/// * every stored parameter set validates;
	/// * [`ListedAssets`] holds no duplicates and exactly the keys of [`AssetParams`];
	/// * every [`EmergencyTightenings`] total is of a listed asset, non-zero and within
	///   [`Config::EmergencyBound`].
	///
	/// Not checked: that each oracle key is still guarded. That is the price guard's state; an
	/// unguarded key leaves the asset without a usable price (it fails closed), not the registry
	/// inconsistent.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeSet;

		let listed = ListedAssets::<T>::get();
		let listed_set: BTreeSet<AssetId> = listed.iter().copied().collect();
		ensure!(listed_set.len() == listed.len(), "ListedAssets holds a duplicate");

		let mut registered = BTreeSet::new();
		for (asset, params) in AssetParams::<T>::iter() {
			if let Err(e) = risk::validate(&params) {
				log::error!(target: LOG_TARGET, "asset {asset}: stored params invalid: {e:?}");
				return Err("stored parameter set does not validate".into());
			}
			registered.insert(asset);
		}
		ensure!(registered == listed_set, "ListedAssets differs from the keys of AssetParams");

		let bound = T::EmergencyBound::get();
		for (asset, total) in EmergencyTightenings::<T>::iter() {
			ensure!(listed_set.contains(&asset), "an emergency tightening of an unlisted asset");
			ensure!(!total.is_zero(), "a zero emergency tightening is stored");
			ensure!(total.within(&bound), "an emergency tightening exceeds EmergencyBound");
		}
		Ok(())
	}
}

impl<T: Config> CollateralRisk for Pallet<T> {
	fn terms(asset: AssetId, holding: Balance) -> Option<CollateralTerms> {
		let params = AssetParams::<T>::get(asset)?;
		let volatility = T::Prices::volatility(params.oracle_key);
		Some(risk::terms(&params, volatility, holding))
	}

	fn volatility(asset: AssetId) -> Permill {
		Self::volatility(asset)
	}
}
