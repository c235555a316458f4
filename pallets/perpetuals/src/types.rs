//! Markets, positions, the vault, and the reports `MarginApi` serves.

use ballast_primitives::{
	math::units::MAX_DECIMALS, Balance, MarketId, OracleKey, Price, SignedBalance,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_arithmetic::{FixedI128, Permill};
use scale_info::TypeInfo;

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

/// A market's parameters, set by governance. They carry no price bounds: the bounds and the
/// maximum age of the underlying's price are the price guard's, per oracle key
/// ([`PriceProvider::bounds`](ballast_primitives::traits::PriceProvider::bounds)), shared by
/// every market, collateral asset and feed that uses the key.
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
	/// Oracle key of the underlying. It must be guarded (the price guard holds its bounds and
	/// maximum age) when the market is created or updated.
	pub oracle_key: OracleKey,
	/// Decimals of the size unit (the underlying's smallest unit).
	pub base_decimals: u8,
	/// Initial margin, as a share of notional (the market's largest leverage is its inverse).
	pub initial_margin: Permill,
	/// Maintenance margin, as a share of notional; below `initial_margin`.
	pub maintenance_margin: Permill,
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
	/// Σ over positions of `whole(size) × the index it last settled at`
	/// (`ballast_math::perp::funding_weight`): what the vault's NAV needs to count the funding
	/// positions owe without visiting them.
	pub funding_basis: FixedI128,
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
	/// Quote asset the vault holds. It goes below zero only while winners have been paid out of
	/// what open losing positions still owe the vault (the vault pays winners before losers
	/// close), or after a loss beyond its NAV (then it waits for recapitalisation).
	pub cash: SignedBalance,
	/// LP shares outstanding.
	pub shares: Balance,
}

/// The vault's risk rules, set by governance ([`Pallet::set_vault_rules`](crate::Pallet::set_vault_rules)).
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
pub struct VaultRules {
	/// The adverse move of every market's price the vault must survive: a trade that increases
	/// a market's skew is refused if Σ |skew notional| × `stress_move` would exceed the vault's
	/// NAV. This scales every market's usable open interest with the NAV.
	pub stress_move: Permill,
	/// Blocks between an LP's request to withdraw and the redemption. Shares being withdrawn
	/// keep bearing the vault's gains and losses until then, so leaving just before losses
	/// land does not work.
	pub exit_notice: u32,
	/// Smallest notional a trade may have (quote smallest units), unless it closes the whole
	/// position: a dust trade would carry no fee, no margin and an entry price of zero.
	pub min_trade_notional: Balance,
	/// Smallest fee a trade pays (quote smallest units).
	pub min_fee: Balance,
}

impl Default for VaultRules {
	fn default() -> Self {
		Self {
			stress_move: Permill::from_percent(10),
			exit_notice: 0,
			min_trade_notional: 0,
			min_fee: 0,
		}
	}
}

/// Why vault rules are invalid.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RulesError {
	/// Zero stress move, or above [`MAX_STRESS_MOVE`].
	StressMove,
	/// Exit notice above [`MAX_EXIT_NOTICE`].
	ExitNotice,
	/// Minimum fee above the minimum notional.
	MinFee,
}

impl VaultRules {
	/// Check the rules against hard bounds.
	pub fn validate(&self) -> Result<(), RulesError> {
		if self.stress_move.is_zero() || self.stress_move > MAX_STRESS_MOVE {
			return Err(RulesError::StressMove);
		}
		if self.exit_notice > MAX_EXIT_NOTICE {
			return Err(RulesError::ExitNotice);
		}
		if self.min_fee > self.min_trade_notional {
			return Err(RulesError::MinFee);
		}
		Ok(())
	}
}

