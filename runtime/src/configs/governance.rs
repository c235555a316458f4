//! Governance and utilities: OpenGov (`pallet_referenda`, `pallet_conviction_voting`,
//! `pallet_scheduler`, `pallet_preimage`, `pallet_whitelist`, the risk council's
//! `pallet_collective`, the track origins of [`crate::governance::origins`]), the emergency
//! brake (`pallet_safe_mode`, `pallet_tx_pause` and the call filter they make), `pallet_sudo`
//! for the dev and local chains, `pallet_utility`.
//!
//! Which origin may do what is set in each pallet's config with the origin types of
//! [`crate::governance`]: one per kind of decision (risk parameters, listing, oracle operators,
//! emergencies), each also accepting Root.
//!
//! ## The emergency brake
//!
//! Safe mode (`safeMode.forceEnter`, by the `emergency` track or two thirds of the risk council,
//! for a day unless extended or exited) stops every call [`SafeModeWhitelist`] does not name.
//! What stays open, and why:
//!
//! * prices: oracle feeds, the price-feed worker, and every governance setting of them;
//! * deposits and repayments: `marginAccounts.deposit`, `marginAccounts.transfer` between one's
//!   own accounts (topping up an isolated account), `perpetuals.recapitaliseVault`;
//! * reducing risk: `perpetuals.closePosition`, `perpetuals.cancelWithdrawal`;
//! * liquidation: `liquidation.take`, `liquidation.restart` (the per-block sweep runs in
//!   `on_initialize` and is never filtered);
//! * governance, wallets and fees: referenda, voting, the council, the whitelist, the scheduler,
//!   preimages, safe mode and tx-pause themselves, sudo, utility batches (each inner call is
//!   filtered), `balances` and `assets` transfers (moving tokens between wallets adds no risk to
//!   the margin engine; minting and freezing are governance's anyway);
//! * consensus: `session.setKeys` / `purgeKeys` and the validator set (an operator must be able
//!   to rotate a compromised key during an emergency); neither can be paused either.
//!
//! What stops: new risk (`perpetuals.trade`, `perpetuals.addLiquidity`,
//! `marginAccounts.createIsolated`) and value leaving the margin engine at prices that may be
//! the emergency's cause (`marginAccounts.withdraw`, `closeIsolated`, `closeCross`,
//! `perpetuals.requestWithdrawal`, `perpetuals.withdrawLiquidity`: LPs leaving ahead of losses
//! the emergency is about to realise would be a run on the vault).
//!
//! `txPause.pause([pallet, call])` (same origins) stops one call or one pallet's calls without
//! safe mode; the calls governance needs to lift a pause ([`TxPauseWhitelist`]) cannot be
//! paused. Root-dispatched calls (sudo, `root` referenda) bypass both filters.

use crate::{
	governance::{
		self, tracks, CouncilTwoThirds, EmergencyOrCouncil, EmergencyOrigin, RiskCouncilInstance,
		WhitelistedCallerOrigin,
	},
	AccountId, Balance, Balances, BlockNumber, OriginCaller, Preimage, Referenda, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Scheduler, System, DAYS,
	MICRO_UNIT, UNIT,
};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{
			fungible::HoldConsideration, tokens::currency::ActiveIssuanceOf, ConstU128, ConstU32,
			Contains, EqualPrivilegeOnly, LinearStoragePrice,
		},
		weights::Weight,
		PalletId,
	},
	frame_system::{EnsureRoot, EnsureWithSuccess},
	pallet_collective, pallet_conviction_voting, pallet_preimage, pallet_referenda,
	pallet_safe_mode, pallet_scheduler, pallet_sudo, pallet_tx_pause, pallet_utility,
	pallet_whitelist,
	sp_runtime::Perbill,
};

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

parameter_types! {
	/// The governance account's id: `modl` ++ `bal/govn`, zero-padded. The account owns, issues,
	/// administers and freezes the chain's assets and has no key.
	pub const GovernancePalletId: PalletId = PalletId(*b"bal/govn");
}

