//! # Perpetuals
//!
//! Perpetual futures traded against a liquidity vault, margined by `pallet-margin-accounts`.
//!
//! ## Model
//!
//! * **Markets** are created by governance ([`Config::GovernanceOrigin`]): the underlying's
//!   oracle key, price age and bounds, initial and maintenance margin ratios (of notional), max
//!   leverage, long and short open-interest caps, taker fee, spread and funding parameters.
//! * **Traders** open, increase, reduce and close long and short positions from one of their
//!   margin accounts ([`Pallet::trade`], [`Pallet::close_position`]) at the oracle price plus a
//!   premium that grows with the trade's size and the skew it adds to ([`math`]).
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
//! * Every trade needs a fresh oracle price inside the market's bounds: a stale price is never
//!   used to execute (this includes closing: a position cannot be closed at a price the chain
//!   does not believe). Margin valuation of other assets follows `pallet-margin-accounts`.
//! * A trade that increases risk (a bigger position, or a flip) needs an `Active` market, room
//!   under the OI cap, and leaves the account at its initial margin. A trade that only reduces
//!   a position is always allowed, even when the account is below maintenance.
//!
//! ## Custody
//!
//! The quote asset of the vault and the fee pot sits in the margin custody account (moved with
//! [`MarginLedger::pool_deposit`] / [`MarginLedger::pool_withdraw`]), so one account backs every
//! quote claim and `pallet-margin-accounts` can prove `held == Σ quote balances + vault + fees`.

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
pub mod math;
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use ballast_primitives::{
	math::MAX_DECIMALS,
	traits::{
		checked_price_for, DerivativeExposure, Exposure, MarginLedger, OnAccountChange, PriceError,
		PriceMode, PriceProvider,
	},
	Balance, MarketId, Moment, OracleKey, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::{self, pallet_prelude::*},
	frame_system::{self, pallet_prelude::*},
	sp_arithmetic::{traits::Zero, FixedI128, Permill},
	sp_runtime::traits::{Saturating, UniqueSaturatedInto},
};

/// What the benchmarks need from the runtime: prices and funded margin accounts (which only
/// the margin pallet can fill).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Fresh prices for every market's underlying and every collateral asset.
	fn setup();
	/// Fund `who` and give it a margin account: the cross account with ample margin (quote and
	/// every collateral asset), or a new isolated account bound to `isolated` with a modest
	/// one (so that its positions have a liquidation price). Returns the sub-account.
	fn margin_account(who: &AccountId, isolated: Option<MarketId>) -> SubAccount;
	/// Move the prices (a trade then changes a position's average entry price).
	fn move_prices();
	/// A long size worth trading in `market` (a few thousand quote units of notional).
	fn trade_size(market: MarketId) -> i128;
	/// Put quote in `who`'s wallet; returns an amount worth adding to the vault.
	fn fund_quote(who: &AccountId) -> Balance;
}

/// Whether a market takes new risk.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum MarketStatus {
	/// Open for all trades.
	Active,
	/// Only trades that reduce positions.
	ReduceOnly,
}

/// A market's parameters, set by governance.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct MarketParams {
	/// Oracle key of the underlying.
	pub oracle_key: OracleKey,
	/// Decimals of the size unit (the underlying's smallest unit).
	pub base_decimals: u8,
	/// Oldest oracle price (ms) a trade may execute at.
	pub max_price_age: Moment,
	/// Lowest believable price.
	pub min_price: Price,
	/// Highest believable price.
	pub max_price: Price,
	/// Initial margin, as a share of notional.
	pub initial_margin: Permill,
	/// Maintenance margin, as a share of notional; below `initial_margin`.
	pub maintenance_margin: Permill,
	/// Largest leverage; `initial_margin × max_leverage ≥ 1`.
	pub max_leverage: u32,
	/// Cap on the sum of long sizes.
	pub max_long_oi: Balance,
	/// Cap on the sum of short sizes.
	pub max_short_oi: Balance,
	/// Fee on each trade's notional, to the fee pot.
	pub taker_fee: Permill,
	/// Premium every trade pays.
	pub base_spread: Permill,
	/// Size at which the size and skew premiums reach 100 % (and funding its maximum).
	pub skew_scale: Balance,
	/// Cap on the premium.
	pub max_premium: Permill,
	/// Funding rate per day at full skew.
	pub max_funding_rate: Permill,
	/// Whether the market takes new risk.
	pub status: MarketStatus,
}

