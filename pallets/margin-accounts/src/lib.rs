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
//! [`Config::Derivatives`]; they call back through [`MarginLedger`] to settle and to check the
//! initial margin after a risk-increasing trade. See [`risk`] for the formulas.
//!
//! ## Rules
//!
//! * Any withdrawal, transfer out, or risk-increasing action must leave the account at or above
//!   its **initial** margin, valued at fresh prices inside their bounds. A stale or out-of-bounds
//!   price fails the action ([`Error::PriceStale`], [`Error::PriceOutOfBounds`]): it fails
//!   closed. An account with no positions and no debt needs no prices to withdraw.
//! * Reducing risk is always allowed: deposits need no margin test, even for unhealthy accounts.
//! * Asset status: `Active` accepts deposits; `ReduceOnly` and `Delisted` only withdrawals;
//!   `Frozen` nothing (liquidation only). A delisted asset counts for nothing as margin.
//!
//! ## Custody
//!
//! All collateral and quote balances sit in one pallet account ([`Pallet::custody_account`]),
//! moved with `fungibles::Mutate::transfer`, rather than under holds on the users' own
//! accounts. Reasons: `pallet-assets` has no native holds; one custody account makes the
//! custody invariant a single comparison (`held == Σ account collateral` per asset, and
//! `held == Σ quote balances + pooled quote` for the quote asset, checked by
//! [`Pallet::do_try_state`]); and liquidation can move seized collateral to auctions without
//! touching users' free balances. The native token is collateral asset
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
pub mod risk;
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use ballast_primitives::{
	traits::{
		checked_price, CollateralRisk, DerivativeExposure, Exposure, MarginLedger, OnAccountChange,
		PriceError, PriceMode, PriceProvider,
	},
	AssetId, AssetStatus, Balance, MarketId, SignedBalance, SubAccount, CROSS_ACCOUNT,
};
use polkadot_sdk::{
	frame_support::{
		self,
		pallet_prelude::*,
		traits::{
			fungibles::{Inspect, Mutate},
			tokens::Preservation,
		},
		PalletId,
	},
	frame_system::pallet_prelude::*,
	sp_arithmetic::Permill,
	sp_runtime::traits::AccountIdConversion,
};
use risk::{CollateralLine, Valuation};

/// What the benchmarks need from the runtime: prices, funds, and positions (which only the
/// derivative pallets can open).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Fresh prices for everything; returns every listed collateral asset with an amount worth
	/// depositing (about a thousand quote units' worth).
	fn setup() -> Vec<(AssetId, Balance)>;
	/// A quote amount worth depositing.
	fn quote_amount() -> Balance;
	/// Put `amount` of `asset` (collateral or quote) in `who`'s wallet.
	fn fund(who: &AccountId, asset: AssetId, amount: Balance);
	/// A market isolated accounts can be bound to.
	fn market() -> MarketId;
	/// Open a small position in every market `(who, sub)` may trade.
	fn open_positions(who: &AccountId, sub: SubAccount);
}

/// A margin account: its binding, quote balance and collateral.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	frame_support::DefaultNoBound,
)]
#[scale_info(skip_type_params(MaxAssets))]
pub struct MarginAccount<MaxAssets: Get<u32>> {
	/// The market an isolated account is bound to; `None` for the cross account.
	pub market: Option<MarketId>,
	/// Quote-asset balance, negative when the account owes.
	pub quote: SignedBalance,
	/// Collateral holdings `(asset, amount)`, sorted by asset, no zero amounts.
	pub collateral: BoundedVec<(AssetId, Balance), MaxAssets>,
}

impl<M: Get<u32>> MarginAccount<M> {
	/// Amount of `asset` held.
	pub fn holding(&self, asset: AssetId) -> Balance {
		self.collateral
			.binary_search_by_key(&asset, |(a, _)| *a)
			.ok()
			.and_then(|i| self.collateral.get(i))
			.map_or(0, |(_, b)| *b)
	}

	/// Whether the account holds nothing and owes nothing.
	pub fn is_empty(&self) -> bool {
		self.quote == 0 && self.collateral.is_empty()
	}
}

