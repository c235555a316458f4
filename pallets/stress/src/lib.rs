//! # Stress test
//!
//! A chain-wide stress test, kept up to date every block within a weight budget: how much every
//! margin account would lose **beyond its equity** in each of a few governed crash scenarios,
//! summed; against what absorbs such losses (insurance funds and the liquidity vaults' NAV,
//! [`Config::Capacity`]) that gives the **coverage ratio**. While coverage is low, a controller
//! tightens the terms of **new** risk, a bounded step per block up to a bounded total, and
//! relaxes them again as coverage recovers. The formulas are in
//! [`ballast_primitives::math::stress`].
//!
//! ## Maintained incrementally
//!
//! * A scenario is a set of **prices**: every underlying's reference price (its price when the
//!   current pass first needed it, [`References`]) shocked by the scenario's move. An
//!   account's shortfalls therefore change only when the account does, or with time.
//! * A **pass** ([`Pass`]) walks every margin account holding a position or owing debt
//!   ([`Config::Walk`]; empty accounts, however many, never lengthen it) in storage order, at most
//!   [`StressParams::accounts_per_block`] per block and within [`Config::Budget`], valuing
//!   each against the pass's references and adding its shortfalls to the pass's totals. An
//!   account whose shortfalls are not zero keeps them in [`Contributions`] with the pass's
//!   number.
//! * Every account that changes (a trade, a deposit, a liquidation: `OnAccountChange`) is
//!   queued ([`Dirty`]) and valued again in the next block: its contribution to the current
//!   pass is replaced, not added twice. The queue may use at most half the budget, so no
//!   amount of activity stops the pass.
//! * When the pass has visited every account it is recorded ([`Completed`]) and the next one
//!   begins, with new references.
//!
//! Coverage is measured against, per scenario, the larger of the pass in progress and the last
//! completed pass (a pass in progress has not seen every account yet).
//!
//! ## Self-healing
//!
//! [`Tightening`] moves by at most [`StressParams::step`] per block (see
//! [`ballast_primitives::math::stress::next_level`]), and is served to the margin engine and
//! the products through [`RiskTightening`]: initial requirements, initial haircuts and
//! open-interest caps for new risk. Maintenance requirements never change with it, so the
//! tightening by itself never makes an existing position liquidatable. Events report every
//! change and every crossing of the thresholds.

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
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::{
	CompletedPass, Contribution, ParamsError, PassState, ScenarioParams, StressParams, StressReport,
};
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::stress";

/// Builds margin accounts for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Create the margin account `(who, 0)` with `legs` positions, in debt or leveraged enough
	/// to fall short in every scenario of [`StressParams`], with fresh prices.
	fn account_at_risk(who: &AccountId, legs: u32);
}

