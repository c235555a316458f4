//! Governance and utilities: `pallet_sudo` for the bootstrap phase, `pallet_utility`.
//!
//! Root is the only privileged origin today. Every privileged call in Ballast names an origin
//! type in its pallet's `Config`, so referenda tracks replace `EnsureRoot` here without any
//! pallet changing.

use crate::{OriginCaller, Runtime, RuntimeCall, RuntimeEvent};
use polkadot_sdk::{pallet_sudo, pallet_utility};

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}
