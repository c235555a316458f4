//! The governed liquidation parameters: replacing them (`set_params`) within their hard bounds.

use crate::{pallet::*, types::LiquidationParams};
use polkadot_sdk::frame_support::{pallet_prelude::DispatchResult, traits::Get};

impl<T: Config> Pallet<T> {
	/// The liquidation parameters in force: [`Params`] (its default while governance has set
	/// none is [`Config::DefaultParams`]).
	pub fn params() -> LiquidationParams {
		Params::<T>::get()
	}

	/// Validate `params` against the hard bounds and store them. Used by `set_params`.
	pub(crate) fn do_set_params(params: LiquidationParams) -> DispatchResult {
		params.validate(T::QuoteDecimals::get()).map_err(Error::<T>::from)?;
		Params::<T>::put(params.clone());
		Self::deposit_event(Event::ParamsSet { params });
		Ok(())
	}
}
