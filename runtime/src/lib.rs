//! # Ballast runtime
//!
//! The state-transition function of the Ballast chain: a sovereign Aura + GRANDPA chain whose
//! job is collateral management for decentralized derivatives.
//!
//! This file holds only the chain's types, its version, and the list of pallets with their
//! fixed indices. Pallet configuration lives in [`configs`] (one file per domain), runtime APIs
//! in [`apis`], and the genesis presets that chain specs are built from in
//! [`genesis_config_presets`].
//!
//! Pallet indices are part of the chain's encoding (calls, events, storage) and never change
//! once used. Gaps are left per domain so related pallets can be added next to each other.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`-style macros need a larger recursion limit.
#![recursion_limit = "256"]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing))]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod weights;

pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
pub mod governance;
pub mod margin_api;
pub mod migrations;

use alloc::{borrow::Cow, vec::Vec};
pub use ballast_primitives::{
	AccountId, AssetId, Balance, BlockNumber, Hash, Moment, Nonce, OracleKey, Price, Signature,
};
use polkadot_sdk::{
	sp_runtime::{generic, impl_opaque_keys, traits::BlakeTwo256},
	sp_version::RuntimeVersion,
	*,
};

#[cfg(any(feature = "std", test))]
pub use polkadot_sdk::sp_runtime::BuildStorage;
pub use polkadot_sdk::{
	frame_system::Call as SystemCall, pallet_balances::Call as BalancesCall,
	pallet_timestamp::Call as TimestampCall,
};

/// Opaque types: what the node needs to know about the chain's blocks without knowing the
/// runtime's extrinsic format.
pub mod opaque {
	use super::*;
	use polkadot_sdk::sp_runtime::traits::Hash as HashT;

	pub use polkadot_sdk::sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The keys a validator holds: Aura for authoring, GRANDPA for finality.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// The runtime's version. Bump `spec_version` with every runtime change that is deployed;
/// bump `transaction_version` when call indices or their arguments change.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("ballast"),
	impl_name: Cow::Borrowed("ballast"),
	authoring_version: 1,
	spec_version: 105,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Block production cadence and the time units derived from it.
pub mod time {
	use super::{BlockNumber, Moment};

	/// Ballast targets one block every 6 seconds.
	pub const MILLI_SECS_PER_BLOCK: Moment = 6_000;
	/// Aura slots are one block long.
	pub const SLOT_DURATION: Moment = MILLI_SECS_PER_BLOCK;
	/// Blocks in a minute.
	pub const MINUTES: BlockNumber = 10;
	/// Blocks in an hour.
	pub const HOURS: BlockNumber = 60 * MINUTES;
	/// Blocks in a day.
	pub const DAYS: BlockNumber = 24 * HOURS;
}
pub use time::*;

pub use ballast_primitives::token::{MICRO_UNIT, MILLI_UNIT, UNIT};

/// The minimum balance a native account must keep to exist.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// The address format for describing accounts.
pub type Address = polkadot_sdk::sp_runtime::MultiAddress<AccountId, ()>;
/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A block with the justifications for it.
pub type SignedBlock = generic::SignedBlock<Block>;
/// The transaction extensions: what a signed transaction carries besides its call.
///
/// All but the last are known to polkadot.js; the last, `FeedsFirst` (oracle operators' feeds
/// go first in their block), carries no data, so polkadot.js signs with it unconfigured (it
/// logs that it treats an unknown extension as a no-op; declare
/// `signedExtensions: { FeedsFirst: { extrinsic: {}, payload: {} } }` to silence that).
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
	pallet_price_guard::FeedsFirst<Runtime>,
);
/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations to run on the next runtime upgrade (see `migrations.rs`).
pub use migrations::Migrations;

