//! The freeze test: call indices and storage layout against `tests/layout.golden`.
//!
//! A runtime upgrade meets state written by the previous runtime and transactions signed for it.
//! Two changes break them silently, and this test turns them into failures:
//! - a stored item removed, or its key or value type changed, without a bump of its pallet's
//!   storage version (and a migration in `runtime/src/migrations.rs`): the new code would decode
//!   old bytes as the new type;
//! - a pallet index, a call index or a call's arguments changed, without a bump of
//!   `transaction_version`: wallets would sign old encodings that now mean something else.
//!
//! Additions (a new call, a new storage item) need no bump. Any difference at all, once the
//! required bumps are made, fails with the list of changes until the golden file is regenerated:
//! `BLESS=1 cargo test --release --workspace --test runtime layout::`, and the diff reviewed with the change.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::panic,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing
)]

use crate::common;

use ballast_runtime::{Runtime, VERSION};
use polkadot_sdk::{
	frame_support::__private::{
		metadata::{v15::StorageEntryType, RuntimeMetadata, RuntimeMetadataPrefixed},
		scale_info::{form::PortableForm, Field, PortableRegistry, TypeDef},
	},
	sp_io,
	sp_io::hashing::{blake2_128, twox_128},
};
use std::collections::BTreeMap;

use codec::Decode;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/layout.golden");

/// The runtime's aggregate enums (`RuntimeCall`, `RuntimeHoldReason`, ...): one variant per
/// pallet, indexed by the pallet's index. A new pallet adds a variant, which changes no existing
/// encoding, so inside other types they are named, not expanded; their variants are checked
/// one by one (`Layout::variants`) — calls and events are covered by the pallets' own lines.
const AGGREGATES: [&str; 6] = [
	"RuntimeHoldReason",
	"RuntimeFreezeReason",
	"OriginCaller",
	"RuntimeSlashReason",
	"RuntimeLockId",
	"RuntimeTask",
];
const UNCHECKED_AGGREGATES: [&str; 4] =
	["RuntimeCall", "RuntimeEvent", "RuntimeError", "RuntimeViewFunction"];

fn aggregate(segments: &[String]) -> Option<&str> {
	match segments {
		[krate, name] if krate == "ballast_runtime" => AGGREGATES
			.iter()
			.chain(UNCHECKED_AGGREGATES.iter())
			.find(|a| **a == name.as_str())
			.copied(),
		_ => None,
	}
}

/// A structural description of a type: names, field names, variant indices and the shapes
/// under them, recursively, so that any change to how a value is encoded changes the text.
fn describe(reg: &PortableRegistry, id: u32, stack: &mut Vec<u32>) -> String {
	let ty = reg.resolve(id).unwrap_or_else(|| panic!("type {id} in the registry"));
	let name = ty.path.segments.join("::");
	if aggregate(&ty.path.segments).is_some() {
		return name;
	}
	if stack.contains(&id) {
		return format!("<recursive {name}>");
	}
	stack.push(id);
	let fields = |fs: &[Field<PortableForm>], stack: &mut Vec<u32>| -> String {
		fs.iter()
			.map(|f| {
				let t = describe(reg, f.ty.id, stack);
				match &f.name {
					Some(n) => format!("{n}: {t}"),
					None => t,
				}
			})
			.collect::<Vec<_>>()
			.join(", ")
	};
	let body = match &ty.type_def {
		TypeDef::Composite(c) => format!("{{{}}}", fields(&c.fields, stack)),
		TypeDef::Variant(v) => {
			let vs = v
				.variants
				.iter()
				.map(|var| format!("{}#{}({})", var.name, var.index, fields(&var.fields, stack)))
				.collect::<Vec<_>>();
			format!("<{}>", vs.join(" | "))
		},
		TypeDef::Sequence(s) => format!("Vec<{}>", describe(reg, s.type_param.id, stack)),
		TypeDef::Array(a) => format!("[{}; {}]", describe(reg, a.type_param.id, stack), a.len),
		TypeDef::Tuple(t) => format!(
			"({})",
			t.fields.iter().map(|f| describe(reg, f.id, stack)).collect::<Vec<_>>().join(", ")
		),
		TypeDef::Primitive(p) => format!("{p:?}"),
		TypeDef::Compact(c) => format!("Compact<{}>", describe(reg, c.type_param.id, stack)),
		TypeDef::BitSequence(b) => format!(
			"BitVec<{}, {}>",
			describe(reg, b.bit_store_type.id, stack),
			describe(reg, b.bit_order_type.id, stack)
		),
	};
	stack.pop();
	format!("{name}{body}")
}

