//! The pallet's logic, outside the `#[pallet]` module so that the workspace's panic lints
//! (which that module has to relax for the macro-generated code) keep applying to it.

use crate::{pallet::*, risk, weights::WeightInfo, CollateralParamsOf, LOG_TARGET};
use alloc::vec::Vec;
use ballast_primitives::{
	traits::{CollateralRisk, CollateralTerms, PriceProvider},
	AssetId, AssetStatus, Balance,
};
use polkadot_sdk::{
	frame_support::{dispatch::DispatchResult, ensure, pallet_prelude::Get, weights::Weight},
	sp_arithmetic::{PerThing, Permill},
};

impl<T: Config> Pallet<T> {
	/// The parameter set of `asset`, if listed.
	pub fn params(asset: AssetId) -> Option<CollateralParamsOf<T>> {
		AssetParams::<T>::get(asset)
	}

	/// The tracked volatility of `asset` (zero if never observed or set).
	pub fn volatility(asset: AssetId) -> Permill {
		AssetVolatility::<T>::get(asset).map(|s| s.volatility).unwrap_or_default()
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
		risk::validate(&params).map_err(Error::<T>::from)?;
		ListedAssets::<T>::try_mutate(|listed| listed.try_push(asset))
			.map_err(|_| Error::<T>::TooManyAssets)?;
		AssetParams::<T>::insert(asset, params);
		Self::deposit_event(Event::AssetRegistered { asset });
		Ok(())
	}

	/// Replace the parameter set of a listed `asset`. Used by `update_params`.
	pub(crate) fn do_update_params(
		asset: AssetId,
		params: CollateralParamsOf<T>,
	) -> DispatchResult {
		AssetParams::<T>::try_mutate(asset, |stored| -> DispatchResult {
			let stored = stored.as_mut().ok_or(Error::<T>::UnknownAsset)?;
			risk::validate(&params).map_err(Error::<T>::from)?;
			let (from, to) = (stored.status, params.status);
			*stored = params;
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

	/// Set the tracked volatility of a listed `asset`. Used by `set_volatility` and genesis.
	pub(crate) fn do_set_volatility(asset: AssetId, volatility: Permill) -> DispatchResult {
		ensure!(AssetParams::<T>::contains_key(asset), Error::<T>::UnknownAsset);
		ensure!(volatility.deconstruct() <= Permill::ACCURACY, Error::<T>::PermillOutOfRange);
		AssetVolatility::<T>::mutate(asset, |state| {
			let state = state.get_or_insert_with(Default::default);
			state.variance = risk::variance_from_volatility(volatility);
			state.volatility = volatility;
		});
		Self::deposit_event(Event::VolatilitySet { asset, volatility });
		Ok(())
	}

	/// Fold each listed asset's latest oracle price into its volatility estimate. Returns the
	/// weight used.
	pub(crate) fn observe_prices() -> Weight {
		let listed = ListedAssets::<T>::get();
		let decay = T::VolatilityDecay::get();
		for asset in listed.iter().copied() {
			let Some(params) = AssetParams::<T>::get(asset) else {
				log::error!(target: LOG_TARGET, "listed asset {asset} has no parameters");
				continue;
			};
			let Some(observed) = T::Prices::price(params.oracle_key) else { continue };
			// The reference of conservative (liquidation) pricing: the last price that was
			// fresh and inside the asset's bounds.
			let valid = !observed.is_stale(T::Prices::now(), params.max_price_age)
				&& observed.price >= params.min_price
				&& observed.price <= params.max_price;
			if valid && LastValidPrice::<T>::get(params.oracle_key) != Some(observed.price) {
				LastValidPrice::<T>::insert(params.oracle_key, observed.price);
			}
			let mut state = AssetVolatility::<T>::get(asset).unwrap_or_default();
			if risk::observe(&mut state, observed, params.min_price, params.max_price, decay) {
				AssetVolatility::<T>::insert(asset, state);
			}
		}
		T::WeightInfo::on_initialize(u32::try_from(listed.len()).unwrap_or(u32::MAX))
	}

	/// Checks the pallet's invariants:
	///
	/// * every stored parameter set validates;
	/// * [`ListedAssets`] holds no duplicates and exactly the keys of [`AssetParams`];
	/// * [`AssetVolatility`] has entries only for listed assets, with volatilities ≤ 100%.
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

		for (asset, state) in AssetVolatility::<T>::iter() {
			ensure!(listed_set.contains(&asset), "volatility entry for an unlisted asset");
			ensure!(state.volatility <= Permill::one(), "volatility above 100%");
		}
		Ok(())
	}
}

impl<T: Config> CollateralRisk for Pallet<T> {
	fn terms(asset: AssetId, holding: Balance) -> Option<CollateralTerms> {
		let params = AssetParams::<T>::get(asset)?;
		Some(risk::terms(&params, Self::volatility(asset), holding))
	}

	fn volatility(asset: AssetId) -> Permill {
		Self::volatility(asset)
	}
}
