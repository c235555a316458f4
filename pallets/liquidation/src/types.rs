//! The governed parameters and their hard bounds, auctions, shortfalls, index keys, and the
//! reports `LiquidationApi` serves.

use alloc::vec::Vec;
use ballast_primitives::{traits::PriceError, AssetId, Balance, MarketId, Price, SubAccount};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{sp_arithmetic::Permill, sp_runtime::DispatchError};
use scale_info::TypeInfo;

/// Side of an index entry.
pub const LONG: u8 = 0;
/// Side of an index entry.
pub const SHORT: u8 = 1;

/// Direction of a watch entry: the account is hurt when the source falls.
pub const DOWN: u8 = 0;
/// Direction of a watch entry: the account is hurt when the source rises.
pub const UP: u8 = 1;

/// A level an account's health moves with, watched by [`crate::Watch`].
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum Source {
	/// A market's conservative mark price (PnL and requirement of its positions).
	Mark(MarketId),
	/// A market's funding index (funding its positions owe).
	Funding(MarketId),
	/// A collateral asset's conservative price.
	Price(AssetId),
	/// A collateral asset's maintenance weight at zero holding (its volatility band, and the
	/// registry's parameters): every holding's weight moves with it.
	Weight(AssetId),
}

/// Most triggers one account can have: three per market, two per collateral asset.
pub struct MaxTriggers<T>(core::marker::PhantomData<T>);
impl<T: crate::Config> polkadot_sdk::frame_support::traits::Get<u32> for MaxTriggers<T> {
	fn get() -> u32 {
		T::MaxMarkets::get()
			.saturating_mul(3)
			.saturating_add(T::MaxCollateralAssets::get().saturating_mul(2))
	}
}

/// The risk officer's settings of the liquidation engine: one value, stored in
/// [`crate::Params`] (its default, while nothing is stored, is `Config::DefaultParams`) and
/// changed only by `set_params` (`Config::GovernanceOrigin`), within the hard bounds of
/// [`LiquidationParams::validate`]. Amounts are in the quote asset's smallest units.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct LiquidationParams {
	/// Extra share closed beyond the minimum that restores maintenance, as a share of that
	/// minimum. `0 < close_buffer ≤` [`MAX_CLOSE_BUFFER`].
	pub close_buffer: Permill,
	/// Below this health ratio, positions are closed in full (any value: a `Permill` is at most
	/// 100 %, which closes every liquidated account in full).
	pub full_liquidation_ratio: Permill,
	/// Below this notional, positions are closed in full. At most
	/// [`MAX_DUST_NOTIONAL_UNITS`] whole quote units.
	pub dust_notional: Balance,
	/// Penalty on the closed notional, to the insurance fund. At most
	/// [`MAX_LIQUIDATION_PENALTY`] (0 is allowed).
	pub liquidation_penalty: Permill,
	/// Auction start premium over the oracle price at zero volatility. At most
	/// `auction_max_premium`.
	pub auction_base_premium: Permill,
	/// Largest auction start premium. At most [`MAX_AUCTION_PREMIUM`].
	pub auction_max_premium: Permill,
	/// Per-block price decay at zero volatility. `0 < auction_base_decay ≤`
	/// [`MAX_AUCTION_DECAY`].
	pub auction_base_decay: Permill,
	/// Nothing sells below `oracle × (1 − auction_max_discount)`.
	/// `0 < auction_max_discount ≤` [`MAX_AUCTION_DISCOUNT`].
	pub auction_max_discount: Permill,
	/// Blocks after which an auction must be restarted. At least [`MIN_AUCTION_MAX_AGE`].
	pub auction_max_age: u32,
	/// Most value (at seizure prices) in live auctions, all assets together; seizures beyond it
	/// wait in [`crate::SeizureQueue`]. Not zero.
	pub max_auction_value: Balance,
	/// Most value in live auctions of any one asset. Not zero, at most `max_auction_value`.
	pub max_auction_value_per_asset: Balance,
	/// Most quote paid (from the global insurance fund) to whoever restarts a stale auction. At
	/// most [`MAX_KEEPER_REWARD_UNITS`] whole quote units.
	pub keeper_reward: Balance,
	/// The keeper's reward as a share of the remaining lot's value at the restart price (capped
	/// by `keeper_reward`): restarting a dust lot earns dust. At most [`MAX_KEEPER_REWARD_SHARE`].
	pub keeper_reward_share: Permill,
	/// Restarts of one auction that are paid; later restarts still happen, unpaid. With
	/// `keeper_reward_share` this bounds what one auction can ever cost the fund. At most
	/// [`MAX_PAID_RESTARTS`].
	pub max_paid_restarts: u32,
}

