//! The block driver: the shared start state (dev genesis, prices, a few traders and an LP),
//! and blocks executed the way `frame-executive` executes them.

use crate::{checks, menu, Finding, Stats};
use arbitrary::Unstructured;
use ballast_primitives::{assets, Price};
use ballast_runtime::{
	genesis_config_presets, AllPalletsWithSystem, Assets, Aura, Balances, CollateralRegistry,
	ConvictionVoting, GlobalSettlement, Grandpa, Liquidation, MarginAccounts, Options, Oracle,
	OracleMembership, Origins, Perpetuals, Preimage, PriceFeed, PriceGuard, Referenda, RiskCouncil,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeGenesisConfig, RuntimeOrigin, SafeMode, Scheduler,
	Session, StressTest, Sudo, System, Timestamp, TransactionPayment, TxPause, Utility,
	ValidatorSet, Whitelist,
};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{
		dispatch::{DispatchClass, GetDispatchInfo},
		genesis_builder_helper::build_state,
		traits::{fungible, fungibles, OnFinalize, OnIdle, OnInitialize, PalletsInfoAccess},
		weights::Weight,
		BoundedVec,
	},
	frame_system, pallet_timestamp,
	sp_consensus_aura::{Slot, AURA_ENGINE_ID},
	sp_core::H256,
	sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{traits::Dispatchable, AccountId32, Digest, DigestItem, StateVersion},
};
use std::{collections::BTreeMap, sync::OnceLock};

pub type AccountId = AccountId32;

/// The runtime's pallets declared before the liquidation sweep, in declaration order: their
/// `on_initialize` runs before the sweep's snapshot of every account.
type BeforeSweep = (
	System,
	Timestamp,
	Aura,
	Grandpa,
	ValidatorSet,
	Session,
	Balances,
	TransactionPayment,
	Assets,
	Oracle,
	OracleMembership,
	PriceGuard,
	PriceFeed,
	CollateralRegistry,
	MarginAccounts,
	Perpetuals,
);

/// The runtime's pallets declared after it (options settlement among them).
type AfterSweep = (
	Options,
	StressTest,
	GlobalSettlement,
	Sudo,
	Utility,
	Scheduler,
	Preimage,
	Referenda,
	ConvictionVoting,
	Origins,
	Whitelist,
	RiskCouncil,
	SafeMode,
	TxPause,
);

/// `Err` naming the difference when [`BeforeSweep`], the sweep and [`AfterSweep`] are not
/// exactly the runtime's pallets in declaration order (a pallet added to the runtime must be
/// added to the driver, or its hooks would silently not run under the fuzzer).
pub fn hooks_cover_the_runtime() -> Result<(), String> {
	let names = |infos: Vec<polkadot_sdk::frame_support::traits::PalletInfoData>| {
		infos.into_iter().map(|i| i.name).collect::<Vec<_>>()
	};
	let mut driver = names(<BeforeSweep as PalletsInfoAccess>::infos());
	driver.extend(names(<Liquidation as PalletsInfoAccess>::infos()));
	driver.extend(names(<AfterSweep as PalletsInfoAccess>::infos()));
	let runtime = names(<AllPalletsWithSystem as PalletsInfoAccess>::infos());
	if driver == runtime {
		Ok(())
	} else {
		Err(format!("the driver runs {driver:?}, the runtime declares {runtime:?}"))
	}
}

/// Start time of the shared state (ms), a multiple of the slot duration.
pub const START: u64 = 1_700_000_004_000;
/// Most blocks one input decodes into.
pub const MAX_BLOCKS: usize = 24;
/// Most extrinsics one block decodes into.
pub const MAX_XTS: usize = 12;

pub const USDC: u128 = 1_000_000;
pub const BTC: u128 = 100_000_000;
pub const ETH: u128 = 1_000_000_000_000_000_000;
pub const DOT: u128 = 10_000_000_000;

/// The accounts the menu acts as: the operators Alice, Bob and Charlie, the traders Dave, Eve
/// and Ferdie (all endowed by the dev genesis), and one account that holds nothing.
pub fn users() -> [AccountId; 7] {
	[
		Sr25519Keyring::Alice.to_account_id(),
		Sr25519Keyring::Bob.to_account_id(),
		Sr25519Keyring::Charlie.to_account_id(),
		Sr25519Keyring::Dave.to_account_id(),
		Sr25519Keyring::Eve.to_account_id(),
		Sr25519Keyring::Ferdie.to_account_id(),
		AccountId32::new([0xEE; 32]),
	]
}

/// The assets whose issuance is checked (BTC, ETH, DOT, USDC).
pub const ASSETS: [u32; 4] = [assets::BTC, assets::ETH, assets::DOT, assets::USDC];

