//! The registry's pure math: validation of a parameter set, haircuts and maintenance weights. No
//! storage, no runtime: everything here is a function of its arguments, which is what the
//! property tests at the bottom exercise. The volatility the haircut bands are looked up with is
//! estimated by the price guard, per oracle key; it is an argument here.
//!
//! # Haircut and maintenance weight
//!
//! For a holding `h` of an asset with tracked volatility `σ`:
//!
//! ```text
//! band(σ)    = haircut of the highest band with min_volatility ≤ σ, else base
//! add_on(h)  = min(max_add_on, slope × h / market_depth)          (rounded up)
//! haircut    = min(99.9999%, band(σ) + add_on(h))
//! add_ons    = band(σ) − base + add_on(h)                         (before the cap)
//! maint_w    = max(1 − haircut, liquidation_threshold − add_ons)
//! ```
//!
//! The initial margin test counts `1 − haircut` of the holding's value, the maintenance test
//! `maint_w`. Because validation requires `liquidation_threshold ≥ 1 − base`, the maintenance
//! weight is never below the initial weight; the `max` keeps that true even where the haircut
//! is clamped.
//!
//! # Volatility
//!
//! `σ` is the price guard's tracked volatility of the asset's oracle key
//! (`PriceProvider::volatility`): the standard deviation of the log price change over a day,
//! measured per unit of time whatever the feed frequency (`ballast_math::volatility`), so band
//! thresholds are daily volatilities (not annualised: × √365 ≈ 19.1 for a yearly figure). A
//! large move reads at once: one move `x` alone as about `0.83 · |ln(1 + x)|`.

use crate::types::{
	CollateralParams, ConcentrationAddOn, HaircutSchedule, ParamsError, Tightening,
};
use ballast_primitives::{
	math::{haircut as formulas, units::MAX_DECIMALS},
	traits::CollateralTerms,
	Balance,
};

pub use formulas::maintenance_weight;
use polkadot_sdk::{
	frame_support::pallet_prelude::Get,
	sp_arithmetic::{traits::Saturating, PerThing, Permill},
};

/// The largest haircut ever applied: 99.9999%. A haircut of 100% would make a listed asset
/// worth nothing without delisting it; that is what [`ballast_primitives::AssetStatus::Delisted`]
/// is for.
pub const MAX_HAIRCUT: Permill = Permill::from_parts(999_999);

/// The largest liquidation penalty: 25% of the seized collateral's value. The solvency rule
/// (`threshold × (1 + penalty) ≤ 100%`) alone allows up to 100% for a low threshold, which would
/// hand a liquidated account's whole collateral to the liquidator and the insurance fund.
pub const MAX_LIQUIDATION_PENALTY: Permill = Permill::from_percent(25);

/// `ACCURACY` of [`Permill`] as `u64`, for products of parts.
const PERMILL_ONE: u64 = 1_000_000;

fn permill_ok(p: Permill) -> bool {
	p.deconstruct() <= Permill::ACCURACY
}

/// Checks every rule a parameter set must satisfy, in a fixed order; the first broken rule is
/// the error.
pub fn validate<MaxBands: Get<u32>>(
	params: &CollateralParams<MaxBands>,
) -> Result<(), ParamsError> {
	let schedule = &params.haircut;
	let c = &schedule.concentration;
	let all_permills = [
		schedule.base,
		c.slope,
		c.max_add_on,
		params.liquidation_threshold,
		params.liquidation_penalty,
	];
	if !all_permills.into_iter().all(permill_ok)
		|| !schedule.bands.iter().all(|b| permill_ok(b.min_volatility) && permill_ok(b.haircut))
	{
		return Err(ParamsError::PermillOutOfRange);
	}
	if params.decimals > MAX_DECIMALS {
		return Err(ParamsError::DecimalsTooLarge);
	}
	validate_schedule(schedule)?;
	validate_liquidation(params)?;
	validate_caps(params.supply_cap, params.account_cap)
}

/// The haircut schedule's rules: every haircut below 100%, bands strictly ascending in
/// volatility with haircuts at least `base` and non-decreasing, a usable concentration add-on.
pub fn validate_schedule<MaxBands: Get<u32>>(
	schedule: &HaircutSchedule<MaxBands>,
) -> Result<(), ParamsError> {
	if schedule.base.is_one() || schedule.bands.iter().any(|b| b.haircut.is_one()) {
		return Err(ParamsError::HaircutTooHigh);
	}
	if schedule.bands.iter().any(|b| b.haircut < schedule.base) {
		return Err(ParamsError::BandBelowBase);
	}
	for (prev, band) in schedule.bands.iter().zip(schedule.bands.iter().skip(1)) {
		if band.min_volatility <= prev.min_volatility {
			return Err(ParamsError::BandsNotAscending);
		}
		if band.haircut < prev.haircut {
			return Err(ParamsError::BandHaircutDecreasing);
		}
	}
	if schedule.concentration.market_depth == 0 {
		return Err(ParamsError::ZeroMarketDepth);
	}
	if schedule.concentration.max_add_on.is_one() {
		return Err(ParamsError::AddOnTooHigh);
	}
	Ok(())
}

