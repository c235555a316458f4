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
//!   follows every trade and balance change through `OnAccountChange`. An account is filed a
//!   few quote units of notional ahead of its closed-form liquidation price
//!   (`ballast_math::liquidation::index_price`), so the integer health test never finds it
//!   unhealthy before the index has crossed it; one crossed but still healthy (inside that band)
//!   stays filed and the walk goes past it;
//! * the **watch** ([`Watch`], see `watch.rs`): every account with a position — cross or
//!   isolated, any collateral — valued once and filed, for each source it is exposed to (the
//!   mark and the funding index of each of its markets, the price and the band weight of each
//!   of its collateral assets), at the level where that source will have moved by the
//!   account's **margin of safety** (buffer over gross price sensitivity,
//!   `ballast_math::safety`). While no source reaches its trigger the account is provably
//!   healthy; the first block in which one does, the sweep values it again (liquidating it, or
//!   filing it again around the new levels). Each block costs a read of every watched source
//!   plus one check per account a move could have sunk, whatever the number of accounts;
//! * a **round-robin backstop** ([`CrossCursor`]) over the accounts with positions or debt
//!   ([`Watching`]; empty accounts are not in it), [`Config::AccountChecksPerBlock`] per block,
//!   for what the watch does not follow (a registry parameter other than the band weight).
//!
//! Every account looked at is charged at its own class ([`WeightInfo::check_account`] by
//! positions and collateral assets), read from its triggers before it is valued.
//!
//! Work that does not fit the budget stays where it is — at the head of the index or of a
//! watched source, or after the cursor — and is done in the next block: never dropped, never over budget.
//!
//! **Prices.** Liquidation values accounts, and closes positions, at the *conservative* price
//! (`PriceMode::Conservative`, defined once by `PriceProvider::checked` in `ballast-primitives`):
//! the latest oracle price when it is fresh and inside its key's bounds (owned by the price
//! guard, `pallet-price-guard`); otherwise the worse, for the holder, of the last valid price
//! (recorded by the price guard) and the latest one — the lower for collateral and longs, the
//! higher for shorts. So a stale or out-of-bounds price never pauses liquidation of
//! an account that is unhealthy at it, and never makes an account look healthier than the last
//! valid price did. (Opening risk, by contrast, needs fresh, in-bounds prices: see
//! `pallet-margin-accounts`.)
//!
//! ## Liquidation
//!
//! The risk officer's settings below (close buffer, full-liquidation ratio, dust, penalty,
//! auction curve and caps, keeper reward) are one governed value, [`Params`]
//! ([`LiquidationParams`]): [`Config::DefaultParams`] until governance sets them with
//! [`Pallet::set_params`] ([`Config::GovernanceOrigin`]), always within the hard bounds of
//! [`LiquidationParams::validate`] (checked again by `try_state`).
//!
//! * **Partial first**: the engine closes just the share of every position that brings the
//!   account back above maintenance, plus the close buffer
//!   (`ballast_math::liquidation::close_fraction`);
//!   everything when the health ratio is below the full-liquidation ratio or the
//!   notional is below the dust notional. A cross account under the portfolio grid
//!   ([`Config::PortfolioGrid`]) is closed leg by leg instead, the legs whose close lowers
//!   the requirement most first, each in full or the part that suffices
//!   (`ballast_math::liquidation::close_plan`; a hedge stays while it hedges), when that
//!   closes no more notional than the same share of every position would. Positions close against the vault at the
//!   oracle price; the penalty (a share of the closed notional) goes to
//!   the insurance fund of the account's market (isolated accounts) or the global fund.
//! * **Collateral**: when positions are gone and the quote balance is still negative, enough
//!   collateral is seized into **Dutch auctions** for the quote asset. The price starts above
//!   the oracle price and decays per block; bidders [`Pallet::take`] partial lots; nothing is
//!   ever sold below the floor `oracle × (1 − max discount)`; auctions that are too old or have
//!   decayed to the floor are restarted at the current oracle price by anyone calling
//!   [`Pallet::restart`], who earns a share of the lot's value, at most a fixed reward, for the
//!   first few restarts of an auction.
//!   The start premium and the decay adapt to the asset's volatility. Proceeds repay the
//!   account's debt; if they cannot be credited to it (it no longer exists), they go to the
//!   global insurance fund and the take stands. The value in live auctions is capped globally
//!   and per asset ([`LiquidationParams::max_auction_value`], `max_auction_value_per_asset`):
//!   seizures beyond the caps wait in a first-in-first-out queue ([`SeizureQueue`]) that the
//!   sweep serves first as lots are taken; a served account seizes for what its live auctions
//!   do not already raise ([`LiveAuctionValue`]), or goes back to the queue silently.
//!   Collateral that cannot be seized is skipped with [`Event::SeizureSkipped`]: a paused price
//!   makes the account wait, anything else (never priced, not listed, a lot that cannot be
//!   moved) counts for nothing and the debt goes down the waterfall.
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
//!    descending), and the sweep compares the first position in profit of each side in scope,
//!    walking past at most [`Config::MaxAdlProbe`] heads without profit. One position is
//!    deleveraged per step, under the sweep's budget, at most [`Config::MaxDeleverageSteps`]
//!    steps per shortfall;
//! 4. what is left — no profitable opposing position, or the step limit — is written off: charged
//!    to [`Config::LossBearer`] (the perpetuals' vault, whose LPs were the counterparty) in the
//!    same block, and recorded in the bad-debt ledger ([`BadDebt`]).
//!
//! Every step emits an event. Custody is conserved: the insurance funds are part of the pooled
//! quote that `pallet-margin-accounts` checks custody against (`held == Σ quote + vault + fees +
//! insurance`), a write-off credits the account what it takes from the vault, and a
//! deleveraging haircut moves quote from one account to another.
//!
//! ## Atomicity
//!
//! Each liquidation and each deleveraging step runs in its own storage layer: it completes, or
//! changes nothing and emits [`Event::LiquidationFailed`] / [`Event::DeleverageFailed`] with
//! the error. One account's failure never stops the sweep or leaves half a liquidation behind.
//!
//! ## Interfaces and layout
//!
//! The engine knows the rest of the chain only through traits of `ballast-primitives`:
//! [`Config::Margin`] (`MarginSide`: one valuation snapshot per account, balances, seizure,
//! settlement), [`Config::Derivatives`] (`Derivatives`: positions, conservative prices,
//! closing and deleveraging; implemented by each product and for tuples of them, so a second
//! product joins without touching this pallet) and [`Config::Collateral`] (`CollateralRisk`).
//! The formulas are `ballast_math::liquidation` and `ballast_math::safety`. Files: `types.rs`,
//! `index.rs` (the liquidation-price and ADL indexes), `watch.rs` (the watch), `sweep.rs`,
//! `liquidate.rs`, `auctions.rs`, `waterfall.rs` (insurance, deleveraging, bad debt),
//! `params.rs` (the governed parameters), `try_state.rs`.

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

