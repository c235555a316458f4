//! Deterministic fixed-point transcendental functions: `ln`, `exp`, `sqrt`, the standard normal
//! CDF `Φ` and density `φ`. No floats, no panics: every function is total or returns `None`
//! when its result cannot be represented.
//!
//! ## Representation
//!
//! Values are the inner integers of [`FixedI128`] / [`FixedU128`]: `x · 10^18` in an `i128` or
//! `u128`. Every product and quotient is rounded to the nearest unit (`10^-18`, halves away from
//! zero). A product or quotient whose exact value needs more than 128 bits is formed by
//! splitting one operand (`a = q·10^18 + r`), and only when that is not enough in 256 bits
//! ([`primitive_types::U256`]); the common paths stay in `u128`.
//!
//! ## Algorithms
//!
//! ```text
//! ln(a/b)  = e·ln 2 + 2·atanh(z),  z = (m − 1)/(m + 1),  a/b = 2^e·m,  m ∈ [1/√2, √2]
//!            (|z| ≤ 0.172: z·(1 + z²/3 + … + z²⁴/25) by Horner's rule; ln 2 carried to 36 decimals)
//! exp(x)   = 2^k·exp(r),  k = round(x / ln 2),  |r| ≤ ln 2 / 2   (Taylor polynomial of degree 16)
//! sqrt(x)  = isqrt(x · 10^18), rounded to nearest
//! Φ(x)     = W. J. Cody's rational Chebyshev approximation (ANORM, 1993 — the one in R's
//!            `pnorm`): x·P(x²)/Q(x²) for |x| ≤ 0.674, e^{−x²/2}·P(|x|)/Q(|x|) up to √32,
//!            e^{−x²/2}/|x|·(1/√(2π) − P(x⁻²)/(x²·Q(x⁻²))) beyond, 0 or 1 past |x| ≥ 9
//!            (Φ(−9) ≈ 1.1·10⁻¹⁹ is below one unit)
//! φ(x)     = e^{−x²/2} / √(2π)   (0 past |x| ≥ 40)
//! ```
//!
//! Cody's approximation itself is within 6.5·10⁻²⁰ of `Φ` everywhere (checked at 40 digits,
//! also with the coefficients rounded to 18 decimals as they are here), so the error of [`normal_cdf`]
//! is the fixed-point rounding: within 1·10⁻¹⁸ of 40-digit values at 26 points across all
//! three regions. `ln` and `exp` are within a few units of the last place (relative, for
//! `exp`) of 50-digit values; `sqrt` is exactly rounded (see the tests).

use polkadot_sdk::sp_arithmetic::{FixedI128, FixedU128};
use primitive_types::U256;

/// `1.0`: the inner value of one in [`FixedI128`] and [`FixedU128`].
pub const ONE: i128 = 1_000_000_000_000_000_000;
const ONE_U: u128 = 1_000_000_000_000_000_000;
const HALF: i128 = 500_000_000_000_000_000;

/// `ln 2` to 18 and to 36 decimals.
const LN2: i128 = 693_147_180_559_945_309;
const LN2_36: i128 = 693_147_180_559_945_309_417_232_121_458_176_568;
/// `√2` and `1/√2`.
const SQRT2: u128 = 1_414_213_562_373_095_049;
const SQRT1_2: u128 = 707_106_781_186_547_524;
/// `1/√(2π)`.
pub(crate) const INV_SQRT_2PI: i128 = 398_942_280_401_432_678;

/// `1/n!` for `n = 16, 15, …, 0` (Horner order), rounded to 18 decimals.
const INV_FACTORIALS: [i128; 17] = [
	47_795,
	764_716,
	11_470_746,
	160_590_438,
	2_087_675_699,
	25_052_108_385,
	275_573_192_240,
	2_755_731_922_399,
	24_801_587_301_587,
	198_412_698_412_698,
	1_388_888_888_888_889,
	8_333_333_333_333_333,
	41_666_666_666_666_667,
	166_666_666_666_666_667,
	500_000_000_000_000_000,
	ONE,
	ONE,
];

