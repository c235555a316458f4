//! A test runtime: margin accounts are plain stress profiles the tests set, the capacity a
//! number.

use crate as pallet_stress;
use crate::{ScenarioParams, StressParams};
use ballast_primitives::{
	math::portfolio::{Instrument, Leg},
	traits::{LossCapacity, RiskBearers, StressHolding, StressProfile, StressSubject},
	Balance, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::{
		self, derive_impl, parameter_types,
		traits::{ConstU32, ConstU8, Hooks},
		weights::Weight,
		BoundedVec,
	},
	frame_system::{self, EnsureRoot},
	sp_arithmetic::{FixedU128, Permill},
	sp_io,
	sp_runtime::BuildStorage,
};
use std::{cell::RefCell, collections::BTreeMap};

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
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Stress = pallet_stress;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// One USDC (6 decimals).
pub const USDC: Balance = 1_000_000;
/// One BTC (8 decimals).
pub const BTC: i128 = 100_000_000;
/// BTC's oracle key.
pub const BTC_KEY: u32 = 1;

thread_local! {
	static PROFILES: RefCell<BTreeMap<(AccountId, SubAccount), StressProfile>> =
		const { RefCell::new(BTreeMap::new()) };
	static CAPACITY: RefCell<SignedBalance> = const { RefCell::new(0) };
}

/// Margin accounts as the tests set them; every account listed is "open".
pub struct MockAccounts;
impl MockAccounts {
	/// `(who, sub)` now has `profile` (`None`: an open account with nothing at risk).
	pub fn set(who: AccountId, sub: SubAccount, profile: Option<StressProfile>) {
		PROFILES.with(|p| p.borrow_mut().insert((who, sub), profile.unwrap_or_default()));
	}
	/// `(who, sub)` is closed.
	pub fn close(who: AccountId, sub: SubAccount) {
		PROFILES.with(|p| p.borrow_mut().remove(&(who, sub)));
	}
}
impl StressSubject<AccountId> for MockAccounts {
	fn stress_profile(who: &AccountId, sub: SubAccount) -> Option<StressProfile> {
		PROFILES.with(|p| p.borrow().get(&(*who, sub)).cloned()).filter(|p| !p.is_riskless())
	}
}
/// The walk: the open accounts that hold something at risk, as the liquidation engine's watch
/// lists them (an empty account is never in it).
impl RiskBearers<AccountId> for MockAccounts {
	fn accounts_after(
		after: Option<(AccountId, SubAccount)>,
		limit: u32,
	) -> Vec<(AccountId, SubAccount)> {
		PROFILES.with(|p| {
			p.borrow()
				.iter()
				.filter(|(k, profile)| after.is_none_or(|a| **k > a) && !profile.is_riskless())
				.map(|(k, _)| k)
				.take(limit as usize)
				.copied()
				.collect()
		})
	}
}

/// Insurance and vaults, as one number the tests set.
pub struct MockCapacity;
impl MockCapacity {
	pub fn set(c: SignedBalance) {
		CAPACITY.with(|x| *x.borrow_mut() = c);
	}
}
impl LossCapacity for MockCapacity {
	fn loss_capacity() -> SignedBalance {
		CAPACITY.with(|x| *x.borrow())
	}
}

/// The scenarios of the tests: −30 %, −10 %, +10 %, +30 %.
pub fn default_params() -> StressParams {
	let s = |shock: i32| ScenarioParams { shock: shock * 10_000, vol: FixedU128::from_u32(1) };
	StressParams {
		scenarios: BoundedVec::truncate_from(vec![s(-30), s(-10), s(10), s(30)]),
		tighten_below: FixedU128::from_rational(3, 2),
		relax_above: FixedU128::from_u32(2),
		step: Permill::from_percent(1),
		max_tightening: Permill::from_percent(5),
		accounts_per_block: 3,
	}
}

parameter_types! {
	pub DefaultParams: StressParams = default_params();
	/// Room for the base, coverage and five one-leg accounts (the worst case is 16 legs).
	pub static Budget: Weight = Weight::from_parts(420_000_000 + 5 * (60_000_000 + 16 * 120_000_000), 1_000_000);
}

impl pallet_stress::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Accounts = MockAccounts;
	type Walk = MockAccounts;
	type Capacity = MockCapacity;
	type QuoteDecimals = ConstU8<6>;
	type Budget = Budget;
	type MaxLegs = ConstU32<16>;
	type DefaultParams = DefaultParams;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockHelper;
}

/// Benchmarks' accounts: a 1 BTC long per leg, at 60,000, with 1,000 USDC of equity.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for MockHelper {
	fn account_at_risk(who: &AccountId, legs: u32) {
		let legs: Vec<Leg> = (0..legs).map(|i| long(i + 1, 1, 60_000)).collect();
		MockAccounts::set(*who, 0, Some(profile(1_000, &[], &legs)));
	}
}

/// A perpetual leg of `btc` whole BTC (negative: short) on key `key` at `spot`.
pub fn long(key: u32, btc: i128, spot: u128) -> Leg {
	Leg {
		underlying: key,
		spot: Price::from_u32(spot as u32),
		quantity: btc * BTC,
		base_decimals: 8,
		instrument: Instrument::Perp,
		min_shock: Permill::zero(),
	}
}

/// A profile with `equity` whole USDC, `holdings` and `legs`.
pub fn profile(equity: i128, holdings: &[StressHolding], legs: &[Leg]) -> StressProfile {
	StressProfile {
		equity: equity * USDC as i128,
		holdings: holdings.to_vec(),
		legs: legs.to_vec(),
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	PROFILES.with(|p| p.borrow_mut().clear());
	CAPACITY.with(|x| *x.borrow_mut() = 0);
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Run `test`, then the invariants.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Stress::do_try_state().unwrap();
	});
}

/// Advance one block (running `on_initialize`), checking the invariants; the weight used.
pub fn next_block() -> Weight {
	System::set_block_number(System::block_number() + 1);
	let used = Stress::on_initialize(System::block_number());
	assert!(Budget::get().all_gte(used), "over budget: {used:?}");
	Stress::do_try_state().unwrap();
	used
}

/// The events of this pallet since the last call.
pub fn events() -> Vec<crate::Event<Test>> {
	let out = System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Stress(e) => Some(e),
			_ => None,
		})
		.collect();
	System::reset_events();
	out
}
