//! # Price feed
//!
//! An offchain worker that runs on oracle operators' nodes: every block it fetches the price
//! of each configured asset from several HTTP sources, takes the median of the answers that
//! are sane, and feeds it to `pallet-oracle` with a **signed transaction** from the operator's
//! feed key (`oracle.feedValues`). The oracle then combines the operators' fresh values by
//! median, as before; this pallet only automates the operators.
//!
//! ## On chain
//!
//! Per asset (governance, [`Config::GovernanceOrigin`]); the asset id is also its oracle key:
//!
//! * [`FeedParams`] in [`Params`] ([`set_params`](Pallet::set_params)): `min_sources` (fewest
//!   sane answers for a median), `max_deviation` (largest move away from the current on-chain
//!   price, see below), `min_interval` and `move_threshold` (rate limit), and `heartbeat` (how
//!   long an on-chain price anchors the deviation check; older, the feed is late). An asset is fed
//!   only while it has parameters, and only an asset whose oracle key the price guard guards
//!   may get them ([`Error::UnguardedOracleKey`]).
//! * The believable price band (`min_price..=max_price`) and the maximum age (when the
//!   on-chain price counts as stale) are not the feed's: they are the price guard's bounds for
//!   the asset's key ([`PriceProvider::bounds`](ballast_primitives::traits::PriceProvider::bounds)
//!   of [`Config::Prices`]), the same that every market and collateral asset on the key is
//!   checked against, read afresh by every run of the worker.
//! * A list of [`Source`]s in [`Sources`] ([`set_sources`](Pallet::set_sources)): a URL, a
//!   dot-separated path into the JSON answer (`price`, `data.amount`, `result.XXBTZUSD.c.0`)
//!   and `decimals` (the number found is divided by `10^decimals`).
//! * [`remove_asset`](Pallet::remove_asset) stops feeding an asset.
//!
//! ## Operators
//!
//! * **Key**: a dedicated sr25519 application key of key type [`KEY_TYPE`] (`feed`), not a
//!   session key. Its account must be a member of `OracleMembership`. Insert it with
//!   `ballast-node key insert --key-type feed --scheme sr25519 --suri "<secret>"`; `--dev` and
//!   the `--alice`…`--ferdie` shortcuts insert the well-known dev key themselves. Without a key
//!   whose account is an operator the worker does nothing (no HTTP either).
//! * **Own sources**: an operator may replace an asset's on-chain source list for their own
//!   node by writing offchain local storage (`PERSISTENT` kind), key `price-feed::sources::<id>`
//!   (the asset id in decimal, e.g. `price-feed::sources::1` for BTC), value a JSON array
//!   `[{"url": "...", "path": "...", "decimals": 0}, ...]` (`decimals` optional). The standard
//!   RPC `offchain_localStorageSet("PERSISTENT", key, value)` (hex-encoded bytes; the node must
//!   allow unsafe RPC methods, as it does on localhost) sets it, `offchain_localStorageClear`
//!   removes it. An empty array stops this node feeding the asset; an invalid value is logged
//!   and the on-chain list is used instead.
//!
//! ## What the worker does, each block
//!
//! 1. Finds the feed keys in the keystore whose accounts are oracle operators; none, it stops.
//!    (An operator's node holds one; the dev chain's single node holds Alice's, Bob's and
//!    Charlie's, so that its minimum count of two is met.)
//! 2. Takes the offchain storage lock [`ocw::LOCK_KEY`]: while one run holds it (or until it
//!    expires, after twice [`Config::HttpTimeout`] plus ten seconds) no other run starts, so
//!    concurrent runs never double-submit.
//! 3. Reads the price guard's bounds of every fed asset's key; an asset whose key has no guard
//!    is skipped (logged at `warn`, none of its sources is fetched).
//! 4. Sends `GET` to every source of every remaining asset at once, all with one deadline of
//!    [`Config::HttpTimeout`] ms.
//! 5. For each answer: skips (and logs at `warn`) a transport error, a missed deadline, a
//!    status other than 200, a body over 64 KiB or cut short, a body that is not one complete
//!    JSON document, a path that leads nowhere or to something that is not a decimal number, a
//!    value ≤ 0, and a value outside the guard's band for the asset (`min_price..=max_price`,
//!    inclusive). Numbers are parsed exactly into `FixedU128` ([`json`]); no float is ever
//!    involved.
//!    Every fetch's outcome is counted per source in offchain local storage under
//!    `price-feed::source::<id>::<index>` ([`stats`]: successes, failures, the latest failure's
//!    reason), which the node exports as `ballast_price_feed_source_*` metrics.
//! 6. For each asset with at least `min_sources` sane values: the median (the mean of the two
//!    middle values for an even count). It is dropped if the oracle's current price is no older
//!    than the feed's `heartbeat` and the median is further than `max_deviation` from it (an
//!    older on-chain price anchors nothing, so the feed recovers after an outage or a genuine
//!    jump within a heartbeat, long before the price stops being usable), or if this operator submitted the asset fewer than `min_interval` blocks ago and
//!    the median moved at most `move_threshold` since that submission.
//! 7. Submits the remaining `(asset, median)` pairs in one signed `oracle.feedValues` per feed key
//!    and, if
//!    the pool accepted it, records `(price, block)` per asset under
//!    `price-feed::last::<id>` (offchain local storage) for the rate limit.
//!
//! Nothing in the worker panics: every failure is a log line and a skipped value.
//!
//! ## Staleness
//!
//! The oracle timestamps every combined price; [`ballast_primitives::traits::PriceProvider`]
//! hands out the timestamp with the value, and [`runtime_api::PriceFeedApi`] reports per fed
//! asset the latest price, its timestamp and age, the guard's `max_age` for the asset's key and
//! whether the price is stale by it ([`PriceStatus`]; an asset whose key has no guard is
//! reported stale, with `max_age` 0), and the feed's `heartbeat` and whether the feed is late by
//! it. When the sources stop answering, the worker submits nothing: the price keeps its old
//! timestamp, the feed is late after `heartbeat` and the price stale after `max_age`.

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
#[allow(clippy::float_arithmetic, clippy::unwrap_used, clippy::expect_used)]
mod benchmarking;
pub use ballast_feed_json as json;
#[cfg(test)]
mod mock;
pub mod ocw;
pub mod stats;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::{FeedParams, ParamsError, PriceStatus, Source, SourceError};
pub use weights::WeightInfo;

