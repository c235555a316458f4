//! Block authoring (`pallet_aura`), finality (`pallet_grandpa`), and who does both: the
//! validator set governance chooses (`pallet_validator_set`), whose session keys
//! `pallet_session` keeps and hands to Aura and GRANDPA at each session boundary.

use crate::{AccountId, Balances, BlockNumber, Runtime, RuntimeEvent, SessionKeys, ValidatorSet};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{ConstBool, ConstU32},
	},
	frame_system::EnsureRoot,
	pallet_aura, pallet_grandpa, pallet_session,
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_core::ConstU64,
	sp_runtime::traits::{ConvertInto, OpaqueKeys},
};

parameter_types! {
	/// Upper bound on the validator set; also bounds Aura's and GRANDPA's authority lists.
	pub const MaxAuthorities: u32 = 32;
	/// The session length of a production chain (an hour) and of a chain upgraded from
	/// validators fixed at genesis. The dev and local presets use [`DEV_SESSION_LENGTH`].
	pub const DefaultSessionLength: BlockNumber = crate::HOURS;
	/// Governance may set sessions from a minute ...
	pub const MinSessionLength: BlockNumber = 10;
	/// ... to a day.
	pub const MaxSessionLength: BlockNumber = crate::DAYS;
	/// What `session.setKeys` holds from a new key owner (released by `purge_keys`): key
	/// records are storage, and a deposit keeps them from being spam.
	pub const SessionKeyDeposit: crate::Balance = crate::UNIT;
}

/// The session length of the dev and local presets: ten minutes, so a validator change or a key
/// rotation is live within twenty.
pub const DEV_SESSION_LENGTH: BlockNumber = 10 * crate::MINUTES;

/// Governance chooses the validators: `add_validator` / `remove_validator` /
/// `set_session_length` are Root's (a `root`-track referendum, or a call the risk council
/// whitelisted); each validator's operator registers its keys with `session.setKeys`.
impl pallet_validator_set::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Session = crate::Session;
	type MaxValidators = MaxAuthorities;
	type MinValidators = ConstU32<1>;
	type MinSessionLength = MinSessionLength;
	type MaxSessionLength = MaxSessionLength;
	type WeightInfo = crate::weights::pallet_validator_set::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}

/// Sessions: the validator set's clock and membership, Aura and GRANDPA as the key holders.
/// A validator is its account (no stash/controller split: there is no staking).
impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = ValidatorSet;
	type NextSessionRotation = ValidatorSet;
	type SessionManager = ValidatorSet;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// No validator is disabled: there is no slashing, and offences are not reported.
	type DisablingStrategy = ();
	/// Upstream's weights: `pallet_session`'s benchmarks need the staking pallet, which this
	/// chain does not have.
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
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