/// `1/(2k+1)` for `k = 12, 11, …, 0` (Horner order), rounded to 18 decimals.
const INV_ODD: [i128; 13] = [
	40_000_000_000_000_000,
	43_478_260_869_565_217,
	47_619_047_619_047_619,
	52_631_578_947_368_421,
	58_823_529_411_764_706,
	66_666_666_666_666_667,
	76_923_076_923_076_923,
	90_909_090_909_090_909,
	111_111_111_111_111_111,
	142_857_142_857_142_857,
	200_000_000_000_000_000,
	333_333_333_333_333_333,
	ONE,
];

/// Above this `exp` overflows a [`FixedU128`] (`ln((2^128 − 1)/10^18) ≈ 47.276`).
const EXP_MAX: i128 = 47_276_307_437_780_177_293;
/// Below this `exp` is less than half a unit (`ln(0.5·10^-18) ≈ −42.14`).
const EXP_MIN: i128 = -42_200_000_000_000_000_000;
/// Past this `|x|` the normal tail is below half a unit: `Φ(−9) ≈ 1.13·10⁻¹⁹`.
const CDF_CUTOFF: i128 = 9_000_000_000_000_000_000;
/// Past this `|x|` the density is zero in 18 decimals (`φ(40) ≈ 10⁻³⁴⁸`).
const PDF_CUTOFF: i128 = 40_000_000_000_000_000_000;

// W. J. Cody's ANORM coefficients (as in R's `pnorm.c`), rounded to 18 decimals; each array is
// in Horner order (highest degree first).
/// Numerator in `x²` for `|x| ≤ 0.674`: `a4, a0, a1, a2, a3`.
const CODY_A: [i128; 5] = [
	65_682_337_918_207_449,
	2_235_252_035_460_683_929,
	161_028_231_068_555_878_810,
	1_067_689_485_460_370_958_200,
	18_154_981_253_343_561_249_000,
];
/// Monic denominator in `x²`: `b0 … b3`.
const CODY_B: [i128; 4] = [
	47_202_581_904_688_241_870,
	976_098_551_737_776_693_220,
	10_260_932_208_618_978_205_000,
	45_507_789_335_026_729_956_000,
];
/// Numerator in `|x|` for `0.674 < |x| ≤ √32`: `c8, c0 … c7`.
const CODY_C: [i128; 9] = [
	10_765_576_774,
	398_941_512_088_134_668,
	8_883_149_794_388_375_941,
	93_506_656_132_177_855_979,
	597_270_276_394_800_262_260,
	2_494_537_585_290_372_671_100,
	6_848_190_450_536_282_332_600,
	11_602_651_437_647_350_124_000,
	9_842_714_838_383_978_021_800,
];
/// Monic denominator in `|x|`: `d0 … d7`.
const CODY_D: [i128; 8] = [
	22_266_688_044_328_115_691,
	235_387_901_782_624_998_610,
	1_519_377_599_407_554_805_000,
	6_485_558_298_266_760_755_000,
	18_615_571_640_885_098_091_000,
	34_900_952_721_145_977_266_000,
	38_912_003_286_093_271_411_000,
	19_685_429_676_859_990_727_000,
];
/// Numerator in `x⁻²` for `|x| > √32`: `p5, p0 … p4`.
const CODY_P: [i128; 6] = [
	23_073_441_764_940_173,
	215_898_534_057_956_990,
	127_401_161_160_247_364,
	22_235_277_870_649_807,
	1_421_619_193_227_893,
	29_112_874_951_169,
];
/// Monic denominator in `x⁻²`: `q0 … q4`.
const CODY_Q: [i128; 5] = [
	1_284_260_096_144_911_210,
	468_238_212_480_865_118,
	65_988_137_868_928_552,
	3_782_396_332_027_582,
	72_975_155_508_397,
];
/// Region boundaries of Cody's approximation: `0.67448975` and `√32`.
const CODY_SMALL: i128 = 674_489_750_000_000_000;
const CODY_ROOT32: i128 = 5_656_854_249_492_380_195;