use polkadot_sdk::sp_core::crypto::KeyTypeId;

/// Log target of this pallet (and its offchain worker).
pub const LOG_TARGET: &str = "runtime::price-feed";

/// What the benchmarks need from the runtime: a guarded oracle key to feed.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// From now on `Prices::bounds(key)` is `Some` (the price guard guards `key`), so that the
	/// asset `key` can get feed parameters.
	fn guard(key: ballast_primitives::OracleKey);
}

#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper for () {
	fn guard(_key: ballast_primitives::OracleKey) {}
}

/// Key type of operators' feed keys: `feed`.
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"feed");

/// The feed key: sr25519 application crypto under [`KEY_TYPE`].
pub mod crypto {
	use super::KEY_TYPE;
	use polkadot_sdk::{
		frame_system::offchain::AppCrypto,
		sp_core::sr25519::{Public as Sr25519Public, Signature as Sr25519Signature},
		sp_runtime::{
			app_crypto::{app_crypto, sr25519},
			MultiSignature, MultiSigner,
		},
	};

	app_crypto!(sr25519, KEY_TYPE);

	/// Signs the worker's transactions with a feed key, for runtimes whose accounts are
	/// `MultiSigner`s (Ballast) or plain sr25519 keys (tests).
	pub struct FeedAuthId;

	impl AppCrypto<MultiSigner, MultiSignature> for FeedAuthId {
		type RuntimeAppPublic = Public;
		type GenericSignature = Sr25519Signature;
		type GenericPublic = Sr25519Public;
	}

	impl AppCrypto<Sr25519Public, Sr25519Signature> for FeedAuthId {
		type RuntimeAppPublic = Public;
		type GenericSignature = Sr25519Signature;
		type GenericPublic = Sr25519Public;
	}
}