/// One collateral holding as reported to clients.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CollateralReport {
	/// The asset.
	pub asset: AssetId,
	/// Amount in the asset's smallest unit.
	pub amount: Balance,
	/// Price used, if any (quote per whole token).
	pub price: Option<ballast_primitives::Price>,
	/// Whether that price is too old or out of bounds for risk-increasing actions.
	pub price_stale: bool,
	/// Haircut for the initial test (with the concentration add-on for this holding).
	pub haircut: Permill,
	/// Value at the price, quote smallest units.
	pub value: Balance,
	/// Value after the haircut.
	pub risk_adjusted_value: Balance,
}

/// The margin part of an account summary (the runtime API adds positions).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct AccountReport {
	/// Isolated accounts: their market.
	pub market: Option<MarketId>,
	/// Collateral, per asset.
	pub collateral: Vec<CollateralReport>,
	/// Quote balance.
	pub quote: SignedBalance,
	/// Unrealized PnL of all positions.
	pub unrealized_pnl: SignedBalance,
	/// Equity for the initial test.
	pub initial_equity: SignedBalance,
	/// Equity for the maintenance test.
	pub maintenance_equity: SignedBalance,
	/// Initial requirement.
	pub initial_requirement: Balance,
	/// Maintenance requirement.
	pub maintenance_requirement: Balance,
	/// Maintenance equity / maintenance requirement, `None` when nothing is required.
	pub health_ratio: Option<polkadot_sdk::sp_arithmetic::FixedU128>,
	/// Initial equity above the initial requirement.
	pub free_margin: Balance,
	/// Whether any price used is stale or out of bounds.
	pub uses_stale_prices: bool,
}