// ---------------------------------------------------------------------------------------------
// Rounded integer arithmetic on inner values.

/// `n / d` rounded to nearest (halves up); `None` for `d = 0`.
fn round_div(n: u128, d: u128) -> Option<u128> {
	let q = n.checked_div(d)?;
	// The remainder by a multiplication: one 128-bit division, not two.
	let r = n.checked_sub(q.checked_mul(d)?)?;
	// r ≥ d − r  ⇔  r ≥ d/2 (without overflow).
	if r >= d.checked_sub(r)? {
		q.checked_add(1)
	} else {
		Some(q)
	}
}

/// `(n + d/2) / d` in 256 bits, if it fits a `u128`.
fn wide_round_div(n: U256, d: U256) -> Option<u128> {
	if d.is_zero() {
		return None;
	}
	let q = n.checked_add(d.checked_div(U256::from(2u8))?)?.checked_div(d)?;
	u128::try_from(q).ok()
}

/// `a · b / 10^18` on magnitudes, rounded to nearest.
fn mul_u(a: u128, b: u128) -> Option<u128> {
	if let Some(p) = a.checked_mul(b) {
		return round_div(p, ONE_U);
	}
	// a·b/10^18 = q·b + r·b/10^18 for the larger operand a = q·10^18 + r: exact, and in 128
	// bits whenever the smaller operand is below ~3.4·10^20 (a value below ~340).
	let (big, small) = if a >= b { (a, b) } else { (b, a) };
	let q = big.checked_div(ONE_U)?;
	let r = big.checked_sub(q.checked_mul(ONE_U)?)?;
	if let Some(rb) = r.checked_mul(small) {
		return q.checked_mul(small)?.checked_add(round_div(rb, ONE_U)?);
	}
	wide_round_div(U256::from(a).checked_mul(U256::from(b))?, U256::from(ONE_U))
}

/// `a · 10^18 / b` on magnitudes, rounded to nearest; `None` for `b = 0`.
fn div_u(a: u128, b: u128) -> Option<u128> {
	if b == 0 {
		return None;
	}
	if let Some(n) = a.checked_mul(ONE_U) {
		return round_div(n, b);
	}
	// a = q·b + r: a·10^18/b = q·10^18 + r·10^18/b, exact.
	let q = a.checked_div(b)?;
	let r = a.checked_sub(q.checked_mul(b)?)?;
	if let Some(rn) = r.checked_mul(ONE_U) {
		return q.checked_mul(ONE_U)?.checked_add(round_div(rn, b)?);
	}
	wide_round_div(U256::from(a).checked_mul(U256::from(ONE_U))?, U256::from(b))
}

/// A magnitude with a sign, if it fits an `i128`.
fn with_sign(m: u128, negative: bool) -> Option<i128> {
	let v = i128::try_from(m).ok()?;
	if negative {
		v.checked_neg()
	} else {
		Some(v)
	}
}

/// Fixed-point `a · b`, rounded to nearest; `None` on overflow.
pub(crate) fn mul(a: i128, b: i128) -> Option<i128> {
	with_sign(mul_u(a.unsigned_abs(), b.unsigned_abs())?, (a < 0) != (b < 0))
}

/// Fixed-point `a / b`, rounded to nearest; `None` for `b = 0` or on overflow.
pub(crate) fn div(a: i128, b: i128) -> Option<i128> {
	with_sign(div_u(a.unsigned_abs(), b.unsigned_abs())?, (a < 0) != (b < 0))
}

/// Integer `a / n` rounded to nearest (halves away from zero); `None` for `n = 0`.
pub(crate) fn div_int(a: i128, n: i128) -> Option<i128> {
	with_sign(round_div(a.unsigned_abs(), n.unsigned_abs())?, (a < 0) != (n < 0))
}