/// Who dispatches a call.
#[derive(Clone, Debug)]
pub enum Who {
	Signed(AccountId),
	Root,
}

/// One extrinsic, resolved against the current state.
pub struct Xt {
	pub who: Who,
	pub call: RuntimeCall,
	/// A documented mint: `(asset, amount)` added to the expected issuance if the call succeeds.
	pub mint: Option<(u32, u128)>,
}

/// What a run carries from block to block besides the chain state.
pub struct Ctx {
	/// Oracle time (ms) of the current block.
	pub now: u64,
	/// The fuzzer's reference price per asset id (inner `FixedU128`), moved by price ops.
	pub reference: BTreeMap<u32, u128>,
	/// Expected total issuance per asset (`None`: native BLST).
	pub issuance: BTreeMap<Option<u32>, u128>,
	/// Accounts that need the engine's action at a valid price, since which block.
	pub pending: BTreeMap<(AccountId, u8), u32>,
	/// Blocks within which such an account must be acted on (see [`checks::k_blocks`]).
	pub k: u32,
	pub stats: Stats,
	pub log: Vec<String>,
	pub verbose: bool,
}

impl Ctx {
	pub fn note(&mut self, line: String) {
		if self.verbose {
			println!("{line}");
		}
		self.log.push(line);
	}

	pub fn fail(&self, check: &'static str, detail: String) -> Finding {
		Finding { check, detail, block: System::block_number(), log: self.log.clone() }
	}
}

type Raw = Vec<(Vec<u8>, (Vec<u8>, i32))>;

struct Start {
	raw: Raw,
	root: H256,
	reference: BTreeMap<u32, u128>,
}

/// The full genesis JSON of the dev preset, merged over the default genesis as
/// `ballast-node build-spec` does.
fn dev_genesis_json() -> Vec<u8> {
	fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
		match (base, patch) {
			(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
				for (k, v) in patch {
					merge(base.entry(k).or_insert(serde_json::Value::Null), v);
				}
			},
			(base, patch) => *base = patch,
		}
	}
	let patch = genesis_config_presets::get_preset(&PresetId::from(DEV_RUNTIME_PRESET))
		.expect("dev preset");
	let patch: serde_json::Value = serde_json::from_slice(&patch).expect("preset JSON");
	let mut full = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializable");
	merge(&mut full, patch);
	serde_json::to_vec(&full).expect("serializable")
}

fn must(what: &str, r: Result<(), String>) {
	if let Err(e) = r {
		panic!("start state: {what}: {e}");
	}
}

