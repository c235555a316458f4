//! The registry's data: a collateral asset's [`CollateralParams`], its haircut schedule, and
//! [`ParamsError`], the reason a parameter set is rejected. Price bounds, maximum price age, the
//! last valid price and the tracked volatility are not here: they are the price guard's, per
//! oracle key.
//!
//! Every type here is plain data. The rules a parameter set must satisfy live in
//! [`crate::risk::validate`]; the formulas that turn parameters into margin terms live in
//! [`crate::risk`] too.
//!
//! # JSON (genesis presets)
//!
//! The types derive serde so that the runtime's genesis presets can fill the registry. Field names
//! are camelCase; [`Permill`] is a number of parts per million; [`Balance`] fields accept a
//! number or a decimal string and serialize as a string once they exceed `u64::MAX` (JSON numbers
//! stop being exact there).

use ballast_primitives::{AssetStatus, Balance, OracleKey};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{
		__private::serde,
		pallet_prelude::{BoundedVec, Get},
		CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
	},
	sp_arithmetic::Permill,
};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// One step of the volatility-dependent haircut: from `min_volatility` up, the haircut is (at
/// least) `haircut`.
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
	Serialize,
	Deserialize,
)]
#[serde(crate = "polkadot_sdk::frame_support::__private::serde")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VolatilityBand {
	/// Tracked volatility per day (standard deviation of the daily log price change, the price
	/// guard's) from which this band applies.
	pub min_volatility: Permill,
	/// Haircut applied in this band, before the concentration add-on.
	pub haircut: Permill,
}

/// Extra haircut for large holdings: a holding that the market could not absorb at the quoted
/// price is worth less than its mark.
///
/// `add_on = min(max_add_on, slope × holding / market_depth)`.
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
	Serialize,
	Deserialize,
)]
#[serde(crate = "polkadot_sdk::frame_support::__private::serde")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConcentrationAddOn {
	/// Amount of the asset (smallest units) the market absorbs with about `slope` of price
	/// impact. Must be positive.
	#[serde(with = "balance_serde")]
	pub market_depth: Balance,
	/// Add-on for a holding of exactly `market_depth`; grows linearly with the holding.
	pub slope: Permill,
	/// Largest add-on, whatever the holding. Below 100%.
	pub max_add_on: Permill,
}

/// How much of an asset's value is not counted for the initial margin test.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Serialize,
	Deserialize,
)]
#[scale_info(skip_type_params(MaxBands))]
#[codec(mel_bound())]
#[serde(crate = "polkadot_sdk::frame_support::__private::serde")]
#[serde(rename_all = "camelCase", deny_unknown_fields, bound = "")]
pub struct HaircutSchedule<MaxBands: Get<u32>> {
	/// Haircut at volatilities below the first band.
	pub base: Permill,
	/// Volatility bands: strictly ascending in `min_volatility`, haircuts at least `base` and
	/// non-decreasing.
	pub bands: BoundedVec<VolatilityBand, MaxBands>,
	/// Add-on for large holdings.
	pub concentration: ConcentrationAddOn,
}

/// Everything the registry knows about one collateral asset. Set by governance, validated by
/// [`crate::risk::validate`] before it is stored.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Serialize,
	Deserialize,
)]
#[scale_info(skip_type_params(MaxBands))]
#[codec(mel_bound())]
#[serde(crate = "polkadot_sdk::frame_support::__private::serde")]
#[serde(rename_all = "camelCase", deny_unknown_fields, bound = "")]
pub struct CollateralParams<MaxBands: Get<u32>> {
	/// Decimals of the asset's smallest unit, at most [`ballast_primitives::math::units::MAX_DECIMALS`].
	pub decimals: u8,
	/// Oracle key of the asset's price. Must be guarded by the price guard
	/// (`PriceProvider::bounds` is `Some`), which owns its bounds, maximum age, last valid price
	/// and volatility.
	pub oracle_key: OracleKey,
	/// Haircut for the initial margin test.
	pub haircut: HaircutSchedule<MaxBands>,
	/// Share of value counted for the maintenance margin test (before the volatility and
	/// concentration add-ons). Positive and at least `1 - haircut.base`.
	pub liquidation_threshold: Permill,
	/// Penalty charged, when this collateral is seized in liquidation, on the debt it repays:
	/// from the account to the insurance fund (the liquidation engine sizes the lot to raise
	/// it). At most [`crate::risk::MAX_LIQUIDATION_PENALTY`], and `liquidation_threshold × (1 +
	/// liquidation_penalty)` must not exceed 100%.
	pub liquidation_penalty: Permill,
	/// Most of this asset all margin accounts together may hold. Positive.
	#[serde(with = "balance_serde")]
	pub supply_cap: Balance,
	/// Most of this asset one margin account may hold. Positive, at most `supply_cap`.
	#[serde(with = "balance_serde")]
	pub account_cap: Balance,
	/// Listing status.
	#[serde(with = "AssetStatusDef")]
	pub status: AssetStatus,
}

