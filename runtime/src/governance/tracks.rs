//! The referenda tracks: one per kind of decision, each with its own deposit, periods and
//! approval/support curves.
//!
//! Periods come in two sets, chosen by [`TrackTiming`](super::origins::TrackTiming) (genesis):
//! production periods (hours and days, documented here and in the README's tracks table) and
//! development periods (blocks) with which a referendum completes in about two minutes on
//! `make dev`. Deposits and curves are the same in both. Curves are linear over the decision
//! period, from `ceil` at its start to `floor` at its end: approval is the share of
//! conviction-weighted ayes among all votes, support the share of the active issuance voting
//! aye (before conviction).
//!
//! | id | track | origin | max deciding | decision deposit | prepare | decision | confirm | min. enactment | approval | support |
//! | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
//! | 0 | `root` | Root | 1 | 10,000 BLST | 1 d (2 blocks) | 14 d (40) | 1 d (5) | 1 d (2) | 100 → 50 % | 50 → 0.5 % |
//! | 1 | `whitelisted_caller` | `WhitelistedCaller` | 10 | 1,000 BLST | 30 min (2) | 7 d (40) | 10 min (3) | 10 min (2) | 100 → 50 % | 2 → 0.5 % |
//! | 2 | `risk_parameters` | `RiskParameters` | 10 | 1,000 BLST | 2 h (2) | 7 d (40) | 1 d (5) | 1 d (3) | 100 → 50 % | 10 → 0.5 % |
//! | 3 | `asset_listing` | `AssetListing` | 5 | 2,000 BLST | 4 h (2) | 7 d (40) | 2 d (5) | 1 d (3) | 100 → 60 % | 20 → 1 % |
//! | 4 | `oracle_operators` | `OracleOperators` | 5 | 1,000 BLST | 2 h (2) | 7 d (40) | 1 d (5) | 1 h (2) | 100 → 50 % | 10 → 0.5 % |
//! | 5 | `emergency` | `Emergency` | 3 | 5,000 BLST | 1 min (1) | 1 d (20) | 30 min (3) | 1 block (1) | 100 → 80 % | 10 → 2 % |
//!
//! (Development periods in blocks in parentheses; a block is 6 s.) The `risk_parameters`
//! minimum enactment period is the notice traders get before a parameter change lands. The
//! `emergency` track is council-initiated: only a member of the risk council may submit to it
//! ([`SubmitOrigin`]).

use super::origins::{self, Timing, TrackTiming};
use crate::{
	AccountId, Balance, BlockNumber, OriginCaller, Runtime, RuntimeOrigin, DAYS, HOURS, MINUTES,
	UNIT,
};
use alloc::borrow::Cow;
use polkadot_sdk::{
	frame_support::traits::EnsureOriginWithArg,
	frame_system, pallet_collective,
	pallet_referenda::{Curve, Track, TrackInfo},
	sp_arithmetic::Perbill,
};

/// Track identifiers.
pub mod ids {
	/// Root: runtime upgrades and anything else.
	pub const ROOT: u16 = 0;
	/// Dispatches a council-whitelisted call as Root.
	pub const WHITELISTED_CALLER: u16 = 1;
	/// Risk parameters.
	pub const RISK_PARAMETERS: u16 = 2;
	/// Asset and market listings.
	pub const ASSET_LISTING: u16 = 3;
	/// Oracle operators and feed rules.
	pub const ORACLE_OPERATORS: u16 = 4;
	/// Emergencies.
	pub const EMERGENCY: u16 = 5;
}

/// Periods of a track, in blocks.
#[derive(Clone, Copy)]
struct Periods {
	prepare: BlockNumber,
	decision: BlockNumber,
	confirm: BlockNumber,
	min_enactment: BlockNumber,
}

/// Everything about a track but its identifier's place in the list.
struct TrackSpec {
	id: u16,
	name: &'static str,
	max_deciding: u32,
	decision_deposit: Balance,
	production: Periods,
	development: Periods,
	/// Approval from `.0` % (start of the decision period) down to `.1` % (its end).
	approval: (u32, u32),
	/// Support from `.0` down to `.1`, in tenths of a percent.
	support_permille: (u32, u32),
}

const fn periods(
	prepare: BlockNumber,
	decision: BlockNumber,
	confirm: BlockNumber,
	min_enactment: BlockNumber,
) -> Periods {
	Periods { prepare, decision, confirm, min_enactment }
}