/// The liquidation rules: a positive threshold no stricter than the initial margin, a penalty
/// of at most [`MAX_LIQUIDATION_PENALTY`] that leaves a liquidated account solvent
/// (`threshold × (1 + penalty) ≤ 100%`).
pub fn validate_liquidation<MaxBands: Get<u32>>(
	params: &CollateralParams<MaxBands>,
) -> Result<(), ParamsError> {
	let threshold = params.liquidation_threshold;
	if threshold.is_zero() {
		return Err(ParamsError::ZeroLiquidationThreshold);
	}
	if threshold < params.haircut.base.left_from_one() {
		return Err(ParamsError::ThresholdBelowInitialWeight);
	}
	if params.liquidation_penalty > MAX_LIQUIDATION_PENALTY {
		return Err(ParamsError::PenaltyAboveMaximum);
	}
	// Both factors are at most 10^6 (checked by the caller), so the product fits in u64 with
	// room to spare; `saturating_*` only to satisfy the arithmetic lint.
	let t = u64::from(threshold.deconstruct());
	let one_plus_penalty =
		PERMILL_ONE.saturating_add(u64::from(params.liquidation_penalty.deconstruct()));
	if t.saturating_mul(one_plus_penalty) > PERMILL_ONE.saturating_mul(PERMILL_ONE) {
		return Err(ParamsError::PenaltyTooLarge);
	}
	Ok(())
}

/// `params` tightened by `step`: every haircut (the base and each band's) raised by
/// `step.haircut_rise`, the liquidation threshold lowered by `step.threshold_cut`; everything
/// else unchanged. The result must still validate; the first broken rule is the error (a haircut
/// reaching 100% is [`ParamsError::HaircutTooHigh`], a threshold cut to zero or below
/// [`ParamsError::ZeroLiquidationThreshold`], one below the new initial weight
/// [`ParamsError::ThresholdBelowInitialWeight`]).
///
/// A tightening never loosens: every haircut of the result is at least the input's and the
/// threshold at most the input's, so neither the initial nor the maintenance test of any holding
/// counts more than before (property-tested).
pub fn tighten<MaxBands: Get<u32>>(
	params: &CollateralParams<MaxBands>,
	step: &Tightening,
) -> Result<CollateralParams<MaxBands>, ParamsError> {
	let rise = |h: Permill| -> Result<Permill, ParamsError> {
		let parts = h.deconstruct().saturating_add(step.haircut_rise.deconstruct());
		if parts >= Permill::ACCURACY {
			return Err(ParamsError::HaircutTooHigh);
		}
		Ok(Permill::from_parts(parts))
	};
	let mut tightened = params.clone();
	tightened.haircut.base = rise(params.haircut.base)?;
	for band in tightened.haircut.bands.iter_mut() {
		band.haircut = rise(band.haircut)?;
	}
	tightened.liquidation_threshold = Permill::from_parts(
		params
			.liquidation_threshold
			.deconstruct()
			.checked_sub(step.threshold_cut.deconstruct())
			.ok_or(ParamsError::ZeroLiquidationThreshold)?,
	);
	validate(&tightened)?;
	Ok(tightened)
}

/// Both caps positive and the per-account cap within the total cap.
pub fn validate_caps(supply_cap: Balance, account_cap: Balance) -> Result<(), ParamsError> {
	if supply_cap == 0 || account_cap == 0 || account_cap > supply_cap {
		return Err(ParamsError::InvalidCaps);
	}
	Ok(())
}

/// The volatility band's haircut at `volatility`: that of the highest band whose
/// `min_volatility` it reaches, else the base haircut.
///
/// Computed as the largest haircut among the base and the reached bands, which is the same for
/// a valid schedule and keeps the result monotone in `volatility` for any schedule.
pub fn band_haircut<MaxBands: Get<u32>>(
	schedule: &HaircutSchedule<MaxBands>,
	volatility: Permill,
) -> Permill {
	schedule
		.bands
		.iter()
		.filter(|b| b.min_volatility <= volatility)
		.map(|b| b.haircut)
		.fold(schedule.base, core::cmp::max)
}

/// The concentration add-on for `holding` (`ballast_math::haircut::concentration_add_on`).
pub fn concentration_add_on(add_on: &ConcentrationAddOn, holding: Balance) -> Permill {
	formulas::concentration_add_on(add_on.slope, add_on.market_depth, add_on.max_add_on, holding)
}

/// The initial-margin haircut of `holding` at `volatility`:
/// `min(MAX_HAIRCUT, band_haircut(volatility) + concentration_add_on(holding))`.
pub fn haircut<MaxBands: Get<u32>>(
	schedule: &HaircutSchedule<MaxBands>,
	volatility: Permill,
	holding: Balance,
) -> Permill {
	formulas::haircut(
		band_haircut(schedule, volatility),
		concentration_add_on(&schedule.concentration, holding),
		MAX_HAIRCUT,
	)
}

/// The [`CollateralTerms`] of `holding` at `volatility` under `params`.
pub fn terms<MaxBands: Get<u32>>(
	params: &CollateralParams<MaxBands>,
	volatility: Permill,
	holding: Balance,
) -> CollateralTerms {
	let band = band_haircut(&params.haircut, volatility);
	let add_on = concentration_add_on(&params.haircut.concentration, holding);
	let haircut = formulas::haircut(band, add_on, MAX_HAIRCUT);
	let add_ons = band.saturating_sub(params.haircut.base).saturating_add(add_on);
	CollateralTerms {
		status: params.status,
		decimals: params.decimals,
		oracle_key: params.oracle_key,
		haircut,
		maintenance_weight: maintenance_weight(params.liquidation_threshold, add_ons, haircut),
		liquidation_penalty: params.liquidation_penalty,
		supply_cap: params.supply_cap,
		account_cap: params.account_cap,
	}
}

#[cfg(test)]
#[path = "risk_tests.rs"]
mod tests;