/// The shared start state, built once per process: the dev genesis; block 1 with BTC 60 000,
/// ETH 3 000, DOT 6 fed by two operators; then, in block 2, Dave long BTC in his cross account
/// against BTC and USDC, Eve short BTC in an isolated account, Ferdie long ETH in an isolated
/// account, Charlie short DOT against DOT collateral, Bob an LP; a BTC call and put expiring
/// eleven minutes later listed, and Dave holding some of the call.
fn start() -> &'static Start {
	static START_STATE: OnceLock<Start> = OnceLock::new();
	START_STATE.get_or_init(|| {
		let mut ext = TestExternalities::new_empty();
		let reference: BTreeMap<u32, u128> = [
			(assets::BTC, Price::from_u32(60_000).into_inner()),
			(assets::ETH, Price::from_u32(3_000).into_inner()),
			(assets::DOT, Price::from_u32(6).into_inner()),
		]
		.into_iter()
		.collect();
		ext.execute_with(|| {
			build_state::<RuntimeGenesisConfig>(dev_genesis_json()).expect("dev genesis builds");
			let mut ctx = Ctx {
				now: START - 6_000,
				reference: reference.clone(),
				issuance: BTreeMap::new(),
				pending: BTreeMap::new(),
				k: 3,
				stats: Stats::default(),
				log: Vec::new(),
				verbose: false,
			};
			let [alice, bob, charlie, dave, eve, ferdie, _] = users();
			let feed = |who: &AccountId| Xt {
				who: Who::Signed(who.clone()),
				call: RuntimeCall::Oracle(polkadot_sdk::pallet_oracle::Call::feed_values {
					values: BoundedVec::truncate_from(
						reference.iter().map(|(k, v)| (*k, Price::from_inner(*v))).collect(),
					),
				}),
				mint: None,
			};
			let signed = |who: &AccountId, call: RuntimeCall| Xt {
				who: Who::Signed(who.clone()),
				call,
				mint: None,
			};
			let m = |call: pallet_margin_accounts::Call<Runtime>| RuntimeCall::MarginAccounts(call);
			let p = |call: pallet_perpetuals::Call<Runtime>| RuntimeCall::Perpetuals(call);
			use pallet_margin_accounts::Call as M;
			use pallet_perpetuals::Call as P;
			let block1 = vec![feed(&alice), feed(&bob)];
			must("block 1", execute_block(&mut ctx, 6_000, block1, false));
			let block2 = vec![
				feed(&alice),
				feed(&bob),
				signed(&dave, m(M::deposit { sub: 0, asset: assets::BTC, amount: BTC / 10 })),
				signed(&dave, m(M::deposit { sub: 0, asset: assets::USDC, amount: 2_000 * USDC })),
				signed(
					&dave,
					p(P::trade {
						sub: 0,
						market: 0,
						size_delta: (BTC / 5) as i128,
						limit_price: None,
					}),
				),
				signed(&eve, m(M::create_isolated { market: 0 })),
				signed(&eve, m(M::deposit { sub: 1, asset: assets::USDC, amount: 3_000 * USDC })),
				signed(
					&eve,
					p(P::trade {
						sub: 1,
						market: 0,
						size_delta: -((3 * BTC / 10) as i128),
						limit_price: None,
					}),
				),
				signed(&ferdie, m(M::create_isolated { market: 1 })),
				signed(
					&ferdie,
					m(M::deposit { sub: 1, asset: assets::USDC, amount: 2_000 * USDC }),
				),
				signed(
					&ferdie,
					p(P::trade {
						sub: 1,
						market: 1,
						size_delta: (5 * ETH) as i128,
						limit_price: None,
					}),
				),
				signed(
					&charlie,
					m(M::deposit { sub: 0, asset: assets::DOT, amount: 10_000 * DOT }),
				),
				signed(
					&charlie,
					p(P::trade {
						sub: 0,
						market: 2,
						size_delta: -((15_000 * DOT) as i128),
						limit_price: None,
					}),
				),
				signed(&bob, p(P::add_liquidity { amount: 10_000 * USDC, min_shares: 0 })),
			];
			// A BTC call and put at 60 000 that trade for the first two blocks of a sequence
			// and expire a few blocks later, Dave holding some of the call: any sequence whose
			// time passes the expiry (a gap of ten minutes or more) reaches settlement.
			let short_dated = pallet_options::SeriesParams {
				underlying: assets::BTC,
				strike: Price::from_u32(60_000),
				expiry: START
					.saturating_add(pallet_options::Rules::<Runtime>::get().trade_cutoff)
					.saturating_add(4 * 6_000),
				kind: pallet_options::OptionKind::Call,
			};
			let call_id = ballast_primitives::OPTION_SERIES_BASE
				.saturating_add(pallet_options::SeriesCount::<Runtime>::get());
			let mut block2 = block2;
			block2.extend([
				Xt {
					who: Who::Root,
					call: RuntimeCall::Options(pallet_options::Call::list_series {
						params: short_dated,
					}),
					mint: None,
				},
				Xt {
					who: Who::Root,
					call: RuntimeCall::Options(pallet_options::Call::list_series {
						params: pallet_options::SeriesParams {
							kind: pallet_options::OptionKind::Put,
							..short_dated
						},
					}),
					mint: None,
				},
				signed(
					&dave,
					RuntimeCall::Options(pallet_options::Call::buy {
						sub: 0,
						series: call_id,
						quantity: BTC / 2,
						max_premium: u128::MAX,
					}),
				),
			]);
			let n = block2.len() as u64;
			must("block 2", execute_block(&mut ctx, 6_000, block2, false));
			assert_eq!(
				ctx.stats.succeeded,
				n + 2,
				"every start-state call succeeds: {:#?}",
				ctx.log
			);
			assert_eq!(pallet_perpetuals::Positions::<Runtime>::iter().count(), 4);
		});
		ext.commit_all().expect("no open transactions");
		let (raw, root) = ext.into_raw_snapshot();
		Start { raw, root, reference }
	})
}

