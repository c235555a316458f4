//! # Perpetuals
//!
//! Perpetual futures traded against a liquidity vault, margined by `pallet-margin-accounts`.
//!
//! ## Model
//!
//! * **Markets** are created by governance ([`Config::ListingOrigin`]; their parameters and the
//!   vault's rules are changed with [`Config::GovernanceOrigin`]): the underlying's
//!   oracle key, initial and maintenance margin ratios (of notional), max leverage, long and
//!   short open-interest caps, taker fee, spread and funding parameters. A market carries no
//!   price bounds: the bounds, maximum age and circuit breaker of its price are the price
//!   guard's, per oracle key ([`PriceProvider::bounds`]), and a market can only be created on,
//!   or moved to, a key the guard has ([`Error::UnguardedOracleKey`]).
//! * **Traders** open, increase, reduce and close long and short positions from one of their
//!   margin accounts ([`Pallet::trade`], [`Pallet::close_position`]) at the oracle price plus a
//!   premium that grows with the trade's size and the skew it adds to
//!   (`ballast_math::perp`).
//! * The counterparty is the **liquidity vault**: LPs deposit the quote asset for shares
//!   ([`Pallet::add_liquidity`]) and redeem them at net asset value
//!   ([`Pallet::remove_liquidity`]). NAV = vault cash − traders' unrealized PnL. The vault's
//!   exposure is bounded by each market's OI caps, and a withdrawal must leave NAV at least
//!   [`Config::VaultReserveRatio`] of the net skew notional.
//! * **Funding** accrues per block from the skew, lazily: a market's index catches up when the
//!   market is next touched, and a position settles its funding whenever it trades. Realized
//!   PnL, funding and fees settle to the margin account's quote balance through
//!   [`MarginLedger::settle`]; the vault books the other side and fees go to the fee pot.
//!
//! ## Rules
//!
//! * Every trade needs a usable oracle price for the market's key: fresh, inside the bounds the
//!   price guard holds for it, and within its circuit breaker of the last valid price
//!   ([`PriceMode::Fresh`](ballast_primitives::traits::PriceMode::Fresh) through
//!   [`PriceProvider::checked`]): a stale, out-of-bounds or unconfirmed jumped price is never
//!   used to execute ([`Error::PriceStale`], [`Error::PriceOutOfBounds`], [`Error::PriceJump`];
//!   this includes closing: a position cannot be closed at a price the chain does not
//!   believe). A key without a guard has no usable price. Margin valuation of other assets
//!   follows `pallet-margin-accounts`.
//! * Liquidation values and closes positions conservatively
//!   ([`PriceMode::Conservative`](ballast_primitives::traits::PriceMode::Conservative)): the
//!   latest print if it is usable; otherwise the print is ignored and the guard's last valid
//!   price for the market's key is used, as long as it is within the maximum age — longs and
//!   shorts alike, whether or not the underlying is also a collateral asset. An outlier print
//!   therefore never marks, closes or deleverages a position. With no usable price at all,
//!   liquidation of the market's positions pauses (the close fails with the price error).
//! * A trade that increases risk (a bigger position, or a flip) needs an `Active` market, room
//!   under the OI cap, and leaves the account at its initial margin. A trade that only reduces
//!   a position is always allowed, even when the account is below maintenance.
//!
//! ## Custody
//!
//! The quote asset of the vault and the fee pot sits in the margin custody account (moved with
//! [`MarginLedger::pool_deposit`] / [`MarginLedger::pool_withdraw`]), so one account backs every
//! quote claim and `pallet-margin-accounts` can prove `held == Σ quote balances + vault + fees`.
//!
//! ## Layout
//!
//! [`types`] (markets, positions, the vault, reports); `impls.rs` (market creation, prices,
//! funding, trading and the one fill path every trade, liquidation close and deleveraging goes
//! through); `shutdown.rs` (the global settlement: every position closed at a fixed price,
//! bounded per step with a cursor); `settlement.rs` (liquidation closes and auto-deleveraging, the
//! [`Derivatives`](ballast_primitives::traits::Derivatives) interface); `vault.rs` (the
//! liquidity vault); `reports.rs` (what `MarginApi` serves). The formulas are
//! `ballast_math::perp`.

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

