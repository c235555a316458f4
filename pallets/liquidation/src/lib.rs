//! # Liquidation
//!
//! The chain liquidates undercollateralized margin accounts itself, every block, in
//! `on_initialize`, within a weight budget ([`Config::SweepBudget`]).
//!
//! ## Detection
//!
//! The sweep never scans all accounts. It combines:
//! * an **index of isolated accounts by liquidation price**, per market and side
//!   ([`Index`]). Keys are encoded so that storage order is risk order: longs by *descending*
//!   liquidation price (`u128::MAX − price`, big-endian), shorts by ascending price. Each block,
//!   for each market, the sweep walks the index from its head while the mark price has crossed
//!   the account's liquidation price, and stops at the first that has not: the work is
//!   proportional to the accounts that crossed, and the most underwater come first. The index
//!   follows every trade and balance change through [`OnAccountChange`];
//! * a **round-robin cursor** ([`CrossCursor`]) over all margin accounts, checking
//!   [`Config::AccountChecksPerBlock`] of them per block, so every account (cross accounts, and
//!   isolated ones whose collateral moved) is re-checked within a bounded number of blocks.
//!
//! Work that does not fit the budget stays where it is — at the head of the index, or after
//! the cursor — and is done in the next block: never dropped, never over budget.
//!
//! **Prices.** Liquidation values accounts, and closes positions, at the *conservative* price
//! (`PriceMode::Conservative` in `ballast-primitives`): the latest oracle price when it is fresh
//! and inside its bounds; otherwise the worse, for the holder, of the last valid price (recorded
//! by the collateral registry every block) and the latest one — the lower for collateral and
//! longs, the higher for shorts. So a stale or out-of-bounds price never pauses liquidation of
//! an account that is unhealthy at it, and never makes an account look healthier than the last
//! valid price did. (Opening risk, by contrast, needs fresh, in-bounds prices: see
//! `pallet-margin-accounts`.)
//!
//! ## Liquidation
//!
//! * **Partial first**: the engine closes just the share of every position that brings the
//!   account back above maintenance, plus [`Config::CloseBuffer`] ([`math::close_fraction`]);
//!   everything when the health ratio is below [`Config::FullLiquidationRatio`] or the
//!   notional is below [`Config::DustNotional`]. Positions close against the vault at the
//!   oracle price; the penalty ([`Config::LiquidationPenalty`] of the closed notional) goes to
//!   the insurance fund of the account's market (isolated accounts) or the global fund.
//! * **Collateral**: when positions are gone and the quote balance is still negative, enough
//!   collateral is seized into **Dutch auctions** for the quote asset. The price starts above
//!   the oracle price and decays per block; bidders [`Pallet::take`] partial lots; nothing is
//!   ever sold below the floor `oracle × (1 − max discount)`; auctions that are too old or have
//!   decayed to the floor are restarted at the current oracle price by anyone calling
//!   [`Pallet::restart`], who earns [`Config::KeeperReward`]. The start premium and the decay
//!   adapt to the asset's volatility. Proceeds repay the account's debt. The value in live
//!   auctions is capped globally ([`Config::MaxAuctionValue`]) and per asset
//!   ([`Config::MaxAuctionValuePerAsset`]): seizures beyond the caps wait in a first-in-first-out
//!   queue ([`SeizureQueue`]) that the sweep serves first as lots are taken.
//!
//! ## Loss waterfall
//!
//! A debt left when an account has no positions, no collateral and no live auction is a
//! shortfall. It is covered by
//! 1. the insurance fund of the account's market (isolated accounts),
//! 2. the global insurance fund,
//! 3. **auto-deleveraging** ([`Deleveraging`]): the most profitable positions on the side
//!    opposite to the positions the account lost on ([`AdlScope`]) are closed, in part or in
//!    full, at the oracle price, and their realized profit is cut by what the shortfall still
//!    needs (they keep the rest). "Most profitable" is PnL as a share of entry notional: the
//!    ADL index ([`AdlIndex`]) files every position by market, side and entry price so that
//!    storage order is profit order at every mark price (longs by ascending entry, shorts by
//!    descending), and the sweep compares only the head of each side in scope. One position is
//!    deleveraged per step, under the sweep's budget, at most [`Config::MaxDeleverageSteps`]
//!    steps per shortfall;
//! 4. what is left — no profitable opposing position, or the step limit — is written off into
//!    the bad-debt ledger ([`BadDebt`]).
//!
//! Every step emits an event. Custody is conserved: insurance funds and bad debt are part of
//! the pooled quote that `pallet-margin-accounts` checks custody against (`held == Σ quote +
//! vault + fees + insurance − bad debt`), and a deleveraging haircut moves quote from one
//! account to another.

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
// The generated benchmark code computes with floats and unwraps in its own test harness.
#[allow(clippy::float_arithmetic, clippy::unwrap_used, clippy::expect_used)]
mod benchmarking;
pub mod math;
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use ballast_primitives::{
	traits::{LiquidationTarget, OnAccountChange},
	AssetId, Balance, MarketId, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::*,
		traits::{fungibles::Mutate, tokens::Preservation},
		weights::WeightMeter,
		PalletId,
	},
	frame_system::pallet_prelude::*,
	sp_arithmetic::{FixedPointNumber, FixedU128, Permill},
	sp_runtime::traits::{AccountIdConversion, UniqueSaturatedInto},
};

/// What the benchmarks need from the runtime: real margin accounts with real positions, built
/// through the other pallets (which this pallet only knows through [`LiquidationTarget`]).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Fresh prices at the reference level; returns the market the benchmarks trade in.
	fn setup() -> MarketId;
	/// Fund `who` and open an isolated position in the benchmark market: long or short, and
	/// `crossing` if [`Self::crash`] must make it liquidatable (otherwise it must stay far from
	/// its liquidation price). Returns the sub-account.
	fn open_isolated(who: &AccountId, long: bool, crossing: bool) -> SubAccount;
	/// Fund `who` and fill its cross account with the most collateral assets and positions the
	/// runtime allows: the costliest single health check.
	fn open_cross_worst_case(who: &AccountId);
	/// Move the benchmark market's price down far enough for crossing longs to be liquidatable.
	fn crash();
	/// The collateral asset auctions sell in the benchmarks, with a price.
	fn auction_asset() -> AssetId;
	/// Put `amount` of the quote asset in `who`'s wallet.
	fn fund_quote(who: &AccountId, amount: Balance);
}