/// `num / den` for a rational approximation's numerator and denominator of the same sign
/// and magnitude: above 2^68 both are cut to 68 significant bits first (relative error below
/// 2^-66, far under a unit for a quotient below 1000), so the quotient stays in 128 bits.
fn ratio(num: i128, den: i128) -> Option<i128> {
	let excess = 128u32.checked_sub(den.unsigned_abs().leading_zeros())?.saturating_sub(68);
	if excess == 0 {
		return div(num, den);
	}
	div(num.checked_shr(excess)?, den.checked_shr(excess)?)
}

/// Horner's rule `((c0·x + c1)·x + …)·x + cn` for coefficients in decreasing degree.
fn horner(coefficients: &[i128], x: i128) -> Option<i128> {
	let mut it = coefficients.iter();
	let mut acc = *it.next()?;
	for c in it {
		acc = mul(acc, x)?.checked_add(*c)?;
	}
	Some(acc)
}

/// Horner's rule for a monic polynomial `x^n + c0·x^(n−1) + … + c(n−1)`.
fn horner_monic(coefficients: &[i128], x: i128) -> Option<i128> {
	let mut acc = ONE;
	for c in coefficients {
		acc = mul(acc, x)?.checked_add(*c)?;
	}
	Some(acc)
}

/// `x · 2^s` for `s < 128` if no bit is lost.
fn shl_exact(x: u128, s: u32) -> Option<u128> {
	if x.leading_zeros() < s {
		return None;
	}
	x.checked_shl(s)
}

// ---------------------------------------------------------------------------------------------
// ln

/// `num / (den · 2^e)` as a fixed-point inner value, rounded to nearest.
fn scaled_ratio(num: u128, den: u128, e: i32) -> Option<u128> {
	let shift = e.unsigned_abs();
	let shifted = if e >= 0 {
		shl_exact(den, shift).map(|d| (num, d))
	} else {
		shl_exact(num, shift).map(|n| (n, den))
	};
	if let Some((n, d)) = shifted {
		return div_u(n, d);
	}
	// A shift beyond 128 bits: only for ratios near the ends of the `u128` range.
	let pow = U256::from(2u8).checked_pow(U256::from(shift))?;
	let (n, d) = if e >= 0 {
		(U256::from(num), U256::from(den).checked_mul(pow)?)
	} else {
		(U256::from(num).checked_mul(pow)?, U256::from(den))
	};
	wide_round_div(n.checked_mul(U256::from(ONE_U))?, d)
}

/// `ln(num / den)` as a [`FixedI128`] inner value, for any positive integers (so the ratio of
/// two fixed-point values is taken without first rounding it). `None` if either is zero.
///
/// Error: a few units of `10^-18` (each Horner step and the final `2·` round; `e·ln 2` is
/// formed from a 36-decimal `ln 2`).
pub fn ln_ratio_inner(num: u128, den: u128) -> Option<i128> {
	if num == 0 || den == 0 {
		return None;
	}
	// num/den ∈ (2^(e−1), 2^(e+1)) for e = bitlen(num) − bitlen(den), so m ∈ (1/2, 2).
	let lz_num = i32::try_from(num.leading_zeros()).ok()?;
	let lz_den = i32::try_from(den.leading_zeros()).ok()?;
	let mut e = lz_den.checked_sub(lz_num)?;
	let mut m = scaled_ratio(num, den, e)?;
	if m > SQRT2 {
		e = e.checked_add(1)?;
		m = scaled_ratio(num, den, e)?;
	} else if m < SQRT1_2 {
		e = e.checked_sub(1)?;
		m = scaled_ratio(num, den, e)?;
	}
	let m = i128::try_from(m).ok()?;
	// ln m = 2·atanh(z) = 2·z·(1 + z²/3 + z⁴/5 + …), |z| ≤ 0.1716, z² ≤ 0.0295:
	// z^25/25 < 10^-20.
	let z = div(m.checked_sub(ONE)?, m.checked_add(ONE)?)?;
	let sum = mul(z, horner(&INV_ODD, mul(z, z)?)?)?;
	// e·ln 2 at 36 decimals, rounded once to 18: |e| ≤ 129, so e·LN2_36 < 9·10^37 fits.
	let e_ln2 = div_int(i128::from(e).checked_mul(LN2_36)?, ONE)?;
	sum.checked_mul(2)?.checked_add(e_ln2)
}