mod auctions;
#[cfg(feature = "runtime-benchmarks")]
// The generated benchmark code computes with floats and unwraps in its own test harness.
#[allow(clippy::float_arithmetic, clippy::unwrap_used, clippy::expect_used)]
mod benchmarking;
mod index;
mod liquidate;
#[cfg(test)]
mod mock;
mod params;
mod sweep;
#[cfg(test)]
mod tests;
mod try_state;
pub mod types;
pub mod watch;
mod waterfall;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use watch::{class_of, watch_key, watch_level};
pub use weights::WeightInfo;

use ballast_primitives::{
	traits::{
		CollateralRisk, Derivatives, LossBearer, MarginSide, PendingLiquidation, PriceProvider,
	},
	AssetId, Balance, MarketId, Price, SubAccount,
};
use polkadot_sdk::{
	frame_support::{pallet_prelude::*, traits::fungibles::Mutate, PalletId},
	frame_system::pallet_prelude::*,
	sp_arithmetic::Permill,
	sp_runtime::traits::AccountIdConversion,
};

/// What the benchmarks need from the runtime: real margin accounts with real positions, built
/// through the other pallets (which this pallet only knows through its `Config` traits).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Fresh prices at the reference level; returns the market the benchmarks trade in.
	fn setup() -> MarketId;
	/// Fund `who` and open an isolated position in the benchmark market: long or short, and
	/// `crossing` if [`Self::crash`] must make it liquidatable (otherwise it must stay far from
	/// its liquidation price). Returns the sub-account.
	fn open_isolated(who: &AccountId, long: bool, crossing: bool) -> SubAccount;
	/// Fund `who` and open its cross account with `positions` positions (each in its own
	/// market; markets beyond the genesis ones are listed as needed) and `assets` collateral
	/// assets (likewise), far from its liquidation limit. The limits are the runtime's
	/// (`Config::MaxMarkets`, `Config::MaxCollateralAssets`).
	fn open_cross(who: &AccountId, positions: u32, assets: u32);
	/// Move the benchmark market's price down far enough for crossing longs to be liquidatable.
	fn crash();
	/// The collateral asset auctions sell in the benchmarks, with a price.
	fn auction_asset() -> AssetId;
	/// Put `amount` of the quote asset in `who`'s wallet.
	fn fund_quote(who: &AccountId, amount: Balance);
}