/// Side of an index entry.
pub const LONG: u8 = 0;
/// Side of an index entry.
pub const SHORT: u8 = 1;

/// Auction identifier.
pub type AuctionId = u32;

/// A Dutch auction of seized collateral.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct Auction<AccountId, BlockNumber> {
	/// The liquidated account, whose debt the proceeds repay.
	pub who: AccountId,
	/// Its sub-account.
	pub sub: SubAccount,
	/// Collateral sold.
	pub asset: AssetId,
	/// Remaining lot, smallest units.
	pub lot: Balance,
	/// Price at the (re)start.
	pub start_price: Price,
	/// Block of the (re)start.
	pub started: BlockNumber,
	/// Per-block decay.
	pub decay: Permill,
	/// Value of the remaining lot at the oracle price when it was seized, counted against the
	/// live-auction caps.
	pub value: Balance,
}

/// A shortfall waiting for auto-deleveraging.
#[derive(
	Clone,
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
pub struct Deleverage {
	/// Quote still to cover.
	pub left: Balance,
	/// Where to look: bit `2 × market + side` for each opposing side (see [`adl_bit`]).
	pub scope: u32,
	/// Steps taken so far.
	pub steps: u32,
}

/// The [`Deleverage::scope`] bit of `market`'s `side` (`None` for markets beyond 15).
pub fn adl_bit(market: MarketId, side: u8) -> Option<u32> {
	market
		.checked_mul(2)
		.and_then(|b| b.checked_add(u32::from(side)))
		.filter(|b| *b < 32)
		.and_then(|b| 1u32.checked_shl(b))
}

/// Sort key of an entry price in the ADL index: storage order is profit order (as a share of
/// entry notional) at any mark price: longs by ascending entry, shorts by descending entry.
pub fn adl_key(long: bool, entry: Price) -> [u8; 16] {
	index_key(!long, entry)
}

/// Sort key of a liquidation price: storage order is risk order.
pub fn index_key(long: bool, price: Price) -> [u8; 16] {
	let p = price.into_inner();
	if long { u128::MAX.saturating_sub(p) } else { p }.to_be_bytes()
}

/// The liquidation price an index key encodes.
pub fn key_price(side: u8, key: [u8; 16]) -> Price {
	let v = u128::from_be_bytes(key);
	Price::from_inner(if side == LONG { u128::MAX.saturating_sub(v) } else { v })
}

