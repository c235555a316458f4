//! The stress test's governed parameters, its pass, and the report the runtime API serves.

use ballast_primitives::{
	math::{
		portfolio::{SpotShock, MAX_VOL_MULTIPLIER, MIN_VOL_MULTIPLIER},
		stress::{Controller, Scenario, MAX_SCENARIOS},
	},
	Balance, SignedBalance,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{traits::ConstU32, BoundedVec},
	sp_arithmetic::{traits::Zero, FixedU128, Permill},
};
use scale_info::TypeInfo;

/// Most scenarios (as [`MAX_SCENARIOS`]).
pub type MaxScenarios = ConstU32<{ MAX_SCENARIOS as u32 }>;

/// One value per scenario, in the order of [`StressParams::scenarios`].
pub type PerScenario = BoundedVec<Balance, MaxScenarios>;

/// The most the controller may tighten new risk: 50 %.
pub const MAX_TIGHTENING: Permill = Permill::from_percent(50);
/// The most a coverage threshold may be: 100×.
pub const MAX_THRESHOLD: FixedU128 = FixedU128::from_u32(100);

/// One crash scenario as governance sets it: every underlying moves by `shock` parts per
/// million from its reference price (`-300_000`: −30 %), every option's implied volatility
/// is multiplied by `vol`.
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
pub struct ScenarioParams {
	/// Spot move in parts per million, within `[−950_000, +2_000_000]`.
	pub shock: i32,
	/// Implied-volatility multiplier, within `[0.1, 10]`.
	pub vol: FixedU128,
}

impl From<ScenarioParams> for Scenario {
	fn from(s: ScenarioParams) -> Self {
		Scenario { shock: SpotShock::from_parts(s.shock), vol: s.vol }
	}
}

/// The stress test's governed parameters.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct StressParams {
	/// The crash scenarios: 1 to [`MAX_SCENARIOS`].
	pub scenarios: BoundedVec<ScenarioParams, MaxScenarios>,
	/// Tighten new risk while coverage is below this (greater than zero).
	pub tighten_below: FixedU128,
	/// Relax while coverage is at least this (at least `tighten_below`, at most
	/// [`MAX_THRESHOLD`]).
	pub relax_above: FixedU128,
	/// Most the tightening moves in one block (not zero, at most `max_tightening`).
	pub step: Permill,
	/// Most the tightening may reach (at most [`MAX_TIGHTENING`]).
	pub max_tightening: Permill,
	/// Most accounts the round-robin pass values per block (at least one); the weight
	/// budget may allow fewer.
	pub accounts_per_block: u32,
}

/// Why parameters are refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParamsError {
	/// No scenario.
	NoScenario,
	/// A shock beyond −95 % or +200 %.
	ShockOutOfRange,
	/// A volatility multiplier outside `[0.1, 10]`.
	VolOutOfRange,
	/// A zero threshold, `relax_above < tighten_below`, or a threshold above 100×.
	BadThresholds,
	/// A zero step, a step above the maximum, or a maximum above 50 %.
	BadTightening,
	/// Zero accounts per block.
	ZeroAccountsPerBlock,
}

impl StressParams {
	/// Ok if every field is within its bounds.
	pub fn validate(&self) -> Result<(), ParamsError> {
		if self.scenarios.is_empty() {
			return Err(ParamsError::NoScenario);
		}
		for s in self.scenarios.iter() {
			if !SpotShock::from_parts(s.shock).is_valid() {
				return Err(ParamsError::ShockOutOfRange);
			}
			if !(MIN_VOL_MULTIPLIER..=MAX_VOL_MULTIPLIER).contains(&s.vol) {
				return Err(ParamsError::VolOutOfRange);
			}
		}
		if self.tighten_below.is_zero()
			|| self.relax_above < self.tighten_below
			|| self.relax_above > MAX_THRESHOLD
		{
			return Err(ParamsError::BadThresholds);
		}
		if self.step.is_zero()
			|| self.step > self.max_tightening
			|| self.max_tightening > MAX_TIGHTENING
		{
			return Err(ParamsError::BadTightening);
		}
		if self.accounts_per_block == 0 {
			return Err(ParamsError::ZeroAccountsPerBlock);
		}
		Ok(())
	}

	/// The scenarios as the math takes them.
	pub fn scenarios(&self) -> impl Iterator<Item = Scenario> + '_ {
		self.scenarios.iter().map(|s| Scenario::from(*s))
	}

	/// The controller as the math takes it.
	pub fn controller(&self) -> Controller {
		Controller {
			tighten_below: self.tighten_below,
			relax_above: self.relax_above,
			step: self.step,
			max: self.max_tightening,
		}
	}
}

/// The round-robin pass in progress: every account with a stress profile is valued once per
/// pass, against the pass's reference prices.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct PassState<AccountId, BlockNumber> {
	/// The pass's number (contributions and references carry it).
	pub id: u32,
	/// When it began.
	pub started: BlockNumber,
	/// The last account it valued (`None`: at the start).
	pub cursor: Option<(AccountId, ballast_primitives::SubAccount)>,
	/// Accounts looked at so far.
	pub visited: u32,
	/// Σ shortfalls per scenario of the accounts valued in this pass.
	pub totals: PerScenario,
}

impl<AccountId, BlockNumber: Default> Default for PassState<AccountId, BlockNumber> {
	fn default() -> Self {
		Self {
			id: 0,
			started: BlockNumber::default(),
			cursor: None,
			visited: 0,
			totals: PerScenario::default(),
		}
	}
}

/// A finished pass's figures.
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
pub struct CompletedPass<BlockNumber> {
	/// Its number.
	pub id: u32,
	/// When it ended.
	pub ended: BlockNumber,
	/// Accounts it looked at.
	pub visited: u32,
	/// Σ shortfalls per scenario.
	pub totals: PerScenario,
}

/// One account's shortfalls, from the pass that valued it last (only non-zero ones are kept).
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
pub struct Contribution {
	/// The pass.
	pub pass: u32,
	/// Shortfall per scenario.
	pub shortfalls: PerScenario,
}

/// The stress test as `StressApi` reports it.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct StressReport<BlockNumber> {
	/// The parameters in force.
	pub scenarios: alloc::vec::Vec<ScenarioParams>,
	/// Σ shortfalls per scenario so far in the pass in progress.
	pub pass_totals: alloc::vec::Vec<Balance>,
	/// The pass in progress: number, first block, accounts looked at.
	pub pass: (u32, BlockNumber, u32),
	/// The last finished pass's totals per scenario (empty before the first).
	pub completed_totals: alloc::vec::Vec<Balance>,
	/// When it ended.
	pub completed_at: Option<BlockNumber>,
	/// The shortfall coverage is measured against: per scenario the larger of the two passes'
	/// totals, the largest scenario.
	pub worst_shortfall: Balance,
	/// Insurance funds + vaults' NAV.
	pub capacity: SignedBalance,
	/// `capacity / worst_shortfall` (`None`: nothing at risk).
	pub coverage: Option<FixedU128>,
	/// The tightening of new risk in force.
	pub tightening: Permill,
	/// Whether coverage is below the tightening threshold (since it fell below it, until it
	/// recovered to the relaxing one).
	pub alarm: bool,
}
