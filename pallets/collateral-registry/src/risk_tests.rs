//! Unit and property tests of the registry's validation and haircut schedule.

use super::*;
use crate::types::VolatilityBand;
use ballast_primitives::AssetStatus;
use polkadot_sdk::frame_support::{traits::ConstU32, BoundedVec};
use polkadot_sdk::sp_arithmetic::traits::Saturating;
use proptest::prelude::*;

type Bands = ConstU32<4>;
type Params = CollateralParams<Bands>;

fn pm(percent_tenths: u32) -> Permill {
	Permill::from_parts(percent_tenths * 1_000)
}

fn sample() -> Params {
	crate::mock::btc_params()
}

#[test]
fn sample_is_valid() {
	assert_eq!(validate(&sample()), Ok(()));
}

#[test]
fn each_rule_has_its_error() {
	let cases: Vec<(fn(&mut Params), ParamsError)> = vec![
		(
			|p| p.liquidation_penalty = crate::mock::raw_permill(1_000_001),
			ParamsError::PermillOutOfRange,
		),
		(
			|p| p.haircut.bands[0].min_volatility = crate::mock::raw_permill(2_000_000),
			ParamsError::PermillOutOfRange,
		),
		(|p| p.decimals = MAX_DECIMALS + 1, ParamsError::DecimalsTooLarge),
		(|p| p.haircut.base = Permill::one(), ParamsError::HaircutTooHigh),
		(|p| p.haircut.bands[1].haircut = Permill::one(), ParamsError::HaircutTooHigh),
		(|p| p.haircut.bands[0].haircut = pm(50), ParamsError::BandBelowBase),
		(
			|p| p.haircut.bands[1].min_volatility = p.haircut.bands[0].min_volatility,
			ParamsError::BandsNotAscending,
		),
		(|p| p.haircut.bands[1].haircut = pm(120), ParamsError::BandHaircutDecreasing),
		(|p| p.haircut.concentration.market_depth = 0, ParamsError::ZeroMarketDepth),
		(|p| p.haircut.concentration.max_add_on = Permill::one(), ParamsError::AddOnTooHigh),
		(|p| p.liquidation_threshold = Permill::zero(), ParamsError::ZeroLiquidationThreshold),
		(|p| p.liquidation_threshold = pm(899), ParamsError::ThresholdBelowInitialWeight),
		(|p| p.liquidation_penalty = pm(112), ParamsError::PenaltyTooLarge),
		(|p| p.liquidation_penalty = pm(251), ParamsError::PenaltyAboveMaximum),
		(|p| p.supply_cap = 0, ParamsError::InvalidCaps),
		(|p| p.account_cap = 0, ParamsError::InvalidCaps),
		(|p| p.account_cap = p.supply_cap + 1, ParamsError::InvalidCaps),
	];
	for (i, (mutate, expected)) in cases.into_iter().enumerate() {
		let mut p = sample();
		mutate(&mut p);
		assert_eq!(validate(&p), Err(expected), "case {i}");
	}
}

#[test]
fn boundaries_are_inclusive_where_documented() {
	// threshold exactly 1 - base.
	let mut p = sample();
	p.liquidation_threshold = pm(900);
	p.liquidation_penalty = pm(111); // 0.9 × 1.111 = 0.9999
	assert_eq!(validate(&p), Ok(()));
	// threshold × (1 + penalty) exactly 100%.
	p.liquidation_threshold = Permill::from_percent(100);
	p.liquidation_penalty = Permill::zero();
	assert_eq!(validate(&p), Ok(()));
	p.liquidation_threshold = Permill::from_percent(80);
	p.haircut.base = Permill::from_percent(20);
	p.haircut.bands[0].haircut = Permill::from_percent(20);
	p.liquidation_penalty = Permill::from_percent(25);
	assert_eq!(validate(&p), Ok(()));
	// The penalty exactly at its maximum (under a threshold that leaves room for more).
	p.liquidation_threshold = Permill::from_percent(50);
	p.haircut.base = Permill::from_percent(50);
	p.haircut.bands = BoundedVec::default();
	p.liquidation_penalty = MAX_LIQUIDATION_PENALTY;
	assert_eq!(validate(&p), Ok(()));
	p.liquidation_penalty = Permill::from_parts(MAX_LIQUIDATION_PENALTY.deconstruct() + 1);
	assert_eq!(validate(&p), Err(ParamsError::PenaltyAboveMaximum));
	// account cap equal to supply cap; equal band haircuts; no bands at all.
	let mut p = sample();
	p.account_cap = p.supply_cap;
	p.haircut.bands[1].haircut = p.haircut.bands[0].haircut;
	assert_eq!(validate(&p), Ok(()));
	p.haircut.bands = BoundedVec::default();
	assert_eq!(validate(&p), Ok(()));
	p.decimals = MAX_DECIMALS;
	assert_eq!(validate(&p), Ok(()));
}

