//! A test runtime: balances, this pallet and the real session pallet (with test keys), so the
//! tests watch changes travel through session boundaries as they do on the chain.

use crate as pallet_validator_set;
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{ConstU32, ConstU64, Hooks},
	},
	frame_system::{self, EnsureRoot},
	pallet_balances, pallet_session, sp_io,
	sp_runtime::{testing::UintAuthorityId, traits::ConvertInto, BuildStorage},
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeTask,
		RuntimeViewFunction,
		RuntimeHoldReason,
		RuntimeFreezeReason
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(2)]
	pub type ValidatorSet = pallet_validator_set;

	#[runtime::pallet_index(3)]
	pub type Session = pallet_session;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

/// Shortest session in the tests.
pub const MIN_LENGTH: u64 = 5;
/// Longest session in the tests.
pub const MAX_LENGTH: u64 = 100;
/// Session length at genesis.
pub const GENESIS_LENGTH: u64 = 10;
/// Most validators in the tests.
pub const MAX_VALIDATORS: u32 = 4;

parameter_types! {
	pub const MinSessionLength: u64 = MIN_LENGTH;
	pub const MaxSessionLength: u64 = MAX_LENGTH;
}

impl pallet_validator_set::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Session = Session;
	type MaxValidators = ConstU32<MAX_VALIDATORS>;
	type MinValidators = ConstU32<1>;
	type MinSessionLength = MinSessionLength;
	type MaxSessionLength = MaxSessionLength;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = KeysForBenchmarks;
}

impl pallet_session::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = ValidatorSet;
	type NextSessionRotation = ValidatorSet;
	type SessionManager = ValidatorSet;
	type SessionHandler = pallet_session::TestSessionHandler;
	type Keys = UintAuthorityId;
	type DisablingStrategy = ();
	type WeightInfo = ();
	type Currency = Balances;
	type KeyDeposit = ConstU64<0>;
}

/// Benchmarks register keys straight into the session pallet's storage.
#[cfg(feature = "runtime-benchmarks")]
pub struct KeysForBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for KeysForBenchmarks {
	fn register_keys(who: &AccountId) {
		pallet_session::NextKeys::<Test>::insert(who, UintAuthorityId(*who));
	}
}

/// The genesis validators (each with keys).
pub const GENESIS: [AccountId; 2] = [1, 2];
/// Accounts with a balance but no keys.
pub const WITHOUT_KEYS: [AccountId; 3] = [3, 4, 5];

/// Genesis: validators 1 and 2 with keys (in the session pallet's genesis; this pallet adopts
/// them), accounts 1..=9 endowed, sessions of
/// [`GENESIS_LENGTH`] blocks.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=9).map(|who| (who, 1_000)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_validator_set::GenesisConfig::<Test> {
		session_length: GENESIS_LENGTH,
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_session::GenesisConfig::<Test> {
		keys: GENESIS.iter().map(|&who| (who, who, UintAuthorityId(who))).collect(),
		non_authority_keys: vec![],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Register keys for `who` as its operator would (`session.setKeys`).
pub fn set_keys(who: AccountId) {
	Session::set_keys(RuntimeOrigin::signed(who), UintAuthorityId(who), vec![]).unwrap();
}

/// Run blocks up to `n`: the session pallet's `on_initialize` at each, then the invariants.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Session::on_initialize(next);
		ValidatorSet::do_try_state().unwrap();
	}
}

/// Run to the block the running session ends at (the next boundary).
pub fn next_session() {
	let end = ValidatorSet::session_end();
	run_to_block(end.max(System::block_number() + 1));
}

/// The session pallet's active validators.
pub fn active() -> Vec<AccountId> {
	Session::validators()
}

/// The last event of this pallet.
pub fn last_event() -> Option<pallet_validator_set::Event<Test>> {
	System::events().into_iter().rev().find_map(|r| match r.event {
		RuntimeEvent::ValidatorSet(e) => Some(e),
		_ => None,
	})
}