#[cfg(feature = "runtime-benchmarks")]
#[allow(clippy::float_arithmetic, clippy::unwrap_used, clippy::expect_used)]
mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
mod reports;
mod settlement;
mod shutdown;
#[cfg(test)]
mod tests;
pub mod types;
mod vault;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use ballast_primitives::{
	traits::{
		MarginLedger, OnAccountChange, PriceError, PriceProvider, RiskTightening, SettlementStatus,
	},
	Balance, MarketId, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::{self, pallet_prelude::*},
	frame_system::pallet_prelude::*,
	sp_arithmetic::Permill,
};

/// What the benchmarks need from the runtime: guarded oracle keys, prices, markets and funded
/// margin accounts (which only the margin pallet can fill).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// From now on `Prices::bounds(key)` is `Some` (the price guard guards `key`), so that a
	/// market can be created on it.
	fn guard(key: ballast_primitives::OracleKey);
	/// Fresh prices for every market's underlying and every collateral asset.
	fn setup();
	/// From now on markets `0..markets` exist (listing more on guarded keys as needed), each
	/// with a fresh price and a [`Self::trade_size`].
	fn list_markets(markets: u32);
	/// Fund `who` and give it its cross account with ample quote and `assets` collateral assets
	/// (listing more assets as needed; up to `Config::MaxCollateralAssets`). Returns the
	/// sub-account.
	fn cross_account(who: &AccountId, assets: u32) -> SubAccount;
	/// Move the prices (a trade then changes a position's average entry price).
	fn move_prices();
	/// A long size worth trading in `market` (a few thousand quote units of notional).
	fn trade_size(market: MarketId) -> i128;
	/// Put quote in `who`'s wallet; returns an amount worth adding to the vault.
	fn fund_quote(who: &AccountId) -> Balance;
}

/// The class of a margin account — its positions (in every product) and its collateral assets
/// — read without valuing anything: what valuing it and re-filing it for liquidation costs,
/// which every trade pays (the initial-margin test and `OnChange` value the whole account). A
/// trade is charged at its account's class (`WeightInfo::trade(p, c)`). Implemented by the
/// margin engine, through the runtime.
pub trait AccountClass<AccountId> {
	/// `(positions, collateral assets)` of `(who, sub)` as it stands.
	fn class(who: &AccountId, sub: SubAccount) -> (u32, u32);
}

/// No margin engine to ask: every account is of the largest class (no refund).
impl<AccountId> AccountClass<AccountId> for () {
	fn class(_: &AccountId, _: SubAccount) -> (u32, u32) {
		(u32::MAX, u32::MAX)
	}
}