// FRAME's generated code calls `expect` on facts the runtime's construction guarantees.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>>
			+ IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// Margin accounts and positions to act on.
		type Target: LiquidationTarget<Self::AccountId>;

		/// Collateral (for auction lots) by asset id.
		type Assets: Mutate<Self::AccountId, AssetId = AssetId, Balance = Balance>;

		/// Decimals of the quote asset.
		#[pallet::constant]
		type QuoteDecimals: Get<u8>;

		/// Account holding auction lots.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Markets `0..MaxMarkets` are swept.
		#[pallet::constant]
		type MaxMarkets: Get<u32>;

		/// Weight the sweep may use per block.
		#[pallet::constant]
		type SweepBudget: Get<Weight>;

		/// Accounts the round-robin cursor re-checks per block.
		#[pallet::constant]
		type AccountChecksPerBlock: Get<u32>;

		/// Extra share closed beyond the minimum, as a share of that minimum.
		#[pallet::constant]
		type CloseBuffer: Get<Permill>;

		/// Below this health ratio, positions are closed in full.
		#[pallet::constant]
		type FullLiquidationRatio: Get<Permill>;

		/// Below this notional, positions are closed in full.
		#[pallet::constant]
		type DustNotional: Get<Balance>;

		/// Penalty on closed notional, to the insurance fund.
		#[pallet::constant]
		type LiquidationPenalty: Get<Permill>;

		/// Auction start premium over the oracle price at zero volatility.
		#[pallet::constant]
		type AuctionBasePremium: Get<Permill>;

		/// Largest auction start premium.
		#[pallet::constant]
		type AuctionMaxPremium: Get<Permill>;

		/// Per-block price decay at zero volatility.
		#[pallet::constant]
		type AuctionBaseDecay: Get<Permill>;

		/// Nothing sells below `oracle × (1 − AuctionMaxDiscount)`.
		#[pallet::constant]
		type AuctionMaxDiscount: Get<Permill>;

		/// Blocks after which an auction must be restarted.
		#[pallet::constant]
		type AuctionMaxAge: Get<u32>;

		/// Most value (at seizure prices) in live auctions, all assets together. Seizures beyond
		/// it wait in [`SeizureQueue`].
		#[pallet::constant]
		type MaxAuctionValue: Get<Balance>;

		/// Most value in live auctions of any one asset.
		#[pallet::constant]
		type MaxAuctionValuePerAsset: Get<Balance>;

		/// Quote paid (from the global insurance fund) to whoever restarts a stale auction.
		#[pallet::constant]
		type KeeperReward: Get<Balance>;

		/// Most opposing positions one shortfall is deleveraged against before the rest is
		/// written off.
		#[pallet::constant]
		type MaxDeleverageSteps: Get<u32>;

		/// Weights.
		type WeightInfo: WeightInfo;

		/// Builds accounts and positions for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Isolated accounts by market, side and liquidation price (risk order).
	#[pallet::storage]
	pub type Index<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, MarketId>,
			NMapKey<Identity, u8>,
			NMapKey<Identity, [u8; 16]>,
			NMapKey<Blake2_128Concat, (T::AccountId, SubAccount)>,
		),
		(),
		OptionQuery,
	>;

	/// Where each indexed account sits in [`Index`].
	#[pallet::storage]
	pub type Indexed<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		(T::AccountId, SubAccount),
		(MarketId, u8, [u8; 16]),
		OptionQuery,
	>;

	/// The last account the round-robin check looked at.
	#[pallet::storage]
	pub type CrossCursor<T: Config> =
		StorageValue<_, Option<(T::AccountId, SubAccount)>, ValueQuery>;

	/// Live auctions.
	#[pallet::storage]
	pub type Auctions<T: Config> = StorageMap<
		_,
		Twox64Concat,
		AuctionId,
		Auction<T::AccountId, BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// Next auction id.
	#[pallet::storage]
	pub type NextAuctionId<T: Config> = StorageValue<_, AuctionId, ValueQuery>;

	/// Live auctions per account.
	#[pallet::storage]
	pub type LiveAuctions<T: Config> =
		StorageMap<_, Blake2_128Concat, (T::AccountId, SubAccount), u32, ValueQuery>;

	/// Value in live auctions, per asset.
	#[pallet::storage]
	pub type AuctionValue<T: Config> = StorageMap<_, Twox64Concat, AssetId, Balance, ValueQuery>;

	/// Value in live auctions, all assets.
	#[pallet::storage]
	pub type TotalAuctionValue<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// Accounts waiting for room under the auction caps, first in first out: slot → account.
	#[pallet::storage]
	pub type SeizureQueue<T: Config> =
		StorageMap<_, Twox64Concat, u32, (T::AccountId, SubAccount), OptionQuery>;

	/// `(head, tail)` of [`SeizureQueue`]: slots `head..tail` are occupied.
	#[pallet::storage]
	pub type QueueBounds<T: Config> = StorageValue<_, (u32, u32), ValueQuery>;

	/// Accounts in [`SeizureQueue`].
	#[pallet::storage]
	pub type Queued<T: Config> =
		StorageMap<_, Blake2_128Concat, (T::AccountId, SubAccount), (), OptionQuery>;

	/// Insurance fund of each market (quote smallest units).
	#[pallet::storage]
	pub type MarketInsurance<T: Config> =
		StorageMap<_, Twox64Concat, MarketId, Balance, ValueQuery>;

	/// The global insurance fund.
	#[pallet::storage]
	pub type GlobalInsurance<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// Total debt written off.
	#[pallet::storage]
	pub type BadDebt<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// Every position by market, side and entry price, most profitable first (see [`adl_key`]):
	/// the auto-deleveraging candidates.
	#[pallet::storage]
	pub type AdlIndex<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, MarketId>,
			NMapKey<Identity, u8>,
			NMapKey<Identity, [u8; 16]>,
			NMapKey<Blake2_128Concat, (T::AccountId, SubAccount)>,
		),
		(),
		OptionQuery,
	>;

	/// Where each account's positions sit in [`AdlIndex`].
	#[pallet::storage]
	pub type AdlEntries<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		(T::AccountId, SubAccount),
		BoundedVec<(MarketId, u8, [u8; 16]), T::MaxMarkets>,
		OptionQuery,
	>;

	/// The sides opposite to the positions liquidation closed for an account (bits as in
	/// [`adl_bit`]): where auto-deleveraging looks if the account ends with a shortfall.
	#[pallet::storage]
	pub type AdlScope<T: Config> =
		StorageMap<_, Blake2_128Concat, (T::AccountId, SubAccount), u32, ValueQuery>;

	/// Shortfalls the insurance funds could not cover, being auto-deleveraged by the sweep.
	#[pallet::storage]
	pub type Deleveraging<T: Config> =
		StorageMap<_, Blake2_128Concat, (T::AccountId, SubAccount), Deleverage, OptionQuery>;

	/// Debt written off per account.
	#[pallet::storage]
	pub type BadDebtOf<T: Config> =
		StorageMap<_, Blake2_128Concat, (T::AccountId, SubAccount), Balance, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A share of an account's positions was closed.
		PositionsLiquidated {
			who: T::AccountId,
			sub: SubAccount,
			fraction: Permill,
			closed_notional: Balance,
			penalty: Balance,
		},
		/// Collateral was seized into an auction.
		AuctionStarted {
			id: AuctionId,
			who: T::AccountId,
			sub: SubAccount,
			asset: AssetId,
			lot: Balance,
			start_price: Price,
		},
		/// The auction caps are full: the account's collateral waits in the queue.
		SeizureQueued { who: T::AccountId, sub: SubAccount },
		/// A bidder took part of a lot.
		AuctionTaken {
			id: AuctionId,
			bidder: T::AccountId,
			amount: Balance,
			price: Price,
			paid: Balance,
		},
		/// An auction was restarted at the current oracle price.
		AuctionRestarted {
			id: AuctionId,
			keeper: T::AccountId,
			start_price: Price,
			reward: Balance,
		},
		/// An auction's lot is gone.
		AuctionEnded { id: AuctionId },
		/// An insurance fund covered a shortfall (`market` `None`: the global fund).
		ShortfallCovered {
			who: T::AccountId,
			sub: SubAccount,
			market: Option<MarketId>,
			amount: Balance,
		},
		/// The funds did not cover a shortfall: `amount` waits for auto-deleveraging.
		DeleveragePending { who: T::AccountId, sub: SubAccount, amount: Balance },
		/// Auto-deleveraging closed `fraction` of `who`'s position in `market` and cut
		/// `haircut` from its realized profit to cover `bankrupt`'s shortfall.
		AutoDeleveraged {
			who: T::AccountId,
			sub: SubAccount,
			market: MarketId,
			fraction: Permill,
			haircut: Balance,
			bankrupt: T::AccountId,
			bankrupt_sub: SubAccount,
		},
		/// A shortfall no fund could cover was written off.
		BadDebtRecorded { who: T::AccountId, sub: SubAccount, amount: Balance },
		/// The sweep of this block.
		Swept { checked: u32, liquidated: u32, weight: Weight },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No such auction.
		UnknownAuction,
		/// Amount is zero.
		ZeroAmount,
		/// The current price is above the bidder's maximum.
		PriceAboveMax,
		/// The auction decayed to its floor or is too old: it must be restarted first.
		AuctionNeedsReset,
		/// The auction can still sell: nothing to restart.
		AuctionNotStale,
		/// The collateral asset has no price.
		PriceMissing,
		/// An amount overflowed.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			Self::sweep(T::SweepBudget::get())
		}

		fn integrity_test() {
			// The auto-deleveraging scope is a bit per market and side.
			assert!(T::MaxMarkets::get() <= 16, "MaxMarkets must fit the ADL scope bits");
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
		/// Buy up to `amount` of auction `id`'s lot at its current price, if that price is at
		/// most `max_price`. Pays the quote asset from the caller's wallet; the proceeds repay the
		/// liquidated account's debt.
		///
		/// Errors: [`Error::UnknownAuction`], [`Error::ZeroAmount`], [`Error::PriceAboveMax`],
		/// [`Error::AuctionNeedsReset`], [`Error::PriceMissing`], [`Error::Overflow`], token
		/// errors.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::take())]
		pub fn take(
			origin: OriginFor<T>,
			id: AuctionId,
			#[pallet::compact] amount: Balance,
			max_price: Price,
		) -> DispatchResult {
			let bidder = ensure_signed(origin)?;
			Self::do_take(&bidder, id, amount, max_price)
		}

		/// Restart auction `id`, which has decayed to its floor or is too old, at the current
		/// oracle price; the caller earns the keeper reward from the global insurance fund (as
		/// far as it holds it).
		///
		/// Errors: [`Error::UnknownAuction`], [`Error::AuctionNotStale`], [`Error::PriceMissing`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::restart())]
		pub fn restart(origin: OriginFor<T>, id: AuctionId) -> DispatchResult {
			let keeper = ensure_signed(origin)?;
			Self::do_restart(&keeper, id)
		}
	}
}