/// Run one input (see [`crate::run`]).
pub fn run(data: &[u8], verbose: bool) -> Result<Stats, Finding> {
	install_panic_hook();
	let start = start();
	let mut ext =
		TestExternalities::from_raw_snapshot(start.raw.clone(), start.root, StateVersion::V1);
	let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
		ext.execute_with(|| {
			let mut ctx = Ctx {
				now: pallet_timestamp::Now::<Runtime>::get(),
				reference: start.reference.clone(),
				issuance: current_issuance(),
				pending: BTreeMap::new(),
				k: checks::k_blocks(),
				stats: Stats::default(),
				log: Vec::new(),
				verbose,
			};
			let result = run_blocks(&mut ctx, data);
			(result, ctx.stats.clone(), ctx.log.clone())
		})
	}));
	match outcome {
		Ok((Ok(()), stats, _)) => Ok(stats),
		Ok((Err(finding), _, _)) => Err(finding),
		Err(panic) => {
			let msg = LAST_PANIC.with(|l| l.borrow_mut().take()).unwrap_or_else(|| {
				panic
					.downcast_ref::<String>()
					.cloned()
					.or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
					.unwrap_or_else(|| "non-string panic".into())
			});
			Err(Finding { check: "no panic", detail: msg, block: 0, log: Vec::new() })
		},
	}
}

std::thread_local! {
	static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Keep each panic's message and location for the finding (then run the previous hook: the
/// default one prints it, libFuzzer's aborts).
fn install_panic_hook() {
	static HOOK: std::sync::Once = std::sync::Once::new();
	HOOK.call_once(|| {
		let previous = std::panic::take_hook();
		std::panic::set_hook(Box::new(move |info| {
			LAST_PANIC.with(|l| *l.borrow_mut() = Some(info.to_string()));
			previous(info)
		}));
	});
}

fn run_blocks(ctx: &mut Ctx, data: &[u8]) -> Result<(), Finding> {
	let mut u = Unstructured::new(data);
	let mut blocks = 0;
	while !u.is_empty() && blocks < MAX_BLOCKS {
		let gap = menu::gap(&mut u, ctx.now);
		let ops = menu::ops(&mut u, MAX_XTS);
		// Operators' feeds go first in their block (the `FeedsFirst` extension's priority).
		let (feeds, rest): (Vec<_>, Vec<_>) = ops.into_iter().partition(|op| op.is_feed());
		let n = System::block_number() + 1;
		ctx.note(format!("block {n}: +{gap} ms, {} ops", feeds.len() + rest.len()));
		execute_ops(ctx, gap, feeds.into_iter().chain(rest).collect())?;
		blocks += 1;
	}
	Ok(())
}

/// The issuance of BLST and of every checked asset now.
pub fn current_issuance() -> BTreeMap<Option<u32>, u128> {
	let mut out: BTreeMap<Option<u32>, u128> = ASSETS
		.iter()
		.map(|a| (Some(*a), <Assets as fungibles::Inspect<AccountId>>::total_issuance(*a)))
		.collect();
	out.insert(None, <Balances as fungible::Inspect<AccountId>>::total_issuance());
	out
}

fn execute_ops(ctx: &mut Ctx, gap: u64, ops: Vec<menu::Op>) -> Result<(), Finding> {
	// Ops are resolved against the state at the moment they run (auction ids, accounts'
	// liquidation prices, current parameters), so the block is built lazily.
	let mut idx = 0;
	let mut queue: std::collections::VecDeque<Xt> = Default::default();
	execute_block_with(
		ctx,
		gap,
		|ctx, _| {
			if let Some(x) = queue.pop_front() {
				return Some(Some(x));
			}
			let op = ops.get(idx)?;
			idx += 1;
			let mut xts = menu::build(op, ctx).into_iter();
			let first = xts.next();
			queue.extend(xts);
			Some(first)
		},
		true,
	)
}

/// Execute a block of ready-made extrinsics (the start state's setup).
pub fn execute_block(ctx: &mut Ctx, gap: u64, xts: Vec<Xt>, checks: bool) -> Result<(), String> {
	let mut xts = xts.into_iter().map(Some).collect::<Vec<_>>();
	execute_block_with(ctx, gap, |_, i| xts.get_mut(i).map(Option::take), checks)
		.map_err(|f| f.to_string())
}

/// One block: initialize (digest with the Aura slot of `now`), every pallet's
/// `on_initialize` (the liquidation sweep between snapshots of every account), the timestamp
/// inherent, the extrinsics `next(ctx, i)` yields (`Some(None)`: an op with nothing to do),
/// `on_idle`, `on_finalize`, then every check.
fn execute_block_with(
	ctx: &mut Ctx,
	gap: u64,
	mut next: impl FnMut(&mut Ctx, usize) -> Option<Option<Xt>>,
	run_checks: bool,
) -> Result<(), Finding> {
	let n = System::block_number() + 1;
	ctx.now += gap.max(6_000);
	let parent = H256::from_low_u64_be(u64::from(n) - 1);
	let slot = Slot::from(ctx.now / ballast_runtime::SLOT_DURATION);
	let digest = Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, slot.encode())] };
	System::reset_events();
	System::initialize(&n, &parent, &digest);

	// on_initialize in declaration order (`AllPalletsWithSystem`'s), split around the sweep so
	// every account can be valued just before it ([`hooks_cover_the_runtime`] checks the
	// split lists every pallet).
	let mut init = <BeforeSweep as OnInitialize<u32>>::on_initialize(n);
	let before = run_checks.then(checks::before_sweep);
	let sweep = Liquidation::on_initialize(n);
	init = init.saturating_add(sweep);
	init = init.saturating_add(<AfterSweep as OnInitialize<u32>>::on_initialize(n));
	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	System::register_extra_weight_unchecked(
		init.saturating_add(weights.base_block),
		DispatchClass::Mandatory,
	);
	System::note_finished_initialize();
	if let Some(before) = before {
		checks::after_sweep(ctx, &before, sweep)?;
	}

	// The timestamp inherent.
	let set = RuntimeCall::Timestamp(pallet_timestamp::Call::set { now: ctx.now });
	let info = set.get_dispatch_info();
	if let Err(e) = set.dispatch(RuntimeOrigin::none()) {
		return Err(ctx.fail("timestamp inherent", format!("{:?}", e.error)));
	}
	System::register_extra_weight_unchecked(info.total_weight(), DispatchClass::Mandatory);

	let mut i = 0;
	while let Some(xt) = next(ctx, i) {
		i += 1;
		let Some(xt) = xt else { continue };
		apply(ctx, xt)?;
	}
	System::note_finished_extrinsics();

	let used = System::block_weight().total();
	let remaining = weights.max_block.saturating_sub(used);
	if remaining.any_gt(Weight::zero()) {
		let idle = <AllPalletsWithSystem as OnIdle<u32>>::on_idle(n, remaining);
		System::register_extra_weight_unchecked(idle, DispatchClass::Mandatory);
	}
	<AllPalletsWithSystem as OnFinalize<u32>>::on_finalize(n);
	ctx.stats.blocks += 1;
	if run_checks {
		checks::end_of_block(ctx)?;
	}
	Ok(())
}