/// A market's running state.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct MarketState<BlockNumber> {
	/// Σ long sizes.
	pub long_oi: Balance,
	/// Σ |short sizes|.
	pub short_oi: Balance,
	/// Σ entry notionals of longs.
	pub long_entry_notional: Balance,
	/// Σ entry notionals of shorts.
	pub short_entry_notional: Balance,
	/// Cumulative funding per whole base token, quote smallest units.
	pub funding_index: FixedI128,
	/// Block the index was last brought up to date.
	pub funding_updated: BlockNumber,
}

impl<B> MarketState<B> {
	/// Long OI − short OI.
	pub fn skew(&self) -> i128 {
		i128::try_from(self.long_oi)
			.unwrap_or(i128::MAX)
			.saturating_sub(i128::try_from(self.short_oi).unwrap_or(i128::MAX))
	}
}

/// A market: parameters and state.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Market<BlockNumber> {
	/// Parameters.
	pub params: MarketParams,
	/// State.
	pub state: MarketState<BlockNumber>,
}

/// One position.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Position {
	/// Size in base smallest units; positive long, negative short.
	pub quantity: i128,
	/// What `|quantity|` cost at entry, quote smallest units (entry price × |quantity|).
	pub entry_notional: Balance,
	/// The market's funding index when funding was last settled.
	pub funding_index: FixedI128,
}

/// The liquidity vault.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Vault {
	/// Quote asset the vault holds (may go negative only if traders' realized gains exceed it).
	pub cash: SignedBalance,
	/// LP shares outstanding.
	pub shares: Balance,
}

/// What a trade did.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct TradeOutcome {
	/// Execution price.
	pub price: Price,
	/// Fee paid.
	pub fee: Balance,
	/// PnL realized by the reduced part.
	pub realized_pnl: SignedBalance,
	/// Funding settled (positive: paid by the trader).
	pub funding: SignedBalance,
	/// Size after the trade.
	pub new_size: i128,
}

/// Why market parameters are invalid.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParamsError {
	/// Margin ratios zero, or maintenance not below initial.
	MarginRatios,
	/// `initial_margin × max_leverage < 1`, or zero leverage.
	Leverage,
	/// Prices not `0 < min < max`.
	PriceBounds,
	/// Zero max price age.
	PriceAge,
	/// Zero skew scale.
	SkewScale,
	/// Decimals too large.
	Decimals,
	/// Zero OI cap.
	OpenInterestCap,
}

impl MarketParams {
	/// Check the parameters against hard bounds.
	pub fn validate(&self) -> Result<(), ParamsError> {
		if self.maintenance_margin.is_zero() || self.maintenance_margin >= self.initial_margin {
			return Err(ParamsError::MarginRatios);
		}
		let covered = u64::from(self.initial_margin.deconstruct())
			.saturating_mul(u64::from(self.max_leverage));
		if self.max_leverage == 0 || covered < 1_000_000 {
			return Err(ParamsError::Leverage);
		}
		if self.min_price.is_zero() || self.min_price >= self.max_price {
			return Err(ParamsError::PriceBounds);
		}
		if self.max_price_age == 0 {
			return Err(ParamsError::PriceAge);
		}
		if self.skew_scale == 0 {
			return Err(ParamsError::SkewScale);
		}
		if self.base_decimals > MAX_DECIMALS {
			return Err(ParamsError::Decimals);
		}
		if self.max_long_oi == 0 || self.max_short_oi == 0 {
			return Err(ParamsError::OpenInterestCap);
		}
		Ok(())
	}
}

