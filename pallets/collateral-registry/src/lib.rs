//! # Collateral registry
//!
//! Per-asset risk parameters of Ballast's collateral assets, set by governance and validated
//! against hard bounds, plus a volatility estimate per asset that the registry keeps itself
//! from oracle prices. Other pallets read it through
//! [`ballast_primitives::traits::CollateralRisk`], implemented here by [`Pallet`].
//!
//! ## Model
//!
//! Each listed asset has one [`CollateralParams`] set:
//!
//! * **Price sanity**: the oracle key, the oldest usable price (`max_price_age`) and the band of
//!   believable prices (`min_price < max_price`). Consumers use them with
//!   [`ballast_primitives::traits::checked_price`].
//! * **Haircut schedule** ([`HaircutSchedule`]): the share of value *not* counted for the initial
//!   margin test. A `base` haircut, raised by volatility bands ([`VolatilityBand`]) as the
//!   tracked volatility rises, plus a concentration add-on ([`ConcentrationAddOn`]) that grows
//!   with the size of the holding relative to the market's depth.
//! * **Liquidation**: `liquidation_threshold`, the share of value counted for the maintenance
//!   test, and the liquidation penalty with the insurance fund's share of it.
//! * **Caps**: the most all margin accounts together (`supply_cap`) and any one account
//!   (`account_cap`) may hold.
//! * **Status** ([`ballast_primitives::AssetStatus`]): Active, ReduceOnly, Frozen or Delisted.
//!
//! [`CollateralRisk::terms`](ballast_primitives::traits::CollateralRisk::terms) turns a
//! parameter set, the asset's tracked volatility and a holding into
//! [`ballast_primitives::traits::CollateralTerms`]. The formulas are in [`risk`]:
//!
//! ```text
//! haircut            = min(99.9999%, band_haircut(volatility) + concentration_add_on(holding))
//! maintenance_weight = max(1 − haircut, liquidation_threshold − (haircut − base))
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
//! that leaves a liquidated account solvent (`threshold × (1 + penalty) ≤ 100%`), positive
//! caps with `account_cap ≤ supply_cap`, sane price bounds and decimals. An invalid call
//! changes nothing.
//!
//! ## Volatility
//!
//! At the end of every block (`on_finalize`) the registry reads every listed asset's oracle
//! price from [`Config::Prices`], so the next block's hooks (the liquidation sweep among them)
//! see the prices fed in this one, whatever the order pallets are declared in; `on_initialize`
//! reserves the weight of that observation. A price with a strictly newer timestamp than the last one used (and
//! within the asset's price bounds) updates an exponentially weighted moving average of the
//! squared relative price change, with decay [`Config::VolatilityDecay`]; the volatility is its
//! square root. Governance seeds or overrides it with
//! [`set_volatility`](Pallet::set_volatility), e.g. at listing.
//!
//! ## Calls
//!
//! All calls need [`Config::GovernanceOrigin`]:
//!
//! * [`register_asset`](Pallet::register_asset): list a new asset.
//! * [`update_params`](Pallet::update_params): replace an asset's whole parameter set.
//! * [`set_status`](Pallet::set_status): change the listing status.
//! * [`set_caps`](Pallet::set_caps): change the supply and account caps.
//! * [`set_volatility`](Pallet::set_volatility): set the tracked volatility.

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
	CollateralParams, ConcentrationAddOn, HaircutSchedule, ParamsError, VolatilityBand,
	VolatilityState,
};
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::collateral-registry";

/// The parameter set of a runtime `T`.
pub type CollateralParamsOf<T> = CollateralParams<<T as Config>::MaxBands>;

/// Lets the benchmarks make the price provider return a given price.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// From now on, `Config::Prices::price(key)` returns `price`.
	fn set_price(
		key: ballast_primitives::OracleKey,
		price: ballast_primitives::traits::TimestampedPrice,
	);
}

/// No-op: `on_initialize` is then benchmarked without price updates (an under-estimate).
#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper for () {
	fn set_price(
		_: ballast_primitives::OracleKey,
		_: ballast_primitives::traits::TimestampedPrice,
	) {
	}
}