/// Apply one extrinsic as `frame-executive` would, minus signature, nonce and fee: admitted
/// only if its declared weight fits the normal class (`CheckWeight`), dispatched through the
/// call filter in its own storage layer, its actual weight registered.
fn apply(ctx: &mut Ctx, xt: Xt) -> Result<(), Finding> {
	let info = xt.call.get_dispatch_info();
	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let class = weights.get(info.class);
	let current = System::block_weight();
	let after = current.get(info.class).saturating_add(info.total_weight());
	let fits = class.max_total.is_none_or(|max| after.all_lte(max))
		&& class.max_extrinsic.is_none_or(|max| info.total_weight().all_lte(max))
		&& current.total().saturating_add(info.total_weight()).all_lte(weights.max_block);
	let label = format!("{:?} {}", xt.who, menu::describe(&xt.call));
	if !fits {
		ctx.stats.block_full += 1;
		ctx.note(format!("  full: {label}"));
		return Ok(());
	}
	let origin = match &xt.who {
		Who::Signed(a) => RuntimeOrigin::signed(a.clone()),
		Who::Root => RuntimeOrigin::root(),
	};
	let take = checks::before_take(&xt.call);
	let events_before = System::event_count();
	let result = xt.call.clone().dispatch(origin);
	ctx.stats.extrinsics += 1;
	let actual = match &result {
		Ok(post) => post.actual_weight,
		Err(e) => e.post_info.actual_weight,
	};
	if let Some(actual) = actual {
		if !actual.all_lte(info.call_weight) {
			return Err(ctx.fail(
				"actual weight <= declared weight",
				format!("{label}: actual {actual:?} > declared {:?}", info.call_weight),
			));
		}
	}
	let consumed = actual.unwrap_or(info.call_weight).saturating_add(info.extension_weight);
	System::register_extra_weight_unchecked(
		consumed.saturating_add(weights.get(info.class).base_extrinsic),
		info.class,
	);
	System::note_applied_extrinsic(&result, info);
	match &result {
		Ok(_) => {
			ctx.stats.succeeded += 1;
			if let Some((asset, amount)) = xt.mint {
				let e = ctx.issuance.entry(Some(asset)).or_default();
				*e = e.saturating_add(amount);
			}
			ctx.note(format!("  ok: {label}"));
		},
		Err(e) => ctx.note(format!("  err {:?}: {label}", e.error)),
	}
	let new_events: Vec<RuntimeEvent> =
		System::read_events_no_consensus().skip(events_before as usize).map(|r| r.event).collect();
	checks::after_call(ctx, take, &new_events)
}