/// Hard bound: the penalty on closed notional is at most 25 % (the collateral registry's bound
/// on an asset's liquidation penalty): beyond it a liquidation would take more than a quarter
/// of what it closes, which no insurance fund needs and which makes partial closes pointless.
pub const MAX_LIQUIDATION_PENALTY: Permill = Permill::from_percent(25);
/// Hard bound: the close buffer is at most 50 % of the minimum close (and more than zero, so
/// that rounding never leaves a partially liquidated account on its boundary).
pub const MAX_CLOSE_BUFFER: Permill = Permill::from_percent(50);
/// Hard bound: positions under at most 10,000 whole quote units of notional may be called dust
/// and closed in full; a larger "dust" would turn partial liquidation off for real positions.
pub const MAX_DUST_NOTIONAL_UNITS: Balance = 10_000;
/// Hard bound: an auction starts at most 50 % above the oracle price.
pub const MAX_AUCTION_PREMIUM: Permill = Permill::from_percent(50);
/// Hard bound: an auction's base decay is at most 10 % per block (and more than zero: an
/// auction that never decays never reaches a bidder's price). The volatility-adapted decay is
/// capped at 50 % per block by `ballast_math::liquidation::adaptive_curve`.
pub const MAX_AUCTION_DECAY: Permill = Permill::from_percent(10);
/// Hard bound: nothing sells more than 50 % under the oracle price (a 100 % discount would sell
/// for nothing), and the discount is more than zero (the floor must lie under the start price
/// for the auction to have anywhere to decay to).
pub const MAX_AUCTION_DISCOUNT: Permill = Permill::from_percent(50);
/// Hard bound: an auction lives at least 10 blocks before it must be restarted (restarting
/// sooner would pay keepers for churn). No upper bound is needed: with a positive decay every
/// auction reaches its floor and needs a restart anyway.
pub const MIN_AUCTION_MAX_AGE: u32 = 10;
/// Hard bound: a keeper earns at most 1,000 whole quote units per restart.
pub const MAX_KEEPER_REWARD_UNITS: Balance = 1_000;
/// Hard bound: a keeper earns at most 10 % of the remaining lot's value per restart.
pub const MAX_KEEPER_REWARD_SHARE: Permill = Permill::from_percent(10);
/// Hard bound: at most 16 restarts of one auction are paid.
pub const MAX_PAID_RESTARTS: u32 = 16;

/// Which hard bound of [`LiquidationParams`] a value violates (one variant per rule; the
/// pallet's `Error` has one of the same name for each).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParamError {
	/// `liquidation_penalty` exceeds [`MAX_LIQUIDATION_PENALTY`].
	PenaltyTooHigh,
	/// `close_buffer` is zero or exceeds [`MAX_CLOSE_BUFFER`].
	CloseBufferOutOfRange,
	/// `dust_notional` exceeds [`MAX_DUST_NOTIONAL_UNITS`] whole quote units.
	DustNotionalTooHigh,
	/// `auction_base_premium` exceeds `auction_max_premium`.
	BasePremiumAboveMax,
	/// `auction_max_premium` exceeds [`MAX_AUCTION_PREMIUM`].
	MaxPremiumTooHigh,
	/// `auction_base_decay` is zero or exceeds [`MAX_AUCTION_DECAY`].
	DecayOutOfRange,
	/// `auction_max_discount` is zero or exceeds [`MAX_AUCTION_DISCOUNT`].
	DiscountOutOfRange,
	/// `auction_max_age` is below [`MIN_AUCTION_MAX_AGE`].
	MaxAgeTooShort,
	/// `max_auction_value` or `max_auction_value_per_asset` is zero.
	ZeroAuctionCap,
	/// `max_auction_value_per_asset` exceeds `max_auction_value`.
	AssetCapAboveTotal,
	/// `keeper_reward` exceeds [`MAX_KEEPER_REWARD_UNITS`] whole quote units.
	KeeperRewardTooHigh,
	/// `keeper_reward_share` exceeds [`MAX_KEEPER_REWARD_SHARE`].
	KeeperShareTooHigh,
	/// `max_paid_restarts` exceeds [`MAX_PAID_RESTARTS`].
	TooManyPaidRestarts,
}