/// What the sweep did to one account.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
	/// Healthy: nothing done.
	Healthy,
	/// Acted on.
	Liquidated,
	/// Could not be valued.
	Unknown,
}

impl<T: Config> Pallet<T> {
	/// The account holding auction lots.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Quote held by the insurance funds net of bad debt: part of the custody's pooled quote.
	pub fn pooled_quote() -> SignedBalance {
		let funds = MarketInsurance::<T>::iter_values()
			.fold(GlobalInsurance::<T>::get(), |a, b| a.saturating_add(b));
		SignedBalance::try_from(funds).unwrap_or(SignedBalance::MAX).saturating_sub(
			SignedBalance::try_from(BadDebt::<T>::get()).unwrap_or(SignedBalance::MAX),
		)
	}

	/// Put `(who, sub)` where it belongs in the liquidation-price index and the ADL index (or
	/// take it out).
	pub fn reindex(who: &T::AccountId, sub: SubAccount) {
		Self::reindex_adl(who, sub);
		if sub != ballast_primitives::CROSS_ACCOUNT {
			Self::reindex_price(who, sub);
		}
	}

	/// File `(who, sub)`'s positions in the ADL index by entry price. Only what changed is
	/// written: a trade moves one entry, a deposit none.
	fn reindex_adl(who: &T::AccountId, sub: SubAccount) {
		let key = (who.clone(), sub);
		let old = AdlEntries::<T>::get(&key).unwrap_or_default();
		let mut entries = BoundedVec::<(MarketId, u8, [u8; 16]), T::MaxMarkets>::new();
		for (market, long, entry) in T::Target::positions(who, sub) {
			let side = if long { LONG } else { SHORT };
			let _ = entries.try_push((market, side, adl_key(long, entry)));
		}
		if entries == old {
			return;
		}
		for (m, side, k) in old.iter().filter(|e| !entries.contains(e)) {
			AdlIndex::<T>::remove((m, side, k, &key));
		}
		for (m, side, k) in entries.iter().filter(|e| !old.contains(e)) {
			AdlIndex::<T>::insert((m, side, k, &key), ());
		}
		if entries.is_empty() {
			AdlEntries::<T>::remove(&key);
		} else {
			AdlEntries::<T>::insert(&key, entries);
		}
	}

	/// File an isolated `(who, sub)` in the liquidation-price index.
	fn reindex_price(who: &T::AccountId, sub: SubAccount) {
		let key = (who.clone(), sub);
		if let Some((m, side, k)) = Indexed::<T>::take(&key) {
			Index::<T>::remove((m, side, k, &key));
		}
		if let Some((market, long, price)) = T::Target::liquidation_price(who, sub) {
			let side = if long { LONG } else { SHORT };
			let k = index_key(long, price);
			Index::<T>::insert((market, side, k, &key), ());
			Indexed::<T>::insert(&key, (market, side, k));
		}
	}

	/// One block's sweep within `budget`; returns the weight used.
	pub fn sweep(budget: Weight) -> Weight {
		let mut meter = WeightMeter::with_limit(budget);
		let act = weights::liquidation_weight::<T::WeightInfo>();
		let mut checked = 0u32;
		let mut liquidated = 0u32;
		// The base cost (the head of every market's index, the queue, the cursor) is always paid.
		meter.consume(weights::sweep_base_weight::<T::WeightInfo>());

		// 0. Accounts waiting for room under the auction caps, oldest first.
		liquidated = liquidated.saturating_add(Self::drain_queue(&mut meter, act));

		// 0b. Shortfalls waiting for auto-deleveraging: one opposing position per step.
		let step = T::WeightInfo::deleverage_step();
		while meter.can_consume(step) {
			let Some((acct, state)) = Deleveraging::<T>::iter().next() else { break };
			meter.consume(step);
			Self::deleverage_step(&acct.0, acct.1, state);
		}

		// 1. The index: per market and side, the head while it has crossed.
		'markets: for market in 0..T::MaxMarkets::get() {
			for side in [LONG, SHORT] {
				let Some(mark) = T::Target::mark_price(market, side == LONG) else { continue };
				loop {
					let Some(((k, acct), ())) = Index::<T>::iter_prefix((market, side)).next()
					else {
						break;
					};
					let liq = key_price(side, k);
					let crossed = if side == LONG { mark <= liq } else { mark >= liq };
					if !crossed {
						break;
					}
					if !meter.can_consume(act) {
						break 'markets;
					}
					meter.consume(act);
					checked = checked.saturating_add(1);
					let (who, sub) = acct;
					if Self::liquidate(&who, sub) == Outcome::Liquidated {
						liquidated = liquidated.saturating_add(1);
					}
					// Re-file it (a partial liquidation moves its price; a closed one leaves).
					Self::reindex(&who, sub);
					if Indexed::<T>::get((&who, sub)).map(|(_, _, k2)| k2) == Some(k) {
						// Still at the head with the same key and still crossed: a liquidation that
						// could not make progress. Take it out; the cursor will see it again.
						if let Some((m, s, k2)) = Indexed::<T>::take((&who, sub)) {
							Index::<T>::remove((m, s, k2, (&who, sub)));
						}
					}
				}
			}
		}