/// An emergency tightening of an asset's parameters, in percentage points: every haircut (the
/// base and each band's) rises by `haircut_rise`, the liquidation threshold falls by
/// `threshold_cut`. Used both for one step (`emergency_tighten`'s argument) and for the total the
/// emergency origin has applied since governance last set the asset's parameters
/// ([`crate::EmergencyTightenings`]), which [`crate::Config::EmergencyBound`] limits.
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
	Serialize,
	Deserialize,
)]
#[serde(crate = "polkadot_sdk::frame_support::__private::serde")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tightening {
	/// Added to the base haircut and to every band's haircut.
	pub haircut_rise: Permill,
	/// Subtracted from the liquidation threshold.
	pub threshold_cut: Permill,
}

impl Tightening {
	/// Whether the tightening changes nothing.
	pub fn is_zero(&self) -> bool {
		self.haircut_rise.is_zero() && self.threshold_cut.is_zero()
	}

	/// `self` followed by `step`, if both totals stay within `bound` (each field separately).
	pub fn then_within(&self, step: &Tightening, bound: &Tightening) -> Option<Tightening> {
		let add = |a: Permill, b: Permill, max: Permill| {
			let sum = a.deconstruct().checked_add(b.deconstruct())?;
			(sum <= max.deconstruct()).then(|| Permill::from_parts(sum))
		};
		Some(Tightening {
			haircut_rise: add(self.haircut_rise, step.haircut_rise, bound.haircut_rise)?,
			threshold_cut: add(self.threshold_cut, step.threshold_cut, bound.threshold_cut)?,
		})
	}

	/// Whether each field is within `bound`'s.
	pub fn within(&self, bound: &Tightening) -> bool {
		self.haircut_rise <= bound.haircut_rise && self.threshold_cut <= bound.threshold_cut
	}
}

/// Why a parameter set is invalid. Each case maps to its own pallet error.
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
pub enum ParamsError {
	/// A `Permill` field holds more than 100% (only possible through JSON, never SCALE).
	PermillOutOfRange,
	/// `decimals` exceeds `MAX_DECIMALS`.
	DecimalsTooLarge,
	/// The base haircut or a band's haircut is 100% or more.
	HaircutTooHigh,
	/// A band's haircut is below the base haircut.
	BandBelowBase,
	/// Band `min_volatility`s are not strictly ascending.
	BandsNotAscending,
	/// A band's haircut is below the previous band's.
	BandHaircutDecreasing,
	/// The concentration add-on's `market_depth` is zero.
	ZeroMarketDepth,
	/// The concentration add-on's `max_add_on` is 100% or more.
	AddOnTooHigh,
	/// `liquidation_threshold` is zero.
	ZeroLiquidationThreshold,
	/// `liquidation_threshold` is below `1 - base haircut`: maintenance would be stricter than
	/// the initial margin.
	ThresholdBelowInitialWeight,
	/// `liquidation_threshold × (1 + liquidation_penalty)` exceeds 100%: a liquidation would
	/// leave the account less solvent than before.
	PenaltyTooLarge,
	/// `liquidation_penalty` exceeds [`crate::risk::MAX_LIQUIDATION_PENALTY`].
	PenaltyAboveMaximum,
	/// A cap is zero, or `account_cap` exceeds `supply_cap`.
	InvalidCaps,
}

/// Serde mirror of [`AssetStatus`] (the primitives crate has no serde), named the same in JSON:
/// `"Active"`, `"ReduceOnly"`, `"Frozen"`, `"Delisted"`.
#[derive(Serialize, Deserialize)]
#[serde(crate = "polkadot_sdk::frame_support::__private::serde")]
#[serde(remote = "AssetStatus")]
#[allow(dead_code)] // Only its serde impls are used.
enum AssetStatusDef {
	Active,
	ReduceOnly,
	Frozen,
	Delisted,
}

/// Serde for a `u128` amount: serialized as a JSON number while it fits `u64` (exact in every
/// JSON library), as a decimal string above; deserialized from either.
pub mod balance_serde {
	use super::serde::{de, Deserializer, Serializer};
	use alloc::string::ToString;
	use ballast_primitives::Balance;
	use core::fmt;

	/// Serialize `value` as a number if it fits `u64`, else as a decimal string.
	pub fn serialize<S: Serializer>(value: &Balance, serializer: S) -> Result<S::Ok, S::Error> {
		match u64::try_from(*value) {
			Ok(small) => serializer.serialize_u64(small),
			Err(_) => serializer.serialize_str(&value.to_string()),
		}
	}

	/// Deserialize from a non-negative integer or a decimal string.
	pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Balance, D::Error> {
		deserializer.deserialize_any(BalanceVisitor)
	}

	struct BalanceVisitor;

	impl de::Visitor<'_> for BalanceVisitor {
		type Value = Balance;

		fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
			f.write_str("a non-negative integer or a decimal string of one")
		}

		fn visit_u64<E: de::Error>(self, v: u64) -> Result<Balance, E> {
			Ok(Balance::from(v))
		}

		fn visit_u128<E: de::Error>(self, v: u128) -> Result<Balance, E> {
			Ok(v)
		}

		fn visit_i64<E: de::Error>(self, v: i64) -> Result<Balance, E> {
			Balance::try_from(v).map_err(|_| E::custom("amount must not be negative"))
		}

		fn visit_i128<E: de::Error>(self, v: i128) -> Result<Balance, E> {
			Balance::try_from(v).map_err(|_| E::custom("amount must not be negative"))
		}

		fn visit_str<E: de::Error>(self, v: &str) -> Result<Balance, E> {
			v.parse::<Balance>().map_err(|_| E::custom("not a decimal u128"))
		}
	}
}