/// Shares an LP asked to withdraw, redeemable from block `ready_at`.
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
pub struct PendingExit<BlockNumber> {
	/// Shares being withdrawn (still counted in the vault's shares).
	pub shares: Balance,
	/// First block the withdrawal may complete.
	pub ready_at: BlockNumber,
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
	/// Taker fee above [`MAX_TAKER_FEE`].
	FeeTooLarge,
	/// Base spread above [`MAX_PREMIUM`], or above the premium cap.
	PremiumTooLarge,
	/// Funding rate above [`MAX_FUNDING_RATE`] per day.
	FundingTooLarge,
	/// Zero skew scale.
	SkewScale,
	/// Decimals too large.
	Decimals,
	/// Zero OI cap.
	OpenInterestCap,
}

/// Largest taker fee governance may set: 5 % of notional.
pub const MAX_TAKER_FEE: Permill = Permill::from_percent(5);
/// Largest premium cap (and base spread): 20 % of the oracle price.
pub const MAX_PREMIUM: Permill = Permill::from_percent(20);
/// Largest funding rate at full skew: 10 % of notional per day.
pub const MAX_FUNDING_RATE: Permill = Permill::from_percent(10);
/// Largest stress move of [`VaultRules`]: a vault asked to survive more than a halving of
/// every price could never take risk.
pub const MAX_STRESS_MOVE: Permill = Permill::from_percent(50);
/// Longest LP exit notice: 30 days of 6-second blocks.
pub const MAX_EXIT_NOTICE: u32 = 432_000;

impl MarketParams {
	/// Check the parameters against hard bounds. (Whether the oracle key is guarded is the
	/// pallet's check: it asks the price provider.)
	pub fn validate(&self) -> Result<(), ParamsError> {
		if self.maintenance_margin.is_zero() || self.maintenance_margin >= self.initial_margin {
			return Err(ParamsError::MarginRatios);
		}
		if self.taker_fee > MAX_TAKER_FEE {
			return Err(ParamsError::FeeTooLarge);
		}
		if self.max_premium > MAX_PREMIUM || self.base_spread > self.max_premium {
			return Err(ParamsError::PremiumTooLarge);
		}
		if self.max_funding_rate > MAX_FUNDING_RATE {
			return Err(ParamsError::FundingTooLarge);
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

/// One open position, as clients see it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct PositionReport {
	/// Market.
	pub market: MarketId,
	/// Signed size in base smallest units, positive long, negative short. (Named `quantity`,
	/// not `size`: polkadot.js structs are JS Maps, whose `size` is the number of fields.)
	pub quantity: i128,
	/// Average entry price.
	pub entry_price: Price,
	/// Oracle price it is marked at, if any.
	pub mark_price: Option<Price>,
	/// Notional at the mark price.
	pub notional: Balance,
	/// Unrealized PnL including funding not yet settled.
	pub unrealized_pnl: SignedBalance,
}

/// A market with its state.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct MarketReport {
	/// Market id.
	pub id: MarketId,
	/// Parameters.
	pub params: MarketParams,
	/// Σ long sizes.
	pub long_oi: Balance,
	/// Σ |short sizes|.
	pub short_oi: Balance,
	/// Oracle price, if any.
	pub price: Option<Price>,
	/// Whether trading would refuse that price: stale, outside the bounds the price guard holds
	/// for the market's key, an unconfirmed jump beyond its circuit breaker, or the key is not
	/// guarded.
	pub price_stale: bool,
	/// Execution price of a buy of one smallest unit now (premium included), if priced.
	pub best_buy: Option<Price>,
	/// Execution price of a sell of one smallest unit now, if priced.
	pub best_sell: Option<Price>,
}

/// The liquidity vault.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VaultReport {
	/// Quote asset held by the vault.
	pub cash: SignedBalance,
	/// LP shares outstanding.
	pub shares: Balance,
	/// Net asset value (cash − traders' unrealized PnL) at the latest prices.
	pub nav: Option<SignedBalance>,
	/// Trading fees collected.
	pub fees: Balance,
}