fn fingerprint(text: &str) -> String {
	blake2_128(text.as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The runtime's frozen surface, one line per pallet, call and storage item.
#[derive(Default, PartialEq, Debug, Clone)]
struct Layout {
	transaction_version: u32,
	/// pallet name → (pallet index, storage version)
	pallets: BTreeMap<String, (u8, u16)>,
	/// (pallet, call) → (call index, arguments' fingerprint)
	calls: BTreeMap<(String, String), (u8, String)>,
	/// (pallet, item) → fingerprint of its kind, hashers, key and value types
	storage: BTreeMap<(String, String), String>,
	/// (aggregate enum, variant = pallet) → (index, fingerprint of the pallet's inner type)
	variants: BTreeMap<(String, String), (u8, String)>,
}

impl Layout {
	fn of_runtime() -> Self {
		let mut ext = common::ext_for_preset(polkadot_sdk::sp_genesis_builder::DEV_RUNTIME_PRESET);
		// Inside externalities: some constants read storage (the referenda tracks' periods).
		let bytes = ext.execute_with(|| Runtime::metadata_at_version(15).expect("metadata V15"));
		let prefixed = RuntimeMetadataPrefixed::decode(&mut &bytes[..]).expect("decodes");
		let RuntimeMetadata::V15(meta) = prefixed.1 else { panic!("asked for V15") };
		let reg = &meta.types;
		let mut out =
			Layout { transaction_version: VERSION.transaction_version, ..Default::default() };
		for ty in &reg.types {
			let Some(agg) = aggregate(&ty.ty.path.segments) else { continue };
			if !AGGREGATES.contains(&agg) {
				continue;
			}
			let TypeDef::Variant(v) = &ty.ty.type_def else { continue };
			for var in &v.variants {
				let inner = var
					.fields
					.iter()
					.map(|f| describe(reg, f.ty.id, &mut Vec::new()))
					.collect::<Vec<_>>()
					.join(", ");
				out.variants
					.insert((agg.to_string(), var.name.clone()), (var.index, fingerprint(&inner)));
			}
		}
		for p in &meta.pallets {
			// The on-chain storage version at genesis is the pallet's in-code version.
			let key = [twox_128(p.name.as_bytes()), twox_128(b":__STORAGE_VERSION__:")].concat();
			let version = ext.execute_with(|| {
				sp_io::storage::get(&key)
					.map(|v| u16::decode(&mut &v[..]).expect("u16"))
					.unwrap_or(0)
			});
			out.pallets.insert(p.name.clone(), (p.index, version));
			if let Some(calls) = &p.calls {
				let ty = reg.resolve(calls.ty.id).expect("call enum");
				let TypeDef::Variant(v) = &ty.type_def else { panic!("calls are an enum") };
				for var in &v.variants {
					let args = var
						.fields
						.iter()
						.map(|f| {
							format!(
								"{}: {}",
								f.name.clone().unwrap_or_default(),
								describe(reg, f.ty.id, &mut Vec::new())
							)
						})
						.collect::<Vec<_>>()
						.join(", ");
					out.calls.insert(
						(p.name.clone(), var.name.clone()),
						(var.index, fingerprint(&args)),
					);
				}
			}
			if let Some(storage) = &p.storage {
				for e in &storage.entries {
					let shape = match &e.ty {
						StorageEntryType::Plain(t) => {
							format!("plain {}", describe(reg, t.id, &mut Vec::new()))
						},
						StorageEntryType::Map { hashers, key, value } => format!(
							"map {hashers:?} {} => {}",
							describe(reg, key.id, &mut Vec::new()),
							describe(reg, value.id, &mut Vec::new())
						),
					};
					out.storage.insert(
						(p.name.clone(), e.name.clone()),
						fingerprint(&format!("{:?} {shape}", e.modifier)),
					);
				}
			}
		}
		out
	}

	fn render(&self) -> String {
		let mut s = String::from(
			"# The runtime's frozen surface (runtime/tests/layout.rs). Regenerate with BLESS=1 after\n\
			 # bumping what the test asks for; review the diff with the change.\n",
		);
		s.push_str(&format!("transaction_version {}\n", self.transaction_version));
		for (name, (index, version)) in &self.pallets {
			s.push_str(&format!("pallet {name} index {index} storage_version {version}\n"));
		}
		for ((pallet, call), (index, args)) in &self.calls {
			s.push_str(&format!("call {pallet} {call} index {index} args {args}\n"));
		}
		for ((pallet, item), shape) in &self.storage {
			s.push_str(&format!("storage {pallet} {item} {shape}\n"));
		}
		for ((agg, variant), (index, inner)) in &self.variants {
			s.push_str(&format!("variant {agg} {variant} index {index} inner {inner}\n"));
		}
		s
	}

	fn parse(text: &str) -> Self {
		let mut out = Layout::default();
		for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
			let w: Vec<&str> = line.split_whitespace().collect();
			match w[0] {
				"transaction_version" => out.transaction_version = w[1].parse().unwrap(),
				"pallet" => {
					out.pallets.insert(w[1].into(), (w[3].parse().unwrap(), w[5].parse().unwrap()));
				},
				"call" => {
					out.calls
						.insert((w[1].into(), w[2].into()), (w[4].parse().unwrap(), w[6].into()));
				},
				"storage" => {
					out.storage.insert((w[1].into(), w[2].into()), w[3].into());
				},
				"variant" => {
					out.variants
						.insert((w[1].into(), w[2].into()), (w[4].parse().unwrap(), w[6].into()));
				},
				other => panic!("unknown line kind {other} in the golden file"),
			}
		}
		out
	}
}

/// What changed between `old` and `new` and which of it needs a bump that was not made.
fn review(old: &Layout, new: &Layout) -> (Vec<String>, Vec<String>) {
	let mut changes = Vec::new();
	let mut missing = Vec::new();
	let tx_bumped = new.transaction_version > old.transaction_version;
	let storage_bumped = |pallet: &str| {
		let before = old.pallets.get(pallet).map(|p| p.1).unwrap_or(0);
		new.pallets.get(pallet).map(|p| p.1).unwrap_or(0) > before
	};
	for (name, (index, _)) in &old.pallets {
		match new.pallets.get(name) {
			Some((i, _)) if i == index => {},
			other => {
				changes.push(format!("pallet {name}: index {index} → {other:?}"));
				if !tx_bumped {
					missing.push(format!("pallet {name} moved or left: bump transaction_version"));
				}
			},
		}
	}
	for (key, (index, args)) in &old.calls {
		match new.calls.get(key) {
			Some((i, a)) if i == index && a == args => {},
			other => {
				changes.push(format!("call {}::{}: ({index}, {args}) → {other:?}", key.0, key.1));
				if !tx_bumped {
					missing.push(format!(
						"call {}::{} changed index or arguments, or was removed: bump transaction_version",
						key.0, key.1
					));
				}
			},
		}
	}
	for (key, shape) in &old.storage {
		match new.storage.get(key) {
			Some(s) if s == shape => {},
			other => {
				changes.push(format!("storage {}::{}: {shape} → {other:?}", key.0, key.1));
				if !storage_bumped(&key.0) {
					missing.push(format!(
						"storage {}::{} changed or was removed: bump the pallet's STORAGE_VERSION and add a \
						 migration to runtime/src/migrations.rs",
						key.0, key.1
					));
				}
			},
		}
	}
	// A pallet's hold or freeze reason, origin, ... is stored by other pallets (balances' holds,
	// referenda's origins): changing or removing it is a storage change of its pallet.
	for (key, (index, inner)) in &old.variants {
		match new.variants.get(key) {
			Some((i, f)) if i == index && f == inner => {},
			other => {
				changes.push(format!("{} {}: ({index}, {inner}) → {other:?}", key.0, key.1));
				if !storage_bumped(&key.1) {
					missing.push(format!(
						"{}::{} changed or was removed (stored by other pallets): bump {}'s \
						 STORAGE_VERSION and migrate what stores it",
						key.0, key.1, key.1
					));
				}
			},
		}
	}
	for key in new.variants.keys().filter(|k| !old.variants.contains_key(*k)) {
		changes.push(format!("{} {}: added", key.0, key.1));
	}
	for key in new.pallets.keys().filter(|k| !old.pallets.contains_key(*k)) {
		changes.push(format!("pallet {key}: added"));
	}
	for key in new.calls.keys().filter(|k| !old.calls.contains_key(*k)) {
		changes.push(format!("call {}::{}: added", key.0, key.1));
	}
	for key in new.storage.keys().filter(|k| !old.storage.contains_key(*k)) {
		changes.push(format!("storage {}::{}: added", key.0, key.1));
	}
	for (name, (_, v)) in &new.pallets {
		if let Some((_, before)) = old.pallets.get(name) {
			if v != before {
				changes.push(format!("pallet {name}: storage version {before} → {v}"));
			}
		}
	}
	if new.transaction_version != old.transaction_version {
		changes.push(format!(
			"transaction_version {} → {}",
			old.transaction_version, new.transaction_version
		));
	}
	(changes, missing)
}

#[test]
fn call_indices_and_storage_layout_change_only_with_a_version_bump() {
	let now = Layout::of_runtime();
	if std::env::var_os("BLESS").is_some() {
		std::fs::write(GOLDEN, now.render()).expect("write the golden file");
		return;
	}
	let golden = Layout::parse(
		&std::fs::read_to_string(GOLDEN).expect("tests/layout.golden exists (BLESS=1 writes it)"),
	);
	let (changes, missing) = review(&golden, &now);
	assert!(
		missing.is_empty(),
		"layout changed without the version bump it needs:\n  {}\nall changes:\n  {}",
		missing.join("\n  "),
		changes.join("\n  ")
	);
	assert!(
		changes.is_empty(),
		"layout changed (the required bumps are made): regenerate with BLESS=1 and review:\n  {}",
		changes.join("\n  ")
	);
}

// The checker itself: each kind of silent break is caught, additions are not.

fn sample() -> Layout {
	let mut l = Layout { transaction_version: 1, ..Default::default() };
	l.pallets.insert("Perpetuals".into(), (30, 1));
	l.calls.insert(("Perpetuals".into(), "trade".into()), (0, "aaaa".into()));
	l.storage.insert(("Perpetuals".into(), "Positions".into()), "bbbb".into());
	l
}

#[test]
fn a_changed_storage_type_without_a_storage_version_bump_is_refused() {
	let mut new = sample();
	new.storage.insert(("Perpetuals".into(), "Positions".into()), "cccc".into());
	let (_, missing) = review(&sample(), &new);
	assert_eq!(missing.len(), 1, "{missing:?}");
	new.pallets.insert("Perpetuals".into(), (30, 2));
	let (changes, missing) = review(&sample(), &new);
	assert!(missing.is_empty());
	assert_eq!(changes.len(), 2, "{changes:?}");
}

#[test]
fn a_removed_storage_item_without_a_bump_is_refused() {
	let mut new = sample();
	new.storage.clear();
	assert_eq!(review(&sample(), &new).1.len(), 1);
}

#[test]
fn a_moved_call_index_without_a_transaction_version_bump_is_refused() {
	let mut new = sample();
	new.calls.insert(("Perpetuals".into(), "trade".into()), (7, "aaaa".into()));
	assert_eq!(review(&sample(), &new).1.len(), 1);
	new.transaction_version = 2;
	assert!(review(&sample(), &new).1.is_empty());
}

#[test]
fn changed_call_arguments_or_a_moved_pallet_without_a_bump_are_refused() {
	let mut new = sample();
	new.calls.insert(("Perpetuals".into(), "trade".into()), (0, "dddd".into()));
	assert_eq!(review(&sample(), &new).1.len(), 1);
	let mut new = sample();
	new.pallets.insert("Perpetuals".into(), (31, 1));
	assert_eq!(review(&sample(), &new).1.len(), 1);
}

#[test]
fn additions_need_no_bump_but_are_reported() {
	let mut new = sample();
	new.calls.insert(("Perpetuals".into(), "close".into()), (1, "eeee".into()));
	new.storage.insert(("Perpetuals".into(), "Markets".into()), "ffff".into());
	let (changes, missing) = review(&sample(), &new);
	assert!(missing.is_empty());
	assert_eq!(changes.len(), 2);
}

#[test]
fn a_changed_hold_reason_without_a_bump_is_refused_and_a_new_one_is_not() {
	let mut old = sample();
	old.variants.insert(("RuntimeHoldReason".into(), "Perpetuals".into()), (32, "1111".into()));
	let mut new = old.clone();
	new.variants.insert(("RuntimeHoldReason".into(), "Options".into()), (34, "2222".into()));
	assert!(review(&old, &new).1.is_empty());
	new.variants.insert(("RuntimeHoldReason".into(), "Perpetuals".into()), (32, "3333".into()));
	assert_eq!(review(&old, &new).1.len(), 1);
}

#[test]
fn a_new_pallet_changes_no_existing_line() {
	// The aggregate enums are named, not expanded, inside other types: sudo's `call` argument,
	// balances' holds and system's events keep their fingerprints when a pallet is added.
	let l = Layout::of_runtime();
	let (_, sudo) = &l.calls[&("Sudo".to_string(), "sudo".to_string())];
	assert_eq!(sudo, &fingerprint(&format!("call: {}", "ballast_runtime::RuntimeCall")));
}

#[test]
fn the_golden_file_round_trips() {
	let l = Layout::of_runtime();
	assert!(!l.calls.is_empty() && !l.storage.is_empty());
	assert_eq!(Layout::parse(&l.render()), l);
}