/// `ln(x)`; `None` for `x = 0`.
pub fn ln(x: FixedU128) -> Option<FixedI128> {
	ln_ratio_inner(x.into_inner(), ONE_U).map(FixedI128::from_inner)
}

/// `ln(a / b)` without rounding the ratio first; `None` if either is zero.
pub fn ln_ratio(a: FixedU128, b: FixedU128) -> Option<FixedI128> {
	ln_ratio_inner(a.into_inner(), b.into_inner()).map(FixedI128::from_inner)
}

// ---------------------------------------------------------------------------------------------
// exp

/// `exp(x)` of a [`FixedI128`] inner value as a [`FixedU128`] inner value: `None` if it does not
/// fit (`x > 47.27`), `0` when it is below half a unit (`x < −42.2`).
pub fn exp_inner(x: i128) -> Option<u128> {
	if x > EXP_MAX {
		return None;
	}
	if x < EXP_MIN {
		return Some(0);
	}
	// k = round(x / ln 2) ∈ [−61, 69]; r = x − k·ln 2 with ln 2 at 36 decimals.
	let k = div_int(x, LN2)?;
	let r = div_int(x.checked_mul(ONE)?.checked_sub(k.checked_mul(LN2_36)?)?, ONE)?;
	// exp(r) = Σ r^n/n! by Horner's rule, |r| ≤ 0.3466: r^16/16! < 3·10^-21.
	let sum = u128::try_from(horner(&INV_FACTORIALS, r)?).ok()?;
	let shift = k.unsigned_abs();
	if k >= 0 {
		shl_exact(sum, u32::try_from(shift).ok()?)
	} else if shift >= 127 {
		Some(0)
	} else {
		round_div(sum, 1u128.checked_shl(u32::try_from(shift).ok()?)?)
	}
}

/// `exp(x)`: `None` if it exceeds [`FixedU128`] (`x > 47.27`), zero below `x < −42.2`.
pub fn exp(x: FixedI128) -> Option<FixedU128> {
	exp_inner(x.into_inner()).map(FixedU128::from_inner)
}

// ---------------------------------------------------------------------------------------------
// sqrt

/// `sqrt(x)` of a [`FixedU128`] inner value, rounded to nearest.
pub fn sqrt_inner(x: u128) -> u128 {
	if let Some(n) = x.checked_mul(ONE_U) {
		let r = n.isqrt();
		// Round up when n − r² > r, i.e. n > (r + ½)² − ¼. r² ≤ n, so no overflow.
		let excess = n.saturating_sub(r.saturating_mul(r));
		return if excess > r { r.saturating_add(1) } else { r };
	}
	// x ≥ 3.4·10^20·10^-18: the square root of a 188-bit number fits in 94 bits.
	let n = U256::from(x).saturating_mul(U256::from(ONE_U));
	let r = n.integer_sqrt();
	let excess = n.saturating_sub(r.saturating_mul(r));
	let r = if excess > r { r.saturating_add(U256::one()) } else { r };
	u128::try_from(r).unwrap_or(u128::MAX)
}

/// `sqrt(x)`, rounded to nearest.
pub fn sqrt(x: FixedU128) -> FixedU128 {
	FixedU128::from_inner(sqrt_inner(x.into_inner()))
}

// ---------------------------------------------------------------------------------------------
// The standard normal distribution

/// `exp(−y²/2)` for `|y| ≤` [`PDF_CUTOFF`] (as an `i128` inner value).
fn gaussian(y: i128) -> Option<i128> {
	let half_sq = div_int(mul(y, y)?, 2)?;
	i128::try_from(exp_inner(half_sq.checked_neg()?)?).ok()
}