#[test]
fn band_lookup() {
	let s = sample().haircut;
	assert_eq!(band_haircut(&s, Permill::zero()), pm(100));
	assert_eq!(band_haircut(&s, Permill::from_parts(19_999)), pm(100));
	assert_eq!(band_haircut(&s, pm(20)), pm(150));
	assert_eq!(band_haircut(&s, pm(49)), pm(150));
	assert_eq!(band_haircut(&s, pm(50)), pm(250));
	assert_eq!(band_haircut(&s, Permill::one()), pm(250));
}

#[test]
fn concentration_add_on_is_linear_then_capped() {
	let c = sample().haircut.concentration;
	assert_eq!(concentration_add_on(&c, 0), Permill::zero());
	// Half the market depth: 5%.
	assert_eq!(concentration_add_on(&c, c.market_depth / 2), Permill::from_percent(5));
	assert_eq!(concentration_add_on(&c, c.market_depth), Permill::from_percent(10));
	// Rounded up: one smallest unit already costs a ppm.
	assert_eq!(concentration_add_on(&c, 1), Permill::from_parts(1));
	assert_eq!(concentration_add_on(&c, 2 * c.market_depth), Permill::from_percent(20));
	assert_eq!(concentration_add_on(&c, 3 * c.market_depth), Permill::from_percent(20));
	assert_eq!(concentration_add_on(&c, u128::MAX), Permill::from_percent(20));
}

#[test]
fn concrete_terms() {
	let p = sample();
	// 3% volatility (band 15%), holding half the market depth (+5%): haircut 20%.
	let t = terms(&p, pm(30), p.haircut.concentration.market_depth / 2);
	assert_eq!(t.haircut, Permill::from_percent(20));
	// extra = 20% - 10% = 10%; max(80%, 90% - 10%) = 80%.
	assert_eq!(t.maintenance_weight, Permill::from_percent(80));
	// Calm market, small holding: haircut = base, maintenance = threshold.
	let t = terms(&p, Permill::zero(), 0);
	assert_eq!(t.haircut, Permill::from_percent(10));
	assert_eq!(t.maintenance_weight, Permill::from_percent(90));
	assert_eq!(t.liquidation_penalty, p.liquidation_penalty);
	assert_eq!(t.supply_cap, p.supply_cap);
	assert_eq!(t.status, AssetStatus::Active);
}

#[test]
fn haircut_is_clamped_below_one() {
	let mut p = sample();
	p.haircut.bands[1].haircut = Permill::from_parts(999_000);
	p.haircut.concentration.max_add_on = Permill::from_parts(999_999);
	let t = terms(&p, Permill::one(), u128::MAX);
	assert_eq!(t.haircut, MAX_HAIRCUT);
	assert_eq!(t.maintenance_weight, Permill::from_parts(1));
}

// ----- properties -----

const ONE: u32 = 1_000_000;

prop_compose! {
	// A valid schedule: up to 4 bands above a base below 90%.
	fn valid_schedule()(
		base in 0u32..900_000,
		n in 0usize..=4,
		vols in proptest::collection::btree_set(0u32..=ONE, 4),
		steps in proptest::collection::vec(0u32..25_000, 4),
		market_depth in 1u128..=u128::from(u64::MAX),
		slope in 0u32..=ONE,
		max_add_on in 0u32..ONE,
	) -> HaircutSchedule<Bands> {
		let mut haircut = base;
		let bands: Vec<VolatilityBand> = vols
			.into_iter()
			.zip(steps)
			.take(n)
			.map(|(v, step)| {
				haircut = (haircut + step).min(ONE - 1);
				VolatilityBand {
					min_volatility: Permill::from_parts(v),
					haircut: Permill::from_parts(haircut),
				}
			})
			.collect();
		HaircutSchedule {
			base: Permill::from_parts(base),
			bands: BoundedVec::truncate_from(bands),
			concentration: ConcentrationAddOn {
				market_depth,
				slope: Permill::from_parts(slope),
				max_add_on: Permill::from_parts(max_add_on),
			},
		}
	}
}