impl governance::origins::Config for Runtime {
	type GovernancePalletId = GovernancePalletId;
}

parameter_types! {
	/// Noting a preimage holds 1 BLST plus 1 µBLST per byte until it is unnoted.
	pub const PreimageBaseDeposit: Balance = UNIT;
	pub const PreimageByteDeposit: Balance = MICRO_UNIT;
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

/// `share` of a block's maximum weight.
fn share_of_block(share: Perbill) -> Weight {
	let max = super::system::RuntimeBlockWeights::get().max_block;
	Weight::from_parts(share.mul_floor(max.ref_time()), share.mul_floor(max.proof_size()))
}

parameter_types! {
	/// Scheduled calls (referenda enactments, alarms) may fill 60 % of a block; the rest is the
	/// liquidation sweep's and the transactions'.
	pub MaximumSchedulerWeight: Weight =
		share_of_block(Perbill::from_percent(60));
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl pallet_conviction_voting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_conviction_voting::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type Polls = Referenda;
	/// Support is measured against the active issuance.
	type MaxTurnout = ActiveIssuanceOf<Balances, AccountId>;
	type MaxVotes = ConstU32<512>;
	/// A conviction of 1x locks for 7 days after the referendum ends (6x: 32 × 7 days).
	type VoteLockingPeriod = ConstU32<{ 7 * DAYS }>;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}

impl pallet_referenda::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_referenda::weights::SubstrateWeight<Runtime>;
	type Scheduler = Scheduler;
	type Currency = Balances;
	/// Anyone signed, except on the `emergency` track: risk council members only.
	type SubmitOrigin = tracks::SubmitOrigin;
	/// The `emergency` track (or Root) cancels a referendum, refunding its deposits.
	type CancelOrigin = EmergencyOrigin;
	/// Only Root kills one (slashing its deposits).
	type KillOrigin = EnsureRoot<AccountId>;
	/// Slashed deposits are burned.
	type Slash = ();
	type Votes = pallet_conviction_voting::VotesOf<Runtime>;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = ConstU128<{ 10 * UNIT }>;
	type MaxQueued = ConstU32<100>;
	/// A referendum without a decision deposit for 14 days may be timed out.
	type UndecidingTimeout = ConstU32<{ 14 * DAYS }>;
	type AlarmInterval = ConstU32<1>;
	type Tracks = tracks::TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl pallet_whitelist::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	/// The risk council whitelists (two thirds) ...
	type WhitelistOrigin = CouncilTwoThirds;
	/// ... and a `whitelisted_caller` referendum dispatches the call as Root.
	type DispatchWhitelistedOrigin = WhitelistedCallerOrigin;
	type Preimages = Preimage;
	type DeferredDispatchExpiration = ConstU32<{ 7 * DAYS }>;
	type BlockNumberProvider = System;
	type WeightInfo = pallet_whitelist::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub MaxCouncilProposalWeight: Weight =
		share_of_block(Perbill::from_percent(50));
}

/// The risk council: a handful of risk officers, appointed by Root (a `root` referendum), who
/// whitelist calls for the `whitelisted_caller` track, submit `emergency` referenda, and (two
/// thirds) enter safe mode or pause calls.
impl pallet_collective::Config<RiskCouncilInstance> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = ConstU32<{ DAYS }>;
	type MaxProposals = ConstU32<20>;
	type MaxMembers = ConstU32<9>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxCouncilProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Consideration = ();
}

/// The calls safe mode leaves open (see the module docs for why).
pub struct SafeModeWhitelist;