/// The runtime API: feed status and staleness of every fed asset.
pub mod runtime_api {
	use crate::PriceStatus;
	use alloc::vec::Vec;
	use ballast_primitives::AssetId;
	use polkadot_sdk::sp_api;

	sp_api::decl_runtime_apis! {
		/// Prices of the assets the price feed serves, with their age and whether they are
		/// stale (polkadot.js: `api.call.priceFeedApi.prices()`).
		pub trait PriceFeedApi {
			/// Every asset that has feed parameters, in storage order.
			fn prices() -> Vec<PriceStatus>;
			/// One asset, if it has feed parameters.
			fn price(asset: AssetId) -> Option<PriceStatus>;
		}
	}
}

// The code FRAME's macros generate in this module calls `expect` (on facts the runtime's
// construction guarantees). The offchain logic lives in `ocw.rs`, where the lint applies in
// full; nothing hand-written here calls `expect`.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use ballast_primitives::{traits::PriceProvider, AssetId, Price};
	use polkadot_sdk::{
		frame_support::pallet_prelude::*,
		frame_system::{
			offchain::{AppCrypto, CreateSignedTransaction},
			pallet_prelude::*,
		},
		pallet_oracle,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		CreateSignedTransaction<pallet_oracle::Call<Self>>
		+ pallet_oracle::Config<OracleKey = AssetId, OracleValue = Price>
		+ polkadot_sdk::frame_system::Config
	{
		/// The overarching event type. (Redundant since stable2506, where the bound is implied;
		/// kept so that runtimes configure every Ballast pallet the same way.)
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>>
			+ IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// The feed key's crypto: [`crypto::FeedAuthId`].
		type AuthorityId: AppCrypto<Self::Public, Self::Signature>;

		/// Who may set sources and feed parameters (Root, later a governance track).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The oracle's combined prices with their timestamps, the clock they are on, and each
		/// oracle key's guard (believable band and maximum age): the price guard.
		type Prices: PriceProvider;

		/// Most assets the feed serves.
		#[pallet::constant]
		type MaxAssets: Get<u32>;

		/// Most on-chain sources per asset.
		#[pallet::constant]
		type MaxSources: Get<u32>;

		/// Deadline of the worker's HTTP requests, in milliseconds (all requests of a run are
		/// sent together and share it).
		#[pallet::constant]
		type HttpTimeout: Get<u64>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Guards the oracle keys the benchmarks feed.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// The source list of an asset in a runtime `T`.
	pub type SourcesOf<T> = BoundedVec<Source, <T as Config>::MaxSources>;

	/// Feed parameters of each fed asset; an asset is fed exactly while it has an entry.
	#[pallet::storage]
	pub type Params<T: Config> =
		CountedStorageMap<_, Twox64Concat, AssetId, FeedParams, OptionQuery>;

	/// On-chain sources of each fed asset (an operator may override them for their node).
	#[pallet::storage]
	pub type Sources<T: Config> = StorageMap<_, Twox64Concat, AssetId, SourcesOf<T>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An asset's feed parameters were set (the asset is fed from now on).
		ParamsSet { asset: AssetId, params: FeedParams },
		/// An asset's on-chain source list was replaced.
		SourcesSet { asset: AssetId, count: u32 },
		/// An asset is no longer fed; its parameters and sources are gone.
		AssetRemoved { asset: AssetId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The asset has no feed parameters.
		UnknownAsset,
		/// `MaxAssets` assets are fed already.
		TooManyAssets,
		/// The asset's oracle key has no price guard (no band, no maximum age): it cannot be
		/// fed.
		UnguardedOracleKey,
		/// `min_sources` is zero.
		ZeroMinSources,
		/// `min_interval` is zero.
		ZeroInterval,
		/// `heartbeat` is zero.
		ZeroHeartbeat,
		/// A percentage exceeds 100% (only reachable from JSON).
		PermillOutOfRange,
		/// A source URL is not an `http://` or `https://` URL in UTF-8.
		InvalidUrl,
		/// A source path is not UTF-8.
		InvalidPath,
		/// A source's `decimals` exceeds 36.
		DecimalsTooLarge,
	}

	impl<T> From<ParamsError> for Error<T> {
		fn from(e: ParamsError) -> Self {
			match e {
				ParamsError::ZeroMinSources => Error::ZeroMinSources,
				ParamsError::ZeroInterval => Error::ZeroInterval,
				ParamsError::ZeroHeartbeat => Error::ZeroHeartbeat,
				ParamsError::PermillOutOfRange => Error::PermillOutOfRange,
			}
		}
	}

	impl<T> From<SourceError> for Error<T> {
		fn from(e: SourceError) -> Self {
			match e {
				SourceError::InvalidUrl => Error::InvalidUrl,
				SourceError::InvalidPath => Error::InvalidPath,
				SourceError::DecimalsTooLarge => Error::DecimalsTooLarge,
			}
		}
	}

	/// Genesis: the assets fed from block 0 with their parameters and sources. Each asset's
	/// oracle key must be guarded already (the price guard's genesis, which holds the band and
	/// the maximum age, is built first).
	///
	/// JSON, under `"priceFeed"` (percentages are parts per million; `url` and `path` are byte
	/// arrays):
	///
	/// ```json
	/// { "assets": [[1, {
	///     "minSources": 2, "maxDeviation": 100000, "minInterval": 3, "moveThreshold": 5000,
	///     "heartbeat": 60000
	///   }, [{ "url": [104, 116, ...], "path": [112, 114, 105, 99, 101], "decimals": 0 }]
	/// ]] }
	/// ```
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Fed assets: parameters and on-chain sources, which must validate.
		pub assets: Vec<(AssetId, FeedParams, Vec<Source>)>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		// A genesis with invalid feed settings is a configuration bug: refuse to build the
		// chain rather than start it without the feed.
		#[allow(clippy::panic)]
		fn build(&self) {
			for (asset, params, sources) in &self.assets {
				if let Err(e) = Pallet::<T>::do_set_params(*asset, *params) {
					panic!("PriceFeed genesis: parameters of asset {asset}: {e:?}");
				}
				let Ok(sources) = SourcesOf::<T>::try_from(sources.clone()) else {
					panic!("PriceFeed genesis: asset {asset} has more than MaxSources sources");
				};
				if let Err(e) = Pallet::<T>::do_set_sources(*asset, sources) {
					panic!("PriceFeed genesis: sources of asset {asset}: {e:?}");
				}
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn offchain_worker(n: BlockNumberFor<T>) {
			Self::run_offchain_worker(n);
		}

		#[allow(clippy::panic)]
		fn integrity_test() {
			assert!(T::MaxAssets::get() > 0, "MaxAssets must be positive");
			assert!(T::MaxSources::get() > 0, "MaxSources must be positive");
			assert!(T::HttpTimeout::get() > 0, "HttpTimeout must be positive");
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
		/// Set the feed parameters of `asset`; from now on the worker feeds it (once it has
		/// sources, and while the price guard guards its key).
		///
		/// Origin: `GovernanceOrigin`. Emits `ParamsSet`.
		///
		/// Errors: `BadOrigin`; `UnguardedOracleKey` (the price guard has no bounds for
		/// `asset`); `TooManyAssets`; `ZeroMinSources`, `ZeroInterval`, `ZeroHeartbeat`,
		/// `PermillOutOfRange`.
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::set_params())]
		pub fn set_params(
			origin: OriginFor<T>,
			asset: AssetId,
			params: FeedParams,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_params(asset, params)
		}

		/// Replace the on-chain source list of `asset` (empty: no on-chain sources).
		///
		/// Origin: `GovernanceOrigin`. Emits `SourcesSet`.
		///
		/// Errors: `BadOrigin`; `UnknownAsset` (set parameters first); `InvalidUrl`,
		/// `InvalidPath`, `DecimalsTooLarge`.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::set_sources())]
		pub fn set_sources(
			origin: OriginFor<T>,
			asset: AssetId,
			sources: SourcesOf<T>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_sources(asset, sources)
		}

		/// Stop feeding `asset`: remove its parameters and sources. Prices already in the
		/// oracle stay (and turn stale).
		///
		/// Origin: `GovernanceOrigin`. Emits `AssetRemoved`.
		///
		/// Errors: `BadOrigin`; `UnknownAsset`.
		#[pallet::call_index(2)]
		#[pallet::weight(<T as Config>::WeightInfo::remove_asset())]
		pub fn remove_asset(origin: OriginFor<T>, asset: AssetId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(Params::<T>::contains_key(asset), Error::<T>::UnknownAsset);
			Params::<T>::remove(asset);
			Sources::<T>::remove(asset);
			Self::deposit_event(Event::AssetRemoved { asset });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Validate and store `params` for `asset`, whose oracle key must be guarded.
		pub fn do_set_params(asset: AssetId, params: FeedParams) -> DispatchResult {
			params.validate().map_err(Error::<T>::from)?;
			ensure!(T::Prices::bounds(asset).is_some(), Error::<T>::UnguardedOracleKey);
			if !Params::<T>::contains_key(asset) {
				ensure!(Params::<T>::count() < T::MaxAssets::get(), Error::<T>::TooManyAssets);
			}
			Params::<T>::insert(asset, params);
			Self::deposit_event(Event::ParamsSet { asset, params });
			Ok(())
		}

		/// Validate and store the on-chain sources of `asset`.
		pub fn do_set_sources(asset: AssetId, sources: SourcesOf<T>) -> DispatchResult {
			ensure!(Params::<T>::contains_key(asset), Error::<T>::UnknownAsset);
			for s in sources.iter() {
				s.validate().map_err(Error::<T>::from)?;
			}
			let count = sources.len() as u32;
			if sources.is_empty() {
				Sources::<T>::remove(asset);
			} else {
				Sources::<T>::insert(asset, sources);
			}
			Self::deposit_event(Event::SourcesSet { asset, count });
			Ok(())
		}

		/// The feed status of `asset`, if it is fed. Staleness is by the maximum age the price
		/// guard holds for the asset's key; an unguarded key reports `max_age` 0 and stale.
		pub fn status(asset: AssetId) -> Option<PriceStatus> {
			if !Params::<T>::contains_key(asset) {
				return None;
			}
			let now = T::Prices::now();
			let latest = T::Prices::price(asset);
			let max_age = T::Prices::bounds(asset).map(|b| b.max_age);
			let heartbeat = Params::<T>::get(asset).map(|p| p.heartbeat).unwrap_or(0);
			Some(PriceStatus {
				asset,
				latest,
				age: latest.map(|p| p.age(now)),
				max_age: max_age.unwrap_or(0),
				stale: match (latest, max_age) {
					(Some(p), Some(max_age)) => p.is_stale(now, max_age),
					_ => true,
				},
				heartbeat,
				late: latest.is_none_or(|p| p.is_stale(now, heartbeat)),
				sources: Sources::<T>::decode_len(asset).unwrap_or(0) as u32,
			})
		}

		/// The feed status of every fed asset.
		pub fn statuses() -> Vec<PriceStatus> {
			Params::<T>::iter_keys().filter_map(Self::status).collect()
		}

		/// Invariants: every source list belongs to a fed asset and validates; parameters
		/// validate; no more than `MaxAssets` assets.
		pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			ensure!(Params::<T>::count() <= T::MaxAssets::get(), "too many fed assets");
			ensure!(
				Params::<T>::iter().count() as u32 == Params::<T>::count(),
				"Params counter out of sync"
			);
			for (_, p) in Params::<T>::iter() {
				ensure!(p.validate().is_ok(), "invalid stored parameters");
			}
			for (asset, sources) in Sources::<T>::iter() {
				ensure!(Params::<T>::contains_key(asset), "sources of an asset that is not fed");
				ensure!(!sources.is_empty(), "empty source list stored");
				ensure!(sources.iter().all(|s| s.validate().is_ok()), "invalid stored source");
			}
			Ok(())
		}
	}
}