fn valid_params() -> impl Strategy<Value = Params> {
	(valid_schedule(), any::<u32>(), 1u128..=u128::MAX, 0u8..=MAX_DECIMALS)
		.prop_flat_map(|(schedule, key, supply_cap, decimals)| {
			let base = u64::from(schedule.base.deconstruct());
			let one = u64::from(ONE);
			// threshold ∈ [1 - base, 1] with threshold × (1 + penalty) ≤ 1, and the penalty at
			// most MAX_LIQUIDATION_PENALTY.
			let max_penalty =
				(base * one / (one - base)).min(u64::from(MAX_LIQUIDATION_PENALTY.deconstruct()));
			(Just(schedule), 0..=max_penalty, Just((key, supply_cap, decimals)))
		})
		.prop_flat_map(|(schedule, penalty, (key, supply_cap, decimals))| {
			let base = u64::from(schedule.base.deconstruct());
			let one = u64::from(ONE);
			let lo = one - base;
			let hi = one * one / (one + penalty);
			(
				Just(schedule),
				Just(penalty),
				lo..=hi,
				1u128..=supply_cap,
				Just((key, supply_cap, decimals)),
			)
		})
		.prop_map(|(schedule, penalty, threshold, account_cap, (key, supply_cap, decimals))| {
			Params {
				decimals,
				oracle_key: key,
				haircut: schedule,
				liquidation_threshold: Permill::from_parts(threshold as u32),
				liquidation_penalty: Permill::from_parts(penalty as u32),
				supply_cap,
				account_cap,
				status: AssetStatus::Active,
			}
		})
}

/// Breaks one field of `p`, chosen by `which`; returns the error validation must report.
fn break_one(p: &mut Params, which: u8) -> ParamsError {
	let base = p.haircut.base;
	match which % 11 {
		0 => {
			p.decimals = MAX_DECIMALS + 1 + (which / 11);
			ParamsError::DecimalsTooLarge
		},
		1 => {
			p.haircut.base = Permill::one();
			ParamsError::HaircutTooHigh
		},
		2 => {
			if let Some(b) = p.haircut.bands.last_mut() {
				b.haircut = Permill::one();
				ParamsError::HaircutTooHigh
			} else {
				p.haircut.concentration.max_add_on = Permill::one();
				ParamsError::AddOnTooHigh
			}
		},
		3 => {
			if base.is_zero() {
				p.liquidation_threshold = Permill::zero();
				ParamsError::ZeroLiquidationThreshold
			} else if let Some(b) = p.haircut.bands.iter_mut().next() {
				b.haircut = base.saturating_sub(Permill::from_parts(1));
				ParamsError::BandBelowBase
			} else {
				p.liquidation_threshold =
					base.left_from_one().saturating_sub(Permill::from_parts(1));
				ParamsError::ThresholdBelowInitialWeight
			}
		},
		4 => {
			if p.haircut.bands.len() >= 2 {
				p.haircut.bands[1].min_volatility = p.haircut.bands[0].min_volatility;
				ParamsError::BandsNotAscending
			} else {
				p.haircut.concentration.market_depth = 0;
				ParamsError::ZeroMarketDepth
			}
		},
		5 => {
			p.haircut.concentration.market_depth = 0;
			ParamsError::ZeroMarketDepth
		},
		6 => {
			p.haircut.concentration.max_add_on = Permill::one();
			ParamsError::AddOnTooHigh
		},
		7 => {
			p.liquidation_threshold = Permill::zero();
			ParamsError::ZeroLiquidationThreshold
		},
		8 => {
			// The smallest penalty that pushes threshold × (1 + penalty) over 100%, if it is
			// within MAX_LIQUIDATION_PENALTY; else raise the threshold to 100% under a
			// positive penalty; else (zero penalty, threshold < 80%) break the caps instead.
			let t = u64::from(p.liquidation_threshold.deconstruct());
			let needed = 1_000_000_000_000 / t - 1_000_000 + 1;
			if needed <= u64::from(MAX_LIQUIDATION_PENALTY.deconstruct()) {
				p.liquidation_penalty = Permill::from_parts(needed as u32);
				ParamsError::PenaltyTooLarge
			} else if !p.liquidation_penalty.is_zero() {
				p.liquidation_threshold = Permill::one();
				ParamsError::PenaltyTooLarge
			} else {
				p.supply_cap = 0;
				ParamsError::InvalidCaps
			}
		},
		9 => {
			p.supply_cap = 0;
			ParamsError::InvalidCaps
		},
		_ => {
			if p.supply_cap == u128::MAX {
				p.account_cap = 0;
			} else {
				p.account_cap = p.supply_cap + 1;
			}
			ParamsError::InvalidCaps
		},
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(512))]

	#[test]
	fn valid_params_validate(p in valid_params()) {
		prop_assert_eq!(validate(&p), Ok(()));
	}

	#[test]
	fn breaking_any_single_field_fails(p in valid_params(), which in any::<u8>()) {
		let mut broken = p.clone();
		let expected = break_one(&mut broken, which);
		prop_assert_eq!(validate(&broken), Err(expected));
	}

	#[test]
	fn haircut_monotone_in_volatility(
		p in valid_params(), v1 in 0u32..=ONE, v2 in 0u32..=ONE, holding in any::<u128>(),
	) {
		let (lo, hi) = (v1.min(v2), v1.max(v2));
		let h_lo = haircut(&p.haircut, Permill::from_parts(lo), holding);
		let h_hi = haircut(&p.haircut, Permill::from_parts(hi), holding);
		prop_assert!(h_lo <= h_hi);
	}

	#[test]
	fn haircut_monotone_in_holding(
		p in valid_params(), vol in 0u32..=ONE, a in any::<u128>(), b in any::<u128>(),
	) {
		let vol = Permill::from_parts(vol);
		prop_assert!(haircut(&p.haircut, vol, a.min(b)) <= haircut(&p.haircut, vol, a.max(b)));
	}

	#[test]
	fn terms_are_sane(p in valid_params(), vol in 0u32..=ONE, holding in any::<u128>()) {
		let t = terms(&p, Permill::from_parts(vol), holding);
		prop_assert!(t.haircut < Permill::one());
		prop_assert!(t.haircut >= p.haircut.base);
		prop_assert!(t.maintenance_weight >= t.haircut.left_from_one());
		// Maintenance never counts more than the threshold at the calmest point.
		prop_assert!(t.maintenance_weight <= p.liquidation_threshold);
	}
}