// FRAME's generated code calls `expect` on facts the runtime's construction guarantees.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

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

		/// Who may create and change markets.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The margin engine: settlement, margin tests, custody of the quote asset.
		type Ledger: MarginLedger<Self::AccountId>;

		/// Prices, timestamped.
		type Prices: PriceProvider;

		/// Decimals of the quote asset.
		#[pallet::constant]
		type QuoteDecimals: Get<u8>;

		/// Most markets.
		#[pallet::constant]
		type MaxMarkets: Get<u32>;

		/// Blocks per day, for the funding rate.
		#[pallet::constant]
		type BlocksPerDay: Get<u32>;

		/// NAV the vault must keep, as a share of Σ |skew| notional, after an LP withdrawal.
		#[pallet::constant]
		type VaultReserveRatio: Get<Permill>;

		/// Told after a position changed (the liquidation index).
		type OnChange: OnAccountChange<Self::AccountId>;

		/// Weights.
		type WeightInfo: WeightInfo;

		/// Funds margin accounts and sets prices for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

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

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Markets to create, in id order from 0.
		pub markets: Vec<MarketParams>,
		/// Initial LP deposits `(who, amount)`; `who` must hold the quote asset at genesis.
		pub vault_deposits: Vec<(T::AccountId, Balance)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		// An invalid market or an unfunded vault deposit is a configuration bug: refuse to build
		// the chain (as the registry and the price feed do) rather than start without it. Genesis
		// is built once, by `build-spec` or at first start, never inside a block.
		#[allow(clippy::panic)]
		fn build(&self) {
			for params in &self.markets {
				if let Err(e) = Pallet::<T>::do_create_market(*params) {
					panic!("Perpetuals genesis: market {params:?}: {e:?}");
				}
			}
			for (who, amount) in &self.vault_deposits {
				if let Err(e) = Pallet::<T>::do_add_liquidity(who, *amount) {
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
		/// An LP redeemed shares.
		LiquidityRemoved { who: T::AccountId, shares: Balance, amount: Balance },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No such market.
		UnknownMarket,
		/// `MaxMarkets` markets exist.
		TooManyMarkets,
		/// Margin ratios are zero, or maintenance is not below initial.
		InvalidMarginRatios,
		/// `initial_margin × max_leverage < 1`.
		InvalidLeverage,
		/// Price bounds are not `0 < min < max`.
		InvalidPriceBounds,
		/// Max price age is zero.
		ZeroMaxPriceAge,
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
		/// The market's oracle has no price.
		PriceMissing,
		/// The market's price is older than its maximum age.
		PriceStale,
		/// The market's price is outside its bounds.
		PriceOutOfBounds,
		/// The caller holds fewer shares.
		InsufficientShares,
		/// The withdrawal would leave the vault below its reserve.
		VaultReserveBreached,
		/// The vault has less cash than the withdrawal.
		VaultInsufficientCash,
		/// The vault's NAV is not positive: shares cannot be priced.
		VaultInsolvent,
		/// An amount overflowed.
		Overflow,
	}

	impl<T: Config> From<PriceError> for Error<T> {
		fn from(e: PriceError) -> Self {
			match e {
				PriceError::Missing => Error::PriceMissing,
				PriceError::Stale => Error::PriceStale,
				PriceError::OutOfBounds => Error::PriceOutOfBounds,
			}
		}
	}

	impl<T: Config> From<ParamsError> for Error<T> {
		fn from(e: ParamsError) -> Self {
			match e {
				ParamsError::MarginRatios => Error::InvalidMarginRatios,
				ParamsError::Leverage => Error::InvalidLeverage,
				ParamsError::PriceBounds => Error::InvalidPriceBounds,
				ParamsError::PriceAge => Error::ZeroMaxPriceAge,
				ParamsError::SkewScale => Error::ZeroSkewScale,
				ParamsError::Decimals => Error::DecimalsTooLarge,
				ParamsError::OpenInterestCap => Error::ZeroOpenInterestCap,
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
		/// Create a market with `params`. Governance only.
		///
		/// Errors: [`Error::TooManyMarkets`] and the parameter errors
		/// ([`Error::InvalidMarginRatios`], [`Error::InvalidLeverage`],
		/// [`Error::InvalidPriceBounds`], [`Error::ZeroMaxPriceAge`], [`Error::ZeroSkewScale`],
		/// [`Error::DecimalsTooLarge`], [`Error::ZeroOpenInterestCap`]).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_market())]
		pub fn create_market(origin: OriginFor<T>, params: MarketParams) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			let market = Self::do_create_market(params)?;
			Self::deposit_event(Event::MarketCreated { market, params });
			Ok(())
		}

		/// Replace a market's parameters (including its status). Governance only. Lowering an OI
		/// cap below the current OI blocks new risk but forces nobody out.
		///
		/// Errors: [`Error::UnknownMarket`] and the parameter errors.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_market())]
		pub fn update_market(
			origin: OriginFor<T>,
			market: MarketId,
			params: MarketParams,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			params.validate().map_err(Error::<T>::from)?;
			Markets::<T>::try_mutate(market, |m| -> DispatchResult {
				let m = m.as_mut().ok_or(Error::<T>::UnknownMarket)?;
				// Funding so far accrues under the old parameters.
				Self::accrue(m)?;
				m.params = params;
				Ok(())
			})?;
			Self::deposit_event(Event::MarketUpdated { market, params });
			Ok(())
		}

		/// Change the position of margin account `sub` in `market` by `size_delta` (base
		/// smallest units; positive buys, negative sells). `limit_price`, if given, is the worst
		/// acceptable execution price (highest for a buy, lowest for a sell).
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::UnknownMarket`], [`Error::PriceMissing`],
		/// [`Error::PriceStale`], [`Error::PriceOutOfBounds`], [`Error::SlippageExceeded`],
		/// [`Error::MarketReduceOnly`], [`Error::LongOpenInterestCapExceeded`],
		/// [`Error::ShortOpenInterestCapExceeded`], [`Error::Overflow`]; from the margin engine
		/// `UnknownAccount`, `WrongMarket` (an isolated account bound elsewhere) and
		/// `InsufficientMargin`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::trade())]
		pub fn trade(
			origin: OriginFor<T>,
			sub: SubAccount,
			market: MarketId,
			size_delta: i128,
			limit_price: Option<Price>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let o = Self::do_trade(&who, sub, market, size_delta, limit_price)?;
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
			Ok(())
		}

		/// Close the whole position of margin account `sub` in `market`.
		///
		/// Errors: [`Error::NoPosition`] and those of [`Pallet::trade`] that apply to a reducing
		/// trade.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::trade())]
		pub fn close_position(
			origin: OriginFor<T>,
			sub: SubAccount,
			market: MarketId,
			limit_price: Option<Price>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let size =
				Positions::<T>::get((&who, sub), market).ok_or(Error::<T>::NoPosition)?.quantity;
			let size_delta = size.checked_neg().ok_or(Error::<T>::Overflow)?;
			let o = Self::do_trade(&who, sub, market, size_delta, limit_price)?;
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
			Ok(())
		}

		/// Deposit `amount` of the quote asset into the liquidity vault for shares at NAV.
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::VaultInsolvent`], price errors (NAV needs a
		/// fresh price for every market with open interest), [`Error::Overflow`], token errors.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::add_liquidity())]
		pub fn add_liquidity(
			origin: OriginFor<T>,
			#[pallet::compact] amount: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let shares = Self::do_add_liquidity(&who, amount)?;
			Self::deposit_event(Event::LiquidityAdded { who, amount, shares });
			Ok(())
		}

		/// Redeem `shares` of the vault for the quote asset at NAV.
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::InsufficientShares`],
		/// [`Error::VaultInsolvent`], [`Error::VaultInsufficientCash`],
		/// [`Error::VaultReserveBreached`], price errors, [`Error::Overflow`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::remove_liquidity())]
		pub fn remove_liquidity(
			origin: OriginFor<T>,
			#[pallet::compact] shares: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let amount = Self::do_remove_liquidity(&who, shares)?;
			Self::deposit_event(Event::LiquidityRemoved { who, shares, amount });
			Ok(())
		}
	}
}

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::perpetuals";

fn to_signed<T: Config>(v: Balance) -> Result<SignedBalance, Error<T>> {
	SignedBalance::try_from(v).map_err(|_| Error::<T>::Overflow)
}

impl<T: Config> Pallet<T> {
	/// Create a market; see [`Pallet::create_market`].
	pub fn do_create_market(params: MarketParams) -> Result<MarketId, DispatchError> {
		params.validate().map_err(Error::<T>::from)?;
		let id = NextMarketId::<T>::get();
		ensure!(id < T::MaxMarkets::get(), Error::<T>::TooManyMarkets);
		let state = MarketState {
			funding_updated: frame_system::Pallet::<T>::block_number(),
			..Default::default()
		};
		Markets::<T>::insert(id, Market { params, state });
		NextMarketId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		Ok(id)
	}

	fn price_of(params: &MarketParams, mode: PriceMode) -> Result<Price, PriceError> {
		Self::price_for(params, mode, true)
	}

	/// The price a position on one side is valued at (`long`: a lower price is worse for it;
	/// matters in [`PriceMode::Conservative`] only).
	fn price_for(params: &MarketParams, mode: PriceMode, long: bool) -> Result<Price, PriceError> {
		checked_price_for::<T::Prices>(
			params.oracle_key,
			params.max_price_age,
			params.min_price,
			params.max_price,
			mode,
			long,
		)
	}

	/// The funding index `market` would have now, without writing it.
	fn current_index(m: &Market<BlockNumberFor<T>>, price: Price) -> FixedI128 {
		let now: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
		let then: u64 = m.state.funding_updated.unique_saturated_into();
		let blocks = u32::try_from(now.saturating_sub(then)).unwrap_or(u32::MAX);
		m.state.funding_index.saturating_add(math::funding_delta(
			m.state.skew(),
			m.params.skew_scale,
			m.params.max_funding_rate,
			T::BlocksPerDay::get(),
			blocks,
			price,
			T::QuoteDecimals::get(),
		))
	}

	/// Bring a market's funding index up to now, at its last known price (funding keeps
	/// accruing at the last price while the oracle is silent; with no price ever, none accrues).
	fn accrue(m: &mut Market<BlockNumberFor<T>>) -> DispatchResult {
		if let Ok(price) = Self::price_of(&m.params, PriceMode::LastKnown) {
			m.state.funding_index = Self::current_index(m, price);
		}
		m.state.funding_updated = frame_system::Pallet::<T>::block_number();
		Ok(())
	}

	/// Trade; see [`Pallet::trade`].
	pub fn do_trade(
		who: &T::AccountId,
		sub: SubAccount,
		market_id: MarketId,
		delta: i128,
		limit: Option<Price>,
	) -> Result<TradeOutcome, DispatchError> {
		ensure!(delta != 0, Error::<T>::ZeroAmount);
		let mut market = Markets::<T>::get(market_id).ok_or(Error::<T>::UnknownMarket)?;
		T::Ledger::ensure_can_trade(who, sub, market_id)?;
		let params = market.params;
		let oracle = Self::price_of(&params, PriceMode::Fresh).map_err(Error::<T>::from)?;
		Self::accrue(&mut market)?;
		let index = market.state.funding_index;
		let qd = T::QuoteDecimals::get();
		let bd = params.base_decimals;

		let mut pos = Positions::<T>::get((who, sub), market_id).unwrap_or_default();
		let mut vault = VaultState::<T>::get();

		// 1. Funding since the position last settled.
		let funding = math::funding_owed(pos.quantity, bd, pos.funding_index, index);
		pos.funding_index = index;

		// 2. Price.
		let premium = math::premium(
			delta,
			market.state.skew(),
			params.skew_scale,
			params.base_spread,
			params.max_premium,
		);
		let price = math::execution_price(oracle, delta, premium);
		if let Some(limit) = limit {
			let ok = if delta > 0 { price <= limit } else { price >= limit };
			ensure!(ok, Error::<T>::SlippageExceeded);
		}

		// 3. Reduce the opposite side first, realizing PnL on the closed part.
		let old = pos.quantity;
		let new_size = old.checked_add(delta).ok_or(Error::<T>::Overflow)?;
		let increases = new_size.unsigned_abs() > old.unsigned_abs()
			|| (old != 0 && new_size != 0 && new_size.signum() != old.signum());
		let mut realized: SignedBalance = 0;
		let opposite = old != 0 && old.signum() != delta.signum();
		let closed = if opposite { delta.unsigned_abs().min(old.unsigned_abs()) } else { 0 };
		if closed > 0 {
			let entry_part = math::entry_share(pos.entry_notional, closed, old.unsigned_abs());
			let exit = math::notional(to_signed::<T>(closed)?, bd, price, qd)
				.ok_or(Error::<T>::Overflow)?;
			realized = math::pnl(old, entry_part, exit);
			pos.entry_notional = pos.entry_notional.saturating_sub(entry_part);
			Self::book_oi(&mut market.state, old > 0, closed, entry_part, false)?;
		}
		// 4. Open the rest on the delta's side.
		let opened = delta.unsigned_abs().saturating_sub(closed);
		if opened > 0 {
			let cost = math::notional(to_signed::<T>(opened)?, bd, price, qd)
				.ok_or(Error::<T>::Overflow)?;
			pos.entry_notional =
				pos.entry_notional.checked_add(cost).ok_or(Error::<T>::Overflow)?;
			Self::book_oi(&mut market.state, delta > 0, opened, cost, true)?;
		}
		pos.quantity = new_size;

		if increases {
			ensure!(params.status == MarketStatus::Active, Error::<T>::MarketReduceOnly);
			ensure!(
				market.state.long_oi <= params.max_long_oi,
				Error::<T>::LongOpenInterestCapExceeded
			);
			ensure!(
				market.state.short_oi <= params.max_short_oi,
				Error::<T>::ShortOpenInterestCapExceeded
			);
		}

		// 5. Fee on the traded notional.
		let traded = math::notional(delta, bd, price, qd).ok_or(Error::<T>::Overflow)?;
		let fee = params.taker_fee.mul_ceil(traded);

		// 6. Settle: trader gets realized − funding − fee; vault the opposite of PnL and funding.
		let to_trader = realized
			.checked_sub(funding)
			.and_then(|v| v.checked_sub(to_signed::<T>(fee).ok()?))
			.ok_or(Error::<T>::Overflow)?;
		T::Ledger::settle(who, sub, to_trader)?;
		vault.cash = vault
			.cash
			.checked_sub(realized)
			.and_then(|c| c.checked_add(funding))
			.ok_or(Error::<T>::Overflow)?;
		FeePot::<T>::try_mutate(|f| -> DispatchResult {
			*f = f.checked_add(fee).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;

		if new_size == 0 {
			Positions::<T>::remove((who, sub), market_id);
		} else {
			Positions::<T>::insert((who, sub), market_id, pos);
		}
		Markets::<T>::insert(market_id, market);
		VaultState::<T>::put(vault);

		if increases {
			T::Ledger::ensure_initial_margin(who, sub)?;
		}
		T::OnChange::changed(who, sub);
		Ok(TradeOutcome { price, fee, realized_pnl: realized, funding, new_size })
	}

	/// The price liquidation values `market`'s longs (`long`) or shorts at: the conservative
	/// price (see [`PriceMode::Conservative`]).
	pub fn mark_price(market: MarketId, long: bool) -> Option<Price> {
		let m = Markets::<T>::get(market)?;
		Self::price_for(&m.params, PriceMode::Conservative, long).ok()
	}

	/// Liquidation: close `fraction` of every position of `(who, sub)` at the conservative
	/// oracle price ([`PriceMode::Conservative`]: the latest when valid) against the vault, without premium or fee, settling realized PnL and funding to the
	/// quote balance. Returns the closed notional.
	pub fn close_fraction(
		who: &T::AccountId,
		sub: SubAccount,
		fraction: Permill,
	) -> Result<Balance, DispatchError> {
		let mut closed_notional: Balance = 0;
		for (market_id, pos) in Positions::<T>::iter_prefix((who.clone(), sub)).collect::<Vec<_>>()
		{
			let (exit, _) = Self::close_part(who, sub, market_id, pos, fraction)?;
			closed_notional = closed_notional.saturating_add(exit);
		}
		Ok(closed_notional)
	}

	/// Auto-deleveraging: close `fraction` of `(who, sub)`'s position in `market_id` at the
	/// latest oracle price against the vault, like [`Self::close_fraction`]. Returns what was
	/// settled to the quote balance (realized PnL net of funding).
	pub fn deleverage(
		who: &T::AccountId,
		sub: SubAccount,
		market_id: MarketId,
		fraction: Permill,
	) -> Result<SignedBalance, DispatchError> {
		let pos = Positions::<T>::get((who, sub), market_id).ok_or(Error::<T>::NoPosition)?;
		Self::close_part(who, sub, market_id, pos, fraction).map(|(_, settled)| settled)
	}

	/// Close `fraction` of one position at the conservative oracle price against the vault, settling
	/// realized PnL and funding. Returns the closed notional and what was settled.
	fn close_part(
		who: &T::AccountId,
		sub: SubAccount,
		market_id: MarketId,
		mut pos: Position,
		fraction: Permill,
	) -> Result<(Balance, SignedBalance), DispatchError> {
		let qd = T::QuoteDecimals::get();
		let mut market = Markets::<T>::get(market_id).ok_or(Error::<T>::UnknownMarket)?;
		let price = Self::price_for(&market.params, PriceMode::Conservative, pos.quantity > 0)
			.map_err(Error::<T>::from)?;
		Self::accrue(&mut market)?;
		let bd = market.params.base_decimals;
		let funding =
			math::funding_owed(pos.quantity, bd, pos.funding_index, market.state.funding_index);
		pos.funding_index = market.state.funding_index;
		let abs = pos.quantity.unsigned_abs();
		let closed = if fraction >= Permill::one() { abs } else { fraction.mul_ceil(abs).min(abs) };
		if closed == 0 {
			return Ok((0, 0));
		}
		let entry_part = math::entry_share(pos.entry_notional, closed, abs);
		let exit =
			math::notional(to_signed::<T>(closed)?, bd, price, qd).ok_or(Error::<T>::Overflow)?;
		let realized = math::pnl(pos.quantity, entry_part, exit);
		Self::book_oi(&mut market.state, pos.quantity > 0, closed, entry_part, false)?;
		pos.entry_notional = pos.entry_notional.saturating_sub(entry_part);
		let signed_closed = to_signed::<T>(closed)?;
		pos.quantity = if pos.quantity > 0 {
			pos.quantity.saturating_sub(signed_closed)
		} else {
			pos.quantity.saturating_add(signed_closed)
		};
		let settled = realized.checked_sub(funding).ok_or(Error::<T>::Overflow)?;
		T::Ledger::settle(who, sub, settled)?;
		VaultState::<T>::try_mutate(|v| -> DispatchResult {
			v.cash = v
				.cash
				.checked_sub(realized)
				.and_then(|c| c.checked_add(funding))
				.ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		if pos.quantity == 0 {
			Positions::<T>::remove((who, sub), market_id);
		} else {
			Positions::<T>::insert((who, sub), market_id, pos);
		}
		Markets::<T>::insert(market_id, market);
		Ok((exit, settled))
	}

	fn book_oi(
		s: &mut MarketState<BlockNumberFor<T>>,
		long: bool,
		size: u128,
		notional: Balance,
		add: bool,
	) -> DispatchResult {
		let (oi, entry) = if long {
			(&mut s.long_oi, &mut s.long_entry_notional)
		} else {
			(&mut s.short_oi, &mut s.short_entry_notional)
		};
		if add {
			*oi = oi.checked_add(size).ok_or(Error::<T>::Overflow)?;
			*entry = entry.checked_add(notional).ok_or(Error::<T>::Overflow)?;
		} else {
			*oi = oi.checked_sub(size).ok_or(Error::<T>::Overflow)?;
			*entry = entry.checked_sub(notional).ok_or(Error::<T>::Overflow)?;
		}
		Ok(())
	}

	/// Traders' unrealized PnL in all markets (the vault's liability) and Σ |skew| notional, at
	/// prices allowed by `mode`.
	fn traders_pnl(mode: PriceMode) -> Result<(SignedBalance, Balance), PriceError> {
		let qd = T::QuoteDecimals::get();
		let mut pnl: SignedBalance = 0;
		let mut skew_notional: Balance = 0;
		for (_, m) in Markets::<T>::iter() {
			if m.state.long_oi == 0 && m.state.short_oi == 0 {
				continue;
			}
			let price = Self::price_of(&m.params, mode)?;
			let bd = m.params.base_decimals;
			let long_mark =
				math::notional(i128::try_from(m.state.long_oi).unwrap_or(i128::MAX), bd, price, qd)
					.unwrap_or(Balance::MAX);
			let short_mark = math::notional(
				i128::try_from(m.state.short_oi).unwrap_or(i128::MAX),
				bd,
				price,
				qd,
			)
			.unwrap_or(Balance::MAX);
			pnl = pnl
				.saturating_add(math::pnl(1, m.state.long_entry_notional, long_mark))
				.saturating_add(math::pnl(-1, m.state.short_entry_notional, short_mark));
			skew_notional = skew_notional.saturating_add(
				math::notional(m.state.skew(), bd, price, qd).unwrap_or(Balance::MAX),
			);
		}
		Ok((pnl, skew_notional))
	}

	/// The vault's net asset value: cash minus traders' unrealized PnL. Funding accrued but
	/// not yet settled by positions is not counted (it is settled on each trade).
	pub fn vault_nav(mode: PriceMode) -> Result<SignedBalance, PriceError> {
		let (pnl, _) = Self::traders_pnl(mode)?;
		Ok(VaultState::<T>::get().cash.saturating_sub(pnl))
	}

	/// LP deposit; see [`Pallet::add_liquidity`].
	pub fn do_add_liquidity(who: &T::AccountId, amount: Balance) -> Result<Balance, DispatchError> {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut vault = VaultState::<T>::get();
		let shares = if vault.shares == 0 {
			amount
		} else {
			let nav = Self::vault_nav(PriceMode::Fresh).map_err(Error::<T>::from)?;
			ensure!(nav > 0, Error::<T>::VaultInsolvent);
			math::entry_share(vault.shares, amount, nav.unsigned_abs())
		};
		ensure!(shares > 0, Error::<T>::ZeroAmount);
		T::Ledger::pool_deposit(who, amount)?;
		vault.cash = vault.cash.checked_add(to_signed::<T>(amount)?).ok_or(Error::<T>::Overflow)?;
		vault.shares = vault.shares.checked_add(shares).ok_or(Error::<T>::Overflow)?;
		LpShares::<T>::try_mutate(who, |s| -> DispatchResult {
			*s = s.checked_add(shares).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		VaultState::<T>::put(vault);
		Ok(shares)
	}

	/// LP withdrawal; see [`Pallet::remove_liquidity`].
	pub fn do_remove_liquidity(
		who: &T::AccountId,
		shares: Balance,
	) -> Result<Balance, DispatchError> {
		ensure!(shares > 0, Error::<T>::ZeroAmount);
		let held = LpShares::<T>::get(who);
		ensure!(held >= shares, Error::<T>::InsufficientShares);
		let mut vault = VaultState::<T>::get();
		let (pnl, skew_notional) = Self::traders_pnl(PriceMode::Fresh).map_err(Error::<T>::from)?;
		let nav = vault.cash.saturating_sub(pnl);
		ensure!(nav > 0, Error::<T>::VaultInsolvent);
		let amount = math::entry_share(nav.unsigned_abs(), shares, vault.shares);
		ensure!(vault.cash >= to_signed::<T>(amount)?, Error::<T>::VaultInsufficientCash);
		let nav_after = nav.saturating_sub(to_signed::<T>(amount)?);
		let reserve = to_signed::<T>(T::VaultReserveRatio::get().mul_ceil(skew_notional))?;
		ensure!(nav_after >= reserve, Error::<T>::VaultReserveBreached);
		T::Ledger::pool_withdraw(who, amount)?;
		vault.cash = vault.cash.saturating_sub(to_signed::<T>(amount)?);
		vault.shares = vault.shares.saturating_sub(shares);
		LpShares::<T>::insert(who, held.saturating_sub(shares));
		if held == shares {
			LpShares::<T>::remove(who);
		}
		VaultState::<T>::put(vault);
		Ok(amount)
	}

	/// Positions of `(who, sub)` with their markets.
	pub fn positions_of(who: &T::AccountId, sub: SubAccount) -> Vec<(MarketId, Position)> {
		Positions::<T>::iter_prefix((who.clone(), sub)).collect()
	}

	/// Mark-to-market of one position at prices allowed by `mode`:
	/// `(mark price, notional, unrealized PnL incl. pending funding)`.
	pub fn mark(
		market: MarketId,
		pos: &Position,
		mode: PriceMode,
	) -> Result<(Price, Balance, SignedBalance), PriceError> {
		let m = Markets::<T>::get(market).ok_or(PriceError::Missing)?;
		let price = Self::price_for(&m.params, mode, pos.quantity > 0)?;
		let qd = T::QuoteDecimals::get();
		let notional =
			math::notional(pos.quantity, m.params.base_decimals, price, qd).unwrap_or(Balance::MAX);
		let index = Self::current_index(&m, price);
		let funding =
			math::funding_owed(pos.quantity, m.params.base_decimals, pos.funding_index, index);
		Ok((
			price,
			notional,
			math::pnl(pos.quantity, pos.entry_notional, notional).saturating_sub(funding),
		))
	}

	/// Check the pallet's invariants:
	/// * per market, long and short OI and entry notionals equal the sums over positions;
	/// * OI within the `u128` / sign conventions; no zero-size position is stored;
	/// * Σ LP shares == vault shares; market ids below `NextMarketId`.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut sums: BTreeMap<MarketId, [Balance; 4]> = BTreeMap::new();
		for (_, market, p) in Positions::<T>::iter() {
			ensure!(p.quantity != 0, "zero-size position stored");
			ensure!(Markets::<T>::contains_key(market), "position in unknown market");
			let s = sums.entry(market).or_default();
			let (oi, entry) = if p.quantity > 0 { (0, 1) } else { (2, 3) };
			let a = s.get_mut(oi).ok_or("index")?;
			*a = a.checked_add(p.quantity.unsigned_abs()).ok_or("oi overflow")?;
			let b = s.get_mut(entry).ok_or("index")?;
			*b = b.checked_add(p.entry_notional).ok_or("entry overflow")?;
		}
		let next = NextMarketId::<T>::get();
		for (id, m) in Markets::<T>::iter() {
			ensure!(id < next, "market id beyond NextMarketId");
			let s = sums.remove(&id).unwrap_or_default();
			ensure!(
				s == [
					m.state.long_oi,
					m.state.long_entry_notional,
					m.state.short_oi,
					m.state.short_entry_notional
				],
				"open interest != Σ positions"
			);
		}
		let lp: Balance = LpShares::<T>::iter_values().fold(0, |a, s| a.saturating_add(s));
		ensure!(lp == VaultState::<T>::get().shares, "Σ LP shares != vault shares");
		Ok(())
	}
}

impl<T: Config> DerivativeExposure<T::AccountId> for Pallet<T> {
	fn exposure(
		who: &T::AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Exposure, PriceError> {
		let mut e = Exposure::default();
		for (market, pos) in Positions::<T>::iter_prefix((who.clone(), sub)) {
			let m = Markets::<T>::get(market).ok_or(PriceError::Missing)?;
			let (_, notional, pnl) = Self::mark(market, &pos, mode)?;
			e.positions = e.positions.saturating_add(1);
			e.notional = e.notional.saturating_add(notional);
			e.unrealized_pnl = e.unrealized_pnl.saturating_add(pnl);
			e.initial_requirement =
				e.initial_requirement.saturating_add(m.params.initial_margin.mul_ceil(notional));
			e.maintenance_requirement = e
				.maintenance_requirement
				.saturating_add(m.params.maintenance_margin.mul_ceil(notional));
		}
		Ok(e)
	}

	fn market_exists(market: MarketId) -> bool {
		Markets::<T>::contains_key(market)
	}

	fn pooled_quote() -> SignedBalance {
		VaultState::<T>::get().cash.saturating_add(
			SignedBalance::try_from(FeePot::<T>::get()).unwrap_or(SignedBalance::MAX),
		)
	}
}