// FRAME's generated code calls `expect` on facts the runtime's construction guarantees.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>>
			+ IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// Who may change markets' parameters and the vault's rules.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who may create (list) a market.
		type ListingOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The margin engine: settlement, margin tests, custody of the quote asset.
		type Ledger: MarginLedger<Self::AccountId>;

		/// Prices, timestamped, checked by the price guard against each oracle key's bounds,
		/// maximum age and circuit breaker.
		type Prices: PriceProvider;

		/// Decimals of the quote asset.
		#[pallet::constant]
		type QuoteDecimals: Get<u8>;

		/// Most markets.
		#[pallet::constant]
		type MaxMarkets: Get<u32>;

		/// Most collateral assets one margin account holds (the margin engine's limit): with
		/// [`Config::MaxMarkets`], the largest account a trade values, at which its weight is
		/// declared.
		#[pallet::constant]
		type MaxCollateralAssets: Get<u32>;

		/// The class (positions, collateral assets) of a margin account, read cheaply: a trade
		/// is refunded down to its account's class.
		type AccountClass: AccountClass<Self::AccountId>;

		/// Blocks per day, for the funding rate.
		#[pallet::constant]
		type BlocksPerDay: Get<u32>;

		/// NAV the vault must keep, as a share of Σ |skew| notional, after an LP withdrawal.
		#[pallet::constant]
		type VaultReserveRatio: Get<Permill>;

		/// Virtual shares and virtual quote (the same amount, quote smallest units) added to
		/// the vault when shares are priced: a first depositor cannot inflate the share price to
		/// round later deposits down to nothing, and shares start at one per quote unit.
		#[pallet::constant]
		type VirtualShares: Get<Balance>;

		/// Told after a position changed (the liquidation index, the stress test).
		type OnChange: OnAccountChange<Self::AccountId>;

		/// The stress test's tightening of new risk: a trade that opens on a side must fit
		/// under that side's open-interest cap `× (1 − level)`
		/// ([`ballast_primitives::math::stress::tightened_cap`]). Reducing is never limited.
		type Tightening: RiskTightening;

		/// Whether a global settlement is under way: once triggered, [`Pallet::trade`],
		/// [`Pallet::close_position`] and [`Pallet::add_liquidity`] are refused
		/// ([`Error::GlobalSettlementActive`]); positions are closed by the settlement
		/// (`shutdown.rs`).
		type Settlement: SettlementStatus;

		/// Weights.
		type WeightInfo: WeightInfo;

		/// Funds margin accounts and sets prices for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The vault's risk rules: stress move, LP exit notice, minimum trade notional and fee.
	#[pallet::storage]
	pub type Rules<T: Config> = StorageValue<_, VaultRules, ValueQuery>;

	/// Shares each LP asked to withdraw, and from when.
	#[pallet::storage]
	pub type PendingExits<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PendingExit<BlockNumberFor<T>>, OptionQuery>;

	/// Markets by id.
	#[pallet::storage]
	pub type Markets<T: Config> =
		StorageMap<_, Twox64Concat, MarketId, Market<BlockNumberFor<T>>, OptionQuery>;

	/// The id the next market gets.
	#[pallet::storage]
	pub type NextMarketId<T: Config> = StorageValue<_, MarketId, ValueQuery>;

	/// Positions by margin account and market.
	#[pallet::storage]
	pub type Positions<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		(T::AccountId, SubAccount),
		Twox64Concat,
		MarketId,
		Position,
		OptionQuery,
	>;

	/// The liquidity vault.
	#[pallet::storage]
	pub type VaultState<T: Config> = StorageValue<_, Vault, ValueQuery>;

	/// LP shares by holder.
	#[pallet::storage]
	pub type LpShares<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Balance, ValueQuery>;

	/// Trading fees collected, in the quote asset.
	#[pallet::storage]
	pub type FeePot<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// The global settlement's cursor: the raw key of the last position it looked at.
	#[pallet::storage]
	pub type ShutdownCursor<T: Config> =
		StorageValue<_, BoundedVec<u8, ConstU32<256>>, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Markets to create, in id order from 0. Each oracle key must already be guarded (the
		/// price guard's genesis is built first).
		pub markets: Vec<MarketParams>,
		/// Initial LP deposits `(who, amount)`; `who` must hold the quote asset at genesis.
		pub vault_deposits: Vec<(T::AccountId, Balance)>,
		/// The vault's risk rules.
		pub vault_rules: VaultRules,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		// An invalid market or an unfunded vault deposit is a configuration bug: refuse to build
		// the chain (as the registry and the price feed do) rather than start without it. Genesis
		// is built once, by `build-spec` or at first start, never inside a block.
		#[allow(clippy::panic)]
		fn build(&self) {
			if let Err(e) = self.vault_rules.validate() {
				panic!("Perpetuals genesis: vault rules {:?}: {e:?}", self.vault_rules);
			}
			Rules::<T>::put(self.vault_rules);
			for params in &self.markets {
				if let Err(e) = Pallet::<T>::do_create_market(*params) {
					panic!("Perpetuals genesis: market {params:?}: {e:?}");
				}
			}
			for (who, amount) in &self.vault_deposits {
				if let Err(e) = Pallet::<T>::do_add_liquidity(who, *amount, 0) {
					panic!("Perpetuals genesis: vault deposit of {amount}: {e:?}");
				}
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A market was created.
		MarketCreated { market: MarketId, params: MarketParams },
		/// A market's parameters changed.
		MarketUpdated { market: MarketId, params: MarketParams },
		/// A position traded.
		Traded {
			who: T::AccountId,
			sub: SubAccount,
			market: MarketId,
			size_delta: i128,
			price: Price,
			fee: Balance,
			realized_pnl: SignedBalance,
			funding: SignedBalance,
			new_size: i128,
		},
		/// An LP deposited into the vault.
		LiquidityAdded { who: T::AccountId, amount: Balance, shares: Balance },
		/// An LP asked to withdraw `shares` (all it has pending), redeemable from `ready_at`.
		WithdrawalRequested { who: T::AccountId, shares: Balance, ready_at: BlockNumberFor<T> },
		/// An LP cancelled its pending withdrawal; the shares are its again.
		WithdrawalCancelled { who: T::AccountId, shares: Balance },
		/// An LP redeemed shares.
		LiquidityRemoved { who: T::AccountId, shares: Balance, amount: Balance },
		/// Quote was given to the vault without shares (a recapitalisation).
		VaultRecapitalised { who: T::AccountId, amount: Balance },
		/// Written-off debt was charged to the vault: the LPs, as the counterparty of the
		/// bankrupt positions, bear it.
		LossBorne { market: Option<MarketId>, amount: Balance },
		/// The vault's risk rules changed.
		VaultRulesSet { rules: VaultRules },
		/// A global settlement closed a position in full at the fixed `price` (no fee);
		/// `settled` (realized PnL net of funding) went to the quote balance.
		PositionSettledGlobally {
			who: T::AccountId,
			sub: SubAccount,
			market: MarketId,
			size: i128,
			price: Price,
			settled: SignedBalance,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No such market.
		UnknownMarket,
		/// `MaxMarkets` markets exist.
		TooManyMarkets,
		/// Margin ratios are zero, or maintenance is not below initial.
		InvalidMarginRatios,
		/// Taker fee above `MAX_TAKER_FEE`.
		TakerFeeTooLarge,
		/// The market's oracle key has no price guard (no bounds, no maximum age): none of its
		/// prices could ever be used.
		UnguardedOracleKey,
		/// Skew scale is zero.
		ZeroSkewScale,
		/// Base decimals too large.
		DecimalsTooLarge,
		/// An OI cap is zero.
		ZeroOpenInterestCap,
		/// Size or amount is zero.
		ZeroAmount,
		/// No position to close.
		NoPosition,
		/// The market is reduce-only.
		MarketReduceOnly,
		/// The trade would exceed the long OI cap.
		LongOpenInterestCapExceeded,
		/// The trade would exceed the short OI cap.
		ShortOpenInterestCapExceeded,
		/// The execution price is worse than the caller's limit.
		SlippageExceeded,
		/// The market's oracle has no price, or its key has no price guard.
		PriceMissing,
		/// The market's price is older than the maximum age the price guard holds for its key.
		PriceStale,
		/// The market's price is outside the bounds the price guard holds for its key.
		PriceOutOfBounds,
		/// The market's latest price moved beyond the circuit breaker the price guard holds for
		/// its key, and is not confirmed yet.
		PriceJump,
		/// The caller holds fewer shares.
		InsufficientShares,
		/// The withdrawal would leave the vault below its reserve.
		VaultReserveBreached,
		/// The vault has less cash than the withdrawal.
		VaultInsufficientCash,
		/// The vault's NAV is not positive with shares outstanding (they cannot be priced), or
		/// negative with none (a first deposit would cover a deficit that is not its own).
		VaultInsolvent,
		/// An amount overflowed.
		Overflow,
		/// The market has open interest: its oracle key and base decimals cannot change (every
		/// open position would be revalued by the swap).
		UnderlyingInUse,
		/// Premium cap above `MAX_PREMIUM`, or base spread above the premium cap.
		PremiumTooLarge,
		/// Funding rate above `MAX_FUNDING_RATE` per day.
		FundingRateTooLarge,
		/// Stress move zero or above `MAX_STRESS_MOVE`.
		InvalidStressMove,
		/// Exit notice above `MAX_EXIT_NOTICE` blocks.
		ExitNoticeTooLong,
		/// Minimum fee above the minimum trade notional.
		MinFeeAboveMinNotional,
		/// The trade increases a market's skew while the vault's loss under the stress move of
		/// [`VaultRules`] would exceed its NAV: the vault cannot take the other side.
		VaultStressExceeded,
		/// The trade's notional is below the minimum (and it does not close the position).
		TradeTooSmall,
		/// The caller has no pending withdrawal.
		NoPendingWithdrawal,
		/// The withdrawal's notice has not passed yet.
		WithdrawalNotReady,
		/// The deposit would mint fewer shares, or the withdrawal pay out less, than the
		/// caller's minimum.
		BelowMinimumOutput,
		/// A global settlement was triggered: trading and new liquidity are closed (positions
		/// are settled at the fixed prices; withdrawals stay open).
		GlobalSettlementActive,
	}

	impl<T: Config> From<PriceError> for Error<T> {
		fn from(e: PriceError) -> Self {
			match e {
				PriceError::Missing => Error::PriceMissing,
				PriceError::Stale => Error::PriceStale,
				PriceError::OutOfBounds => Error::PriceOutOfBounds,
				PriceError::Jump => Error::PriceJump,
			}
		}
	}

	impl<T: Config> From<ParamsError> for Error<T> {
		fn from(e: ParamsError) -> Self {
			match e {
				ParamsError::MarginRatios => Error::InvalidMarginRatios,
				ParamsError::FeeTooLarge => Error::TakerFeeTooLarge,
				ParamsError::PremiumTooLarge => Error::PremiumTooLarge,
				ParamsError::FundingTooLarge => Error::FundingRateTooLarge,
				ParamsError::SkewScale => Error::ZeroSkewScale,
				ParamsError::Decimals => Error::DecimalsTooLarge,
				ParamsError::OpenInterestCap => Error::ZeroOpenInterestCap,
			}
		}
	}

	impl<T: Config> From<RulesError> for Error<T> {
		fn from(e: RulesError) -> Self {
			match e {
				RulesError::StressMove => Error::InvalidStressMove,
				RulesError::ExitNotice => Error::ExitNoticeTooLong,
				RulesError::MinFee => Error::MinFeeAboveMinNotional,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Create a market with `params`. Origin: [`Config::ListingOrigin`].
		///
		/// Errors: [`Error::TooManyMarkets`], the parameter errors
		/// ([`Error::InvalidMarginRatios`], [`Error::InvalidLeverage`], [`Error::ZeroSkewScale`],
		/// [`Error::DecimalsTooLarge`], [`Error::ZeroOpenInterestCap`]), and
		/// [`Error::UnguardedOracleKey`] if the price guard has no bounds for `params.oracle_key`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_market())]
		pub fn create_market(origin: OriginFor<T>, params: MarketParams) -> DispatchResult {
			T::ListingOrigin::ensure_origin(origin)?;
			let market = Self::do_create_market(params)?;
			Self::deposit_event(Event::MarketCreated { market, params });
			Ok(())
		}

		/// Replace a market's parameters (including its status). Governance only. Lowering an OI
		/// cap below the current OI blocks new risk but forces nobody out. The oracle key and the
		/// base decimals change only while the market has no open interest.
		///
		/// Errors: [`Error::UnknownMarket`], the parameter errors,
		/// [`Error::UnguardedOracleKey`] and [`Error::UnderlyingInUse`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_market())]
		pub fn update_market(
			origin: OriginFor<T>,
			market: MarketId,
			params: MarketParams,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_update_market(market, params)?;
			Self::deposit_event(Event::MarketUpdated { market, params });
			Ok(())
		}

		/// Change the position of margin account `sub` in `market` by `size_delta` (base
		/// smallest units; positive buys, negative sells). `limit_price`, if given, is the worst
		/// acceptable execution price (highest for a buy, lowest for a sell).
		///
		/// Weight: declared for the largest account ([`Config::MaxMarkets`] positions,
		/// [`Config::MaxCollateralAssets`] collateral assets: the margin test and the
		/// liquidation engine value the whole account), refunded to the account's class
		/// ([`Config::AccountClass`]) after the trade.
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::UnknownMarket`], [`Error::PriceMissing`],
		/// [`Error::PriceStale`], [`Error::PriceOutOfBounds`], [`Error::PriceJump`],
		/// [`Error::SlippageExceeded`], [`Error::MarketReduceOnly`],
		/// [`Error::LongOpenInterestCapExceeded`],
		/// [`Error::ShortOpenInterestCapExceeded`], [`Error::Overflow`]; from the margin engine
		/// `UnknownAccount`, `WrongMarket` (an isolated account bound elsewhere) and
		/// `InsufficientMargin`; [`Error::GlobalSettlementActive`] once a global settlement
		/// was triggered.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::trade(
			T::MaxMarkets::get(),
			T::MaxCollateralAssets::get()
		))]
		pub fn trade(
			origin: OriginFor<T>,
			sub: SubAccount,
			market: MarketId,
			size_delta: i128,
			limit_price: Option<Price>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(T::Settlement::is_live(), Error::<T>::GlobalSettlementActive);
			let o = Self::do_trade(&who, sub, market, size_delta, limit_price)?;
			let weight = Self::trade_weight(&who, sub, o.new_size == 0);
			Self::deposit_event(Event::Traded {
				who,
				sub,
				market,
				size_delta,
				price: o.price,
				fee: o.fee,
				realized_pnl: o.realized_pnl,
				funding: o.funding,
				new_size: o.new_size,
			});
			Ok(Some(weight).into())
		}

		/// Close the whole position of margin account `sub` in `market`.
		///
		/// Weighed as [`Pallet::trade`]: declared for the largest account, refunded to the
		/// account's class.
		///
		/// Errors: [`Error::NoPosition`] and those of [`Pallet::trade`] that apply to a reducing
		/// trade ([`Error::GlobalSettlementActive`]: the settlement closes it).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::trade(
			T::MaxMarkets::get(),
			T::MaxCollateralAssets::get()
		))]
		pub fn close_position(
			origin: OriginFor<T>,
			sub: SubAccount,
			market: MarketId,
			limit_price: Option<Price>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(T::Settlement::is_live(), Error::<T>::GlobalSettlementActive);
			let size =
				Positions::<T>::get((&who, sub), market).ok_or(Error::<T>::NoPosition)?.quantity;
			let size_delta = size.checked_neg().ok_or(Error::<T>::Overflow)?;
			let o = Self::do_trade(&who, sub, market, size_delta, limit_price)?;
			let weight = Self::trade_weight(&who, sub, o.new_size == 0);
			Self::deposit_event(Event::Traded {
				who,
				sub,
				market,
				size_delta,
				price: o.price,
				fee: o.fee,
				realized_pnl: o.realized_pnl,
				funding: o.funding,
				new_size: o.new_size,
			});
			Ok(Some(weight).into())
		}

		/// Deposit `amount` of the quote asset into the liquidity vault for shares at NAV
		/// (priced with [`Config::VirtualShares`]); refused if it would mint fewer than
		/// `min_shares`.
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::VaultInsolvent`],
		/// [`Error::BelowMinimumOutput`], [`Error::GlobalSettlementActive`], price errors (NAV
		/// needs a usable price for every market with open interest), [`Error::Overflow`],
		/// token errors.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::add_liquidity())]
		pub fn add_liquidity(
			origin: OriginFor<T>,
			#[pallet::compact] amount: Balance,
			#[pallet::compact] min_shares: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(T::Settlement::is_live(), Error::<T>::GlobalSettlementActive);
			let shares = Self::do_add_liquidity(&who, amount, min_shares)?;
			Self::deposit_event(Event::LiquidityAdded { who, amount, shares });
			Ok(())
		}

		/// Ask to withdraw `shares` of the vault. They leave the caller's free shares at once
		/// but stay in the vault, bearing its gains and losses, until the exit notice of
		/// [`VaultRules`] has passed; then [`Pallet::withdraw_liquidity`] redeems them at the
		/// NAV of that moment. A second request adds to the first and restarts the notice.
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::InsufficientShares`], [`Error::Overflow`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::request_withdrawal())]
		pub fn request_withdrawal(
			origin: OriginFor<T>,
			#[pallet::compact] shares: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let exit = Self::do_request_withdrawal(&who, shares)?;
			Self::deposit_event(Event::WithdrawalRequested {
				who,
				shares: exit.shares,
				ready_at: exit.ready_at,
			});
			Ok(())
		}

		/// Redeem the caller's pending withdrawal at NAV, once its notice has passed; refused if
		/// it would pay out less than `min_amount`.
		///
		/// Errors: [`Error::NoPendingWithdrawal`], [`Error::WithdrawalNotReady`],
		/// [`Error::VaultInsolvent`], [`Error::VaultInsufficientCash`],
		/// [`Error::VaultReserveBreached`], [`Error::BelowMinimumOutput`], price errors,
		/// [`Error::Overflow`], token errors.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::withdraw_liquidity())]
		pub fn withdraw_liquidity(
			origin: OriginFor<T>,
			#[pallet::compact] min_amount: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (shares, amount) = Self::do_withdraw_liquidity(&who, min_amount)?;
			Self::deposit_event(Event::LiquidityRemoved { who, shares, amount });
			Ok(())
		}

		/// Cancel the caller's pending withdrawal: the shares are free again.
		///
		/// Errors: [`Error::NoPendingWithdrawal`], [`Error::Overflow`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::cancel_withdrawal())]
		pub fn cancel_withdrawal(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let shares = Self::do_cancel_withdrawal(&who)?;
			Self::deposit_event(Event::WithdrawalCancelled { who, shares });
			Ok(())
		}

		/// Give `amount` of the quote asset to the vault without taking shares: how a vault
		/// whose NAV fell to zero or below (after a loss beyond it) is recapitalised, so that
		/// deposits and skew-increasing trades can resume. Anyone may; the existing LPs gain.
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::Overflow`], token errors.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::recapitalise_vault())]
		pub fn recapitalise_vault(
			origin: OriginFor<T>,
			#[pallet::compact] amount: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_recapitalise(&who, amount)?;
			Self::deposit_event(Event::VaultRecapitalised { who, amount });
			Ok(())
		}

		/// Set the vault's risk rules. Governance only.
		///
		/// Errors: [`Error::InvalidStressMove`], [`Error::ExitNoticeTooLong`],
		/// [`Error::MinFeeAboveMinNotional`].
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::set_vault_rules())]
		pub fn set_vault_rules(origin: OriginFor<T>, rules: VaultRules) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			rules.validate().map_err(Error::<T>::from)?;
			Rules::<T>::put(rules);
			Self::deposit_event(Event::VaultRulesSet { rules });
			Ok(())
		}
	}
}

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::perpetuals";
