//! `frame_system` and `pallet_timestamp`.

use crate::{
	AccountId, Aura, Block, BlockNumber, Hash, Moment, Nonce, PalletInfo, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeOrigin, RuntimeTask, SLOT_DURATION, VERSION,
};
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{ConstU32, InsideBoth},
		weights::{
			constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
			Weight,
		},
	},
	frame_system::{self, limits},
	pallet_timestamp,
	sp_runtime::Perbill,
	*,
};

/// Share of a block that ordinary (non-operational) extrinsics may fill. The rest is kept for
/// operational calls and, later, for the per-block liquidation sweep in `on_initialize`.
pub const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// Blocks whose hashes the chain remembers (mortal transactions refer to one of them).
pub const BLOCK_HASH_COUNT: BlockNumber = 2400;

parameter_types! {
	pub const BlockHashCount: BlockNumber = BLOCK_HASH_COUNT;
	pub const Version: polkadot_sdk::sp_version::RuntimeVersion = VERSION;

	/// Two seconds of compute per 6 s block, no proof-size limit (Ballast is no parachain).
	pub RuntimeBlockWeights: limits::BlockWeights = limits::BlockWeights::with_sensible_defaults(
		Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2), u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// Blocks are at most 5 MiB.
	pub RuntimeBlockLength: limits::BlockLength = limits::BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(frame_support::dispatch::DispatchClass::Normal, |m| {
			*m = NORMAL_DISPATCH_RATIO.mul_floor(*m)
		})
		.build();
	pub const SS58Prefix: u16 = ballast_primitives::token::SS58_PREFIX;
}

/// The default solochain configuration, with Ballast's types and limits.
#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	/// The block type for the runtime.
	type Block = Block;
	/// Block & extrinsics weights: base values and limits.
	type BlockWeights = RuntimeBlockWeights;
	/// The maximum length of a block (in bytes).
	type BlockLength = RuntimeBlockLength;
	/// The identifier used to distinguish between accounts.
	type AccountId = AccountId;
	/// The type for storing how many extrinsics an account has signed.
	type Nonce = Nonce;
	/// The type for hashing blocks and tries.
	type Hash = Hash;
	/// Maximum number of block number to block hash mappings to keep (oldest pruned first).
	type BlockHashCount = BlockHashCount;
	/// Storage access costs: the node stores state in ParityDB by default.
	type DbWeight = ParityDbWeight;
	/// Version of the runtime.
	type Version = Version;
	/// The data to be stored in an account.
	type AccountData = pallet_balances::AccountData<crate::Balance>;
	/// This is used as an identifier of the chain. 42 is the generic substrate prefix.
	type SS58Prefix = SS58Prefix;
	/// The emergency brake: safe mode and paused calls (see `configs::governance`); privileged
	/// calls are filtered by their origins in each pallet.
	type BaseCallFilter = InsideBoth<crate::SafeMode, crate::TxPause>;
	/// At most 16 consumers (holds, freezes, asset accounts) per account.
	type MaxConsumers = ConstU32<16>;
	/// Weights of `frame_system`'s own calls.
	type SystemWeightInfo = frame_system::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Two blocks may not be closer than half a slot.
	pub const MinimumPeriod: Moment = SLOT_DURATION / 2;
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = Moment;
	/// Aura checks that the timestamp matches the slot.
	type OnTimestampSet = Aura;
	type MinimumPeriod = MinimumPeriod;
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}