		// 2. The round-robin cursor over all accounts.
		let per = T::WeightInfo::check_account();
		let n = T::AccountChecksPerBlock::get();
		if meter.can_consume(per.saturating_mul(u64::from(n.max(1)))) {
			let cursor = CrossCursor::<T>::get();
			let page = T::Target::accounts_after(cursor, n);
			let wrapped = (page.len() as u64) < u64::from(n);
			let mut last = None;
			for (who, sub) in page {
				if !meter.can_consume(per) || !meter.can_consume(act) {
					break;
				}
				meter.consume(per);
				checked = checked.saturating_add(1);
				if let Some(h) = T::Target::health(&who, sub) {
					if !h.is_healthy() {
						meter.consume(act);
						if Self::liquidate(&who, sub) == Outcome::Liquidated {
							liquidated = liquidated.saturating_add(1);
						}
						Self::reindex(&who, sub);
					}
				}
				last = Some((who, sub));
			}
			// At the end of the accounts, start over next block.
			if wrapped {
				CrossCursor::<T>::put(None::<(T::AccountId, SubAccount)>);
			} else {
				CrossCursor::<T>::put(last);
			}
		}

		let used = meter.consumed();
		if liquidated > 0 {
			log::info!(
				target: LOG_TARGET,
				"swept: {checked} checked, {liquidated} liquidated, {} ps of {} ps budget",
				used.ref_time(),
				budget.ref_time()
			);
			Self::deposit_event(Event::Swept { checked, liquidated, weight: used });
		}
		used
	}

	/// Act on `(who, sub)` if it is unhealthy.
	pub fn liquidate(who: &T::AccountId, sub: SubAccount) -> Outcome {
		let Some(h) = T::Target::health(who, sub) else { return Outcome::Unknown };
		if h.is_healthy() && h.quote >= 0 {
			return Outcome::Healthy;
		}
		let market = T::Target::isolated_market(who, sub);
		let mut acted = false;

		// 1. Positions: partial first.
		if h.positions > 0 && !h.is_healthy() {
			let ratio_below_full = {
				let req = h.maintenance_requirement.max(1);
				let eq = u128::try_from(h.maintenance_equity).unwrap_or(0);
				Permill::from_rational(eq.min(req), req) < T::FullLiquidationRatio::get()
			};
			let fraction = if ratio_below_full || h.notional < T::DustNotional::get() {
				Permill::one()
			} else {
				math::close_fraction(
					h.maintenance_equity,
					h.maintenance_requirement,
					h.notional,
					T::LiquidationPenalty::get(),
					T::CloseBuffer::get(),
				)
			};
			let fraction = if fraction.is_zero() { Permill::one() } else { fraction };
			// Should this account end with a shortfall, the sides opposite to what it lost on
			// are where auto-deleveraging looks.
			let scope =
				T::Target::positions(who, sub).into_iter().fold(0u32, |acc, (m, long, _)| {
					acc | adl_bit(m, if long { SHORT } else { LONG }).unwrap_or(0)
				});
			AdlScope::<T>::mutate((who, sub), |s| *s |= scope);
			match T::Target::close_fraction(who, sub, fraction) {
				Ok(closed) => {
					let penalty = T::LiquidationPenalty::get().mul_ceil(closed);
					let charged = Self::charge_penalty(who, sub, market, penalty);
					Self::deposit_event(Event::PositionsLiquidated {
						who: who.clone(),
						sub,
						fraction,
						closed_notional: closed,
						penalty: charged,
					});
					acted = true;
				},
				Err(e) => {
					log::warn!(target: LOG_TARGET, "closing positions of {:?}/{sub} failed: {e:?}", who);
				},
			}
		}

		// 2. Debt: collateral to auctions, or the waterfall.
		let Some(h) = T::Target::health(who, sub) else { return Outcome::Unknown };
		if h.positions == 0 && h.quote >= 0 {
			AdlScope::<T>::remove((who, sub));
		}
		if h.positions == 0
			&& h.quote < 0
			&& LiveAuctions::<T>::get((who, sub)) == 0
			&& !Queued::<T>::contains_key((who, sub))
			&& !Deleveraging::<T>::contains_key((who, sub))
		{
			if h.collateral_assets > 0 {
				acted |= Self::seize_for_debt(who, sub, h.quote.unsigned_abs());
			} else {
				Self::cover_shortfall(who, sub, market, h.quote.unsigned_abs());
				acted = true;
			}
		}
		if acted {
			Outcome::Liquidated
		} else {
			Outcome::Healthy
		}
	}

	/// Take the penalty from the account's quote balance into the market's (isolated) or the
	/// global insurance fund. Returns what was booked.
	fn charge_penalty(
		who: &T::AccountId,
		sub: SubAccount,
		market: Option<MarketId>,
		penalty: Balance,
	) -> Balance {
		let Ok(signed) = SignedBalance::try_from(penalty) else { return 0 };
		if penalty == 0 || T::Target::settle(who, sub, signed.saturating_neg()).is_err() {
			return 0;
		}
		match market {
			Some(m) => MarketInsurance::<T>::mutate(m, |f| *f = f.saturating_add(penalty)),
			None => GlobalInsurance::<T>::mutate(|f| *f = f.saturating_add(penalty)),
		}
		penalty
	}

	/// Seize enough collateral to cover `debt` (at oracle prices, plus the max discount) into
	/// auctions. Returns whether any auction started.
	fn seize_for_debt(who: &T::AccountId, sub: SubAccount, debt: Balance) -> bool {
		let qd = T::QuoteDecimals::get();
		let mut remaining = debt;
		let mut started = false;
		for (asset, holding) in T::Target::collateral(who, sub) {
			if remaining == 0 {
				break;
			}
			let Some((oracle, decimals)) = T::Target::collateral_price(asset) else { continue };
			// Value to raise, grossed up so the lot still covers it at the floor.
			let gross = T::AuctionMaxDiscount::get().mul_ceil(remaining).saturating_add(remaining);
			let need = ballast_primitives::math::amount_for_value(gross, decimals, oracle, qd)
				.unwrap_or(holding)
				.saturating_add(1);
			let mut lot = need.min(holding);
			// The caps: seize only what fits; the account waits in the queue for the rest.
			let room = T::MaxAuctionValue::get().saturating_sub(TotalAuctionValue::<T>::get()).min(
				T::MaxAuctionValuePerAsset::get().saturating_sub(AuctionValue::<T>::get(asset)),
			);
			let lot_value = ballast_primitives::math::quote_value(lot, decimals, oracle, qd)
				.unwrap_or(Balance::MAX);
			if lot_value > room {
				lot = ballast_primitives::math::amount_for_value(room, decimals, oracle, qd)
					.unwrap_or(0)
					.min(lot);
				Self::enqueue(who, sub);
			}
			if lot == 0 || T::Target::seize(who, sub, asset, lot, &Self::account_id()).is_err() {
				continue;
			}
			let covered =
				ballast_primitives::math::quote_value(lot, decimals, oracle, qd).unwrap_or(0);
			AuctionValue::<T>::mutate(asset, |v| *v = v.saturating_add(covered));
			TotalAuctionValue::<T>::mutate(|v| *v = v.saturating_add(covered));
			remaining = remaining.saturating_sub(covered);
			let (premium, decay) = math::adaptive_curve(
				T::Target::volatility(asset),
				T::AuctionBasePremium::get(),
				T::AuctionBaseDecay::get(),
				T::AuctionMaxPremium::get(),
			);
			let start_price = math::start_price(oracle, premium);
			let id = NextAuctionId::<T>::get();
			NextAuctionId::<T>::put(id.saturating_add(1));
			Auctions::<T>::insert(
				id,
				Auction {
					who: who.clone(),
					sub,
					asset,
					lot,
					start_price,
					started: polkadot_sdk::frame_system::Pallet::<T>::block_number(),
					decay,
					value: covered,
				},
			);
			LiveAuctions::<T>::mutate((who, sub), |n| *n = n.saturating_add(1));
			Self::deposit_event(Event::AuctionStarted {
				id,
				who: who.clone(),
				sub,
				asset,
				lot,
				start_price,
			});
			started = true;
		}
		started
	}

	/// Put `(who, sub)` at the back of the seizure queue (once).
	fn enqueue(who: &T::AccountId, sub: SubAccount) {
		let key = (who.clone(), sub);
		if Queued::<T>::contains_key(&key) {
			return;
		}
		let (head, tail) = QueueBounds::<T>::get();
		SeizureQueue::<T>::insert(tail, &key);
		Queued::<T>::insert(&key, ());
		QueueBounds::<T>::put((head, tail.saturating_add(1)));
		Self::deposit_event(Event::SeizureQueued { who: who.clone(), sub });
	}

	/// Serve the seizure queue while the caps have room and the meter allows.
	fn drain_queue(meter: &mut WeightMeter, act: Weight) -> u32 {
		let mut served = 0u32;
		// Serve only those queued before this block: an account that finds no room goes back
		// to the end and waits for the next block.
		let (_, end) = QueueBounds::<T>::get();
		loop {
			let (head, tail) = QueueBounds::<T>::get();
			if head >= tail
				|| head >= end
				|| TotalAuctionValue::<T>::get() >= T::MaxAuctionValue::get()
				|| !meter.can_consume(act)
			{
				break;
			}
			meter.consume(act);
			QueueBounds::<T>::put((head.saturating_add(1), tail));
			if let Some(key) = SeizureQueue::<T>::take(head) {
				Queued::<T>::remove(&key);
				let (who, sub) = key;
				if Self::liquidate(&who, sub) == Outcome::Liquidated {
					served = served.saturating_add(1);
				}
			}
		}
		served
	}

	/// Cover a shortfall: market fund, global fund, then the bad-debt ledger.
	fn cover_shortfall(
		who: &T::AccountId,
		sub: SubAccount,
		market: Option<MarketId>,
		shortfall: Balance,
	) {
		let mut left = shortfall;
		let credit = |amount: Balance| {
			let signed = SignedBalance::try_from(amount).unwrap_or(0);
			T::Target::settle(who, sub, signed).is_ok()
		};
		if let Some(m) = market {
			let fund = MarketInsurance::<T>::get(m);
			let pay = fund.min(left);
			if pay > 0 && credit(pay) {
				MarketInsurance::<T>::insert(m, fund.saturating_sub(pay));
				left = left.saturating_sub(pay);
				Self::deposit_event(Event::ShortfallCovered {
					who: who.clone(),
					sub,
					market: Some(m),
					amount: pay,
				});
			}
		}
		let fund = GlobalInsurance::<T>::get();
		let pay = fund.min(left);
		if pay > 0 && credit(pay) {
			GlobalInsurance::<T>::put(fund.saturating_sub(pay));
			left = left.saturating_sub(pay);
			Self::deposit_event(Event::ShortfallCovered {
				who: who.clone(),
				sub,
				market: None,
				amount: pay,
			});
		}
		let scope = AdlScope::<T>::take((who, sub));
		if left == 0 {
			return;
		}
		// Deleveraging waits for the sweep only if there is someone to deleverage.
		if Self::deleverage_candidate(scope, &(who.clone(), sub)).is_none() {
			Self::write_off(who, sub, left);
		} else {
			Deleveraging::<T>::insert((who, sub), Deleverage { left, scope, steps: 0 });
			Self::deposit_event(Event::DeleveragePending { who: who.clone(), sub, amount: left });
		}
	}

	/// Record `amount` of `(who, sub)`'s debt as bad debt, crediting the account.
	fn write_off(who: &T::AccountId, sub: SubAccount, amount: Balance) {
		let Ok(signed) = SignedBalance::try_from(amount) else { return };
		if amount > 0 && T::Target::settle(who, sub, signed).is_ok() {
			BadDebt::<T>::mutate(|d| *d = d.saturating_add(amount));
			BadDebtOf::<T>::mutate((who, sub), |d| *d = d.saturating_add(amount));
			Self::deposit_event(Event::BadDebtRecorded { who: who.clone(), sub, amount });
		}
	}

	/// The most profitable position (PnL as a share of entry notional) at the head of the ADL
	/// index on the sides in `scope`: `(market, account, sub, pnl)`.
	pub fn deleverage_candidate(
		scope: u32,
		exclude: &(T::AccountId, SubAccount),
	) -> Option<(MarketId, T::AccountId, SubAccount, Balance)> {
		let mut best: Option<(FixedU128, MarketId, T::AccountId, SubAccount, Balance)> = None;
		for market in 0..T::MaxMarkets::get() {
			for side in [LONG, SHORT] {
				if adl_bit(market, side).is_none_or(|b| scope & b == 0) {
					continue;
				}
				let Some(((_, acct), ())) = AdlIndex::<T>::iter_prefix((market, side))
					.find(|((_, acct), ())| acct != exclude)
				else {
					continue;
				};
				let Some((pnl, entry)) = T::Target::position_pnl(&acct.0, acct.1, market) else {
					continue;
				};
				let Ok(pnl) = Balance::try_from(pnl) else { continue };
				if pnl == 0 {
					continue;
				}
				let share = FixedU128::checked_from_rational(pnl, entry.max(1)).unwrap_or_default();
				if best.as_ref().is_none_or(|b| share > b.0) {
					best = Some((share, market, acct.0, acct.1, pnl));
				}
			}
		}
		best.map(|(_, m, w, s, p)| (m, w, s, p))
	}

	/// One auto-deleveraging step for `(who, sub)`'s shortfall.
	pub(crate) fn deleverage_step(who: &T::AccountId, sub: SubAccount, mut state: Deleverage) {
		let key = (who.clone(), sub);
		let finish = |left: Balance| {
			Deleveraging::<T>::remove(&key);
			Self::write_off(who, sub, left);
		};
		let Some((market, winner, wsub, pnl)) = Self::deleverage_candidate(state.scope, &key)
		else {
			return finish(state.left);
		};
		let fraction = if state.left >= pnl {
			Permill::one()
		} else {
			<Permill as polkadot_sdk::sp_arithmetic::PerThing>::from_rational_with_rounding(
				state.left,
				pnl,
				polkadot_sdk::sp_arithmetic::Rounding::Up,
			)
			.unwrap_or(Permill::one())
		};
		let Ok(realized) = T::Target::deleverage(&winner, wsub, market, fraction) else {
			return finish(state.left);
		};
		let haircut = Balance::try_from(realized).unwrap_or(0).min(state.left);
		let signed = SignedBalance::try_from(haircut).unwrap_or(0);
		// Both legs or neither: a haircut is never taken without being credited.
		let moved = haircut > 0
			&& polkadot_sdk::frame_support::storage::with_storage_layer(|| {
				T::Target::settle(&winner, wsub, signed.saturating_neg())?;
				T::Target::settle(who, sub, signed)
			})
			.is_ok();
		let haircut = if moved { haircut } else { 0 };
		Self::reindex(&winner, wsub);
		Self::deposit_event(Event::AutoDeleveraged {
			who: winner,
			sub: wsub,
			market,
			fraction,
			haircut,
			bankrupt: who.clone(),
			bankrupt_sub: sub,
		});
		state.left = state.left.saturating_sub(haircut);
		state.steps = state.steps.saturating_add(1);
		if state.left == 0 {
			Deleveraging::<T>::remove(&key);
		} else if state.steps >= T::MaxDeleverageSteps::get() {
			finish(state.left);
		} else {
			Deleveraging::<T>::insert(&key, state);
		}
	}

	/// Current price and floor of an auction, and whether it must be restarted.
	pub fn auction_price(
		a: &Auction<T::AccountId, BlockNumberFor<T>>,
	) -> Option<(Price, Price, bool)> {
		let (oracle, _) = T::Target::collateral_price(a.asset)?;
		let now: u64 =
			polkadot_sdk::frame_system::Pallet::<T>::block_number().unique_saturated_into();
		let then: u64 = a.started.unique_saturated_into();
		let age = u32::try_from(now.saturating_sub(then)).unwrap_or(u32::MAX);
		let price = math::decayed_price(a.start_price, a.decay, age);
		let floor = math::floor_price(oracle, T::AuctionMaxDiscount::get());
		Some((price, floor, math::needs_reset(price, floor, age, T::AuctionMaxAge::get())))
	}

	/// Take from an auction; see [`Pallet::take`].
	pub fn do_take(
		bidder: &T::AccountId,
		id: AuctionId,
		amount: Balance,
		max_price: Price,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut a = Auctions::<T>::get(id).ok_or(Error::<T>::UnknownAuction)?;
		let (price, _floor, reset) = Self::auction_price(&a).ok_or(Error::<T>::PriceMissing)?;
		ensure!(!reset, Error::<T>::AuctionNeedsReset);
		ensure!(price <= max_price, Error::<T>::PriceAboveMax);
		let (_, decimals) = T::Target::collateral_price(a.asset).ok_or(Error::<T>::PriceMissing)?;
		let amount = amount.min(a.lot);
		let paid =
			ballast_primitives::math::quote_value(amount, decimals, price, T::QuoteDecimals::get())
				.ok_or(Error::<T>::Overflow)?
				.max(1);
		T::Target::pay_in(bidder, paid)?;
		T::Target::settle(
			&a.who,
			a.sub,
			SignedBalance::try_from(paid).map_err(|_| Error::<T>::Overflow)?,
		)?;
		T::Assets::transfer(
			a.asset,
			&Self::account_id(),
			bidder,
			amount,
			Preservation::Expendable,
		)?;
		let released = if a.lot == amount { a.value } else { math_share(a.value, amount, a.lot) };
		a.value = a.value.saturating_sub(released);
		AuctionValue::<T>::mutate(a.asset, |v| *v = v.saturating_sub(released));
		TotalAuctionValue::<T>::mutate(|v| *v = v.saturating_sub(released));
		a.lot = a.lot.saturating_sub(amount);
		Self::deposit_event(Event::AuctionTaken {
			id,
			bidder: bidder.clone(),
			amount,
			price,
			paid,
		});
		if a.lot == 0 {
			Auctions::<T>::remove(id);
			LiveAuctions::<T>::mutate((&a.who, a.sub), |n| *n = n.saturating_sub(1));
			Self::deposit_event(Event::AuctionEnded { id });
			// The account's remaining debt, if nothing else is left, goes down the waterfall.
			let _ = Self::liquidate(&a.who, a.sub);
		} else {
			Auctions::<T>::insert(id, a);
		}
		Ok(())
	}

	/// Restart a stale auction; see [`Pallet::restart`].
	pub fn do_restart(keeper: &T::AccountId, id: AuctionId) -> DispatchResult {
		let mut a = Auctions::<T>::get(id).ok_or(Error::<T>::UnknownAuction)?;
		let (_, _, reset) = Self::auction_price(&a).ok_or(Error::<T>::PriceMissing)?;
		ensure!(reset, Error::<T>::AuctionNotStale);
		let (oracle, _) = T::Target::collateral_price(a.asset).ok_or(Error::<T>::PriceMissing)?;
		let (premium, decay) = math::adaptive_curve(
			T::Target::volatility(a.asset),
			T::AuctionBasePremium::get(),
			T::AuctionBaseDecay::get(),
			T::AuctionMaxPremium::get(),
		);
		a.start_price = math::start_price(oracle, premium);
		a.decay = decay;
		a.started = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		let fund = GlobalInsurance::<T>::get();
		let reward = T::KeeperReward::get().min(fund);
		if reward > 0 {
			T::Target::pay_out(keeper, reward)?;
			GlobalInsurance::<T>::put(fund.saturating_sub(reward));
		}
		Self::deposit_event(Event::AuctionRestarted {
			id,
			keeper: keeper.clone(),
			start_price: a.start_price,
			reward,
		});
		Auctions::<T>::insert(id, a);
		Ok(())
	}

	/// Accounts at risk: indexed isolated accounts whose liquidation price has been crossed and
	/// `(who, sub, health)` for up to `limit` of them.
	pub fn at_risk(limit: u32) -> Vec<(T::AccountId, SubAccount, Price)> {
		let mut out = Vec::new();
		for market in 0..T::MaxMarkets::get() {
			for side in [LONG, SHORT] {
				let Some(mark) = T::Target::mark_price(market, side == LONG) else { continue };
				for ((k, (who, sub)), ()) in Index::<T>::iter_prefix((market, side)) {
					let liq = key_price(side, k);
					let crossed = if side == LONG { mark <= liq } else { mark >= liq };
					if !crossed || out.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
						break;
					}
					out.push((who, sub, liq));
				}
			}
		}
		out
	}

	/// Invariants:
	/// * [`Index`] and [`Indexed`] describe the same entries;
	/// * [`LiveAuctions`] counts the auctions of each account; no auction has an empty lot;
	/// * the pallet account holds at least every live lot, per asset.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut n = 0u32;
		for ((m, side, k, acct), ()) in Index::<T>::iter() {
			ensure!(
				Indexed::<T>::get(&acct) == Some((m, side, k)),
				"index entry without its reverse"
			);
			n = n.saturating_add(1);
		}
		ensure!(Indexed::<T>::iter().count() == n as usize, "reverse index has extra entries");
		let mut adl = 0usize;
		for ((m, side, k, acct), ()) in AdlIndex::<T>::iter() {
			ensure!(
				AdlEntries::<T>::get(&acct).is_some_and(|e| e.contains(&(m, side, k))),
				"ADL entry without its reverse"
			);
			adl = adl.saturating_add(1);
		}
		ensure!(
			AdlEntries::<T>::iter_values().map(|e| e.len()).sum::<usize>() == adl,
			"ADL reverse index has extra entries"
		);
		for (_, d) in Deleveraging::<T>::iter() {
			ensure!(d.left > 0, "settled shortfall kept");
			ensure!(d.steps < T::MaxDeleverageSteps::get(), "deleveraging past its step limit");
		}
		let mut counts: BTreeMap<(T::AccountId, SubAccount), u32> = BTreeMap::new();
		let mut lots: BTreeMap<AssetId, Balance> = BTreeMap::new();
		for (_, a) in Auctions::<T>::iter() {
			ensure!(a.lot > 0, "empty auction kept");
			let c = counts.entry((a.who.clone(), a.sub)).or_default();
			*c = c.saturating_add(1);
			let l = lots.entry(a.asset).or_default();
			*l = l.saturating_add(a.lot);
		}
		let mut values: BTreeMap<AssetId, Balance> = BTreeMap::new();
		for (_, a) in Auctions::<T>::iter() {
			let v = values.entry(a.asset).or_default();
			*v = v.saturating_add(a.value);
		}
		let mut total = 0u128;
		for (asset, v) in AuctionValue::<T>::iter() {
			ensure!(values.remove(&asset).unwrap_or(0) == v, "AuctionValue != Σ live lots' value");
			total = total.saturating_add(v);
		}
		ensure!(values.values().all(|v| *v == 0), "live lots without AuctionValue");
		ensure!(total == TotalAuctionValue::<T>::get(), "TotalAuctionValue mismatch");
		let (head, tail) = QueueBounds::<T>::get();
		ensure!(head <= tail, "queue bounds inverted");
		ensure!(
			SeizureQueue::<T>::iter().count()
				== usize::try_from(tail.saturating_sub(head)).unwrap_or(0)
				&& Queued::<T>::iter().count()
					== usize::try_from(tail.saturating_sub(head)).unwrap_or(0),
			"queue length mismatch"
		);
		for (acct, c) in LiveAuctions::<T>::iter() {
			ensure!(counts.remove(&acct).unwrap_or(0) == c, "LiveAuctions mismatch");
		}
		ensure!(counts.is_empty(), "auctions not counted in LiveAuctions");
		let me = Self::account_id();
		for (asset, lot) in lots {
			ensure!(
				<T::Assets as polkadot_sdk::frame_support::traits::fungibles::Inspect<
					T::AccountId,
				>>::balance(asset, &me)
					>= lot,
				"auction lots not held"
			);
		}
		Ok(())
	}
}

/// Log target.
pub const LOG_TARGET: &str = "runtime::liquidation";

impl<T: Config> OnAccountChange<T::AccountId> for Pallet<T> {
	fn changed(who: &T::AccountId, sub: SubAccount) {
		Self::reindex(who, sub);
	}
}

/// Helper for clients: a `FixedU128` health ratio.
pub fn health_ratio(equity: SignedBalance, requirement: Balance) -> Option<FixedU128> {
	if requirement == 0 {
		return None;
	}
	Some(
		FixedU128::checked_from_rational(u128::try_from(equity).unwrap_or(0), requirement)
			.unwrap_or_default(),
	)
}

/// `value × part / whole`, rounded down (the share of a lot's value that `part` of it carries).
fn math_share(value: Balance, part: Balance, whole: Balance) -> Balance {
	polkadot_sdk::sp_arithmetic::helpers_128bit::multiply_by_rational_with_rounding(
		value,
		part,
		whole.max(1),
		polkadot_sdk::sp_arithmetic::Rounding::Down,
	)
	.unwrap_or(value)
}
