//! Money: the native token (`pallet_balances`), transaction fees
//! (`pallet_transaction_payment`), and the collateral and quote tokens (`pallet_assets`).

use crate::{
	AccountId, AssetId, Balance, Balances, Runtime, RuntimeEvent, RuntimeFreezeReason,
	RuntimeHoldReason, EXISTENTIAL_DEPOSIT, MILLI_UNIT, UNIT,
};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{AsEnsureOriginWithArg, ConstU32, ConstU8, NeverEnsureOrigin, VariantCountOf},
		weights::IdentityFee,
	},
	pallet_assets, pallet_balances,
	pallet_transaction_payment::{self, ConstFeeMultiplier, FungibleAdapter, Multiplier},
	sp_runtime::traits::One,
};

parameter_types! {
	pub const ExistentialDeposit: Balance = EXISTENTIAL_DEPOSIT;
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type Balance = Balance;
	/// Dust is burned.
	type DustRemoval = ();
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = crate::System;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fees do not drift with congestion yet: a constant multiplier of one.
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Fees are paid in BLST and burned.
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	/// Operational calls pay five times the fee for their priority.
	type OperationalFeeMultiplier = ConstU8<5>;
	/// One picoBLST per picosecond of reference compute.
	type WeightToFee = IdentityFee<Balance>;
	/// One picoBLST per byte.
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Creating an asset is a governance act (see `CreateOrigin`); the deposit still applies to
	/// the owner named by governance.
	pub const AssetDeposit: Balance = 10 * UNIT;
	/// Accounts holding a non-sufficient asset reserve this much BLST.
	pub const AssetAccountDeposit: Balance = 10 * MILLI_UNIT;
	pub const MetadataDepositBase: Balance = UNIT;
	pub const MetadataDepositPerByte: Balance = 10 * MILLI_UNIT;
	pub const ApprovalDeposit: Balance = 10 * MILLI_UNIT;
}

impl pallet_assets::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type RemoveItemsLimit = ConstU32<1000>;
	type AssetId = AssetId;
	type AssetIdParameter = codec::Compact<AssetId>;
	type ReserveData = ();
	type Currency = Balances;
	/// Collateral tokens are listed by governance only (`force_create`): no account can create
	/// an asset on its own, so no look-alike token can be minted next to BTC or USDC.
	type CreateOrigin = AsEnsureOriginWithArg<NeverEnsureOrigin<AccountId>>;
	/// `force_create`, `force_set_metadata`, `force_asset_status`, ...: the `asset_listing` track
	/// (or Root). Minting, freezing and moving others' funds need the asset's issuer, freezer or
	/// admin: the keyless governance account (`origins.governanceAccount`), which only Root can
	/// act as (`utility.dispatchAs`).
	type ForceOrigin = crate::governance::AssetListingOrigin;
	type AssetDeposit = AssetDeposit;
	type AssetAccountDeposit = AssetAccountDeposit;
	type MetadataDepositBase = MetadataDepositBase;
	type MetadataDepositPerByte = MetadataDepositPerByte;
	type ApprovalDeposit = ApprovalDeposit;
	type StringLimit = ConstU32<50>;
	type Freezer = ();
	type Holder = ();
	type Extra = ();
	type CallbackHandle = ();
	type AssetIdAllocator = ();
	type WeightInfo = pallet_assets::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}