fn tightening(rise: u32, cut: u32) -> Tightening {
	Tightening { haircut_rise: Permill::from_parts(rise), threshold_cut: Permill::from_parts(cut) }
}

#[test]
fn tighten_raises_every_haircut_and_lowers_the_threshold() {
	let t = tighten(&sample(), &tightening(50_000, 20_000)).unwrap();
	assert_eq!(t.haircut.base, pm(150));
	assert_eq!(t.haircut.bands[0].haircut, pm(200));
	assert_eq!(t.haircut.bands[1].haircut, pm(300));
	assert_eq!(t.liquidation_threshold, pm(880));
	// Everything else is the input's.
	let mut back = t.clone();
	back.haircut = sample().haircut;
	back.liquidation_threshold = sample().liquidation_threshold;
	assert_eq!(back, sample());
	// A zero tightening is the identity.
	assert_eq!(tighten(&sample(), &Tightening::default()), Ok(sample()));
}

#[test]
fn tighten_reports_the_rule_it_would_break() {
	// Band 25% + 75 points = 100%.
	assert_eq!(tighten(&sample(), &tightening(750_000, 0)), Err(ParamsError::HaircutTooHigh));
	assert_eq!(
		tighten(&sample(), &tightening(0, 900_000)),
		Err(ParamsError::ZeroLiquidationThreshold)
	);
	assert_eq!(
		tighten(&sample(), &tightening(0, 950_000)),
		Err(ParamsError::ZeroLiquidationThreshold)
	);
	// 90% − 5 points < 1 − (10% + 1 point).
	assert_eq!(
		tighten(&sample(), &tightening(10_000, 50_000)),
		Err(ParamsError::ThresholdBelowInitialWeight)
	);
}

#[test]
fn tightening_totals_stop_at_the_bound() {
	let bound = tightening(100_000, 50_000);
	let total = tightening(60_000, 30_000);
	assert_eq!(
		total.then_within(&tightening(40_000, 20_000), &bound),
		Some(tightening(100_000, 50_000))
	);
	assert_eq!(total.then_within(&tightening(40_001, 0), &bound), None);
	assert_eq!(total.then_within(&tightening(0, 20_001), &bound), None);
	// No overflow at the extremes.
	let max = tightening(u32::MAX, u32::MAX);
	assert_eq!(max.then_within(&max, &max), None);
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(512))]

	/// An emergency tightening can only make every margin test count less of any holding.
	#[test]
	fn tightening_never_loosens(
		p in valid_params(), rise in 0u32..=200_000, cut in 0u32..=200_000,
		vol in 0u32..=ONE, holding in any::<u128>(),
	) {
		if let Ok(t) = tighten(&p, &tightening(rise, cut)) {
			prop_assert_eq!(validate(&t), Ok(()));
			let vol = Permill::from_parts(vol);
			let (before, after) = (terms(&p, vol, holding), terms(&t, vol, holding));
			prop_assert!(after.haircut >= before.haircut);
			prop_assert!(after.maintenance_weight <= before.maintenance_weight);
		}
	}

	/// Two steps are one step of their sum (when neither saturates).
	#[test]
	fn tightenings_compose(
		p in valid_params(), r1 in 0u32..=50_000, r2 in 0u32..=50_000,
		c1 in 0u32..=50_000, c2 in 0u32..=50_000,
	) {
		let twice = tighten(&p, &tightening(r1, c1)).and_then(|t| tighten(&t, &tightening(r2, c2)));
		if let Ok(twice) = twice {
			prop_assert_eq!(Ok(twice), tighten(&p, &tightening(r1 + r2, c1 + c2)));
		}
	}
}
