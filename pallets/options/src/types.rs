//! Series, positions, the vault, its rules, and the reports the runtime API serves.

use ballast_primitives::{
	math::{options as bs, units::MAX_DECIMALS},
	Balance, MarketId, Moment, OracleKey, Price, SignedBalance,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_arithmetic::{traits::Saturating, FixedI128, FixedU128, Permill};
use scale_info::TypeInfo;

/// An option series' id: a [`MarketId`] from [`ballast_primitives::OPTION_SERIES_BASE`] on.
pub type SeriesId = MarketId;

/// Call or put.
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
pub enum OptionKind {
	/// Pays `max(S − K, 0)` per whole token at expiry.
	Call,
	/// Pays `max(K − S, 0)` per whole token at expiry.
	Put,
}

impl From<OptionKind> for bs::Kind {
	fn from(k: OptionKind) -> Self {
		match k {
			OptionKind::Call => bs::Kind::Call,
			OptionKind::Put => bs::Kind::Put,
		}
	}
}

/// What a series is: European, cash-settled in the quote asset, on one whole token of the
/// underlying per unit of quantity (quantities are in the underlying's smallest unit).
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
pub struct SeriesParams {
	/// Oracle key of the underlying: it must have [`UnderlyingParams`] (and a price guard).
	pub underlying: OracleKey,
	/// Strike, quote per whole token.
	pub strike: Price,
	/// Expiry, milliseconds since the Unix epoch (the price provider's clock).
	pub expiry: Moment,
	/// Call or put.
	pub kind: OptionKind,
}

/// Where a series is in its life.
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
)]
pub enum SeriesStatus {
	/// Before expiry (trading stops [`VaultRules::trade_cutoff`] before it).
	Live,
	/// Expired, being settled: the settlement price is fixed, and each position is paid
	/// `payoff × ratio` (`ratio` is one unless the vault's cash could not cover the series).
	Settling {
		/// The settlement price.
		price: Price,
		/// Share of the payoff paid (one unless the vault fell short).
		ratio: Permill,
		/// Paid so far.
		paid: Balance,
	},
	/// Every position was paid.
	Settled {
		/// The settlement price.
		price: Price,
	},
}

/// A series: what it is, its open interest, where it is in its life.
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
)]
pub struct Series {
	/// Parameters.
	pub params: SeriesParams,
	/// Σ quantities held (underlying smallest units): the vault is short all of it.
	pub open_interest: Balance,
	/// Positions holding it.
	pub holders: u32,
	/// Lifecycle.
	pub status: SeriesStatus,
}

/// How options on one underlying are priced and capped, set by governance.
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
pub struct UnderlyingParams {
	/// Decimals of the underlying's smallest unit (the unit of quantities).
	pub base_decimals: u8,
	/// Multiplies the price guard's tracked volatility (per day) into an annualised
	/// volatility: `√365 ≈ 19.1` times a risk premium.
	pub vol_multiplier: FixedU128,
	/// Volatility added per unit of `ln(S/K)` for strikes below spot.
	pub skew_down: FixedU128,
	/// Volatility added per unit of `ln(K/S)` for strikes above spot.
	pub skew_up: FixedU128,
	/// Floor of the implied volatility (a quiet or unknown tracked volatility never prices an
	/// option at its intrinsic value).
	pub min_volatility: FixedU128,
	/// Cap of the implied volatility.
	pub max_volatility: FixedU128,
	/// Taken on each side of the model price: `bid = mid·(1 − spread)`, `ask = mid·(1 + spread)`.
	pub spread: Permill,
	/// Cap on `|vault net delta|` in this underlying (its smallest units): a buy that leaves it
	/// beyond the cap, and larger than before, is refused.
	pub max_delta: Balance,
	/// Cap on `|vault vega|` in this underlying (quote smallest units per 1.00 of volatility).
	pub max_vega: Balance,
}

/// Why underlying parameters are invalid.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UnderlyingError {
	/// Decimals beyond `MAX_DECIMALS`.
	Decimals,
	/// Zero multiplier, zero or inverted volatility bounds, or a cap above [`MAX_VOLATILITY`].
	Volatility,
	/// Spread above [`MAX_SPREAD`].
	Spread,
	/// A zero delta or vega cap.
	Caps,
}

