//! # Options
//!
//! European, cash-settled calls and puts on the chain's collateral underlyings (BTC, ETH, DOT
//! in the Ballast runtime), quoted, paid and settled in the quote asset (USDC) through the
//! margin ledger, against an **options vault** with LP shares.
//!
//! ## Model (stage 1: long-only traders)
//!
//! * **Underlyings** are configured by governance ([`Config::GovernanceOrigin`],
//!   [`Pallet::set_underlying`]): the oracle key (it must be guarded by the price guard), its
//!   decimals, the implied-volatility model, the spread, and the vault's delta and vega caps.
//! * **Series** `(underlying, strike, expiry, kind)` are listed by [`Config::ListOrigin`]
//!   ([`Pallet::list_series`]). Their ids are [`MarketId`](ballast_primitives::MarketId)s from
//!   [`OPTION_SERIES_BASE`](ballast_primitives::OPTION_SERIES_BASE) (`2^31`) on: perpetual markets
//!   are numbered from 0, so the two products never share an id behind
//!   `type Derivatives = (Perpetuals, Options)`.
//! * **Trading** is long-only: a trader **buys** options from the vault at the ask, paying the
//!   premium from the quote balance of one of their margin accounts ([`Pallet::buy`]), and
//!   **sells** them back at the bid ([`Pallet::sell`]). The vault is the only writer; traders
//!   never hold short options (those come with portfolio margin). Trading in a series stops
//!   [`VaultRules::trade_cutoff`] before its expiry, and every trade needs a fresh price
//!   ([`PriceMode::Fresh`](ballast_primitives::traits::PriceMode::Fresh)).
//! * **Pricing**: Black–Scholes (`ballast_math::options`, fixed point, rate zero: USDC earns
//!   nothing in custody) with implied volatility
//!   `iv = clamp(tracked × vol_multiplier + skew(ln K/S), min_volatility, max_volatility)`,
//!   where `tracked` is the price guard's tracked volatility of the underlying's key
//!   ([`PriceProvider::volatility`]: a volatility per day, which `vol_multiplier`
//!   annualises: `√365 ≈ 19.1`, times any risk premium) and the skew is `ballast_math::options::implied_volatility`'s. The vault
//!   sells at `ask = mid·(1 + spread)` and buys back at `bid = mid·(1 − spread)`
//!   (`ballast_math::options::bid_ask`); a premium paid rounds up, a premium received down.
//! * **Equity**: an option counts in its holder's margin equity at
//!   `bid × (1 − equity_haircut)` ([`VaultRules::equity_haircut`]) through the
//!   [`Derivatives`](ballast_primitives::traits::Derivatives) implementation, as unrealized PnL
//!   (the premium already left the quote balance). Options are paid in full: their counted
//!   value supports no initial margin (the initial requirement equals it), so nobody buys
//!   options on credit secured by the options themselves; the maintenance requirement is zero.
//!
//! ## The vault
//!
//! LPs deposit the quote asset for shares and redeem them at NAV after an exit notice, by the
//! rules of `ballast_math::shares` (the perpetuals' vault's rules, called, not copied):
//! `NAV = cash − Σ open interest × mid − owed to series being settled`, at conservative prices.
//! The vault takes a buy only if, after it:
//!
//! * **delta and vega caps** ([`UnderlyingParams::max_delta`], [`UnderlyingParams::max_vega`]):
//!   the vault's net delta and vega in the underlying stay within the caps, or move towards
//!   zero;
//! * **stress**: its free cash (cash not owed to series being settled) covers its **stress
//!   loss**: for each underlying, the value at the model (same volatility) of every option
//!   it is short after a spot move of `+stress_move` and of `−stress_move`, the worse of the
//!   two; summed over underlyings. Cash covering this is enough to pay every holder at expiry
//!   whatever the spot does within the move (the value at expiry is the intrinsic value, which
//!   the model value bounds from above at rate zero). An LP withdrawal must leave the same
//!   cover.
//!
//! A sell back to the vault is never refused by the caps or the stress rule (it reduces the
//! vault's gross exposure), only for want of free cash ([`Error::VaultInsufficientCash`]).
//!
//! ## Expiry and settlement
//!
//! In `on_initialize`, bounded by [`Config::SettlementBudget`]:
//!
//! 1. A series whose expiry has passed is **fixed** at the first oracle price of its
//!    underlying stamped at or after the expiry that the price guard admits (inside its bounds,
//!    no unconfirmed jump, not older than the key's maximum age). While there is no such price
//!    (missing, stale, out of bounds, an unconfirmed jump, or only prints from before the
//!    expiry) the series **waits**: nothing is paid at a price the chain does not believe, and
//!    the positions stay valued at their intrinsic value at the conservative price meanwhile.
//!    Fixing it reserves `min(Σ payoffs, free cash)` of the vault's cash: `ratio` is one
//!    unless the vault could not cover the series (then every holder of it is paid the same
//!    share of the payoff and the event says how much is short).
//! 2. Its positions are then paid `payoff × ratio` (rounded down) into their margin accounts'
//!    quote balances through the margin ledger, out of the reserve, as many per block as the
//!    budget allows; the series' positions are removed as they are paid (the cursor is the
//!    series in [`Settling`] and the positions that remain under it). When the last one is
//!    paid, what the rounding left in the reserve returns to the vault's free cash.
//!
//! Every unit paid comes out of the vault's cash: the LPs bear the holders' gains, as they kept
//! the premiums.
//!
//! ## Layout
//!
//! [`types`]; `impls.rs` (underlyings, listing, pricing, trading); `vault.rs` (the book, NAV,
//! the caps and stress rule, LP shares); `settlement.rs` (expiry); `shutdown.rs` (the global
//! settlement: unexpired series fixed at the fixed spot, paid through the expiry path);
//! `derivatives.rs` (the [`Derivatives`](ballast_primitives::traits::Derivatives) and
//! [`PooledQuote`](ballast_primitives::traits::PooledQuote) implementations: equity, liquidation
//! closes); `reports.rs` and [`runtime_api`] (series, quotes, greeks per position and account,
//! the vault).

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
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod benchmarking;
mod derivatives;
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
	traits::{MarginLedger, OnAccountChange, PriceError, PriceProvider, SettlementStatus},
	Balance, Moment, OracleKey, Price, SubAccount,
};
use polkadot_sdk::{
	frame_support::{self, pallet_prelude::*},
	frame_system::pallet_prelude::*,
	sp_arithmetic::Permill,
};

