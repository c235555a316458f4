//! `pallet_governance_origins`: the origins Ballast's referenda tracks dispatch with, one per
//! kind of decision, and the chain's track timing.
//!
//! A referendum on a track is enacted with that track's origin (see [`super::tracks`]); the
//! runtime's configs name, call by call, which of these origins may do what:
//!
//! | origin | decides |
//! | --- | --- |
//! | [`Origin::RiskParameters`] | tuning risk parameters (haircuts, caps, margins, vault rules, price bounds) |
//! | [`Origin::AssetListing`] | listing an asset or a market (and guarding a new oracle key) |
//! | [`Origin::OracleOperators`] | who feeds the oracle, how values combine, where the feed reads prices |
//! | [`Origin::Emergency`] | freezing an asset, safe mode, pausing calls, cancelling a referendum |
//! | [`Origin::WhitelistedCaller`] | dispatching a call the risk council whitelisted, as Root |
//!
//! Root (the `root` track, or sudo on the dev and local chains) can do all of it.
//!
//! The pallet also keeps [`TrackTiming`]: whether the tracks run on production periods (days)
//! or development periods (blocks), set in the genesis preset. Nothing can change it after
//! genesis except a runtime upgrade; a production chain spec leaves it at its default,
//! [`Timing::Production`].

pub use pallet::*;

// The pallet macros' expansion uses `expect` on values they construct themselves.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use polkadot_sdk::{
		frame_support::{
			__private::serde::{Deserialize, Serialize},
			pallet_prelude::*,
			traits::EnsureOrigin,
			DefaultNoBound, PalletId,
		},
		sp_runtime::traits::AccountIdConversion,
	};

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// Derives the governance account: the keyless account that owns, issues, administers
		/// and freezes the chain's assets. Only a governance origin can act as it (Root through
		/// `utility.dispatch_as`).
		#[pallet::constant]
		type GovernancePalletId: Get<PalletId>;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The origins of Ballast's referenda tracks, besides Root.
	#[derive(
		PartialEq,
		Eq,
		Clone,
		Copy,
		MaxEncodedLen,
		Encode,
		Decode,
		DecodeWithMemTracking,
		TypeInfo,
		Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// Tunes risk parameters.
		RiskParameters,
		/// Lists assets and markets.
		AssetListing,
		/// Appoints oracle operators and sets how their values make a price.
		OracleOperators,
		/// Freezes, pauses, enters safe mode; short, high approval, council-initiated.
		Emergency,
		/// Dispatches a call the risk council whitelisted, as Root.
		WhitelistedCaller,
	}

	/// How long the tracks' periods are.
	#[derive(
		PartialEq,
		Eq,
		Clone,
		Copy,
		Default,
		MaxEncodedLen,
		Encode,
		Decode,
		DecodeWithMemTracking,
		TypeInfo,
		Debug,
		Serialize,
		Deserialize,
	)]
	#[serde(crate = "polkadot_sdk::frame_support::__private::serde")]
	pub enum Timing {
		/// Periods of hours and days (see the tracks table in the README).
		#[default]
		Production,
		/// Periods of blocks: a referendum completes in about two minutes (dev and local chains).
		Development,
	}

	/// The timing of the referenda tracks, set at genesis.
	#[pallet::storage]
	pub type TrackTiming<T: Config> = StorageValue<_, Timing, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Production (the default) or development periods.
		pub timing: Timing,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			TrackTiming::<T>::put(self.timing);
		}
	}

	#[pallet::extra_constants]
	impl<T: Config> Pallet<T> {
		/// The governance account (keyless): owner, issuer, admin and freezer of the assets.
		pub fn governance_account() -> T::AccountId {
			T::GovernancePalletId::get().into_account_truncating()
		}
	}

	/// Implements `EnsureOrigin` for a unit struct that admits exactly one [`Origin`] variant.
	macro_rules! ensure_track_origin {
		($($(#[$attr:meta])* $name:ident => $variant:ident,)+) => {$(
			$(#[$attr])*
			pub struct $name;
			impl<O: OriginTrait + Clone + From<Origin>> EnsureOrigin<O> for $name
			where
				O: Into<Result<Origin, O>>,
			{
				type Success = ();
				fn try_origin(o: O) -> Result<Self::Success, O> {
					match o.clone().into() {
						Ok(Origin::$variant) => Ok(()),
						_ => Err(o),
					}
				}
				#[cfg(feature = "runtime-benchmarks")]
				fn try_successful_origin() -> Result<O, ()> {
					Ok(O::from(Origin::$variant))
				}
			}
		)+};
	}

	ensure_track_origin! {
		/// The `risk_parameters` track.
		RiskParameters => RiskParameters,
		/// The `asset_listing` track.
		AssetListing => AssetListing,
		/// The `oracle_operators` track.
		OracleOperators => OracleOperators,
		/// The `emergency` track.
		Emergency => Emergency,
		/// The `whitelisted_caller` track.
		WhitelistedCaller => WhitelistedCaller,
	}
}