impl LiquidationParams {
	/// Check the hard bounds (see the constants above), for a quote asset of `quote_decimals`
	/// decimals (the amount bounds are in whole quote units). The first rule violated, in field
	/// order, is reported. Pure: no storage.
	pub fn validate(&self, quote_decimals: u8) -> Result<(), ParamError> {
		let unit = 10u128.checked_pow(u32::from(quote_decimals)).unwrap_or(Balance::MAX);
		let whole = |units: Balance| units.saturating_mul(unit);
		if self.close_buffer.is_zero() || self.close_buffer > MAX_CLOSE_BUFFER {
			return Err(ParamError::CloseBufferOutOfRange);
		}
		if self.dust_notional > whole(MAX_DUST_NOTIONAL_UNITS) {
			return Err(ParamError::DustNotionalTooHigh);
		}
		if self.liquidation_penalty > MAX_LIQUIDATION_PENALTY {
			return Err(ParamError::PenaltyTooHigh);
		}
		if self.auction_base_premium > self.auction_max_premium {
			return Err(ParamError::BasePremiumAboveMax);
		}
		if self.auction_max_premium > MAX_AUCTION_PREMIUM {
			return Err(ParamError::MaxPremiumTooHigh);
		}
		if self.auction_base_decay.is_zero() || self.auction_base_decay > MAX_AUCTION_DECAY {
			return Err(ParamError::DecayOutOfRange);
		}
		if self.auction_max_discount.is_zero() || self.auction_max_discount > MAX_AUCTION_DISCOUNT {
			return Err(ParamError::DiscountOutOfRange);
		}
		if self.auction_max_age < MIN_AUCTION_MAX_AGE {
			return Err(ParamError::MaxAgeTooShort);
		}
		if self.max_auction_value == 0 || self.max_auction_value_per_asset == 0 {
			return Err(ParamError::ZeroAuctionCap);
		}
		if self.max_auction_value_per_asset > self.max_auction_value {
			return Err(ParamError::AssetCapAboveTotal);
		}
		if self.keeper_reward > whole(MAX_KEEPER_REWARD_UNITS) {
			return Err(ParamError::KeeperRewardTooHigh);
		}
		if self.keeper_reward_share > MAX_KEEPER_REWARD_SHARE {
			return Err(ParamError::KeeperShareTooHigh);
		}
		if self.max_paid_restarts > MAX_PAID_RESTARTS {
			return Err(ParamError::TooManyPaidRestarts);
		}
		Ok(())
	}
}

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
	/// The price guard's pause clock of the asset's key at the (re)start
	/// (`PriceProvider::invalid_blocks`): blocks without a usable price since then do not
	/// count towards the decay.
	pub paused_at_start: u32,
	/// Restarts of this auction that paid the keeper a reward (at most
	/// [`LiquidationParams::max_paid_restarts`]; later restarts are free).
	pub paid_restarts: u32,
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
	/// The bankrupt account's market (`None`: a cross account), told to the loss bearer if
	/// the shortfall ends written off.
	pub market: Option<MarketId>,
}

/// Why a holding was not seized into an auction ([`crate::Event::SeizureSkipped`]).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum SkipReason {
	/// The asset is not listed: it counts for nothing.
	NotListed,
	/// The oracle has no price of the asset at all (never priced, or its key has no guard): it
	/// counts for nothing, and the debt goes on down the waterfall.
	Unpriced,
	/// The asset's price is not usable right now (stale, out of bounds, an unconfirmed jump):
	/// seizure of it pauses, and the account waits for a usable price.
	PricePaused(PriceError),
	/// Moving the lot failed (e.g. a lot below the asset's minimum balance): the holding counts
	/// for nothing, and the debt goes on down the waterfall.
	SeizeFailed(DispatchError),
}

/// What one seizure attempt did.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Seizure {
	/// At least one auction started.
	pub started: bool,
	/// Some collateral could not be seized now but may be later (the caps are full and the
	/// account waits in the queue, or a price is paused): the debt must not go down the
	/// waterfall yet.
	pub waiting: bool,
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

/// Whether `mark` has crossed the liquidation price index key `key` of `side` encodes.
pub fn crossed(side: u8, mark: Price, key: [u8; 16]) -> bool {
	let liq = key_price(side, key);
	if side == LONG {
		mark <= liq
	} else {
		mark >= liq
	}
}

/// A live liquidation auction, as clients see it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct AuctionReport<AccountId> {
	/// Auction id, for `liquidation.take` / `liquidation.restart`.
	pub id: AuctionId,
	/// Liquidated account.
	pub who: AccountId,
	/// Its sub-account.
	pub sub: SubAccount,
	/// Collateral asset sold.
	pub asset: AssetId,
	/// Remaining lot, smallest units.
	pub lot: Balance,
	/// Current price (quote per whole token), if the asset is priced.
	pub price: Option<Price>,
	/// Floor below which nothing sells.
	pub floor: Option<Price>,
	/// Whether it must be restarted before anyone can take.
	pub needs_reset: bool,
}

/// Insurance funds and bad debt.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct InsuranceReport {
	/// The global fund.
	pub global: Balance,
	/// Per-market funds.
	pub markets: Vec<(MarketId, Balance)>,
	/// Debt written off so far.
	pub bad_debt: Balance,
	/// Shortfalls the funds did not cover, waiting for auto-deleveraging.
	pub deleveraging: Balance,
}