/// Largest implied volatility: 1,000 % a year.
pub const MAX_VOLATILITY: FixedU128 = FixedU128::from_u32(10);
/// Largest spread on each side of the model price: 50 %.
pub const MAX_SPREAD: Permill = Permill::from_percent(50);

impl UnderlyingParams {
	/// Check against hard bounds. (Whether the key is guarded is the pallet's check.)
	pub fn validate(&self) -> Result<(), UnderlyingError> {
		if self.base_decimals > MAX_DECIMALS {
			return Err(UnderlyingError::Decimals);
		}
		if self.vol_multiplier == FixedU128::from_inner(0)
			|| self.min_volatility == FixedU128::from_inner(0)
			|| self.min_volatility > self.max_volatility
			|| self.max_volatility > MAX_VOLATILITY
		{
			return Err(UnderlyingError::Volatility);
		}
		if self.spread > MAX_SPREAD {
			return Err(UnderlyingError::Spread);
		}
		if self.max_delta == 0 || self.max_vega == 0 {
			return Err(UnderlyingError::Caps);
		}
		Ok(())
	}

	/// The volatility surface of `ballast_math::options`.
	pub fn surface(&self) -> bs::VolSurface {
		bs::VolSurface {
			multiplier: self.vol_multiplier,
			skew_down: self.skew_down,
			skew_up: self.skew_up,
		}
	}
}

/// One holding of one series.
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
	/// Options held, underlying smallest units (long only).
	pub quantity: Balance,
	/// Premium paid for them (quote smallest units; reduced pro rata when some are sold).
	pub cost: Balance,
}

/// The options vault: the writer of every option.
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
	/// Quote the vault holds (never negative: it pays only what it has).
	pub cash: Balance,
	/// Part of `cash` owed to holders of series being settled.
	pub reserved: Balance,
	/// LP shares outstanding.
	pub shares: Balance,
}

/// The vault's rules, set by governance.
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
	/// The spot move (each underlying, up and down) the vault must survive: it sells, and LPs
	/// leave, only while its free cash covers the worst of them (see the crate docs).
	pub stress_move: Permill,
	/// Blocks between an LP's request to withdraw and the redemption.
	pub exit_notice: u32,
	/// Smallest premium a trade may pay or receive (quote smallest units), unless it sells a
	/// whole position.
	pub min_premium: Balance,
	/// An option counts in its holder's equity at `bid × (1 − equity_haircut)`.
	pub equity_haircut: Permill,
	/// Trading in a series stops this long (ms) before its expiry.
	pub trade_cutoff: Moment,
}