/// The lower tail `Φ(−y)` for `y ≥ 0`, as an inner value in `[0, ½]`.
fn lower_tail(y: i128) -> Option<i128> {
	if y >= CDF_CUTOFF {
		return Some(0);
	}
	let tail = if y <= CODY_SMALL {
		// Φ(−y) = ½ − y·P(y²)/Q(y²).
		let z = mul(y, y)?;
		let ratio = ratio(horner(&CODY_A, z)?, horner_monic(&CODY_B, z)?)?;
		HALF.checked_sub(mul(y, ratio)?)?
	} else if y <= CODY_ROOT32 {
		// Φ(−y) = e^{−y²/2}·P(y)/Q(y).
		let ratio = ratio(horner(&CODY_C, y)?, horner_monic(&CODY_D, y)?)?;
		mul(gaussian(y)?, ratio)?
	} else {
		// Φ(−y) = e^{−y²/2}/y·(1/√(2π) − z·P(z)/Q(z)), z = 1/y².
		let z = div(ONE, mul(y, y)?)?;
		let ratio = ratio(mul(z, horner(&CODY_P, z)?)?, horner_monic(&CODY_Q, z)?)?;
		let mills = div(INV_SQRT_2PI.checked_sub(ratio)?, y)?;
		mul(gaussian(y)?, mills)?
	};
	Some(tail.clamp(0, HALF))
}

/// `Φ(x)` of a [`FixedI128`] inner value, as an inner value in `[0, 10^18]`.
pub fn normal_cdf_inner(x: i128) -> i128 {
	// `None` only if an intermediate overflowed, which no `x` does (|x| < 9 inside the
	// regions); the fallback is the limit.
	let y = x.unsigned_abs();
	let tail = i128::try_from(y).ok().and_then(lower_tail).unwrap_or(0);
	if x >= 0 {
		ONE.saturating_sub(tail)
	} else {
		tail
	}
}

/// The standard normal cumulative distribution `Φ(x) = P(Z ≤ x)`.
pub fn normal_cdf(x: FixedI128) -> FixedU128 {
	FixedU128::from_inner(normal_cdf_inner(x.into_inner()).unsigned_abs())
}

/// `φ(x)` of a [`FixedI128`] inner value, as an inner value in `[0, 0.3990]`.
pub fn normal_pdf_inner(x: i128) -> i128 {
	let y = x.saturating_abs();
	if y >= PDF_CUTOFF {
		return 0;
	}
	gaussian(y).and_then(|g| mul(g, INV_SQRT_2PI)).unwrap_or(0)
}

/// The standard normal density `φ(x) = e^{−x²/2}/√(2π)`.
pub fn normal_pdf(x: FixedI128) -> FixedU128 {
	FixedU128::from_inner(normal_pdf_inner(x.into_inner()).unsigned_abs())
}