/// Executive: dispatches incoming extrinsics to the respective pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// -- System and consensus: 0..=9 --
	/// Accounts, blocks, events, the runtime code.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	/// On-chain time, set by the block author's inherent.
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	/// Round-robin block authoring by the validator set.
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;
	/// Deterministic finality.
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;
	/// The validators governance chose, and the session length.
	#[runtime::pallet_index(4)]
	pub type ValidatorSet = pallet_validator_set;
	/// Each validator's session keys; at a session boundary (in its `on_initialize`, after
	/// Aura's and GRANDPA's) it hands the next set's keys to Aura and GRANDPA.
	#[runtime::pallet_index(5)]
	pub type Session = pallet_session;

	// -- Money: 10..=19 --
	/// The native token, BLST: fees and deposits.
	#[runtime::pallet_index(10)]
	pub type Balances = pallet_balances;
	/// Fees for signed transactions, paid in BLST.
	#[runtime::pallet_index(11)]
	pub type TransactionPayment = pallet_transaction_payment;
	/// Fungible tokens that can be pledged as collateral (BTC, ETH, DOT) and the quote asset
	/// (USDC).
	#[runtime::pallet_index(12)]
	pub type Assets = pallet_assets;

	// -- Prices: 20..=29 --
	/// Prices fed by oracle operators, combined by median, timestamped.
	#[runtime::pallet_index(20)]
	pub type Oracle = pallet_oracle;
	/// Who may feed the oracle.
	#[runtime::pallet_index(21)]
	pub type OracleMembership = pallet_membership<Instance1>;
	/// Per oracle key: price bounds and maximum age, the last valid price, the volatility. Every
	/// pallet reads prices through it. Declared before the pallets whose genesis lists feeds,
	/// assets and markets on its keys (genesis builds in declaration order).
	#[runtime::pallet_index(22)]
	pub type PriceGuard = pallet_price_guard;
	/// The offchain worker that feeds operators' prices from HTTP sources into the oracle.
	#[runtime::pallet_index(23)]
	pub type PriceFeed = pallet_price_feed;

	// -- Collateral and derivatives: 30..=39 --
	/// Risk parameters of collateral assets: haircuts, thresholds, caps, status.
	#[runtime::pallet_index(30)]
	pub type CollateralRegistry = pallet_collateral_registry;
	/// Cross and isolated margin accounts: collateral custody, quote balances, margin tests.
	#[runtime::pallet_index(31)]
	pub type MarginAccounts = pallet_margin_accounts;
	/// Perpetual futures against a liquidity vault.
	#[runtime::pallet_index(32)]
	pub type Perpetuals = pallet_perpetuals;
	/// The per-block liquidation sweep, Dutch auctions and the loss waterfall.
	#[runtime::pallet_index(33)]
	pub type Liquidation = pallet_liquidation;
	/// European cash-settled options against an options vault.
	#[runtime::pallet_index(34)]
	pub type Options = pallet_options;
	/// The chain-wide stress test: coverage of the worst crash scenario, and the tightening
	/// of new risk while it is low.
	#[runtime::pallet_index(35)]
	pub type StressTest = pallet_stress;
	/// The global settlement (emergency shutdown): by a `root` referendum, every position
	/// settled at one fixed price per oracle key, bounded per block.
	#[runtime::pallet_index(36)]
	pub type GlobalSettlement = pallet_global_settlement;

	// -- Governance and utilities: 40..=49 --
	/// Root access for the bootstrap phase; referenda replace it.
	#[runtime::pallet_index(40)]
	pub type Sudo = pallet_sudo;
	/// Batches and derivative calls.
	#[runtime::pallet_index(41)]
	pub type Utility = pallet_utility;

	// -- OpenGov and the emergency brake: 50..=69 (see `governance` and `configs::governance`) --
	/// Scheduled calls: referenda enactments and alarms.
	#[runtime::pallet_index(50)]
	pub type Scheduler = pallet_scheduler;
	/// Proposals' call data, noted before a referendum refers to it by hash.
	#[runtime::pallet_index(51)]
	pub type Preimage = pallet_preimage;
	/// Referenda on tracks, one per kind of decision.
	#[runtime::pallet_index(52)]
	pub type Referenda = pallet_referenda;
	/// Token holders' votes with conviction (longer locks weigh more).
	#[runtime::pallet_index(53)]
	pub type ConvictionVoting = pallet_conviction_voting;
	/// The tracks' origins and their timing.
	#[runtime::pallet_index(54)]
	pub type Origins = governance::origins;
	/// Calls the risk council whitelisted, dispatched as Root by a `whitelisted_caller`
	/// referendum.
	#[runtime::pallet_index(55)]
	pub type Whitelist = pallet_whitelist;
	/// The risk council.
	#[runtime::pallet_index(56)]
	pub type RiskCouncil = pallet_collective<Instance1>;
	/// Safe mode: stops every call but deposits, repayments, liquidation and governance.
	#[runtime::pallet_index(57)]
	pub type SafeMode = pallet_safe_mode;
	/// Pauses single calls or pallets.
	#[runtime::pallet_index(58)]
	pub type TxPause = pallet_tx_pause;
}