/// What the benchmarks need from the runtime: a guarded, priced underlying and funded margin
/// accounts (which only the margin pallet can fill).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// From now on `key` is guarded and has a fresh price.
	fn price(key: OracleKey);
	/// Fund `who` and give it its cross account with ample quote. Returns the sub-account.
	fn cross_account(who: &AccountId) -> SubAccount;
	/// Put quote in `who`'s wallet; returns an amount worth adding to the vault.
	fn fund_quote(who: &AccountId) -> Balance;
	/// Move the clock (the price provider's) past `expiry`.
	fn expire(expiry: Moment);
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

		/// Who may configure underlyings and set the vault's rules.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who may list series.
		type ListOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The margin engine: premiums and payouts, margin tests, custody of the quote asset.
		type Ledger: MarginLedger<Self::AccountId>;

		/// Prices, their guards and the tracked volatility.
		type Prices: PriceProvider;

		/// Decimals of the quote asset.
		#[pallet::constant]
		type QuoteDecimals: Get<u8>;

		/// Most series listed and not yet settled (each buy, the vault's NAV and its stress
		/// test value them all).
		#[pallet::constant]
		type MaxLiveSeries: Get<u32>;

		/// Most option positions one margin account holds.
		#[pallet::constant]
		type MaxPositions: Get<u32>;

		/// Virtual shares and virtual quote added to the vault when shares are priced
		/// (`ballast_math::shares`).
		#[pallet::constant]
		type VirtualShares: Get<Balance>;

		/// Weight `on_initialize` may spend settling expired series per block.
		#[pallet::constant]
		type SettlementBudget: Get<Weight>;

		/// Told after a position changed (the liquidation index).
		type OnChange: OnAccountChange<Self::AccountId>;

		/// Whether a global settlement is under way: once triggered, [`Pallet::buy`],
		/// [`Pallet::sell`] and [`Pallet::add_liquidity`] are refused
		/// ([`Error::GlobalSettlementActive`]); the settlement pays every position
		/// (`shutdown.rs`).
		type Settlement: SettlementStatus;

		/// Weights.
		type WeightInfo: WeightInfo;

		/// Funds margin accounts and sets prices for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The vault's rules.
	#[pallet::storage]
	pub type Rules<T: Config> = StorageValue<_, VaultRules, ValueQuery>;

	/// Pricing and caps per underlying (oracle key).
	#[pallet::storage]
	pub type Underlyings<T: Config> =
		StorageMap<_, Twox64Concat, OracleKey, UnderlyingParams, OptionQuery>;

	/// Every series ever listed, by id.
	#[pallet::storage]
	pub type AllSeries<T: Config> = StorageMap<_, Twox64Concat, SeriesId, Series, OptionQuery>;

	/// Series listed so far (the next id is `OPTION_SERIES_BASE + SeriesCount`).
	#[pallet::storage]
	pub type SeriesCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Series listed and not yet settled, with their expiries, in listing order (what
	/// `on_initialize` reads to find an expired series: one storage read).
	#[pallet::storage]
	pub type ActiveSeries<T: Config> =
		StorageValue<_, BoundedVec<(SeriesId, Moment), T::MaxLiveSeries>, ValueQuery>;

	/// Positions by series and margin account.
	#[pallet::storage]
	pub type Positions<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		SeriesId,
		Blake2_128Concat,
		(T::AccountId, SubAccount),
		Position,
		OptionQuery,
	>;

	/// The series each margin account holds.
	#[pallet::storage]
	pub type AccountSeries<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		(T::AccountId, SubAccount),
		BoundedVec<SeriesId, T::MaxPositions>,
		ValueQuery,
	>;

	/// The series being settled (the settlement cursor: its remaining positions).
	#[pallet::storage]
	pub type Settling<T: Config> = StorageValue<_, SeriesId, OptionQuery>;

	/// The options vault.
	#[pallet::storage]
	pub type VaultState<T: Config> = StorageValue<_, Vault, ValueQuery>;

	/// LP shares by holder.
	#[pallet::storage]
	pub type LpShares<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Balance, ValueQuery>;

	/// Shares each LP asked to withdraw, and from when.
	#[pallet::storage]
	pub type PendingExits<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PendingExit<BlockNumberFor<T>>, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Underlyings to configure (each key must already be guarded).
		pub underlyings: Vec<(OracleKey, UnderlyingParams)>,
		/// Series to list, in id order from `OPTION_SERIES_BASE`.
		pub series: Vec<SeriesParams>,
		/// Initial LP deposits `(who, amount)`; `who` must hold the quote asset at genesis.
		pub vault_deposits: Vec<(T::AccountId, Balance)>,
		/// The vault's rules.
		pub vault_rules: VaultRules,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		// An invalid underlying, series or unfunded deposit is a configuration bug: refuse to
		// build the chain. Genesis is built once, never inside a block.
		#[allow(clippy::panic)]
		fn build(&self) {
			if let Err(e) = self.vault_rules.validate() {
				panic!("Options genesis: vault rules {:?}: {e:?}", self.vault_rules);
			}
			Rules::<T>::put(self.vault_rules);
			for (key, params) in &self.underlyings {
				if let Err(e) = Pallet::<T>::do_set_underlying(*key, *params) {
					panic!("Options genesis: underlying {key}: {e:?}");
				}
			}
			for params in &self.series {
				if let Err(e) = Pallet::<T>::do_list_series(*params) {
					panic!("Options genesis: series {params:?}: {e:?}");
				}
			}
			for (who, amount) in &self.vault_deposits {
				if let Err(e) = Pallet::<T>::do_add_liquidity(who, *amount, 0) {
					panic!("Options genesis: vault deposit of {amount}: {e:?}");
				}
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An underlying's pricing and caps were set.
		UnderlyingSet { underlying: OracleKey, params: UnderlyingParams },
		/// A series was listed.
		SeriesListed { series: SeriesId, params: SeriesParams },
		/// Options were bought from the vault.
		Bought {
			who: T::AccountId,
			sub: SubAccount,
			series: SeriesId,
			quantity: Balance,
			price: Price,
			premium: Balance,
			new_quantity: Balance,
		},
		/// Options were sold back to the vault.
		Sold {
			who: T::AccountId,
			sub: SubAccount,
			series: SeriesId,
			quantity: Balance,
			price: Price,
			premium: Balance,
			new_quantity: Balance,
		},
		/// Liquidation sold options back to the vault at the conservative bid.
		LiquidatedToVault {
			who: T::AccountId,
			sub: SubAccount,
			series: SeriesId,
			quantity: Balance,
			proceeds: Balance,
		},
		/// An expired series' settlement price was fixed and its payouts reserved.
		SettlementStarted {
			series: SeriesId,
			price: Price,
			payout: Balance,
			ratio: Permill,
			shortfall: Balance,
		},
		/// A position of an expired series was paid.
		PositionSettled {
			who: T::AccountId,
			sub: SubAccount,
			series: SeriesId,
			quantity: Balance,
			payout: Balance,
		},
		/// Every position of an expired series was paid.
		SeriesSettled { series: SeriesId, price: Price, paid: Balance },
		/// An LP deposited into the vault.
		LiquidityAdded { who: T::AccountId, amount: Balance, shares: Balance },
		/// An LP asked to withdraw `shares` (all it has pending), redeemable from `ready_at`.
		WithdrawalRequested { who: T::AccountId, shares: Balance, ready_at: BlockNumberFor<T> },
		/// An LP cancelled its pending withdrawal.
		WithdrawalCancelled { who: T::AccountId, shares: Balance },
		/// An LP redeemed shares.
		LiquidityRemoved { who: T::AccountId, shares: Balance, amount: Balance },
		/// The vault's rules changed.
		VaultRulesSet { rules: VaultRules },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No such series.
		UnknownSeries,
		/// The series' underlying is not configured.
		UnknownUnderlying,
		/// The underlying's oracle key has no price guard.
		UnguardedOracleKey,
		/// Decimals beyond the largest allowed.
		DecimalsTooLarge,
		/// Zero multiplier, zero or inverted volatility bounds, or a cap above the largest.
		InvalidVolatility,
		/// Spread above the largest allowed.
		SpreadTooLarge,
		/// A zero delta or vega cap.
		ZeroCap,
		/// The underlying has series not yet settled: its decimals cannot change.
		UnderlyingInUse,
		/// Stress move zero or above the largest.
		InvalidStressMove,
		/// Exit notice above the largest.
		ExitNoticeTooLong,
		/// Trade cutoff above the largest.
		TradeCutoffTooLong,
		/// A zero strike.
		ZeroStrike,
		/// The expiry is not after the trade cutoff from now.
		ExpiryTooSoon,
		/// `MaxLiveSeries` series are listed and not settled.
		TooManySeries,
		/// The margin account holds `MaxPositions` option positions.
		TooManyPositions,
		/// Quantity or amount is zero.
		ZeroAmount,
		/// The series no longer trades: its expiry is within the trade cutoff, or passed.
		TradingClosed,
		/// No position in the series.
		NoPosition,
		/// The position is smaller than the sale.
		InsufficientPosition,
		/// The premium is below the minimum (and the trade does not sell a whole position).
		TradeTooSmall,
		/// The premium is worse than the caller's limit.
		SlippageExceeded,
		/// The underlying has no price, or its key no guard.
		PriceMissing,
		/// The underlying's price is older than its guard allows.
		PriceStale,
		/// The underlying's price is outside its guard's bounds.
		PriceOutOfBounds,
		/// The underlying's price moved beyond its circuit breaker, unconfirmed.
		PriceJump,
		/// The model cannot price the series (an intermediate does not fit).
		Unpriceable,
		/// The buy would leave the vault's net delta in the underlying beyond its cap.
		DeltaCapExceeded,
		/// The buy would leave the vault's vega in the underlying beyond its cap.
		VegaCapExceeded,
		/// The vault's free cash would not cover its stress loss.
		VaultStressExceeded,
		/// The vault's free cash does not cover the payment.
		VaultInsufficientCash,
		/// The caller holds fewer shares.
		InsufficientShares,
		/// The vault's NAV is not positive with shares outstanding, or negative with none.
		VaultInsolvent,
		/// The caller has no pending withdrawal.
		NoPendingWithdrawal,
		/// The withdrawal's notice has not passed yet.
		WithdrawalNotReady,
		/// The deposit would mint fewer shares, or the withdrawal pay out less, than the
		/// caller's minimum.
		BelowMinimumOutput,
		/// Options are not auto-deleveraged (their holders are long only).
		NotDeleveraged,
		/// An amount overflowed.
		Overflow,
		/// A global settlement was triggered: trading and new liquidity are closed (positions
		/// are paid at the fixed prices; withdrawals stay open).
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

	impl<T: Config> From<UnderlyingError> for Error<T> {
		fn from(e: UnderlyingError) -> Self {
			match e {
				UnderlyingError::Decimals => Error::DecimalsTooLarge,
				UnderlyingError::Volatility => Error::InvalidVolatility,
				UnderlyingError::Spread => Error::SpreadTooLarge,
				UnderlyingError::Caps => Error::ZeroCap,
			}
		}
	}

	impl<T: Config> From<RulesError> for Error<T> {
		fn from(e: RulesError) -> Self {
			match e {
				RulesError::StressMove => Error::InvalidStressMove,
				RulesError::ExitNotice => Error::ExitNoticeTooLong,
				RulesError::TradeCutoff => Error::TradeCutoffTooLong,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			// While a global settlement runs it pays every position (the series being settled
			// included) within its own cap; expiries resume once it is complete.
			if T::Settlement::is_settling() {
				return T::DbWeight::get().reads(1);
			}
			Self::settle_expired(T::SettlementBudget::get())
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
		/// Configure (or reconfigure) the pricing and caps of options on `underlying`.
		/// Governance only. The decimals change only while no series on it is unsettled.
		///
		/// Errors: [`Error::UnguardedOracleKey`], [`Error::DecimalsTooLarge`],
		/// [`Error::InvalidVolatility`], [`Error::SpreadTooLarge`], [`Error::ZeroCap`],
		/// [`Error::UnderlyingInUse`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_underlying())]
		pub fn set_underlying(
			origin: OriginFor<T>,
			underlying: OracleKey,
			params: UnderlyingParams,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_underlying(underlying, params)?;
			Self::deposit_event(Event::UnderlyingSet { underlying, params });
			Ok(())
		}

		/// List a series. [`Config::ListOrigin`] only.
		///
		/// Errors: [`Error::UnknownUnderlying`], [`Error::ZeroStrike`],
		/// [`Error::ExpiryTooSoon`], [`Error::TooManySeries`], [`Error::Overflow`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::list_series())]
		pub fn list_series(origin: OriginFor<T>, params: SeriesParams) -> DispatchResult {
			T::ListOrigin::ensure_origin(origin)?;
			let series = Self::do_list_series(params)?;
			Self::deposit_event(Event::SeriesListed { series, params });
			Ok(())
		}

		/// Buy `quantity` (underlying smallest units) of `series` from the vault at the ask,
		/// paying the premium from margin account `sub`'s quote balance; refused if the premium
		/// exceeds `max_premium`.
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::UnknownSeries`], [`Error::TradingClosed`],
		/// price errors, [`Error::Unpriceable`], [`Error::TradeTooSmall`],
		/// [`Error::SlippageExceeded`], [`Error::TooManyPositions`],
		/// [`Error::DeltaCapExceeded`], [`Error::VegaCapExceeded`],
		/// [`Error::VaultStressExceeded`], [`Error::Overflow`]; from the margin engine
		/// `UnknownAccount`, `WrongMarket` and `InsufficientMargin`;
		/// [`Error::GlobalSettlementActive`] once a global settlement was triggered.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::buy(T::MaxLiveSeries::get()))]
		pub fn buy(
			origin: OriginFor<T>,
			sub: SubAccount,
			series: SeriesId,
			#[pallet::compact] quantity: Balance,
			#[pallet::compact] max_premium: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(T::Settlement::is_live(), Error::<T>::GlobalSettlementActive);
			let o = Self::do_buy(&who, sub, series, quantity, max_premium)?;
			Self::deposit_event(Event::Bought {
				who,
				sub,
				series,
				quantity,
				price: o.price,
				premium: o.premium,
				new_quantity: o.new_quantity,
			});
			Ok(())
		}

		/// Sell `quantity` of `series` back to the vault at the bid, into margin account
		/// `sub`'s quote balance; refused if the premium received is below `min_premium`.
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::UnknownSeries`], [`Error::NoPosition`],
		/// [`Error::InsufficientPosition`], [`Error::TradingClosed`], price errors,
		/// [`Error::Unpriceable`], [`Error::TradeTooSmall`], [`Error::SlippageExceeded`],
		/// [`Error::VaultInsufficientCash`], [`Error::Overflow`],
		/// [`Error::GlobalSettlementActive`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::sell())]
		pub fn sell(
			origin: OriginFor<T>,
			sub: SubAccount,
			series: SeriesId,
			#[pallet::compact] quantity: Balance,
			#[pallet::compact] min_premium: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(T::Settlement::is_live(), Error::<T>::GlobalSettlementActive);
			let o = Self::do_sell(&who, sub, series, quantity, min_premium)?;
			Self::deposit_event(Event::Sold {
				who,
				sub,
				series,
				quantity,
				price: o.price,
				premium: o.premium,
				new_quantity: o.new_quantity,
			});
			Ok(())
		}

		/// Deposit `amount` of the quote asset into the options vault for shares at NAV;
		/// refused if it would mint fewer than `min_shares`.
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::VaultInsolvent`],
		/// [`Error::BelowMinimumOutput`], [`Error::GlobalSettlementActive`], price errors,
		/// [`Error::Overflow`], token errors.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::add_liquidity(T::MaxLiveSeries::get()))]
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

		/// Ask to withdraw `shares`: they keep bearing the vault's gains and losses until the
		/// exit notice has passed; then [`Pallet::withdraw_liquidity`] redeems them.
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

		/// Redeem the caller's pending withdrawal at NAV once its notice has passed; refused if
		/// it would pay less than `min_amount`, or leave the vault's free cash below its stress
		/// loss.
		///
		/// Errors: [`Error::NoPendingWithdrawal`], [`Error::WithdrawalNotReady`],
		/// [`Error::VaultInsolvent`], [`Error::BelowMinimumOutput`],
		/// [`Error::VaultInsufficientCash`], [`Error::VaultStressExceeded`], price errors,
		/// [`Error::Overflow`], token errors.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::withdraw_liquidity(T::MaxLiveSeries::get()))]
		pub fn withdraw_liquidity(
			origin: OriginFor<T>,
			#[pallet::compact] min_amount: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (shares, amount) = Self::do_withdraw_liquidity(&who, min_amount)?;
			Self::deposit_event(Event::LiquidityRemoved { who, shares, amount });
			Ok(())
		}

		/// Cancel the caller's pending withdrawal.
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

		/// Set the vault's rules. Governance only.
		///
		/// Errors: [`Error::InvalidStressMove`], [`Error::ExitNoticeTooLong`],
		/// [`Error::TradeCutoffTooLong`].
		#[pallet::call_index(8)]
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

/// The runtime API: series, quotes, greeks per position and per account, the vault.
pub mod runtime_api {
	use crate::types::{PositionGreeks, SeriesReport, UnderlyingGreeks, VaultReport};
	use alloc::vec::Vec;
	use ballast_primitives::{Balance, MarketId, SubAccount};
	use polkadot_sdk::sp_api;

	sp_api::decl_runtime_apis! {
		/// Options (polkadot.js: `api.call.optionsApi.*`). Prices are the latest oracle prices
		/// whatever their age (each series report says whether trading would refuse it).
		pub trait OptionsApi<AccountId> where AccountId: codec::Codec {
			/// Every series not yet settled, with its quote.
			fn series() -> Vec<SeriesReport>;
			/// One series (settled ones too).
			fn series_report(id: MarketId) -> Option<SeriesReport>;
			/// The option positions of `(who, sub)` with their values and greeks.
			fn position_greeks(who: AccountId, sub: SubAccount) -> Vec<PositionGreeks>;
			/// The greeks of `(who, sub)`'s options, summed by underlying.
			fn account_greeks(who: AccountId, sub: SubAccount) -> Vec<UnderlyingGreeks>;
			/// The options vault.
			fn vault() -> VaultReport;
			/// Options-vault LP shares of `who`.
			fn lp_shares(who: AccountId) -> Balance;
		}
	}
}

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::options";