// The code FRAME's macros generate in this module calls `expect` (on facts the runtime's
// construction guarantees). The logic lives in `impls.rs`, where the lint applies in full.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use ballast_primitives::{
		traits::{LossCapacity, RiskBearers, StressSubject},
		OracleKey, Price, SubAccount,
	};
	use polkadot_sdk::{
		frame_support::pallet_prelude::*,
		frame_system::pallet_prelude::*,
		sp_arithmetic::{FixedU128, Permill},
	};

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>>
			+ IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// Sets [`Params`].
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The margin accounts' stress profiles.
		type Accounts: StressSubject<Self::AccountId>;

		/// The accounts a pass walks: those with a position or in debt (the liquidation
		/// engine's watch). An empty margin account cannot fall short and is never walked.
		type Walk: RiskBearers<Self::AccountId>;

		/// What absorbs losses beyond traders' equity: insurance funds and vaults' NAV.
		type Capacity: LossCapacity;

		/// Decimals of the quote asset's smallest unit.
		#[pallet::constant]
		type QuoteDecimals: Get<u8>;

		/// What `on_initialize` may spend per block.
		#[pallet::constant]
		type Budget: Get<Weight>;

		/// Most positions one margin account may hold (the weight of one valuation is charged
		/// for this many legs).
		#[pallet::constant]
		type MaxLegs: Get<u32>;

		/// The parameters in force until governance sets any.
		type DefaultParams: Get<StressParams>;

		/// Weights of this pallet's calls and of its per-block work.
		type WeightInfo: WeightInfo;

		/// Builds accounts for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The parameters in force ([`Config::DefaultParams`] until set).
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, StressParams, ValueQuery, T::DefaultParams>;

	/// The pass in progress.
	#[pallet::storage]
	pub type Pass<T: Config> =
		StorageValue<_, PassState<T::AccountId, BlockNumberFor<T>>, ValueQuery>;

	/// The last completed pass.
	#[pallet::storage]
	pub type Completed<T: Config> = StorageValue<_, CompletedPass<BlockNumberFor<T>>, OptionQuery>;

	/// Each oracle key's reference price, with the pass that set it (a reference from an
	/// earlier pass is replaced by today's price when next needed).
	#[pallet::storage]
	pub type References<T: Config> = StorageMap<_, Twox64Concat, OracleKey, (u32, Price)>;

	/// The non-zero shortfalls of each account, from the last pass that valued it.
	#[pallet::storage]
	pub type Contributions<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, SubAccount, Contribution>;

	/// Accounts that changed since they were last valued, to value again.
	#[pallet::storage]
	pub type Dirty<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, SubAccount, ()>;

	/// The tightening of new risk in force.
	#[pallet::storage]
	pub type Tightening<T: Config> = StorageValue<_, Permill, ValueQuery>;

	/// Coverage at the end of the last block (`None`: nothing at risk).
	#[pallet::storage]
	pub type Coverage<T: Config> = StorageValue<_, FixedU128, OptionQuery>;

	/// Whether coverage is below the tightening threshold (until it recovers to the relaxing
	/// one).
	#[pallet::storage]
	pub type Alarm<T: Config> = StorageValue<_, bool, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance set the parameters; a new pass began.
		ParamsSet { params: StressParams },
		/// A pass visited every account.
		PassCompleted { pass: u32, visited: u32, worst_shortfall: u128 },
		/// Coverage fell below the tightening threshold.
		CoverageLow { coverage: FixedU128, threshold: FixedU128 },
		/// Coverage recovered to the relaxing threshold (or nothing is at risk any more).
		CoverageRestored { coverage: Option<FixedU128> },
		/// The tightening of new risk changed.
		TighteningChanged { from: Permill, to: Permill, coverage: Option<FixedU128> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// [`ParamsError::NoScenario`].
		NoScenario,
		/// [`ParamsError::ShockOutOfRange`].
		ShockOutOfRange,
		/// [`ParamsError::VolOutOfRange`].
		VolOutOfRange,
		/// [`ParamsError::BadThresholds`].
		BadThresholds,
		/// [`ParamsError::BadTightening`].
		BadTightening,
		/// [`ParamsError::ZeroAccountsPerBlock`].
		ZeroAccountsPerBlock,
	}

	impl<T> From<ParamsError> for Error<T> {
		fn from(e: ParamsError) -> Self {
			match e {
				ParamsError::NoScenario => Error::NoScenario,
				ParamsError::ShockOutOfRange => Error::ShockOutOfRange,
				ParamsError::VolOutOfRange => Error::VolOutOfRange,
				ParamsError::BadThresholds => Error::BadThresholds,
				ParamsError::BadTightening => Error::BadTightening,
				ParamsError::ZeroAccountsPerBlock => Error::ZeroAccountsPerBlock,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::step(now, T::Budget::get())
		}

		fn integrity_test() {
			assert!(
				T::DefaultParams::get().validate().is_ok(),
				"DefaultParams must pass StressParams::validate"
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
		/// Set the stress test's parameters (scenarios, thresholds, tightening steps, pace).
		/// A new pass begins at once (its totals and the last completed pass's are for other
		/// scenarios); the tightening in force is kept, within the new maximum.
		///
		/// Origin: [`Config::GovernanceOrigin`]. Errors: one per bound of
		/// [`StressParams::validate`] ([`Error::NoScenario`], [`Error::ShockOutOfRange`],
		/// [`Error::VolOutOfRange`], [`Error::BadThresholds`], [`Error::BadTightening`],
		/// [`Error::ZeroAccountsPerBlock`]).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: StressParams) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_params(params.clone())?;
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}
}

/// The runtime API: the stress test's figures, for clients and the node's metrics.
pub mod runtime_api {
	use crate::StressReport;
	use ballast_primitives::{Balance, SubAccount};

	polkadot_sdk::sp_api::decl_runtime_apis! {
		/// The stress test's figures, for clients and the node's metrics.
		pub trait StressApi<AccountId, BlockNumber> where
			AccountId: codec::Codec,
			BlockNumber: codec::Codec,
		{
			/// Scenarios, totals, capacity, coverage and tightening.
			fn report() -> StressReport<BlockNumber>;
			/// The shortfall of `(who, sub)` in each scenario, valued now against the current
			/// pass's references (empty: nothing at risk).
			fn account(who: AccountId, sub: SubAccount) -> alloc::vec::Vec<Balance>;
		}
	}
}