/// The tracks, sorted by id (as `pallet_referenda` requires).
const TRACKS: [TrackSpec; 6] = [
	TrackSpec {
		id: ids::ROOT,
		name: "root",
		max_deciding: 1,
		decision_deposit: 10_000 * UNIT,
		production: periods(DAYS, 14 * DAYS, DAYS, DAYS),
		development: periods(2, 40, 5, 2),
		approval: (100, 50),
		support_permille: (500, 5),
	},
	TrackSpec {
		id: ids::WHITELISTED_CALLER,
		name: "whitelisted_caller",
		max_deciding: 10,
		decision_deposit: 1_000 * UNIT,
		production: periods(30 * MINUTES, 7 * DAYS, 10 * MINUTES, 10 * MINUTES),
		development: periods(2, 40, 3, 2),
		approval: (100, 50),
		support_permille: (20, 5),
	},
	TrackSpec {
		id: ids::RISK_PARAMETERS,
		name: "risk_parameters",
		max_deciding: 10,
		decision_deposit: 1_000 * UNIT,
		production: periods(2 * HOURS, 7 * DAYS, DAYS, DAYS),
		development: periods(2, 40, 5, 3),
		approval: (100, 50),
		support_permille: (100, 5),
	},
	TrackSpec {
		id: ids::ASSET_LISTING,
		name: "asset_listing",
		max_deciding: 5,
		decision_deposit: 2_000 * UNIT,
		production: periods(4 * HOURS, 7 * DAYS, 2 * DAYS, DAYS),
		development: periods(2, 40, 5, 3),
		approval: (100, 60),
		support_permille: (200, 10),
	},
	TrackSpec {
		id: ids::ORACLE_OPERATORS,
		name: "oracle_operators",
		max_deciding: 5,
		decision_deposit: 1_000 * UNIT,
		production: periods(2 * HOURS, 7 * DAYS, DAYS, HOURS),
		development: periods(2, 40, 5, 2),
		approval: (100, 50),
		support_permille: (100, 5),
	},
	TrackSpec {
		id: ids::EMERGENCY,
		name: "emergency",
		max_deciding: 3,
		decision_deposit: 5_000 * UNIT,
		production: periods(MINUTES, DAYS, 30 * MINUTES, 1),
		development: periods(1, 20, 3, 1),
		approval: (100, 80),
		support_permille: (100, 20),
	},
];

/// The length of a track name (`pallet_referenda`'s default).
const TRACK_NAME_LEN: usize = 25;

/// A track name as `pallet_referenda` stores it: zero-padded bytes.
fn track_name(name: &str) -> [u8; TRACK_NAME_LEN] {
	let mut out = [0u8; TRACK_NAME_LEN];
	for (o, b) in out.iter_mut().zip(name.bytes()) {
		*o = b;
	}
	out
}

impl TrackSpec {
	fn track(&self, timing: Timing) -> Track<u16, Balance, BlockNumber> {
		let p = match timing {
			Timing::Production => self.production,
			Timing::Development => self.development,
		};
		Track {
			id: self.id,
			info: TrackInfo {
				name: track_name(self.name),
				max_deciding: self.max_deciding,
				decision_deposit: self.decision_deposit,
				prepare_period: p.prepare,
				decision_period: p.decision,
				confirm_period: p.confirm,
				min_enactment_period: p.min_enactment,
				min_approval: Curve::LinearDecreasing {
					length: Perbill::one(),
					floor: Perbill::from_percent(self.approval.1),
					ceil: Perbill::from_percent(self.approval.0),
				},
				min_support: Curve::LinearDecreasing {
					length: Perbill::one(),
					floor: Perbill::from_perthousand(self.support_permille.1),
					ceil: Perbill::from_perthousand(self.support_permille.0),
				},
			},
		}
	}
}

/// `pallet_referenda`'s view of the tracks, with the periods of the chain's [`TrackTiming`].
pub struct TracksInfo;

impl polkadot_sdk::pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = u16;
	type RuntimeOrigin = OriginCaller;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<u16, Balance, BlockNumber>>> {
		let timing = TrackTiming::<Runtime>::get();
		TRACKS.iter().map(move |spec| Cow::Owned(spec.track(timing)))
	}

	fn track_for(origin: &OriginCaller) -> Result<u16, ()> {
		if let Ok(system) = frame_system::RawOrigin::<AccountId>::try_from(origin.clone()) {
			return match system {
				frame_system::RawOrigin::Root => Ok(ids::ROOT),
				_ => Err(()),
			};
		}
		match origins::Origin::try_from(origin.clone()) {
			Ok(origins::Origin::WhitelistedCaller) => Ok(ids::WHITELISTED_CALLER),
			Ok(origins::Origin::RiskParameters) => Ok(ids::RISK_PARAMETERS),
			Ok(origins::Origin::AssetListing) => Ok(ids::ASSET_LISTING),
			Ok(origins::Origin::OracleOperators) => Ok(ids::ORACLE_OPERATORS),
			Ok(origins::Origin::Emergency) => Ok(ids::EMERGENCY),
			Err(_) => Err(()),
		}
	}
}

/// Who may submit a referendum: any signed account, except on the `emergency` track, where only
/// a member of the risk council may. The submitter pays the submission deposit.
pub struct SubmitOrigin;

impl EnsureOriginWithArg<RuntimeOrigin, OriginCaller> for SubmitOrigin {
	type Success = AccountId;

	fn try_origin(
		o: RuntimeOrigin,
		track_origin: &OriginCaller,
	) -> Result<AccountId, RuntimeOrigin> {
		let who = match o.clone().into() {
			Ok(frame_system::RawOrigin::Signed(who)) => who,
			_ => return Err(o),
		};
		let council_only = matches!(
			origins::Origin::try_from(track_origin.clone()),
			Ok(origins::Origin::Emergency)
		);
		if council_only
			&& !pallet_collective::Members::<Runtime, super::RiskCouncilInstance>::get()
				.contains(&who)
		{
			return Err(o);
		}
		Ok(who)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin(track_origin: &OriginCaller) -> Result<RuntimeOrigin, ()> {
		let council_only = matches!(
			origins::Origin::try_from(track_origin.clone()),
			Ok(origins::Origin::Emergency)
		);
		if council_only {
			let member = pallet_collective::Members::<Runtime, super::RiskCouncilInstance>::get()
				.first()
				.cloned()
				.ok_or(())?;
			return Ok(RuntimeOrigin::signed(member));
		}
		Ok(RuntimeOrigin::signed(polkadot_sdk::frame_benchmarking::whitelisted_caller()))
	}
}