// FRAME's generated code calls `expect` on facts the runtime's construction guarantees.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version.
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

		/// Every fungible that can be pledged, and the quote asset, by [`AssetId`].
		type Assets: Mutate<Self::AccountId, AssetId = AssetId, Balance = Balance>;

		/// The quote asset: margin debt, PnL and funding are counted in it.
		#[pallet::constant]
		type QuoteAsset: Get<AssetId>;

		/// Decimals of the quote asset.
		#[pallet::constant]
		type QuoteDecimals: Get<u8>;

		/// Collateral risk parameters (the collateral registry).
		type Risk: CollateralRisk;

		/// Prices, timestamped.
		type Prices: PriceProvider;

		/// Positions secured by margin accounts (perpetuals; options later).
		type Derivatives: DerivativeExposure<Self::AccountId>;

		/// The custody account's id.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Most isolated accounts per user.
		#[pallet::constant]
		type MaxIsolatedAccounts: Get<u8>;

		/// Most distinct collateral assets in one account.
		#[pallet::constant]
		type MaxCollateralAssets: Get<u32>;

		/// Share of a positive unrealized PnL that does not count as margin.
		#[pallet::constant]
		type UnrealizedPnlHaircut: Get<Permill>;

		/// Told after an account's collateral or quote balance changed (the liquidation index).
		type OnChange: OnAccountChange<Self::AccountId>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Builds accounts with collateral and positions for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

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
		/// The deposit would exceed the asset's global supply cap.
		SupplyCapExceeded,
		/// The deposit would exceed the asset's per-account cap.
		AccountCapExceeded,
		/// The account already holds `MaxCollateralAssets` different assets.
		TooManyAssets,
		/// The action would leave the account below its initial margin.
		InsufficientMargin,
		/// A price needed for the margin test has never been set.
		PriceMissing,
		/// A price needed for the margin test is older than its maximum age.
		PriceStale,
		/// A price needed for the margin test is outside its valid bounds.
		PriceOutOfBounds,
		/// Source and destination are the same account.
		SameAccount,
		/// The account still holds collateral, quote balance or positions.
		AccountNotEmpty,
		/// The cross account cannot be closed.
		CannotCloseCross,
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
		/// Deposit `amount` of `asset` from the caller's wallet into their margin account `sub`.
		///
		/// Depositing the quote asset credits the quote balance (repaying any debt first). The
		/// cross account is created by its first deposit; an isolated account must have been
		/// created with [`Pallet::create_isolated`]. Never needs a margin test.
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::UnknownAccount`], [`Error::AssetNotListed`],
		/// [`Error::AssetNotAccepted`], [`Error::SupplyCapExceeded`],
		/// [`Error::AccountCapExceeded`], [`Error::TooManyAssets`], [`Error::Overflow`], and the
		/// token errors of the transfer (e.g. not enough funds).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::deposit())]
		pub fn deposit(
			origin: OriginFor<T>,
			sub: SubAccount,
			asset: AssetId,
			#[pallet::compact] amount: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deposit(&who, sub, asset, amount)?;
			T::OnChange::changed(&who, sub);
			Self::deposit_event(Event::Deposited { who, sub, asset, amount });
			Ok(())
		}

		/// Withdraw `amount` of `asset` from margin account `sub` to the caller's wallet.
		///
		/// The account must stay at or above its initial margin at fresh prices (unless it has
		/// no positions and no debt).
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::UnknownAccount`], [`Error::AssetFrozen`],
		/// [`Error::InsufficientBalance`], [`Error::InsufficientMargin`],
		/// [`Error::PriceMissing`], [`Error::PriceStale`], [`Error::PriceOutOfBounds`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(
			origin: OriginFor<T>,
			sub: SubAccount,
			asset: AssetId,
			#[pallet::compact] amount: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw(&who, sub, asset, amount)?;
			T::OnChange::changed(&who, sub);
			Self::deposit_event(Event::Withdrawn { who, sub, asset, amount });
			Ok(())
		}

		/// Move `amount` of `asset` (collateral or quote balance) from the caller's account
		/// `from` to their account `to`.
		///
		/// `from` must stay at or above its initial margin. The destination must exist (the cross
		/// account is created if needed) and the asset must not be frozen.
		///
		/// Errors: [`Error::SameAccount`], [`Error::ZeroAmount`], [`Error::UnknownAccount`],
		/// [`Error::AssetFrozen`], [`Error::AssetNotListed`], [`Error::InsufficientBalance`],
		/// [`Error::AccountCapExceeded`], [`Error::TooManyAssets`],
		/// [`Error::InsufficientMargin`], price errors, [`Error::Overflow`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::transfer())]
		pub fn transfer(
			origin: OriginFor<T>,
			from: SubAccount,
			to: SubAccount,
			asset: AssetId,
			#[pallet::compact] amount: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_transfer(&who, from, to, asset, amount)?;
			T::OnChange::changed(&who, from);
			T::OnChange::changed(&who, to);
			Self::deposit_event(Event::Transferred { who, from, to, asset, amount });
			Ok(())
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

		/// Close the caller's empty isolated account `sub`, freeing its index.
		///
		/// Errors: [`Error::CannotCloseCross`], [`Error::UnknownAccount`],
		/// [`Error::AccountNotEmpty`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::close_isolated())]
		pub fn close_isolated(origin: OriginFor<T>, sub: SubAccount) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(sub != CROSS_ACCOUNT, Error::<T>::CannotCloseCross);
			let account = Accounts::<T>::get(&who, sub).ok_or(Error::<T>::UnknownAccount)?;
			let exposure = T::Derivatives::exposure(&who, sub, PriceMode::LastKnown)
				.unwrap_or(Exposure { positions: 1, ..Default::default() });
			ensure!(account.is_empty() && exposure.positions == 0, Error::<T>::AccountNotEmpty);
			Accounts::<T>::remove(&who, sub);
			Self::deposit_event(Event::IsolatedAccountClosed { who, sub });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The account that holds all collateral and quote balances.
	pub fn custody_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	fn account_or_cross(
		who: &T::AccountId,
		sub: SubAccount,
	) -> Result<MarginAccount<T::MaxCollateralAssets>, Error<T>> {
		match Accounts::<T>::get(who, sub) {
			Some(a) => Ok(a),
			None if sub == CROSS_ACCOUNT => Ok(MarginAccount::default()),
			None => Err(Error::<T>::UnknownAccount),
		}
	}

	/// Credit `amount` of collateral `asset` to `account`, enforcing the per-account cap.
	fn credit_collateral(
		account: &mut MarginAccount<T::MaxCollateralAssets>,
		asset: AssetId,
		amount: Balance,
		account_cap: Balance,
	) -> Result<(), Error<T>> {
		match account.collateral.binary_search_by_key(&asset, |(a, _)| *a) {
			Ok(i) => {
				let (_, held) = account.collateral.get_mut(i).ok_or(Error::<T>::Overflow)?;
				let new = held.checked_add(amount).ok_or(Error::<T>::Overflow)?;
				ensure!(new <= account_cap, Error::<T>::AccountCapExceeded);
				*held = new;
			},
			Err(i) => {
				ensure!(amount <= account_cap, Error::<T>::AccountCapExceeded);
				account
					.collateral
					.try_insert(i, (asset, amount))
					.map_err(|_| Error::<T>::TooManyAssets)?;
			},
		}
		Ok(())
	}

	/// Debit `amount` of collateral `asset` from `account`.
	fn debit_collateral(
		account: &mut MarginAccount<T::MaxCollateralAssets>,
		asset: AssetId,
		amount: Balance,
	) -> Result<(), Error<T>> {
		let i = account
			.collateral
			.binary_search_by_key(&asset, |(a, _)| *a)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		let (_, held) = account.collateral.get_mut(i).ok_or(Error::<T>::InsufficientBalance)?;
		*held = held.checked_sub(amount).ok_or(Error::<T>::InsufficientBalance)?;
		if *held == 0 {
			account.collateral.remove(i);
		}
		Ok(())
	}

	/// Deposit from the wallet; see [`Pallet::deposit`].
	pub fn do_deposit(
		who: &T::AccountId,
		sub: SubAccount,
		asset: AssetId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut account = Self::account_or_cross(who, sub)?;
		if asset == T::QuoteAsset::get() {
			account.quote = account
				.quote
				.checked_add(SignedBalance::try_from(amount).map_err(|_| Error::<T>::Overflow)?)
				.ok_or(Error::<T>::Overflow)?;
			let total = TotalQuote::<T>::get()
				.checked_add(SignedBalance::try_from(amount).map_err(|_| Error::<T>::Overflow)?)
				.ok_or(Error::<T>::Overflow)?;
			T::Assets::transfer(
				asset,
				who,
				&Self::custody_account(),
				amount,
				Preservation::Expendable,
			)?;
			TotalQuote::<T>::put(total);
		} else {
			let holding = account.holding(asset);
			let terms = T::Risk::terms(asset, holding).ok_or(Error::<T>::AssetNotListed)?;
			ensure!(terms.status == AssetStatus::Active, Error::<T>::AssetNotAccepted);
			let total =
				TotalCollateral::<T>::get(asset).checked_add(amount).ok_or(Error::<T>::Overflow)?;
			ensure!(total <= terms.supply_cap, Error::<T>::SupplyCapExceeded);
			Self::credit_collateral(&mut account, asset, amount, terms.account_cap)?;
			T::Assets::transfer(
				asset,
				who,
				&Self::custody_account(),
				amount,
				Preservation::Expendable,
			)?;
			TotalCollateral::<T>::insert(asset, total);
		}
		Accounts::<T>::insert(who, sub, account);
		Ok(())
	}

	/// Withdraw to the wallet; see [`Pallet::withdraw`].
	pub fn do_withdraw(
		who: &T::AccountId,
		sub: SubAccount,
		asset: AssetId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		Self::take_from(&mut account, asset, amount)?;
		Self::ensure_initial_margin_of(who, sub, &account)?;
		T::Assets::transfer(
			asset,
			&Self::custody_account(),
			who,
			amount,
			Preservation::Expendable,
		)?;
		if asset == T::QuoteAsset::get() {
			TotalQuote::<T>::mutate(|t| *t = t.saturating_sub(amount.try_into().unwrap_or(0)));
		} else {
			TotalCollateral::<T>::mutate(asset, |t| *t = t.saturating_sub(amount));
		}
		Accounts::<T>::insert(who, sub, account);
		Ok(())
	}

	/// Take `amount` of `asset` out of `account` (collateral, or positive quote balance).
	fn take_from(
		account: &mut MarginAccount<T::MaxCollateralAssets>,
		asset: AssetId,
		amount: Balance,
	) -> Result<(), Error<T>> {
		if asset == T::QuoteAsset::get() {
			let amount = SignedBalance::try_from(amount).map_err(|_| Error::<T>::Overflow)?;
			ensure!(account.quote >= amount, Error::<T>::InsufficientBalance);
			account.quote = account.quote.checked_sub(amount).ok_or(Error::<T>::Overflow)?;
		} else {
			if let Some(terms) = T::Risk::terms(asset, account.holding(asset)) {
				ensure!(terms.status != AssetStatus::Frozen, Error::<T>::AssetFrozen);
			}
			Self::debit_collateral(account, asset, amount)?;
		}
		Ok(())
	}

	/// Move between own accounts; see [`Pallet::transfer`].
	pub fn do_transfer(
		who: &T::AccountId,
		from: SubAccount,
		to: SubAccount,
		asset: AssetId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(from != to, Error::<T>::SameAccount);
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut source = Accounts::<T>::get(who, from).ok_or(Error::<T>::UnknownAccount)?;
		let mut dest = Self::account_or_cross(who, to)?;
		Self::take_from(&mut source, asset, amount)?;
		if asset == T::QuoteAsset::get() {
			dest.quote = dest
				.quote
				.checked_add(SignedBalance::try_from(amount).map_err(|_| Error::<T>::Overflow)?)
				.ok_or(Error::<T>::Overflow)?;
		} else {
			let terms =
				T::Risk::terms(asset, dest.holding(asset)).ok_or(Error::<T>::AssetNotListed)?;
			Self::credit_collateral(&mut dest, asset, amount, terms.account_cap)?;
		}
		Self::ensure_initial_margin_of(who, from, &source)?;
		Accounts::<T>::insert(who, from, source);
		Accounts::<T>::insert(who, to, dest);
		Ok(())
	}

	/// Open an isolated account; see [`Pallet::create_isolated`].
	pub fn do_create_isolated(
		who: &T::AccountId,
		market: MarketId,
	) -> Result<SubAccount, DispatchError> {
		ensure!(T::Derivatives::market_exists(market), Error::<T>::UnknownMarket);
		let sub = (1..=T::MaxIsolatedAccounts::get())
			.find(|s| !Accounts::<T>::contains_key(who, s))
			.ok_or(Error::<T>::TooManyIsolatedAccounts)?;
		Accounts::<T>::insert(
			who,
			sub,
			MarginAccount { market: Some(market), ..Default::default() },
		);
		Ok(sub)
	}

	/// Value `account` (owned by `(who, sub)`) at prices allowed by `mode`.
	pub fn valuation_of(
		who: &T::AccountId,
		sub: SubAccount,
		account: &MarginAccount<T::MaxCollateralAssets>,
		mode: PriceMode,
	) -> Result<Valuation, PriceError> {
		let mut lines = Vec::with_capacity(account.collateral.len());
		for (asset, amount) in account.collateral.iter() {
			if let Some(line) = Self::line(*asset, *amount, mode)? {
				lines.push(line);
			}
		}
		let exposure = T::Derivatives::exposure(who, sub, mode)?;
		Ok(risk::valuation(&lines, account.quote, &exposure, T::UnrealizedPnlHaircut::get()))
	}

	/// Value one holding; `None` for an asset that counts for nothing (delisted or unlisted).
	fn line(
		asset: AssetId,
		amount: Balance,
		mode: PriceMode,
	) -> Result<Option<CollateralLine>, PriceError> {
		let Some(terms) = T::Risk::terms(asset, amount) else { return Ok(None) };
		if terms.status == AssetStatus::Delisted {
			return Ok(None);
		}
		let price = checked_price::<T::Prices>(
			terms.oracle_key,
			terms.max_price_age,
			terms.min_price,
			terms.max_price,
			mode,
		)?;
		let value = ballast_primitives::math::quote_value(
			amount,
			terms.decimals,
			price,
			T::QuoteDecimals::get(),
		)
		.unwrap_or(Balance::MAX);
		Ok(Some(CollateralLine {
			value,
			haircut: terms.haircut,
			maintenance_weight: terms.maintenance_weight,
		}))
	}

	/// Ok if `account` (the would-be state of `(who, sub)`) meets its initial margin.
	fn ensure_initial_margin_of(
		who: &T::AccountId,
		sub: SubAccount,
		account: &MarginAccount<T::MaxCollateralAssets>,
	) -> DispatchResult {
		// Nothing at risk: no prices needed. Positions are only known to the derivative pallets;
		// asking them at last-known prices tells whether there are any without failing on age.
		if account.quote >= 0 {
			let positions = T::Derivatives::exposure(who, sub, PriceMode::LastKnown)
				.map(|e| e.positions)
				.unwrap_or(1);
			if positions == 0 {
				return Ok(());
			}
		}
		let v =
			Self::valuation_of(who, sub, account, PriceMode::Fresh).map_err(Error::<T>::from)?;
		ensure!(v.meets_initial(), Error::<T>::InsufficientMargin);
		Ok(())
	}

	/// Valuation of `(who, sub)` at fresh prices, or why it cannot be valued.
	pub fn valuation(who: &T::AccountId, sub: SubAccount) -> Result<Valuation, DispatchError> {
		let account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		Ok(Self::valuation_of(who, sub, &account, PriceMode::Fresh).map_err(Error::<T>::from)?)
	}

	/// A client's view of `(who, sub)`, at the latest prices whatever their age (flagged).
	pub fn report(who: &T::AccountId, sub: SubAccount) -> Option<AccountReport> {
		let account = Accounts::<T>::get(who, sub)?;
		let mut collateral = Vec::with_capacity(account.collateral.len());
		let mut uses_stale_prices = false;
		for (asset, amount) in account.collateral.iter() {
			let terms = T::Risk::terms(*asset, *amount);
			let (price, stale) = match terms {
				Some(t) => {
					let fresh = checked_price::<T::Prices>(
						t.oracle_key,
						t.max_price_age,
						t.min_price,
						t.max_price,
						PriceMode::Fresh,
					);
					let last = checked_price::<T::Prices>(
						t.oracle_key,
						t.max_price_age,
						t.min_price,
						t.max_price,
						PriceMode::LastKnown,
					)
					.ok();
					(last, fresh.is_err())
				},
				None => (None, true),
			};
			uses_stale_prices |= stale;
			let line = Self::line(*asset, *amount, PriceMode::LastKnown).ok().flatten();
			collateral.push(CollateralReport {
				asset: *asset,
				amount: *amount,
				price,
				price_stale: stale,
				haircut: terms.map_or(Permill::one(), |t| t.haircut),
				value: line.map_or(0, |l| l.value),
				risk_adjusted_value: line.map_or(0, |l| l.initial_value()),
			});
		}
		if T::Derivatives::exposure(who, sub, PriceMode::Fresh).is_err() {
			uses_stale_prices = true;
		}
		let v = Self::valuation_of(who, sub, &account, PriceMode::LastKnown).unwrap_or_default();
		Some(AccountReport {
			market: account.market,
			collateral,
			quote: account.quote,
			unrealized_pnl: v.unrealized_pnl,
			initial_equity: v.initial_equity,
			maintenance_equity: v.maintenance_equity,
			initial_requirement: v.initial_requirement,
			maintenance_requirement: v.maintenance_requirement,
			health_ratio: v.health_ratio(),
			free_margin: v.free_margin(),
			uses_stale_prices,
		})
	}

	/// Move `amount` of collateral `asset` out of `(who, sub)` to the wallet `to` (liquidation).
	/// Ignores the asset's status: liquidation moves even frozen collateral.
	pub fn seize(
		who: &T::AccountId,
		sub: SubAccount,
		asset: AssetId,
		amount: Balance,
		to: &T::AccountId,
	) -> DispatchResult {
		let mut account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		Self::debit_collateral(&mut account, asset, amount)?;
		T::Assets::transfer(asset, &Self::custody_account(), to, amount, Preservation::Expendable)?;
		TotalCollateral::<T>::mutate(asset, |t| *t = t.saturating_sub(amount));
		Accounts::<T>::insert(who, sub, account);
		Ok(())
	}

	/// Up to `limit` accounts after `after` in storage order (from the start for `None`).
	pub fn accounts_after(
		after: Option<(T::AccountId, SubAccount)>,
		limit: u32,
	) -> Vec<(T::AccountId, SubAccount)> {
		let n = usize::try_from(limit).unwrap_or(usize::MAX);
		match after {
			Some((who, sub)) => {
				Accounts::<T>::iter_keys_from(Accounts::<T>::hashed_key_for(who, sub))
					.take(n)
					.collect()
			},
			None => Accounts::<T>::iter_keys().take(n).collect(),
		}
	}

	/// Sub-accounts of `who` that exist.
	pub fn sub_accounts(who: &T::AccountId) -> Vec<SubAccount> {
		Accounts::<T>::iter_key_prefix(who).collect()
	}

	/// Check the pallet's invariants:
	/// * per asset, Σ account collateral == `TotalCollateral`, and custody holds at least that;
	/// * Σ quote balances == `TotalQuote`, and custody holds at least `TotalQuote` + pooled quote
	///   (exactly, unless someone donated to the custody account);
	/// * every account's collateral is sorted, without zero entries; only isolated accounts are
	///   bound to a market; isolated indices are within `1..=MaxIsolatedAccounts`.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut totals: BTreeMap<AssetId, Balance> = BTreeMap::new();
		let mut quote: SignedBalance = 0;
		for (_, sub, account) in Accounts::<T>::iter() {
			ensure!(
				(sub == CROSS_ACCOUNT) == account.market.is_none(),
				"only isolated accounts are bound to a market"
			);
			ensure!(sub <= T::MaxIsolatedAccounts::get(), "isolated index out of range");
			ensure!(
				account.collateral.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)),
				"collateral not sorted"
			);
			for (asset, amount) in account.collateral.iter() {
				ensure!(*amount > 0, "zero collateral entry");
				let t = totals.entry(*asset).or_default();
				*t = t.checked_add(*amount).ok_or("collateral sum overflows")?;
			}
			quote = quote.checked_add(account.quote).ok_or("quote sum overflows")?;
		}
		let custody = Self::custody_account();
		for (asset, total) in TotalCollateral::<T>::iter() {
			ensure!(totals.remove(&asset).unwrap_or(0) == total, "TotalCollateral mismatch");
			ensure!(T::Assets::balance(asset, &custody) >= total, "custody short of collateral");
		}
		ensure!(totals.is_empty(), "collateral without a TotalCollateral entry");
		ensure!(quote == TotalQuote::<T>::get(), "TotalQuote mismatch");
		let owed = quote.saturating_add(T::Derivatives::pooled_quote());
		let held = SignedBalance::try_from(T::Assets::balance(T::QuoteAsset::get(), &custody))
			.map_err(|_| "quote held overflows")?;
		ensure!(held >= owed, "custody short of quote asset");
		Ok(())
	}
}

