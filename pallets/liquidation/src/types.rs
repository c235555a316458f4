//! Auctions, shortfalls, index keys, and the reports `LiquidationApi` serves.

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
	/// `Config::MaxPaidRestarts`; later restarts are free).
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
