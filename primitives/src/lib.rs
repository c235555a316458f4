//! # Ballast primitives
//!
//! The `no_std` vocabulary that every Ballast crate shares: the chain's basic types
//! ([`Balance`], [`AssetId`], [`AccountId`], [`Price`], [`Moment`], ...) and, in [`traits`],
//! the glue traits through which pallets talk to each other.
//!
//! Pallets never import each other. A pallet that needs something from another names a trait
//! from [`traits`] as an associated type of its `Config`, and the runtime wires the two
//! together. This keeps every pallet testable with a small mock and lets the runtime swap an
//! implementation (for example the price source) without touching the consumers.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod prices;
pub mod settlement;
pub mod stress;
pub mod traits;

use polkadot_sdk::{
	sp_arithmetic::FixedU128,
	sp_runtime::{
		traits::{IdentifyAccount, Verify},
		MultiSignature,
	},
};

/// Alias to 512-bit hash when used in the context of a transaction signature on the chain.
pub type Signature = MultiSignature;

/// Some way of identifying an account on the chain. We intentionally make it equivalent
/// to the public key of our transaction signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// Balance of an account, and amount of any asset, in the asset's smallest unit.
pub type Balance = u128;

/// Index of a transaction in the chain.
pub type Nonce = u32;

/// A hash of some data used by the chain.
pub type Hash = polkadot_sdk::sp_core::H256;

/// An index to a block.
pub type BlockNumber = u32;

/// Identifier of a fungible asset held in `pallet-assets` (collateral tokens, the quote asset).
pub type AssetId = u32;

/// Milliseconds since the Unix epoch, as kept by `pallet-timestamp`.
pub type Moment = u64;

/// A price, in units of the quote asset per unit of the priced asset, both counted in whole
/// tokens (not in their smallest units). 18 decimals of fixed-point precision, never a float.
pub type Price = FixedU128;

/// Key under which the oracle stores a price. Ballast keys prices by the asset they price.
pub type OracleKey = AssetId;

/// The native token: symbol, decimals and the SS58 prefix that clients display addresses with.
pub mod token {
	/// Ticker of the native token.
	pub const SYMBOL: &str = "BLST";
	/// Decimals of the native token.
	pub const DECIMALS: u8 = 12;
	/// One whole native token in its smallest unit.
	pub const UNIT: super::Balance = 1_000_000_000_000;
	/// A thousandth of a token.
	pub const MILLI_UNIT: super::Balance = 1_000_000_000;
	/// A millionth of a token.
	pub const MICRO_UNIT: super::Balance = 1_000_000;
	/// The SS58 address format: 42, the generic Substrate prefix, until Ballast registers its own.
	pub const SS58_PREFIX: u16 = 42;
}

/// The collateral assets that genesis creates. Ids are stable: clients and the oracle key on them.
pub mod assets {
	use super::AssetId;

	/// The native token, BLST, when pledged as collateral (held by `pallet-balances`).
	pub const NATIVE: AssetId = 0;
	/// Wrapped Bitcoin.
	pub const BTC: AssetId = 1;
	/// Wrapped Ether.
	pub const ETH: AssetId = 2;
	/// Wrapped DOT.
	pub const DOT: AssetId = 3;
	/// USD Coin: the quote asset that margin debt and PnL are counted in.
	pub const USDC: AssetId = 4;
}

/// The risk math every pallet shares (re-exported so pallets name one crate for both).
pub use ballast_math as math;

/// A signed amount of the quote asset, in its smallest unit: a margin account's quote balance
/// (negative after losses, i.e. debt), realized PnL, funding.
pub type SignedBalance = i128;

/// Identifier of a derivatives market: a perpetual market (ids from 0, below
/// [`OPTION_SERIES_BASE`]) or an option series (ids from [`OPTION_SERIES_BASE`]).
pub type MarketId = u32;

/// The first id of an option series. Perpetual markets are numbered from 0 and stay far below
/// it (a runtime lists at most a few dozen); option series are numbered from here, so the two
/// products' ids never overlap behind one `Derivatives` tuple, and the liquidation engine's
/// per-market tables (auto-deleveraging bits, the liquidation-price index, both for ids below
/// the perpetuals' `MaxMarkets`) never see an option series.
pub const OPTION_SERIES_BASE: MarketId = 0x8000_0000;

/// Which of a user's margin accounts: [`CROSS_ACCOUNT`] is the cross-margin account; `1..` are
/// isolated accounts, each ring-fenced to one market.
pub type SubAccount = u8;

/// The index of every user's cross-margin account.
pub const CROSS_ACCOUNT: SubAccount = 0;

/// Listing status of a collateral asset, from most to least permissive.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum AssetStatus {
	/// Deposits, withdrawals and use as margin.
	Active,
	/// No new exposure: no deposits; withdrawals and risk reduction only.
	ReduceOnly,
	/// Nothing moves except by liquidation. Still counts as collateral.
	Frozen,
	/// No longer collateral: counts for nothing in margin, can only be withdrawn.
	Delisted,
}