impl<T: Config> MarginLedger<T::AccountId> for Pallet<T> {
	fn ensure_can_trade(who: &T::AccountId, sub: SubAccount, market: MarketId) -> DispatchResult {
		let account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		if let Some(bound) = account.market {
			ensure!(bound == market, Error::<T>::WrongMarket);
		}
		Ok(())
	}

	fn settle(who: &T::AccountId, sub: SubAccount, delta: SignedBalance) -> DispatchResult {
		Accounts::<T>::try_mutate(who, sub, |a| -> DispatchResult {
			let account = a.as_mut().ok_or(Error::<T>::UnknownAccount)?;
			account.quote = account.quote.checked_add(delta).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		TotalQuote::<T>::try_mutate(|t| -> DispatchResult {
			*t = t.checked_add(delta).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})
	}

	fn ensure_initial_margin(who: &T::AccountId, sub: SubAccount) -> DispatchResult {
		let account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		let v =
			Self::valuation_of(who, sub, &account, PriceMode::Fresh).map_err(Error::<T>::from)?;
		ensure!(v.meets_initial(), Error::<T>::InsufficientMargin);
		Ok(())
	}

	fn pool_deposit(who: &T::AccountId, amount: Balance) -> DispatchResult {
		T::Assets::transfer(
			T::QuoteAsset::get(),
			who,
			&Self::custody_account(),
			amount,
			Preservation::Expendable,
		)
		.map(|_| ())
	}

	fn pool_withdraw(who: &T::AccountId, amount: Balance) -> DispatchResult {
		T::Assets::transfer(
			T::QuoteAsset::get(),
			&Self::custody_account(),
			who,
			amount,
			Preservation::Expendable,
		)
		.map(|_| ())
	}
}