#[cfg(test)]
#[allow(clippy::float_arithmetic)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	// Exact values (50-digit mpmath, rounded to 18 decimals): (x·100, Φ(x)) and (x·100, φ(x)).
	const CDF: [(i128, i128); 26] = [
		(-850, 9),
		(-700, 1279813),
		(-600, 986587645),
		(-550, 18989562466),
		(-500, 286651571879),
		(-400, 31671241833120),
		(-300, 1349898031630095),
		(-250, 6209665325776135),
		(-200, 22750131948179207),
		(-100, 158655253931457051),
		(-68, 248252230453570529),
		(-67, 251428895095310114),
		(-60, 274253117750073580),
		(-30, 382088577811047363),
		(-1, 496010643685368396),
		(0, 500000000000000000),
		(1, 503989356314631604),
		(30, 617911422188952637),
		(67, 748571104904689886),
		(68, 751747769546429471),
		(100, 841344746068542949),
		(250, 993790334674223865),
		(300, 998650101968369905),
		(565, 999999991977608149),
		(566, 999999992431350248),
		(700, 999999999998720187),
	];
	const PDF: [(i128, i128); 8] = [
		(0, 398942280401432678),
		(50, 352065326764299478),
		(100, 241970724519143350),
		(200, 53990966513188052),
		(300, 4431848411938007),
		(500, 1486719514734),
		(800, 5052),
		(1200, 0),
	];
	// (x, ln x) and (x, exp x) as inner values.
	const LN: [(u128, i128); 11] = [
		(1, -41446531673892822312),
		(10000000000000000, -4605170185988091368),
		(200000000000000000, -1609437912434100375),
		(500000000000000000, -693147180559945309),
		(999900000000000000, -100005000333358),
		(1000100000000000000, 99995000333308),
		(2000000000000000000, 693147180559945309),
		(3700000000000000000, 1308332819650178760),
		(5000000000000000000, 1609437912434100375),
		(1000000000000000000000000, 13815510557964274104),
		(340282366920938463463374607431768211455, 47276307437780177293),
	];
	const EXP: [(i128, u128); 10] = [
		(-42000000000000000000, 1),
		(-20000000000000000000, 2061153622),
		(-1000000000000000000, 367879441171442322),
		(-500000000000000000, 606530659712633424),
		(-1000000000000, 999999000000500000),
		(300000000000000000, 1349858807576003104),
		(1000000000000000000, 2718281828459045235),
		(2500000000000000000, 12182493960703473438),
		(10000000000000000000, 22026465794806716516958),
		(47000000000000000000, 258131288619006739623285800215273380432),
	];

	/// Units of 10^-18 between `got` and `want`, relative to `want` beyond 1.0.
	fn ulps(got: u128, want: u128) -> u128 {
		let diff = got.abs_diff(want);
		diff / (want / ONE_U).max(1)
	}

	#[test]
	fn cdf_and_pdf_match_exact_values() {
		let mut worst = 0;
		for (x, want) in CDF {
			let got = normal_cdf_inner(x * 10_000_000_000_000_000);
			worst = worst.max(got.abs_diff(want));
			assert!(got.abs_diff(want) <= 2, "Φ({}) = {got}, want {want}", x as f64 / 100.0);
		}
		for (x, want) in PDF {
			for x in [x, -x] {
				let got = normal_pdf_inner(x * 10_000_000_000_000_000);
				assert!(got.abs_diff(want) <= 2, "φ({}) = {got}, want {want}", x as f64 / 100.0);
			}
		}
		println!("Φ: worst error at the tabulated points {worst}e-18");
	}

	#[test]
	fn ln_and_exp_match_exact_values() {
		for (x, want) in LN {
			let got = ln_ratio_inner(x, ONE_U).unwrap();
			assert!(got.abs_diff(want) <= 4, "ln({x}) = {got}, want {want}");
		}
		for (x, want) in EXP {
			let got = exp_inner(x).unwrap();
			assert!(ulps(got, want) <= 4, "exp({x}) = {got}, want {want}");
		}
		assert_eq!(ln_ratio_inner(0, 1), None);
		assert_eq!(ln_ratio_inner(1, 0), None);
		assert_eq!(ln_ratio_inner(7, 7), Some(0));
		assert_eq!(exp_inner(0), Some(ONE_U));
		assert_eq!(exp_inner(EXP_MAX + 1), None);
		assert_eq!(exp_inner(i128::MIN), Some(0));
		assert_eq!(exp_inner(EXP_MIN - 1), Some(0));
		// ln(2^128 − 1) = 88.722839111672999605…
		assert!(ln_ratio_inner(u128::MAX, 1).unwrap().abs_diff(88_722_839_111_672_999_605) <= 4);
		assert!(ln_ratio_inner(1, u128::MAX).unwrap().abs_diff(-88_722_839_111_672_999_605) <= 4);
	}

	#[test]
	fn sqrt_is_exact_to_nearest() {
		assert_eq!(sqrt_inner(0), 0);
		assert_eq!(sqrt_inner(ONE_U), ONE_U);
		assert_eq!(sqrt_inner(4 * ONE_U), 2 * ONE_U);
		assert_eq!(sqrt_inner(2 * ONE_U), SQRT2);
		assert_eq!(sqrt_inner(1), 1_000_000_000);
		assert_eq!(sqrt_inner(u128::MAX), 18_446_744_073_709_551_616_000_000_000);
	}

	#[test]
	fn cdf_saturates_and_is_symmetric_at_the_ends() {
		assert_eq!(normal_cdf_inner(i128::MIN), 0);
		assert_eq!(normal_cdf_inner(i128::MAX), ONE);
		assert_eq!(normal_cdf_inner(CDF_CUTOFF), ONE);
		assert_eq!(normal_pdf_inner(i128::MIN), 0);
		assert_eq!(normal_pdf_inner(i128::MAX), 0);
		assert_eq!(normal_cdf(FixedI128::from_inner(0)), FixedU128::from_rational(1, 2));
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(2_000))]

		#[test]
		fn ln_matches_f64(x in 1u128..u128::MAX) {
			let got = ln_ratio_inner(x, ONE_U).unwrap() as f64 / 1e18;
			let want = (x as f64 / 1e18).ln();
			// The f64 input is within 1.1e-16 relative: that much absolute in ln.
			prop_assert!((got - want).abs() <= 2.3e-16 + 4e-16 * want.abs(), "ln {x}: {got} vs {want}");
		}

		#[test]
		fn ln_of_a_ratio_is_the_difference(a in 1u128..u128::MAX, b in 1u128..u128::MAX) {
			let r = ln_ratio_inner(a, b).unwrap();
			let d = ln_ratio_inner(a, 1).unwrap() - ln_ratio_inner(b, 1).unwrap();
			// Each ln is within a few units; the three errors add.
			prop_assert!(r.abs_diff(d) <= 16, "{r} vs {d}");
		}

		#[test]
		fn exp_matches_f64(x in -44_000_000_000_000_000_000i128..47_276_000_000_000_000_000) {
			let got = exp_inner(x).unwrap() as f64 / 1e18;
			let want = (x as f64 / 1e18).exp();
			// The f64 input is within 1.1e-16·|x|: that much relative in exp.
			let rel = 4e-16 + 2.3e-16 * (x as f64 / 1e18).abs();
			prop_assert!((got - want).abs() <= 1e-18 + rel * want, "exp {x}: {got} vs {want}");
		}

		#[test]
		fn exp_inverts_ln(x in 1_000_000u128..100_000_000_000_000_000_000_000_000) {
			let back = exp_inner(ln_ratio_inner(x, ONE_U).unwrap()).unwrap();
			// d exp = exp·d ln: a few units of ln are a relative error of a few 10^-18.
			let tol = 2 + x / 100_000_000_000_000_000;
			prop_assert!(back.abs_diff(x) <= tol, "{x} → {back}");
		}

		#[test]
		fn sqrt_rounds_to_nearest(x in 0u128..u128::MAX) {
			let r = sqrt_inner(x);
			let n = U256::from(x) * U256::from(ONE_U);
			let r2 = U256::from(r) * U256::from(r);
			// (r − ½)² ≤ n ≤ (r + ½)²  ⇔  r² − r < n + ¼  and  n ≤ r² + r
			prop_assert!(n <= r2 + U256::from(r));
			prop_assert!(r == 0 || r2 - U256::from(r) < n + U256::one());
		}

		#[test]
		fn cdf_is_monotone_and_complementary(a in -10_000_000_000_000_000_000i128..10_000_000_000_000_000_000, b in -10_000_000_000_000_000_000i128..10_000_000_000_000_000_000) {
			let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
			prop_assert!(normal_cdf_inner(lo) <= normal_cdf_inner(hi) + 1);
			prop_assert_eq!(normal_cdf_inner(a) + normal_cdf_inner(-a), ONE);
			prop_assert_eq!(normal_pdf_inner(a), normal_pdf_inner(-a));
		}
	}
}
