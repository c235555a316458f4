//! # Margin accounts
//!
//! Where Ballast keeps traders' collateral and decides whether an account may take more risk.
//!
//! ## Model
//!
//! Each user has one **cross-margin account** (sub-account [`CROSS_ACCOUNT`], created by the
//! first deposit) and up to [`Config::MaxIsolatedAccounts`] **isolated accounts**
//! (`1..=MaxIsolatedAccounts`), each bound to one market when created. The margin of an isolated
//! account secures only its own positions: its losses can never reach another account, because
//! every valuation, margin test and settlement here is per `(owner, sub-account)` and nothing
//! moves between accounts except by the owner's own [`Pallet::transfer`], which itself must
//! leave the source at its initial margin.
//!
//! An account holds:
//! * **collateral**: any listed asset except the quote asset, valued at its oracle price with
//!   the haircut and maintenance weight of the collateral registry ([`Config::Risk`]);
//! * a **quote balance** in the quote asset (USDC): deposits of the quote asset credit it, and
//!   realized PnL, funding and fees settle to it. It goes negative after losses: that debt is
//!   what the collateral secures.
//!
//! Derivative pallets report each account's unrealized PnL and margin requirements through
//! [`Config::Derivatives`] (one product, or several as a tuple); they call back through
//! `MarginLedger` to settle and to check the initial margin after a risk-increasing trade. The
//! formulas are `ballast_math::margin`; every valuation goes through one function
//! (`Pallet::valuation_of`), whatever the [`PriceMode`](ballast_primitives::traits::PriceMode).
//!
//! **Requirements.** A cross account's requirements are the portfolio grid's
//! ([`Config::PortfolioGrid`], `ballast_math::portfolio`): the worst loss of all its positions
//! (perpetuals and options, as the products describe them through `Derivatives::risk_legs`)
//! together over the full grid of spot × volatility shocks and scenario sets, at least the
//! contingency floor; maintenance is the grid's share of it. Every valuation evaluates the
//! whole grid, so margin tests, reports and the liquidation engine's snapshot all see the same
//! requirement. Isolated accounts (one market each, nothing to offset) keep the products' linear
//! per-position requirements. Collateral is valued with its haircuts either way.
//!
//! ## Layout
//!
//! [`types`]; `ledger.rs` (custody, deposits, withdrawals, transfers, isolated accounts,
//! settlement and seizure: the `MarginLedger` and custody invariants); `valuation.rs` (the margin
//! tests, client reports, and `MarginSide`: the one snapshot per account the liquidation engine
//! decides on).
//!
//! ## Rules
//!
//! * Any withdrawal, transfer out, or risk-increasing action must leave the account at or above
//!   its **initial** margin, valued at usable prices: fresh, inside their bounds, and within the
//!   circuit breaker of the last valid price (`PriceMode::Fresh` through
//!   [`PriceProvider::checked`]; each oracle key's bounds, maximum age and maximum jump are the
//!   price guard's, `pallet-price-guard`). A stale, out-of-bounds or unconfirmed jumped price
//!   fails the action ([`Error::PriceStale`], [`Error::PriceOutOfBounds`],
//!   [`Error::PriceJump`]): it fails closed. An account with no positions and no debt needs no
//!   prices to withdraw.
//! * The liquidation engine's snapshot
//!   ([`MarginSide::snapshot`](ballast_primitives::traits::MarginSide::snapshot)) values the
//!   account at conservative prices (`PriceMode::Conservative`): a usable latest print as is;
//!   otherwise the print is ignored and the key's last valid price is used while it is within
//!   the maximum age. An outlier print therefore never values collateral, whichever way it
//!   moved. A holding with no such price counts for nothing: the account is still valued, and
//!   liquidated if that leaves it unhealthy, rather than spared until a price returns (the
//!   holding itself can only be sold once it has one again). A position with no such price
//!   leaves no snapshot (`None`): it could not be closed at any price either.
//! * The margin tests of risk-increasing actions never count such a holding: they fail closed
//!   with the price's reason instead (above).
//! * Reducing risk is always allowed: deposits need no margin test, even for unhealthy accounts.
//!   A collateral deposit needs only a price the snapshot can use ([`Error::PriceMissing`],
//!   [`Error::PriceStale`], ... otherwise): a unit of an asset nobody can value is refused
//!   rather than held at zero. Quote deposits need no price.
//! * An isolated account closes only once it is empty and the liquidation engine is done with
//!   it ([`Config::PendingLiquidation`]): live auctions settle their proceeds to it.
//! * Asset status: `Active` accepts deposits; `ReduceOnly` and `Delisted` only withdrawals;
//!   `Frozen` nothing (liquidation only). A delisted asset counts for nothing as margin.
//!
//! ## Custody
//!
//! All collateral and quote balances sit in one pallet account ([`Pallet::custody_account`]),
//! moved with `fungibles::Mutate::transfer`, rather than under holds on the users' own
//! accounts. Reasons: `pallet-assets` has no native holds; one custody account makes the
//! custody invariant a single comparison per asset; and liquidation can move seized collateral
//! to auctions without touching users' free balances.
//!
//! Every unit in or out goes through this pallet, which books it ([`CustodyLedger`]). Checked
//! by [`Pallet::do_try_state`], exactly: per collateral asset `booked == Σ account collateral`,
//! for the quote asset `booked == Σ quote balances + pooled quote` ([`Config::Pools`]: the
//! vault, insurance funds, ...), and custody's balance `≥ booked` (a donation is surplus, never
//! paid out: a payment beyond the books fails with [`Error::CustodyShort`]). A claim credited
//! from nothing breaks the equality even when a donation would cover it. The native token is collateral asset
//! [`ballast_primitives::assets::NATIVE`], routed to `pallet-balances` by the runtime's
//! `fungibles` adapter.

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
mod ledger;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
mod valuation;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use ballast_primitives::{
	math::portfolio::Grid,
	traits::{
		CollateralRisk, Derivatives, OnAccountChange, PendingLiquidation, PooledQuote, PriceError,
		PriceProvider, RiskTightening, SettlementStatus,
	},
	AssetId, Balance, MarketId, SignedBalance, SubAccount, CROSS_ACCOUNT,
};
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::*,
		traits::{fungible, fungibles::Mutate},
		PalletId,
	},
	frame_system::pallet_prelude::*,
	sp_arithmetic::Permill,
};