// The code FRAME's macros generate in this module calls `expect` (on facts the runtime's
// construction guarantees, e.g. that the pallet has a name). The logic lives in `impls.rs`,
// where the lint applies in full; nothing hand-written here calls `expect`.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::{boxed::Box, vec::Vec};
	use ballast_primitives::{traits::PriceProvider, AssetId, AssetStatus, Balance};
	use polkadot_sdk::{
		frame_support::pallet_prelude::*,
		frame_system::pallet_prelude::*,
		sp_arithmetic::{PerThing, Permill},
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

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

		/// Who may change risk parameters (Root, later a governance track).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Source of the oracle prices that volatility is tracked from.
		type Prices: PriceProvider;

		/// Most collateral assets that can be listed. Bounds the work of `on_initialize`.
		#[pallet::constant]
		type MaxAssets: Get<u32>;

		/// Most volatility bands in one haircut schedule.
		#[pallet::constant]
		type MaxBands: Get<u32>;

		/// EWMA decay `λ` of the volatility estimate, per oracle observation: the weight of the
		/// old variance (e.g. 94%). The newest squared change gets `1 − λ`.
		#[pallet::constant]
		type VolatilityDecay: Get<Permill>;

		/// Weights of this pallet's calls and hook.
		type WeightInfo: WeightInfo;

		/// Sets prices for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// Risk parameters of each listed asset.
	#[pallet::storage]
	pub type AssetParams<T: Config> =
		StorageMap<_, Twox64Concat, AssetId, CollateralParamsOf<T>, OptionQuery>;

	/// Ids of the listed assets, in listing order: exactly the keys of [`AssetParams`].
	#[pallet::storage]
	pub type ListedAssets<T: Config> =
		StorageValue<_, BoundedVec<AssetId, T::MaxAssets>, ValueQuery>;

	/// Tracked volatility of listed assets. Absent until the first observation or
	/// `set_volatility`; an absent entry means zero volatility.
	#[pallet::storage]
	pub type AssetVolatility<T: Config> =
		StorageMap<_, Twox64Concat, AssetId, VolatilityState, OptionQuery>;

	/// Per oracle key, the last price that was fresh and inside its asset's bounds when a
	/// block's `on_finalize` saw it: the reference of conservative (liquidation) pricing
	/// (`PriceMode::Conservative`).
	#[pallet::storage]
	pub type LastValidPrice<T: Config> = StorageMap<
		_,
		Twox64Concat,
		ballast_primitives::OracleKey,
		ballast_primitives::Price,
		OptionQuery,
	>;

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
		/// Governance set an asset's tracked volatility.
		VolatilitySet { asset: AssetId, volatility: Permill },
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
		/// `max_price_age` is zero.
		ZeroMaxPriceAge,
		/// `min_price` is zero or not below `max_price`.
		InvalidPriceBounds,
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
	}

	impl<T> From<ParamsError> for Error<T> {
		fn from(e: ParamsError) -> Self {
			match e {
				ParamsError::PermillOutOfRange => Error::PermillOutOfRange,
				ParamsError::DecimalsTooLarge => Error::DecimalsTooLarge,
				ParamsError::ZeroMaxPriceAge => Error::ZeroMaxPriceAge,
				ParamsError::InvalidPriceBounds => Error::InvalidPriceBounds,
				ParamsError::HaircutTooHigh => Error::HaircutTooHigh,
				ParamsError::BandBelowBase => Error::BandBelowBase,
				ParamsError::BandsNotAscending => Error::BandsNotAscending,
				ParamsError::BandHaircutDecreasing => Error::BandHaircutDecreasing,
				ParamsError::ZeroMarketDepth => Error::ZeroMarketDepth,
				ParamsError::AddOnTooHigh => Error::AddOnTooHigh,
				ParamsError::ZeroLiquidationThreshold => Error::ZeroLiquidationThreshold,
				ParamsError::ThresholdBelowInitialWeight => Error::ThresholdBelowInitialWeight,
				ParamsError::PenaltyTooLarge => Error::PenaltyTooLarge,
				ParamsError::InvalidCaps => Error::InvalidCaps,
			}
		}
	}

	/// Genesis: the assets listed from block 0, and optionally their initial volatility.
	///
	/// JSON, as a runtime genesis preset writes it under `"collateralRegistry"` (field names
	/// camelCase; prices are `FixedU128` inner values as strings, `10^18` = 1.0; percentages are
	/// parts per million; amounts are numbers, or strings above `u64::MAX`; the status is
	/// `"Active"`, `"ReduceOnly"`, `"Frozen"` or `"Delisted"`):
	///
	/// ```json
	/// {
	///   "assets": [[1, {
	///     "decimals": 8,
	///     "oracleKey": 1,
	///     "maxPriceAge": 60000,
	///     "minPrice": "1000000000000000000000",
	///     "maxPrice": "1000000000000000000000000",
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
	///     "penaltyToInsurance": 500000,
	///     "supplyCap": 1000000000000,
	///     "accountCap": 100000000000,
	///     "status": "Active"
	///   }]],
	///   "volatility": [[1, 30000]]
	/// }
	/// ```
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Assets to list, each with a parameter set that must validate.
		pub assets: Vec<(AssetId, CollateralParamsOf<T>)>,
		/// Initial volatility of some of those assets.
		pub volatility: Vec<(AssetId, Permill)>,
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
			for (asset, volatility) in &self.volatility {
				if let Err(e) = Pallet::<T>::do_set_volatility(*asset, *volatility) {
					panic!("CollateralRegistry genesis: volatility of asset {asset}: {e:?}");
				}
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			// What `on_finalize` will use, reserved now (FRAME's pattern for finalization work).
			let listed = ListedAssets::<T>::decode_len().unwrap_or(0);
			T::WeightInfo::on_initialize(u32::try_from(listed).unwrap_or(u32::MAX))
		}

		fn on_finalize(_n: BlockNumberFor<T>) {
			// Observed at the end of the block, after every feed in it: the next block's hooks
			// read last valid prices and volatility that do not depend on declaration order.
			Self::observe_prices();
		}

		#[allow(clippy::panic)]
		fn integrity_test() {
			assert!(T::MaxAssets::get() > 0, "MaxAssets must be positive");
			assert!(
				T::VolatilityDecay::get().deconstruct() <= Permill::ACCURACY,
				"VolatilityDecay must be at most 100%"
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
		/// Origin: `GovernanceOrigin`. Emits `AssetRegistered`.
		///
		/// Errors: `BadOrigin`; `AssetAlreadyRegistered`; `TooManyAssets`; any validation
		/// error of the parameter set (`PermillOutOfRange`, `DecimalsTooLarge`,
		/// `ZeroMaxPriceAge`, `InvalidPriceBounds`, `HaircutTooHigh`, `BandBelowBase`,
		/// `BandsNotAscending`, `BandHaircutDecreasing`, `ZeroMarketDepth`, `AddOnTooHigh`,
		/// `ZeroLiquidationThreshold`, `ThresholdBelowInitialWeight`, `PenaltyTooLarge`,
		/// `InvalidCaps`).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_asset())]
		pub fn register_asset(
			origin: OriginFor<T>,
			asset: AssetId,
			params: Box<CollateralParamsOf<T>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_register_asset(asset, *params)
		}

		/// Replace the whole parameter set of `asset`, status included.
		///
		/// Origin: `GovernanceOrigin`. Emits `StatusChanged` if the status differs, then
		/// `ParamsUpdated`. The tracked volatility is kept.
		///
		/// Errors: `BadOrigin`; `UnknownAsset`; any validation error of the parameter set (see
		/// `register_asset`).
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
		/// Origin: `GovernanceOrigin`. Emits `StatusChanged`.
		///
		/// Errors: `BadOrigin`; `UnknownAsset`; `StatusUnchanged`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_status())]
		pub fn set_status(
			origin: OriginFor<T>,
			asset: AssetId,
			status: AssetStatus,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
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

		/// Set the tracked volatility of `asset` (its variance becomes `volatility²`). Later
		/// oracle observations move it from there.
		///
		/// Origin: `GovernanceOrigin`. Emits `VolatilitySet`.
		///
		/// Errors: `BadOrigin`; `UnknownAsset`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_volatility())]
		pub fn set_volatility(
			origin: OriginFor<T>,
			asset: AssetId,
			volatility: Permill,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_volatility(asset, volatility)
		}
	}
}
