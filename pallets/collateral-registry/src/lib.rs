//! # Collateral registry
//!
//! Per-asset risk parameters of Ballast's collateral assets, set by governance and validated
//! against hard bounds. Other pallets read them through
//! [`ballast_primitives::traits::CollateralRisk`], implemented here by [`Pallet`].
//!
//! The registry owns no prices. Price bounds, the maximum price age, the last valid price and
//! the tracked volatility are the price guard's, per oracle key, read through
//! [`Config::Prices`] ([`ballast_primitives::traits::PriceProvider`]): one place for every
//! asset, market and feed that uses the key.
//!
//! ## Model
//!
//! Each listed asset has one [`CollateralParams`] set:
//!
//! * **Oracle key**: the key the asset is priced under. Consumers price the asset with
//!   [`PriceProvider::checked`](ballast_primitives::traits::PriceProvider::checked), which applies
//!   the key's guard (bounds and maximum age).
//! * **Haircut schedule** ([`HaircutSchedule`]): the share of value *not* counted for the initial
//!   margin test. A `base` haircut, raised by volatility bands ([`VolatilityBand`]) as the
//!   volatility of the asset's oracle key rises, plus a concentration add-on
//!   ([`ConcentrationAddOn`]) that grows with the size of the holding relative to the market's
//!   depth.
//! * **Liquidation**: `liquidation_threshold`, the share of value counted for the maintenance
//!   test, and the liquidation penalty with the insurance fund's share of it.
//! * **Caps**: the most all margin accounts together (`supply_cap`) and any one account
//!   (`account_cap`) may hold.
//! * **Status** ([`ballast_primitives::AssetStatus`]): Active, ReduceOnly, Frozen or Delisted.
//!
//! [`CollateralRisk::terms`](ballast_primitives::traits::CollateralRisk::terms) turns a
//! parameter set, the volatility of its oracle key and a holding into
//! [`ballast_primitives::traits::CollateralTerms`]. The formulas are in [`risk`]:
//!
//! ```text
//! haircut            = min(99.9999%, band_haircut(volatility) + concentration_add_on(holding))
//! maintenance_weight = max(1 − haircut, liquidation_threshold − add_ons)
//! add_ons            = band_haircut(volatility) − base + concentration_add_on(holding)
//! ```
//!
//! so the maintenance test never counts less than the initial test does, and both tighten by
//! the same add-ons.
//!
//! ## Validation
//!
//! Nothing is stored unless [`risk::validate`] accepts it; each broken rule is its own
//! [`Error`] (see [`ParamsError`]): every haircut below 100%, bands strictly ascending in
//! volatility with haircuts at least the base and non-decreasing, a positive market depth, a
//! positive threshold no stricter than the initial margin (`threshold ≥ 1 − base`), a penalty
//! of at most [`risk::MAX_LIQUIDATION_PENALTY`] (25%) that leaves a liquidated account solvent
//! (`threshold × (1 + penalty) ≤ 100%`), positive caps with `account_cap ≤ supply_cap`, and
//! sane decimals. In addition the oracle key must be
//! guarded ([`PriceProvider::bounds`](ballast_primitives::traits::PriceProvider::bounds) is
//! `Some`), else [`Error::UnguardedOracleKey`]: an asset whose price no guard checks could never
//! be valued. An invalid call changes nothing.
//!
//! What an asset *is* (its oracle key and decimals) cannot change while margin accounts hold
//! any of it ([`Config::Holdings`]), else [`Error::AssetInUse`]: that would revalue every
//! holding by another key's price or by a power of ten at once. Its risk parameters can.
//!
//! ## Volatility
//!
//! The registry does not track volatility. The volatility bands are looked up with the price
//! guard's volatility of the asset's oracle key
//! ([`PriceProvider::volatility`](ballast_primitives::traits::PriceProvider::volatility)), read
//! whenever terms are computed; [`Pallet::volatility`] returns it per asset.
//!
//! ## Calls
//!
//! Each kind of decision has its own origin:
//!
//! * [`register_asset`](Pallet::register_asset) ([`Config::ListingOrigin`]): list a new asset.
//! * [`update_params`](Pallet::update_params) ([`Config::GovernanceOrigin`]): replace an
//!   asset's whole parameter set (its oracle key and decimals only while none of it is held).
//! * [`set_status`](Pallet::set_status): change the listing status: any status with
//!   [`Config::ListingOrigin`]; `Frozen` or `ReduceOnly` (stopping new risk, an emergency
//!   measure) also with [`Config::EmergencyOrigin`].
//! * [`set_caps`](Pallet::set_caps) ([`Config::GovernanceOrigin`]): change the supply and
//!   account caps.
//! * [`emergency_tighten`](Pallet::emergency_tighten) ([`Config::EmergencyOrigin`]): raise every
//!   haircut and lower the liquidation threshold of an asset **at once**, within
//!   [`Config::EmergencyBound`] in total.
//!
//! ## Notice, and the emergency exception
//!
//! A parameter change through `update_params` takes effect when its referendum enacts, after the
//! governance origin's enactment delay: the notice traders get to add margin before a stricter
//! requirement applies. The emergency origin may not wait: `emergency_tighten` applies a
//! [`Tightening`] immediately, but only in one direction (every haircut up by `haircut_rise`,
//! the threshold down by `threshold_cut`, the rest unchanged; [`risk::tighten`]) and only up to
//! a smaller bound: the total applied since governance last set the asset's parameters
//! ([`EmergencyTightenings`]) stays within [`Config::EmergencyBound`]. The next `update_params`
//! replaces the whole set and clears the total: a full decision, with notice, supersedes the
//! emergency one.
//!
//! Price bounds, maximum ages and volatility are set on the price guard.

