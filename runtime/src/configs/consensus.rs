//! Block authoring (`pallet_aura`) and finality (`pallet_grandpa`).

use crate::Runtime;
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{ConstBool, ConstU32},
	},
	pallet_aura, pallet_grandpa,
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_core::ConstU64,
};

parameter_types! {
	/// Upper bound on the validator set; also bounds Aura's and GRANDPA's authority lists.
	pub const MaxAuthorities: u32 = 32;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	/// No validator is disabled: there is no staking or slashing on Ballast yet.
	type DisabledValidators = ();
	type MaxAuthorities = MaxAuthorities;
	/// Exactly one block per 6 s slot.
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = crate::RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	/// No nominators: validators are set by governance, not by staking.
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	/// Equivocation reports need a session/historical pallet to prove key ownership, which a
	/// governance-appointed validator set does not have; reports are therefore not accepted.
	type KeyOwnerProof = polkadot_sdk::sp_core::Void;
	type EquivocationReportSystem = ();
}