impl Contains<RuntimeCall> for SafeModeWhitelist {
	fn contains(call: &RuntimeCall) -> bool {
		use pallet_margin_accounts::Call as Margin;
		use pallet_perpetuals::Call as Perps;
		match call {
			RuntimeCall::MarginAccounts(c) => {
				matches!(c, Margin::deposit { .. } | Margin::transfer { .. })
			},
			RuntimeCall::Perpetuals(c) => matches!(
				c,
				Perps::close_position { .. }
					| Perps::cancel_withdrawal { .. }
					| Perps::recapitalise_vault { .. }
					| Perps::create_market { .. }
					| Perps::update_market { .. }
					| Perps::set_vault_rules { .. }
			),
			RuntimeCall::System(_)
			| RuntimeCall::Timestamp(_)
			| RuntimeCall::ValidatorSet(_)
			| RuntimeCall::Session(_)
			| RuntimeCall::Balances(_)
			| RuntimeCall::Assets(_)
			| RuntimeCall::Oracle(_)
			| RuntimeCall::OracleMembership(_)
			| RuntimeCall::PriceGuard(_)
			| RuntimeCall::PriceFeed(_)
			| RuntimeCall::CollateralRegistry(_)
			| RuntimeCall::Liquidation(_)
			| RuntimeCall::Sudo(_)
			| RuntimeCall::Utility(_)
			| RuntimeCall::Scheduler(_)
			| RuntimeCall::Preimage(_)
			| RuntimeCall::Referenda(_)
			| RuntimeCall::ConvictionVoting(_)
			| RuntimeCall::Whitelist(_)
			| RuntimeCall::RiskCouncil(_)
			| RuntimeCall::SafeMode(_)
			| RuntimeCall::TxPause(_) => true,
			_ => false,
		}
	}
}

parameter_types! {
	/// Safe mode entered by the `emergency` track or the council lasts a day (in blocks) unless
	/// extended or exited.
	pub const SafeModeDuration: BlockNumber = DAYS;
}

impl pallet_safe_mode::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type WhitelistedCalls = SafeModeWhitelist;
	type EnterDuration = SafeModeDuration;
	type ExtendDuration = SafeModeDuration;
	/// Nobody enters or extends safe mode permissionlessly (no deposit amount).
	type EnterDepositAmount = ();
	type ExtendDepositAmount = ();
	type ForceEnterOrigin = EnsureWithSuccess<EmergencyOrCouncil, AccountId, SafeModeDuration>;
	type ForceExtendOrigin = EnsureWithSuccess<EmergencyOrCouncil, AccountId, SafeModeDuration>;
	type ForceExitOrigin = EmergencyOrCouncil;
	type ForceDepositOrigin = EnsureRoot<AccountId>;
	type Notify = ();
	type ReleaseDelay = ();
	type WeightInfo = pallet_safe_mode::weights::SubstrateWeight<Runtime>;
}

/// The pallets whose calls cannot be paused: those governance needs to lift a pause or decide
/// anything, and the chain's own inherents.
pub struct TxPauseWhitelist;

impl Contains<pallet_tx_pause::RuntimeCallNameOf<Runtime>> for TxPauseWhitelist {
	fn contains((pallet, _call): &pallet_tx_pause::RuntimeCallNameOf<Runtime>) -> bool {
		const UNPAUSABLE: [&[u8]; 14] = [
			b"System",
			b"Timestamp",
			b"ValidatorSet",
			b"Session",
			b"Sudo",
			b"Scheduler",
			b"Preimage",
			b"Referenda",
			b"ConvictionVoting",
			b"Origins",
			b"Whitelist",
			b"RiskCouncil",
			b"SafeMode",
			b"TxPause",
		];
		UNPAUSABLE.contains(&pallet.as_slice())
	}
}

impl pallet_tx_pause::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PauseOrigin = EmergencyOrCouncil;
	type UnpauseOrigin = EmergencyOrCouncil;
	type WhitelistedCalls = TxPauseWhitelist;
	type MaxNameLen = ConstU32<64>;
	type WeightInfo = pallet_tx_pause::weights::SubstrateWeight<Runtime>;
}