/// What the benchmarks need from the runtime: prices, funds, collateral assets and positions
/// (which only the registry and the derivative pallets can list and open).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Fresh prices for everything, and at least `assets` collateral assets listed (listing
	/// more as needed; up to `Config::MaxCollateralAssets`). Returns `assets` of them, each
	/// with an amount worth depositing (about a thousand quote units' worth).
	fn setup(assets: u32) -> alloc::vec::Vec<(AssetId, Balance)>;
	/// A quote amount worth depositing.
	fn quote_amount() -> Balance;
	/// Put `amount` of `asset` (collateral or quote) in `who`'s wallet.
	fn fund(who: &AccountId, asset: AssetId, amount: Balance);
	/// A market isolated accounts can be bound to.
	fn market() -> MarketId;
	/// Open `positions` small positions in `(who, sub)`, one per market (listing markets as
	/// needed; up to `Config::MaxPositions`), far from liquidation; an isolated account opens
	/// one at most, in its market.
	fn open_positions(who: &AccountId, sub: SubAccount, positions: u32);
}

// FRAME's generated code calls `expect` on facts the runtime's construction guarantees.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version.
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

		/// Every fungible that can be pledged, and the quote asset, by [`AssetId`].
		type Assets: Mutate<Self::AccountId, AssetId = AssetId, Balance = Balance>;

		/// The native currency: opening a margin account holds [`Config::AccountDeposit`] of it
		/// (a `fungible` hold, [`HoldReason::AccountDeposit`]), released when the account is
		/// closed. Spam costs money: a million empty accounts lock a million deposits.
		type Currency: fungible::MutateHold<
				Self::AccountId,
				Reason = Self::RuntimeHoldReason,
				Balance = Balance,
			> + fungible::Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The deposit held for each open margin account (cross or isolated).
		#[pallet::constant]
		type AccountDeposit: Get<Balance>;

		/// The quote asset: margin debt, PnL and funding are counted in it.
		#[pallet::constant]
		type QuoteAsset: Get<AssetId>;

		/// Decimals of the quote asset.
		#[pallet::constant]
		type QuoteDecimals: Get<u8>;

		/// Collateral risk parameters (the collateral registry).
		type Risk: CollateralRisk;

		/// Prices, timestamped, with their bounds, maximum age and circuit breaker per oracle key
		/// (the price guard). Collateral is valued through [`PriceProvider::checked`].
		type Prices: PriceProvider;

		/// Positions secured by margin accounts: perpetuals, and any other product as a tuple
		/// member (`(Perpetuals, Options)`).
		type Derivatives: Derivatives<Self::AccountId>;

		/// Quote held in the custody account outside margin accounts (the vault, fees,
		/// insurance funds): custody's books must equal `Σ quote balances + Self::Pools`
		/// exactly. Every settlement to an account must be booked to a pool in the same
		/// block.
		type Pools: PooledQuote;

		/// The custody account's id.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Most isolated accounts per user.
		#[pallet::constant]
		type MaxIsolatedAccounts: Get<u8>;

		/// Most distinct collateral assets in one account.
		#[pallet::constant]
		type MaxCollateralAssets: Get<u32>;

		/// Most positions one account holds, in all the derivative products together (their
		/// market limits): with [`Config::MaxCollateralAssets`], the largest account a call
		/// values, at which the weights of [`Pallet::deposit`], [`Pallet::withdraw`] and
		/// [`Pallet::transfer`] are declared (each is refunded to the class of the accounts it
		/// touched: [`Pallet::account_class`]).
		#[pallet::constant]
		type MaxPositions: Get<u32>;

		/// Share of a positive unrealized PnL that does not count as margin.
		#[pallet::constant]
		type UnrealizedPnlHaircut: Get<Permill>;

		/// The portfolio-margin grid of **cross** accounts ([`ballast_primitives::math::portfolio`]):
		/// their initial requirement is the worst loss of all their positions together over
		/// the full grid (at least its contingency floor), their maintenance requirement the
		/// grid's share of it. `None`: cross accounts keep the products' linear per-position
		/// requirements, as isolated accounts always do. Checked against the grid's bounds by
		/// `integrity_test`; changed by a runtime upgrade.
		type PortfolioGrid: Get<Option<Grid<'static>>>;

		/// Told after an account's collateral or quote balance changed (the liquidation index,
		/// the stress test).
		type OnChange: OnAccountChange<Self::AccountId>;

		/// The stress test's tightening of new risk ([`ballast_primitives::math::stress`]):
		/// initial requirements `× (1 + level)` and initial haircuts `h + level × (1 − h)`.
		/// Maintenance never changes with it, so it never makes an account liquidatable.
		type Tightening: RiskTightening;

		/// Whether the liquidation engine still has business with an account (live auctions of
		/// its collateral, a queued seizure, a shortfall being deleveraged): such an isolated
		/// account cannot be closed, or what its auctions raise would have nowhere to go.
		type PendingLiquidation: PendingLiquidation<Self::AccountId>;

		/// Whether a global settlement was triggered: from then on value leaves an account
		/// ([`Pallet::withdraw`], [`Pallet::transfer`]) only once it has no position (until
		/// the settlement closes them at its fixed prices, an account valued at live prices
		/// could take out what it owes at the fixed ones).
		type Settlement: SettlementStatus;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Builds accounts with collateral and positions for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds native funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of an open margin account.
		AccountDeposit,
	}

	/// The deposit held for each open margin account: released exactly, whatever
	/// [`Config::AccountDeposit`] is by then.
	#[pallet::storage]
	pub type AccountDeposits<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		SubAccount,
		Balance,
		OptionQuery,
	>;

	/// Margin accounts by owner and sub-account.
	#[pallet::storage]
	pub type Accounts<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		SubAccount,
		MarginAccount<T::MaxCollateralAssets>,
		OptionQuery,
	>;

	/// Σ over accounts of each collateral asset (not the quote asset).
	#[pallet::storage]
	pub type TotalCollateral<T: Config> = StorageMap<_, Twox64Concat, AssetId, Balance, ValueQuery>;

	/// Σ over accounts of quote balances.
	#[pallet::storage]
	pub type TotalQuote<T: Config> = StorageValue<_, SignedBalance, ValueQuery>;

	/// What the custody account holds of each asset by this pallet's own books: every unit it
	/// took in (deposits, pool deposits) less every unit it paid out (withdrawals, seizures,
	/// pool withdrawals). It must equal the claims on custody exactly (see
	/// [`Pallet::do_try_state`]); units that reach the custody account any other way (a
	/// donation) are surplus, nobody's claim, and are never paid out.
	#[pallet::storage]
	pub type CustodyLedger<T: Config> = StorageMap<_, Twox64Concat, AssetId, Balance, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `amount` of `asset` was deposited into `(who, sub)`.
		Deposited { who: T::AccountId, sub: SubAccount, asset: AssetId, amount: Balance },
		/// `amount` of `asset` was withdrawn from `(who, sub)`.
		Withdrawn { who: T::AccountId, sub: SubAccount, asset: AssetId, amount: Balance },
		/// `amount` of `asset` moved between two of `who`'s accounts.
		Transferred {
			who: T::AccountId,
			from: SubAccount,
			to: SubAccount,
			asset: AssetId,
			amount: Balance,
		},
		/// An isolated account bound to `market` was opened.
		IsolatedAccountCreated { who: T::AccountId, sub: SubAccount, market: MarketId },
		/// An empty isolated account was closed; its index is free again.
		IsolatedAccountClosed { who: T::AccountId, sub: SubAccount },
		/// A margin account was opened and `deposit` of the native currency held for it.
		AccountOpened { who: T::AccountId, sub: SubAccount, deposit: Balance },
		/// A margin account was closed and its `deposit` released.
		AccountClosed { who: T::AccountId, sub: SubAccount, deposit: Balance },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// No such margin account.
		UnknownAccount,
		/// The user already has `MaxIsolatedAccounts` isolated accounts.
		TooManyIsolatedAccounts,
		/// No such market.
		UnknownMarket,
		/// The isolated account is bound to another market.
		WrongMarket,
		/// The asset is not listed as collateral.
		AssetNotListed,
		/// The asset's status does not accept deposits (`ReduceOnly`, `Frozen` or `Delisted`).
		AssetNotAccepted,
		/// The asset is `Frozen`: only liquidation may move it.
		AssetFrozen,
		/// The account holds less of the asset (or less positive quote balance) than asked.
		InsufficientBalance,
		/// A payment out of custody exceeds what custody holds of the asset by the pallet's
		/// books ([`CustodyLedger`]): the claims on it are not all backed (unpaid debt).
		CustodyShort,
		/// The deposit would exceed the asset's global supply cap.
		SupplyCapExceeded,
		/// The deposit would exceed the asset's per-account cap.
		AccountCapExceeded,
		/// The account already holds `MaxCollateralAssets` different assets.
		TooManyAssets,
		/// The action would leave the account below its initial margin.
		InsufficientMargin,
		/// A price needed (for the margin test, or to accept a collateral deposit) has never
		/// been set, or its oracle key has no guard.
		PriceMissing,
		/// A price needed (for the margin test, or to accept a collateral deposit) is older
		/// than its maximum age.
		PriceStale,
		/// A price needed (for the margin test, or to accept a collateral deposit) is outside
		/// its valid bounds.
		PriceOutOfBounds,
		/// The latest price moved beyond the circuit breaker and is not confirmed yet.
		PriceJump,
		/// Source and destination are the same account.
		SameAccount,
		/// The account still holds collateral, quote balance or positions.
		AccountNotEmpty,
		/// `close_isolated` closes isolated accounts only (the cross account closes with
		/// `close_cross`).
		CannotCloseCross,
		/// The wallet cannot hold the account deposit ([`Config::AccountDeposit`] of the native
		/// currency, beyond what it must keep).
		CannotHoldDeposit,
		/// The liquidation engine still has business with the account (e.g. live auctions of
		/// its collateral): it cannot be closed until that is done.
		LiquidationPending,
		/// An amount overflowed.
		Overflow,
		/// A global settlement was triggered and the account still has positions: nothing
		/// leaves it until the settlement has closed them at its fixed prices.
		PositionsBeingSettled,
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

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			if let Some(grid) = T::PortfolioGrid::get() {
				assert_eq!(grid.validate(), Ok(()), "PortfolioGrid out of its bounds");
			}
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
		/// Deposit `amount` of `asset` from the caller's wallet into their margin account `sub`.
		///
		/// Depositing the quote asset credits the quote balance (repaying any debt first). The
		/// cross account is created by its first deposit; an isolated account must have been
		/// created with [`Pallet::create_isolated`]. Never needs a margin test; collateral needs
		/// a price the liquidation snapshot can use (conservative: a usable print, or the last
		/// valid price within the maximum age), so that no account holds what nobody can value.
		///
		/// Weight: declared for the largest account ([`Config::MaxPositions`] positions,
		/// [`Config::MaxCollateralAssets`] assets: the liquidation engine values and re-files the
		/// account, `OnChange`), refunded to the account's class ([`Pallet::account_class`]).
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::UnknownAccount`], [`Error::AssetNotListed`],
		/// [`Error::AssetNotAccepted`], [`Error::PriceMissing`], [`Error::PriceStale`],
		/// [`Error::PriceOutOfBounds`], [`Error::PriceJump`], [`Error::SupplyCapExceeded`],
		/// [`Error::AccountCapExceeded`], [`Error::TooManyAssets`], [`Error::Overflow`], and the
		/// token errors of the transfer (e.g. not enough funds).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::deposit(
			T::MaxPositions::get(),
			T::MaxCollateralAssets::get()
		))]
		pub fn deposit(
			origin: OriginFor<T>,
			sub: SubAccount,
			asset: AssetId,
			#[pallet::compact] amount: Balance,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_deposit(&who, sub, asset, amount)?;
			T::OnChange::changed(&who, sub);
			let weight = Self::class_weight(T::WeightInfo::deposit, &[(&who, sub, None)]);
			Self::deposit_event(Event::Deposited { who, sub, asset, amount });
			Ok(Some(weight).into())
		}

		/// Withdraw `amount` of `asset` from margin account `sub` to the caller's wallet.
		///
		/// The account must stay at or above its initial margin at fresh prices (unless it has
		/// no positions and no debt).
		///
		/// Weight: declared for the largest account (the margin test and `OnChange` value the
		/// whole account), refunded to the account's class, counting a holding the withdrawal
		/// emptied.
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::UnknownAccount`], [`Error::AssetFrozen`],
		/// [`Error::InsufficientBalance`], [`Error::InsufficientMargin`],
		/// [`Error::PriceMissing`], [`Error::PriceStale`], [`Error::PriceOutOfBounds`],
		/// [`Error::PriceJump`], [`Error::CustodyShort`], [`Error::PositionsBeingSettled`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::withdraw(
			T::MaxPositions::get(),
			T::MaxCollateralAssets::get()
		))]
		pub fn withdraw(
			origin: OriginFor<T>,
			sub: SubAccount,
			asset: AssetId,
			#[pallet::compact] amount: Balance,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::ensure_not_being_settled(&who, sub)?;
			Self::do_withdraw(&who, sub, asset, amount)?;
			T::OnChange::changed(&who, sub);
			let weight = Self::class_weight(T::WeightInfo::withdraw, &[(&who, sub, Some(asset))]);
			Self::deposit_event(Event::Withdrawn { who, sub, asset, amount });
			Ok(Some(weight).into())
		}

		/// Move `amount` of `asset` (collateral or quote balance) from the caller's account
		/// `from` to their account `to`.
		///
		/// `from` must stay at or above its initial margin. The destination must exist (the cross
		/// account is created if needed) and the asset must not be frozen.
		///
		/// Weight: declared for the largest accounts (the margin test values `from`, `OnChange`
		/// values and re-files both), refunded to the larger class of the two, in each part.
		///
		/// Errors: [`Error::SameAccount`], [`Error::ZeroAmount`], [`Error::UnknownAccount`],
		/// [`Error::AssetFrozen`], [`Error::AssetNotListed`], [`Error::InsufficientBalance`],
		/// [`Error::AccountCapExceeded`], [`Error::TooManyAssets`],
		/// [`Error::InsufficientMargin`], price errors, [`Error::Overflow`],
		/// [`Error::PositionsBeingSettled`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::transfer(
			T::MaxPositions::get(),
			T::MaxCollateralAssets::get()
		))]
		pub fn transfer(
			origin: OriginFor<T>,
			from: SubAccount,
			to: SubAccount,
			asset: AssetId,
			#[pallet::compact] amount: Balance,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::ensure_not_being_settled(&who, from)?;
			Self::do_transfer(&who, from, to, asset, amount)?;
			T::OnChange::changed(&who, from);
			T::OnChange::changed(&who, to);
			let weight = Self::class_weight(
				T::WeightInfo::transfer,
				&[(&who, from, Some(asset)), (&who, to, None)],
			);
			Self::deposit_event(Event::Transferred { who, from, to, asset, amount });
			Ok(Some(weight).into())
		}

		/// Open an isolated margin account bound to `market`, at the lowest free index.
		///
		/// Errors: [`Error::UnknownMarket`], [`Error::TooManyIsolatedAccounts`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::create_isolated())]
		pub fn create_isolated(origin: OriginFor<T>, market: MarketId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let sub = Self::do_create_isolated(&who, market)?;
			Self::deposit_event(Event::IsolatedAccountCreated { who, sub, market });
			Ok(())
		}

		/// Close the caller's empty isolated account `sub`, freeing its index. An account the
		/// liquidation engine still has business with ([`Config::PendingLiquidation`]: live
		/// auctions of its collateral, ...) stays open until that is done.
		///
		/// Errors: [`Error::CannotCloseCross`], [`Error::UnknownAccount`],
		/// [`Error::LiquidationPending`], [`Error::AccountNotEmpty`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::close_isolated())]
		pub fn close_isolated(origin: OriginFor<T>, sub: SubAccount) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_close_isolated(&who, sub)?;
			Self::deposit_event(Event::IsolatedAccountClosed { who, sub });
			Ok(())
		}

		/// Close the caller's empty cross account and release its deposit. A later deposit
		/// opens it again (holding the deposit again).
		///
		/// Errors: [`Error::UnknownAccount`], [`Error::LiquidationPending`],
		/// [`Error::AccountNotEmpty`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::close_cross())]
		pub fn close_cross(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_close(&who, CROSS_ACCOUNT)
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The class of `(who, sub)` — `(positions, collateral assets)` — read without valuing
	/// anything (its account record and its positions, which the call that changed it has just
	/// read): what valuing it and re-filing it for liquidation costs, by which the calls that
	/// value an account are charged. `emptied`: a collateral asset the call took out of the
	/// account, counted if its holding is gone (the call valued the account with it).
	///
	/// An isolated account with a position counts one position more: the liquidation engine
	/// also re-files it in its liquidation-price index, which costs less than one more
	/// position's valuation and triggers.
	pub fn account_class(
		who: &T::AccountId,
		sub: SubAccount,
		emptied: Option<AssetId>,
	) -> (u32, u32) {
		let account = Accounts::<T>::get(who, sub);
		let positions =
			u32::try_from(T::Derivatives::positions(who, sub).len()).unwrap_or(u32::MAX);
		let isolated = account.as_ref().is_some_and(|a| a.market.is_some());
		let positions = positions.saturating_add(u32::from(isolated && positions > 0));
		let held = account.as_ref().map_or(0, |a| a.collateral.len());
		let gone = emptied.is_some_and(|asset| {
			asset != T::QuoteAsset::get() && account.as_ref().is_none_or(|a| a.holding(asset) == 0)
		});
		let assets = u32::try_from(held).unwrap_or(u32::MAX).saturating_add(u32::from(gone));
		(positions, assets)
	}

	/// `weight` (a `WeightInfo` function of the class) at the largest class, part by part, of
	/// the accounts a call touched (`(who, sub, emptied)`, see [`Pallet::account_class`]),
	/// capped at the declared worst case. The asset count starts at one: every call weighed
	/// so moves one asset, and the benchmarks measure the collateral case.
	pub(crate) fn class_weight(
		weight: fn(u32, u32) -> Weight,
		accounts: &[(&T::AccountId, SubAccount, Option<AssetId>)],
	) -> Weight {
		let (p, c) = accounts.iter().fold((0, 1), |(p, c), (who, sub, emptied)| {
			let (ap, ac) = Self::account_class(who, *sub, *emptied);
			(p.max(ap), c.max(ac))
		});
		weight(p.min(T::MaxPositions::get()), c.min(T::MaxCollateralAssets::get()))
	}
}