impl Default for VaultRules {
	fn default() -> Self {
		Self {
			stress_move: Permill::from_percent(20),
			exit_notice: 0,
			min_premium: 0,
			equity_haircut: Permill::zero(),
			trade_cutoff: 0,
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
	/// Trade cutoff above [`MAX_TRADE_CUTOFF`].
	TradeCutoff,
}

/// Largest stress move: 90 %.
pub const MAX_STRESS_MOVE: Permill = Permill::from_percent(90);
/// Longest LP exit notice: 30 days of 6-second blocks.
pub const MAX_EXIT_NOTICE: u32 = 432_000;
/// Longest trade cutoff: a day.
pub const MAX_TRADE_CUTOFF: Moment = 86_400_000;

impl VaultRules {
	/// Check against hard bounds.
	pub fn validate(&self) -> Result<(), RulesError> {
		if self.stress_move.is_zero() || self.stress_move > MAX_STRESS_MOVE {
			return Err(RulesError::StressMove);
		}
		if self.exit_notice > MAX_EXIT_NOTICE {
			return Err(RulesError::ExitNotice);
		}
		if self.trade_cutoff > MAX_TRADE_CUTOFF {
			return Err(RulesError::TradeCutoff);
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

/// A series' price now, per whole token of the underlying.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Quote {
	/// The underlying's price it was computed at.
	pub spot: Price,
	/// Implied volatility used (annualised, `1.0` = 100 %).
	pub volatility: FixedU128,
	/// Model (Black–Scholes) price.
	pub mid: Price,
	/// What the vault pays for one.
	pub bid: Price,
	/// What the vault sells one for.
	pub ask: Price,
	/// Sensitivities of one option on one whole token.
	pub greeks: Greeks,
}

/// Δ, Γ, vega, θ, with the units of `ballast_math::options` (per whole token; vega per 1.00 of
/// volatility; θ per year).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct Greeks {
	/// `∂V/∂S`.
	pub delta: FixedI128,
	/// `∂²V/∂S²`.
	pub gamma: FixedI128,
	/// `∂V/∂σ`.
	pub vega: FixedI128,
	/// `∂V/∂t`, per year.
	pub theta: FixedI128,
}

impl From<bs::Greeks> for Greeks {
	fn from(g: bs::Greeks) -> Self {
		Greeks { delta: g.delta, gamma: g.gamma, vega: g.vega, theta: g.theta }
	}
}

impl Greeks {
	/// These greeks scaled by `factor` (saturating).
	pub fn scaled(&self, factor: FixedI128) -> Greeks {
		Greeks {
			delta: self.delta.saturating_mul(factor),
			gamma: self.gamma.saturating_mul(factor),
			vega: self.vega.saturating_mul(factor),
			theta: self.theta.saturating_mul(factor),
		}
	}

	/// The sum of two sets of greeks (saturating).
	pub fn plus(&self, other: &Greeks) -> Greeks {
		Greeks {
			delta: self.delta.saturating_add(other.delta),
			gamma: self.gamma.saturating_add(other.gamma),
			vega: self.vega.saturating_add(other.vega),
			theta: self.theta.saturating_add(other.theta),
		}
	}
}

/// A series with its state and price, as clients see it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct SeriesReport {
	/// Id.
	pub id: SeriesId,
	/// Parameters.
	pub params: SeriesParams,
	/// Σ quantities held.
	pub open_interest: Balance,
	/// Lifecycle.
	pub status: SeriesStatus,
	/// The price now at the latest oracle price, whatever its age (`None` if not priced).
	pub quote: Option<Quote>,
	/// Whether trading would refuse the price (stale, out of bounds, unconfirmed jump).
	pub price_stale: bool,
}

/// One position with its value and greeks (greeks for the whole position: per-token greeks ×
/// quantity in whole tokens).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct PositionGreeks {
	/// The series.
	pub series: SeriesId,
	/// The underlying's oracle key.
	pub underlying: OracleKey,
	/// Quantity (underlying smallest units).
	pub quantity: Balance,
	/// Premium paid.
	pub cost: Balance,
	/// Value at the bid (quote smallest units), `None` if not priced.
	pub value: Option<Balance>,
	/// Greeks of the position, if priced.
	pub greeks: Option<Greeks>,
}

/// Greeks of an account's options on one underlying.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct UnderlyingGreeks {
	/// The underlying's oracle key.
	pub underlying: OracleKey,
	/// Σ over the account's positions on it.
	pub greeks: Greeks,
}

/// The vault, as clients see it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VaultReport {
	/// Quote held.
	pub cash: Balance,
	/// Part of it owed to holders of series being settled.
	pub reserved: Balance,
	/// LP shares outstanding.
	pub shares: Balance,
	/// NAV (cash − options outstanding at mid − owed) at the latest prices.
	pub nav: Option<SignedBalance>,
	/// Worst loss under the stress move (what free cash must cover for the vault to sell).
	pub stress_loss: Option<Balance>,
	/// The vault's greeks by underlying (it is short every option held).
	pub greeks: Vec<UnderlyingGreeks>,
}

use alloc::vec::Vec;

/// What a buy or sell did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TradeOutcome {
	/// Premium per whole token (ask for a buy, bid for a sell).
	pub price: Price,
	/// Premium paid or received (quote smallest units).
	pub premium: Balance,
	/// Quantity held after.
	pub new_quantity: Balance,
}