#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(
	test,
	allow(
		clippy::unwrap_used,
		clippy::expect_used,
		clippy::indexing_slicing,
		clippy::arithmetic_side_effects,
		clippy::panic
	)
)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
// The generated benchmark test suite computes with floats.
#[cfg_attr(test, allow(clippy::float_arithmetic))]
mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
pub mod risk;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::{
	CollateralParams, ConcentrationAddOn, HaircutSchedule, ParamsError, Tightening, VolatilityBand,
};
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::collateral-registry";

/// The parameter set of a runtime `T`.
pub type CollateralParamsOf<T> = CollateralParams<<T as Config>::MaxBands>;

/// Lets the benchmarks list assets: registering one needs a guarded oracle key.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// From now on, `Config::Prices::bounds(key)` is `Some`.
	fn guard(key: ballast_primitives::OracleKey);
}

/// No-op: for a runtime whose price provider guards every key the benchmarks use already.
#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper for () {
	fn guard(_: ballast_primitives::OracleKey) {}
}

// The code FRAME's macros generate in this module calls `expect` (on facts the runtime's
// construction guarantees, e.g. that the pallet has a name). The logic lives in `impls.rs`,
// where the lint applies in full; nothing hand-written here calls `expect`.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::{boxed::Box, vec::Vec};
	use ballast_primitives::{
		traits::{CollateralHoldings, PriceProvider},
		AssetId, AssetStatus, Balance,
	};
	use polkadot_sdk::{
		frame_support::pallet_prelude::*, frame_system::pallet_prelude::*, sp_arithmetic::Permill,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type. (Redundant since stable2506, where the bound is implied;
		/// kept so that runtimes configure every Ballast pallet the same way.)
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>>
			+ IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// Who may change risk parameters: `update_params`, `set_caps`.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who may list an asset (`register_asset`) and set any status.
		type ListingOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who may freeze an asset or make it reduce-only (`set_status` to `Frozen` or
		/// `ReduceOnly`), without a listing decision.
		type EmergencyOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The price guard: which oracle keys are guarded, and the tracked volatility of each
		/// (what the haircut bands are looked up with).
		type Prices: PriceProvider;

		/// How much of each asset margin accounts hold (the margin engine): what an asset is
		/// (its oracle key and decimals) cannot change while any of it is held.
		type Holdings: CollateralHoldings;

		/// Most collateral assets that can be listed.
		#[pallet::constant]
		type MaxAssets: Get<u32>;

		/// Most volatility bands in one haircut schedule.
		#[pallet::constant]
		type MaxBands: Get<u32>;

		/// The most the emergency origin may tighten an asset, in total, between two parameter
		/// sets set by governance (`emergency_tighten`).
		#[pallet::constant]
		type EmergencyBound: Get<Tightening>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Guards oracle keys for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// Risk parameters of each listed asset.
	#[pallet::storage]
	pub type AssetParams<T: Config> =
		StorageMap<_, Twox64Concat, AssetId, CollateralParamsOf<T>, OptionQuery>;

	/// The emergency tightening applied to each asset since governance last set its parameters
	/// (absent: none). Each total is within [`Config::EmergencyBound`].
	#[pallet::storage]
	pub type EmergencyTightenings<T: Config> =
		StorageMap<_, Twox64Concat, AssetId, Tightening, OptionQuery>;

	/// Ids of the listed assets, in listing order: exactly the keys of [`AssetParams`].
	#[pallet::storage]
	pub type ListedAssets<T: Config> =
		StorageValue<_, BoundedVec<AssetId, T::MaxAssets>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A collateral asset was listed.
		AssetRegistered { asset: AssetId },
		/// An asset's parameter set was replaced.
		ParamsUpdated { asset: AssetId },
		/// An asset's listing status changed.
		StatusChanged { asset: AssetId, from: AssetStatus, to: AssetStatus },
		/// An asset's caps changed.
		CapsUpdated { asset: AssetId, supply_cap: Balance, account_cap: Balance },
		/// The emergency origin tightened an asset by `step`; `total` is what it has applied
		/// since governance last set the asset's parameters.
		EmergencyTightened { asset: AssetId, step: Tightening, total: Tightening },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The asset is already listed.
		AssetAlreadyRegistered,
		/// The asset is not listed.
		UnknownAsset,
		/// `MaxAssets` assets are listed already.
		TooManyAssets,
		/// The asset already has this status.
		StatusUnchanged,
		/// A percentage exceeds 100% (only reachable from JSON).
		PermillOutOfRange,
		/// `decimals` exceeds `MAX_DECIMALS`.
		DecimalsTooLarge,
		/// The base haircut or a band's haircut is 100% or more.
		HaircutTooHigh,
		/// A band's haircut is below the base haircut.
		BandBelowBase,
		/// Band volatilities are not strictly ascending.
		BandsNotAscending,
		/// A band's haircut is below the previous band's.
		BandHaircutDecreasing,
		/// The concentration add-on's market depth is zero.
		ZeroMarketDepth,
		/// The concentration add-on's maximum is 100% or more.
		AddOnTooHigh,
		/// The liquidation threshold is zero.
		ZeroLiquidationThreshold,
		/// The liquidation threshold is below `1 − base haircut`: maintenance would be stricter
		/// than the initial margin.
		ThresholdBelowInitialWeight,
		/// `liquidation_threshold × (1 + liquidation_penalty)` exceeds 100%.
		PenaltyTooLarge,
		/// A cap is zero, or the account cap exceeds the supply cap.
		InvalidCaps,
		/// The price guard has no bounds for the oracle key: no price of it could be used.
		UnguardedOracleKey,
		/// `liquidation_penalty` exceeds [`risk::MAX_LIQUIDATION_PENALTY`].
		PenaltyAboveMaximum,
		/// Margin accounts hold the asset: its oracle key and decimals cannot change (that
		/// would revalue every holding).
		AssetInUse,
		/// An emergency tightening of zero: nothing would change.
		NothingToTighten,
		/// The emergency tightenings applied since governance last set the asset's parameters
		/// would exceed `EmergencyBound`: a larger change needs a referendum on the risk
		/// parameters, with its notice.
		EmergencyBoundExceeded,
	}

	impl<T> From<ParamsError> for Error<T> {
		fn from(e: ParamsError) -> Self {
			match e {
				ParamsError::PermillOutOfRange => Error::PermillOutOfRange,
				ParamsError::DecimalsTooLarge => Error::DecimalsTooLarge,
				ParamsError::HaircutTooHigh => Error::HaircutTooHigh,
				ParamsError::BandBelowBase => Error::BandBelowBase,
				ParamsError::BandsNotAscending => Error::BandsNotAscending,
				ParamsError::BandHaircutDecreasing => Error::BandHaircutDecreasing,
				ParamsError::ZeroMarketDepth => Error::ZeroMarketDepth,
				ParamsError::AddOnTooHigh => Error::AddOnTooHigh,
				ParamsError::ZeroLiquidationThreshold => Error::ZeroLiquidationThreshold,
				ParamsError::ThresholdBelowInitialWeight => Error::ThresholdBelowInitialWeight,
				ParamsError::PenaltyTooLarge => Error::PenaltyTooLarge,
				ParamsError::PenaltyAboveMaximum => Error::PenaltyAboveMaximum,
				ParamsError::InvalidCaps => Error::InvalidCaps,
			}
		}
	}

	/// Genesis: the assets listed from block 0.
	///
	/// JSON, as a runtime genesis preset writes it under `"collateralRegistry"` (field names
	/// camelCase; percentages are parts per million; amounts are numbers, or strings above
	/// `u64::MAX`; the status is `"Active"`, `"ReduceOnly"`, `"Frozen"` or `"Delisted"`). Each
	/// asset's oracle key must be guarded by the price guard's genesis (its bounds, maximum age
	/// and volatility are configured there):
	///
	/// ```json
	/// {
	///   "assets": [[1, {
	///     "decimals": 8,
	///     "oracleKey": 1,
	///     "haircut": {
	///       "base": 100000,
	///       "bands": [
	///         { "minVolatility": 20000, "haircut": 150000 },
	///         { "minVolatility": 50000, "haircut": 250000 }
	///       ],
	///       "concentration": { "marketDepth": 100000000000, "slope": 100000, "maxAddOn": 200000 }
	///     },
	///     "liquidationThreshold": 900000,
	///     "liquidationPenalty": 50000,
	///     "supplyCap": 1000000000000,
	///     "accountCap": 100000000000,
	///     "status": "Active"
	///   }]]
	/// }
	/// ```
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Assets to list, each with a parameter set that must validate and a guarded oracle
		/// key.
		pub assets: Vec<(AssetId, CollateralParamsOf<T>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		// A genesis that lists invalid parameters is a configuration bug: refuse to build the
		// chain rather than start it without the asset.
		#[allow(clippy::panic)]
		fn build(&self) {
			for (asset, params) in &self.assets {
				if let Err(e) = Pallet::<T>::do_register_asset(*asset, params.clone()) {
					panic!("CollateralRegistry genesis: cannot list asset {asset}: {e:?}");
				}
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[allow(clippy::panic)]
		fn integrity_test() {
			assert!(T::MaxAssets::get() > 0, "MaxAssets must be positive");
			let bound = T::EmergencyBound::get();
			assert!(
				bound.haircut_rise < Permill::one() && bound.threshold_cut < Permill::one(),
				"EmergencyBound must be below 100% in each field"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// List `asset` as collateral with `params`.
		///
		/// Origin: `ListingOrigin`. Emits `AssetRegistered`.
		///
		/// Errors: `BadOrigin`; `AssetAlreadyRegistered`; any validation error of the
		/// parameter set (`PermillOutOfRange`, `DecimalsTooLarge`, `HaircutTooHigh`,
		/// `BandBelowBase`, `BandsNotAscending`, `BandHaircutDecreasing`, `ZeroMarketDepth`,
		/// `AddOnTooHigh`, `ZeroLiquidationThreshold`, `ThresholdBelowInitialWeight`,
		/// `PenaltyAboveMaximum`, `PenaltyTooLarge`, `InvalidCaps`); `UnguardedOracleKey` (the price guard has no
		/// bounds for `params.oracle_key`); `TooManyAssets`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_asset())]
		pub fn register_asset(
			origin: OriginFor<T>,
			asset: AssetId,
			params: Box<CollateralParamsOf<T>>,
		) -> DispatchResult {
			T::ListingOrigin::ensure_origin(origin)?;
			Self::do_register_asset(asset, *params)
		}

		/// Replace the whole parameter set of `asset`, status included. The oracle key and
		/// decimals may change only while margin accounts hold none of the asset.
		///
		/// Origin: `GovernanceOrigin`. Emits `StatusChanged` if the status differs, then
		/// `ParamsUpdated`.
		///
		/// Errors: `BadOrigin`; `UnknownAsset`; any validation error of the parameter set (see
		/// `register_asset`); `UnguardedOracleKey`; `AssetInUse` (a new oracle key or decimals
		/// while the asset is held).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_params())]
		pub fn update_params(
			origin: OriginFor<T>,
			asset: AssetId,
			params: Box<CollateralParamsOf<T>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_update_params(asset, *params)
		}

		/// Set the listing status of `asset`.
		///
		/// Origin: `ListingOrigin` for any status; `EmergencyOrigin` for `Frozen` and
		/// `ReduceOnly` only. Emits `StatusChanged`.
		///
		/// Errors: `BadOrigin`; `UnknownAsset`; `StatusUnchanged`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_status())]
		pub fn set_status(
			origin: OriginFor<T>,
			asset: AssetId,
			status: AssetStatus,
		) -> DispatchResult {
			let restricts = matches!(status, AssetStatus::Frozen | AssetStatus::ReduceOnly);
			match T::ListingOrigin::try_origin(origin) {
				Ok(_) => {},
				Err(origin) if restricts => {
					T::EmergencyOrigin::ensure_origin(origin)?;
				},
				Err(_) => return Err(DispatchError::BadOrigin),
			}
			Self::do_set_status(asset, status)
		}

		/// Set the total and per-account caps of `asset`.
		///
		/// Origin: `GovernanceOrigin`. Emits `CapsUpdated`. Holdings above a lowered cap are not
		/// touched; the cap only stops new deposits.
		///
		/// Errors: `BadOrigin`; `UnknownAsset`; `InvalidCaps` (a zero cap, or
		/// `account_cap > supply_cap`).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_caps())]
		pub fn set_caps(
			origin: OriginFor<T>,
			asset: AssetId,
			supply_cap: Balance,
			account_cap: Balance,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_caps(asset, supply_cap, account_cap)
		}

		/// Tighten `asset` immediately by `step`: raise its base haircut and every band's
		/// haircut by `step.haircut_rise`, lower its liquidation threshold by
		/// `step.threshold_cut`. The total applied since governance last set the asset's
		/// parameters must stay within `EmergencyBound`. Holdings are revalued from the next
		/// margin test: this can make accounts liquidatable, which is what the emergency
		/// origin is trusted with, within the bound.
		///
		/// Origin: `EmergencyOrigin`. Emits `EmergencyTightened`.
		///
		/// Errors: `BadOrigin`; `UnknownAsset`; `NothingToTighten` (a zero step);
		/// `EmergencyBoundExceeded`; `HaircutTooHigh` (a haircut would reach 100%);
		/// `ZeroLiquidationThreshold` (the threshold would reach zero);
		/// `ThresholdBelowInitialWeight` (the threshold would fall below `1 − new base
		/// haircut`).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::emergency_tighten())]
		pub fn emergency_tighten(
			origin: OriginFor<T>,
			asset: AssetId,
			step: Tightening,
		) -> DispatchResult {
			T::EmergencyOrigin::ensure_origin(origin)?;
			Self::do_emergency_tighten(asset, step)
		}
	}
}