/// Log target.
pub const LOG_TARGET: &str = "runtime::liquidation";

// FRAME's generated code calls `expect` on facts the runtime's construction guarantees.
#[allow(clippy::expect_used)]
#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The in-code storage version: 1 is the layout Ballast launched with (see the runtime's
	/// `Migrations` and `runtime/tests/layout.rs`, which fails when storage changes without a bump);
	/// 2 adds [`Params`], which needs no data migration (empty, it reads
	/// [`Config::DefaultParams`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>>
			+ IsType<<Self as polkadot_sdk::frame_system::Config>::RuntimeEvent>;

		/// The margin engine: valuation snapshots, balances, settlement, seizure, custody.
		type Margin: MarginSide<Self::AccountId>;

		/// The derivative products (a tuple when there are several): positions, conservative
		/// prices, closing and deleveraging.
		type Derivatives: Derivatives<Self::AccountId>;

		/// Collateral terms (decimals, oracle key) and volatility, for auctions.
		type Collateral: CollateralRisk;

		/// Prices, timestamped, with their bounds (the price guard).
		type Prices: PriceProvider;

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

		/// Most collateral assets one margin account holds (the margin engine's limit): with
		/// [`Config::MaxMarkets`], bounds an account's triggers in [`Watch`].
		#[pallet::constant]
		type MaxCollateralAssets: Get<u32>;

		/// Weight the sweep may use per block.
		#[pallet::constant]
		type SweepBudget: Get<Weight>;

		/// Accounts the round-robin cursor re-checks per block.
		#[pallet::constant]
		type AccountChecksPerBlock: Get<u32>;

		/// The liquidation parameters while none are stored (and so from genesis): they must pass
		/// [`LiquidationParams::validate`] (the integrity test checks). Governance replaces them
		/// with [`Pallet::set_params`]; see [`Params`].
		type DefaultParams: Get<LiquidationParams>;

		/// Who may change the liquidation parameters ([`Pallet::set_params`]).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Most opposing positions one shortfall is deleveraged against before the rest is
		/// written off.
		#[pallet::constant]
		type MaxDeleverageSteps: Get<u32>;

		/// Most entries auto-deleveraging reads from the head of one side of the ADL index
		/// looking for a position in profit: heads with no profit (dust, entry price 0) are
		/// walked past, never more than this many per side.
		#[pallet::constant]
		type MaxAdlProbe: Get<u32>;

		/// Who bears debt written off after the insurance funds and auto-deleveraging: the
		/// counterparty of the bankrupt positions (the perpetuals' liquidity vault), charged in
		/// the same block.
		type LossBearer: LossBearer;

		/// The portfolio-margin grid cross accounts are margined by (the margin engine's):
		/// with one, an unhealthy cross account is closed leg by leg, the legs whose close
		/// lowers the requirement most first (`ballast_math::liquidation::close_plan`); without
		/// one (and for isolated accounts), the same share of every position.
		type PortfolioGrid: Get<Option<ballast_primitives::math::portfolio::Grid<'static>>>;

		/// Whether a global settlement is closing every position at its fixed prices: while it
		/// is ([`SettlementStatus::is_settling`]) the sweep liquidates nothing at live prices
		/// (auctions already running stay open to bidders); once it is complete, accounts left
		/// in debt are handled as always (seized, then written off to insurance and the vault).
		type Settlement: ballast_primitives::traits::SettlementStatus;

		/// Weights.
		type WeightInfo: WeightInfo;

		/// Builds accounts and positions for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The default of [`Params`]: [`Config::DefaultParams`].
	#[pallet::type_value]
	pub fn DefaultParams<T: Config>() -> LiquidationParams {
		T::DefaultParams::get()
	}

	/// The liquidation parameters in force (see [`LiquidationParams`]): what governance last set
	/// with [`Pallet::set_params`], or [`Config::DefaultParams`] if it never did. Always within
	/// the hard bounds of [`LiquidationParams::validate`].
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, LiquidationParams, ValueQuery, DefaultParams<T>>;

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

	/// Every account with a position, under each source it is exposed to, at the level where
	/// that source will have moved by the account's margin of safety (see `watch.rs`): source,
	/// direction ([`DOWN`]/[`UP`]), trigger level ([`watch_key`]: firing order), account.
	#[pallet::storage]
	pub type Watch<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, Source>,
			NMapKey<Identity, u8>,
			NMapKey<Identity, [u8; 16]>,
			NMapKey<Blake2_128Concat, (T::AccountId, SubAccount)>,
		),
		(),
		OptionQuery,
	>;

	/// Each watched account's triggers (the reverse of [`Watch`]); an empty list for an account
	/// in debt without positions. Exactly the accounts the round-robin backstop walks.
	#[pallet::storage]
	pub type Watching<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		(T::AccountId, SubAccount),
		BoundedVec<watch::Trigger, MaxTriggers<T>>,
		OptionQuery,
	>;

	/// Entries in [`Watch`] per source and direction: the sources the sweep reads each block.
	#[pallet::storage]
	pub type WatchedSources<T: Config> =
		StorageMap<_, Twox64Concat, (Source, u8), u32, OptionQuery>;

	/// The watched source (and direction) the last block's sweep ran out of budget at: the next
	/// block's walk of the watch starts there.
	#[pallet::storage]
	pub type WatchResume<T: Config> = StorageValue<_, (Source, u8), OptionQuery>;

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

	/// Value (at seizure prices) of each account's live auctions: the part of its debt already
	/// being raised, which a further seizure does not seize again.
	#[pallet::storage]
	pub type LiveAuctionValue<T: Config> =
		StorageMap<_, Blake2_128Concat, (T::AccountId, SubAccount), Balance, ValueQuery>;

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

	/// Total debt written off (a record: each write-off was charged to [`Config::LossBearer`]).
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

	/// Debt written off per account (a record, as [`BadDebt`]).
	#[pallet::storage]
	pub type BadDebtOf<T: Config> =
		StorageMap<_, Blake2_128Concat, (T::AccountId, SubAccount), Balance, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A share of an account's positions was closed: `fraction` of each, or, for a cross
		/// account closed leg by leg under the portfolio grid, the share of its notional.
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
		/// The auction caps are full: the account's collateral waits in the queue (emitted once,
		/// when it joins the queue).
		SeizureQueued { who: T::AccountId, sub: SubAccount },
		/// A holding of `asset` was not seized: see the reason for whether the account waits
		/// or the holding counts for nothing and the debt goes on down the waterfall.
		SeizureSkipped { who: T::AccountId, sub: SubAccount, asset: AssetId, reason: SkipReason },
		/// Collateral of `asset` was seized: the asset's liquidation penalty on the debt the
		/// lot repays went from the account to the insurance fund.
		CollateralPenaltyCharged {
			who: T::AccountId,
			sub: SubAccount,
			asset: AssetId,
			penalty: Balance,
		},
		/// The proceeds of a take could not be credited to the liquidated account (it no longer
		/// exists, or refused the credit): they went to the global insurance fund and the take
		/// stands.
		ProceedsToInsurance {
			id: AuctionId,
			who: T::AccountId,
			sub: SubAccount,
			amount: Balance,
			error: DispatchError,
		},
		/// A bidder took part of a lot.
		AuctionTaken {
			id: AuctionId,
			bidder: T::AccountId,
			amount: Balance,
			price: Price,
			paid: Balance,
		},
		/// An auction was restarted at the current oracle price; `reward` (possibly zero) went to
		/// the keeper.
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
		/// A shortfall no fund could cover was written off and charged to the loss bearer.
		BadDebtRecorded { who: T::AccountId, sub: SubAccount, amount: Balance },
		/// The sweep of this block.
		Swept { checked: u32, liquidated: u32, weight: Weight },
		/// Liquidating an account failed; nothing of it was applied. The account stays where
		/// the sweep will find it again.
		LiquidationFailed { who: T::AccountId, sub: SubAccount, error: DispatchError },
		/// An auto-deleveraging step for `who`'s shortfall failed; nothing of it was applied
		/// (it counts against the step limit).
		DeleverageFailed { who: T::AccountId, sub: SubAccount, error: DispatchError },
		/// Governance replaced the liquidation parameters ([`Pallet::set_params`]).
		ParamsSet { params: LiquidationParams },
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
		/// The auction's collateral has no price usable for liquidation (missing, an outlier, an
		/// unconfirmed jump, or the last valid price is too old): the auction is paused, and its
		/// price does not decay meanwhile.
		AuctionPaused,
		/// An amount overflowed.
		Overflow,
		/// No such margin account.
		UnknownAccount,
		/// `liquidation_penalty` exceeds [`MAX_LIQUIDATION_PENALTY`] (25 %).
		PenaltyTooHigh,
		/// `close_buffer` is zero or exceeds [`MAX_CLOSE_BUFFER`] (50 %).
		CloseBufferOutOfRange,
		/// `dust_notional` exceeds [`MAX_DUST_NOTIONAL_UNITS`] (10,000) whole quote units.
		DustNotionalTooHigh,
		/// `auction_base_premium` exceeds `auction_max_premium`.
		BasePremiumAboveMax,
		/// `auction_max_premium` exceeds [`MAX_AUCTION_PREMIUM`] (50 %).
		MaxPremiumTooHigh,
		/// `auction_base_decay` is zero or exceeds [`MAX_AUCTION_DECAY`] (10 % per block).
		DecayOutOfRange,
		/// `auction_max_discount` is zero or exceeds [`MAX_AUCTION_DISCOUNT`] (50 %).
		DiscountOutOfRange,
		/// `auction_max_age` is below [`MIN_AUCTION_MAX_AGE`] (10 blocks).
		MaxAgeTooShort,
		/// `max_auction_value` or `max_auction_value_per_asset` is zero.
		ZeroAuctionCap,
		/// `max_auction_value_per_asset` exceeds `max_auction_value`.
		AssetCapAboveTotal,
		/// `keeper_reward` exceeds [`MAX_KEEPER_REWARD_UNITS`] (1,000) whole quote units.
		KeeperRewardTooHigh,
		/// `keeper_reward_share` exceeds [`MAX_KEEPER_REWARD_SHARE`] (10 %).
		KeeperShareTooHigh,
		/// `max_paid_restarts` exceeds [`MAX_PAID_RESTARTS`] (16).
		TooManyPaidRestarts,
		/// The take would leave less of the lot than the asset's minimum balance, and cutting it
		/// to leave exactly that leaves nothing to buy: take the whole lot.
		TakeLeavesDust,
	}

	impl<T> From<ParamError> for Error<T> {
		fn from(e: ParamError) -> Self {
			match e {
				ParamError::PenaltyTooHigh => Error::PenaltyTooHigh,
				ParamError::CloseBufferOutOfRange => Error::CloseBufferOutOfRange,
				ParamError::DustNotionalTooHigh => Error::DustNotionalTooHigh,
				ParamError::BasePremiumAboveMax => Error::BasePremiumAboveMax,
				ParamError::MaxPremiumTooHigh => Error::MaxPremiumTooHigh,
				ParamError::DecayOutOfRange => Error::DecayOutOfRange,
				ParamError::DiscountOutOfRange => Error::DiscountOutOfRange,
				ParamError::MaxAgeTooShort => Error::MaxAgeTooShort,
				ParamError::ZeroAuctionCap => Error::ZeroAuctionCap,
				ParamError::AssetCapAboveTotal => Error::AssetCapAboveTotal,
				ParamError::KeeperRewardTooHigh => Error::KeeperRewardTooHigh,
				ParamError::KeeperShareTooHigh => Error::KeeperShareTooHigh,
				ParamError::TooManyPaidRestarts => Error::TooManyPaidRestarts,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			Self::sweep(T::SweepBudget::get())
		}

		fn integrity_test() {
			// The auto-deleveraging scope is a bit per market and side.
			assert!(T::MaxMarkets::get() <= 16, "MaxMarkets must fit the ADL scope bits");
			// The parameters in force before governance sets any must be within the bounds.
			assert!(
				T::DefaultParams::get().validate(T::QuoteDecimals::get()).is_ok(),
				"DefaultParams must pass LiquidationParams::validate"
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
		/// Buy up to `amount` of auction `id`'s lot at its current price, if that price is at
		/// most `max_price`. Pays the quote asset from the caller's wallet; the proceeds repay the
		/// liquidated account's debt.
		///
		/// A take never leaves a remainder below the asset's minimum balance: one that would is
		/// cut to leave exactly the minimum ([`Event::AuctionTaken`] says what was bought), and
		/// fails with [`Error::TakeLeavesDust`] if that leaves nothing (take the whole lot).
		///
		/// Errors: [`Error::UnknownAuction`], [`Error::ZeroAmount`], [`Error::PriceAboveMax`],
		/// [`Error::AuctionNeedsReset`], [`Error::AuctionPaused`], [`Error::TakeLeavesDust`],
		/// [`Error::Overflow`], token errors.
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
		/// oracle price. The caller earns [`LiquidationParams::keeper_reward_share`] of the
		/// remaining lot's value at the new start price, at most
		/// [`LiquidationParams::keeper_reward`], from the global insurance fund (as far as it
		/// holds it), for the first [`LiquidationParams::max_paid_restarts`] restarts of the
		/// auction; later restarts are unpaid.
		///
		/// Errors: [`Error::UnknownAuction`], [`Error::AuctionNotStale`], [`Error::AuctionPaused`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::restart())]
		pub fn restart(origin: OriginFor<T>, id: AuctionId) -> DispatchResult {
			let keeper = ensure_signed(origin)?;
			Self::do_restart(&keeper, id)
		}

		/// Replace the liquidation parameters ([`Params`]) with `params`, which must be within
		/// the hard bounds of [`LiquidationParams::validate`]. They apply from the next use:
		/// live auctions keep their start price and decay until restarted, but their floor,
		/// maximum age and the caps follow the new values at once.
		///
		/// Origin: [`Config::GovernanceOrigin`]. Emits [`Event::ParamsSet`].
		///
		/// Errors: `BadOrigin`; one per violated bound: [`Error::CloseBufferOutOfRange`],
		/// [`Error::DustNotionalTooHigh`], [`Error::PenaltyTooHigh`],
		/// [`Error::BasePremiumAboveMax`], [`Error::MaxPremiumTooHigh`],
		/// [`Error::DecayOutOfRange`], [`Error::DiscountOutOfRange`], [`Error::MaxAgeTooShort`],
		/// [`Error::ZeroAuctionCap`], [`Error::AssetCapAboveTotal`],
		/// [`Error::KeeperRewardTooHigh`], [`Error::KeeperShareTooHigh`],
		/// [`Error::TooManyPaidRestarts`] (the first violated, in field order).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: LiquidationParams) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_params(params)
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The account holding auction lots.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}
}

/// An account the engine still works on (live auctions of its collateral, a place in the
/// seizure queue, a shortfall being deleveraged) must not be closed: the margin engine asks
/// before closing one.
impl<T: Config> PendingLiquidation<T::AccountId> for Pallet<T> {
	fn is_pending(who: &T::AccountId, sub: SubAccount) -> bool {
		let key = (who.clone(), sub);
		LiveAuctions::<T>::get(&key) > 0
			|| Queued::<T>::contains_key(&key)
			|| Deleveraging::<T>::contains_key(&key)
	}
}

/// The runtime API: accounts at risk, live auctions, insurance funds, bad debt.
pub mod runtime_api {
	use crate::types::{AuctionReport, InsuranceReport};
	use alloc::vec::Vec;
	use ballast_primitives::{traits::AccountSnapshot, Price, SubAccount};
	use polkadot_sdk::sp_api;

	sp_api::decl_runtime_apis! {
		/// The liquidation engine (polkadot.js: `api.call.liquidationApi.*`).
		pub trait LiquidationApi<AccountId> where AccountId: codec::Codec {
			/// Isolated accounts whose liquidation price the mark price has crossed (up to
			/// `limit`), with that liquidation price: the next sweep acts on them.
			fn at_risk(limit: u32) -> Vec<(AccountId, SubAccount, Price)>;
			/// `(who, sub)` as the engine sees it: one valuation at conservative prices (the
			/// latest when fresh and in bounds, otherwise the worse of it and the last valid one).
			fn health(who: AccountId, sub: SubAccount) -> Option<AccountSnapshot>;
			/// Live auctions with their current price and remaining lot.
			fn auctions() -> Vec<AuctionReport<AccountId>>;
			/// Insurance funds, shortfalls waiting for auto-deleveraging, and bad debt.
			fn insurance() -> InsuranceReport;
		}
	}
}
