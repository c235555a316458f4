//! Tests of the pallet: the offchain worker against scripted HTTP answers (good answers, every
//! failure mode, the deviation check, the rate limit, the lock, operator overrides), parsing of
//! recorded exchange answers, governance calls, genesis and the status report.

use crate::{
	json, mock::*, ocw, pallet::*, types::parse_override, Error, Event, FeedParams, Source,
};
use ballast_primitives::{traits::PriceBounds, Price};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::UnfilteredDispatchable, BoundedVec},
	pallet_oracle,
	sp_arithmetic::{traits::Zero, Permill},
	sp_core::offchain::{Duration, StorageKind},
	sp_io,
	sp_runtime::{generic::Preamble, traits::Verify, DispatchError},
};

fn p(s: &str) -> Price {
	json::parse_decimal(s, 0).unwrap()
}

/// Serve the three BTC sources.
fn serve_btc(env: &Env, binance_px: &str, coinbase_px: &str, kraken_px: &str) {
	env.serve(BINANCE, binance("BTCUSDT", binance_px));
	env.serve(COINBASE, coinbase("BTC", coinbase_px));
	env.serve(KRAKEN, kraken("XXBTZUSD", kraken_px));
}

/// The `(asset, price)` pairs of a submitted feed, after checking it is Alice's signed
/// `oracle.feedValues` with a valid signature.
fn fed_values(env: &Env, xt: &Extrinsic) -> Vec<(u32, Price)> {
	let Preamble::Signed(who, signature, ()) = &xt.preamble else { panic!("not signed") };
	assert_eq!(*who, env.alice);
	// Signed over `(call, nonce)` with Alice's feed key (the nonce grows per submission).
	assert!(
		(0u64..16).any(|nonce| signature.verify(&(&xt.function, nonce).encode()[..], who)),
		"bad signature"
	);
	match &xt.function {
		RuntimeCall::Oracle(pallet_oracle::Call::feed_values { values }) => values.to_vec(),
		other => panic!("unexpected call {other:?}"),
	}
}

/// Exactly one transaction was submitted; its values.
fn one_feed(env: &Env) -> Vec<(u32, Price)> {
	let txs = env.take_transactions();
	assert_eq!(txs.len(), 1, "expected exactly one submission");
	fed_values(env, &txs[0])
}

fn no_feed(env: &Env) {
	assert_eq!(env.take_transactions().len(), 0, "expected no submission");
}

#[test]
fn good_answers_submit_one_signed_feed_with_the_median() {
	let mut env = Env::new();
	serve_btc(&env, "60000.00", "60100.5", "60300.1");
	env.run_worker(1);
	assert_eq!(one_feed(&env), vec![(BTC, p("60100.5"))]);
	assert_eq!(env.requested().len(), 3);
	// The submission is remembered for the rate limit.
	env.ext.execute_with(|| {
		let last =
			sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, b"price-feed::last::1")
				.unwrap();
		assert_eq!(last, (p("60100.5"), 1u32).encode());
	});
}

#[test]
fn the_submitted_feed_is_accepted_by_the_oracle() {
	let mut env = Env::new();
	serve_btc(&env, "60000", "60100", "60200");
	env.run_worker(1);
	let xt = env.take_transactions().pop().unwrap();
	let alice = env.alice;
	env.ext.execute_with(|| {
		assert_ok!(xt.function.dispatch_bypass_filter(RuntimeOrigin::signed(alice)));
		assert_eq!(Oracle::get(&BTC).unwrap().value, Price::from_u32(60_100));
	});
}

#[test]
fn an_even_count_takes_the_mean_of_the_middle_two() {
	let mut env = Env::new();
	serve_btc(&env, "60000", "60101", "x");
	env.serve(KRAKEN, Reply::IoError);
	env.run_worker(1);
	assert_eq!(one_feed(&env), vec![(BTC, p("60050.5"))]);
}

#[test]
fn an_insane_source_is_left_out_of_the_median() {
	let mut env = Env::new();
	// Kraken reports a price above the guard's band: the median is of the other two.
	serve_btc(&env, "60000", "60200", "99999999");
	env.run_worker(1);
	assert_eq!(one_feed(&env), vec![(BTC, p("60100"))]);
}

#[test]
fn the_band_is_the_price_guards_and_inclusive() {
	let mut env = Env::new();
	// The guard narrows BTC's band to 60,000..=60,200: Kraken's 60,300 is left out, the edges
	// are in.
	OraclePrices::set_bounds(
		BTC,
		PriceBounds { min_price: p("60000"), max_price: p("60200"), ..btc_bounds() },
	);
	serve_btc(&env, "60000", "60200", "60300");
	env.run_worker(1);
	assert_eq!(one_feed(&env), vec![(BTC, p("60100"))]);
	// Narrower still: one sane source of the two needed, nothing submitted.
	OraclePrices::set_bounds(
		BTC,
		PriceBounds { min_price: p("60100"), max_price: p("60200"), ..btc_bounds() },
	);
	env.run_worker(5);
	no_feed(&env);
	// Widened again, all three count.
	OraclePrices::set_bounds(BTC, btc_bounds());
	env.run_worker(9);
	assert_eq!(one_feed(&env), vec![(BTC, p("60200"))]);
}

#[test]
fn an_asset_whose_key_has_no_guard_is_not_fed() {
	let mut env = Env::with_genesis(vec![
		(BTC, btc_params(), btc_sources()),
		(
			ETH,
			FeedParams { min_sources: 1, ..btc_params() },
			vec![Source::new(ETH_URL, "price", 0).unwrap()],
		),
	]);
	serve_btc(&env, "60000", "60000", "60000");
	env.serve(ETH_URL, binance("ETHUSDT", "3000"));
	// The guard of BTC's key is removed after genesis: BTC is skipped without a request, ETH
	// is still fed.
	OraclePrices::remove_bounds(BTC);
	env.run_worker(1);
	assert_eq!(one_feed(&env), vec![(ETH, Price::from_u32(3_000))]);
	assert_eq!(env.requested(), vec![ETH_URL.to_string()]);
	// Guarded again, it is fed again.
	OraclePrices::set_bounds(BTC, btc_bounds());
	env.run_worker(2);
	assert_eq!(one_feed(&env), vec![(BTC, Price::from_u32(60_000))]);
}

/// Every way one source can fail. With a single source (and `min_sources = 1`) each of them
/// must lead to no submission, and no panic.
fn failures() -> Vec<(&'static str, Reply)> {
	vec![
		("transport error", Reply::IoError),
		("timeout", Reply::Timeout),
		("status 500", Reply::Ok(500, br#"{"price":"60000"}"#.to_vec())),
		("status 404", Reply::Ok(404, b"not found".to_vec())),
		("status 429", Reply::Ok(429, br#"{"code":-1003,"msg":"Too many requests"}"#.to_vec())),
		("malformed JSON", ok("<html><body>502 Bad Gateway</body></html>")),
		("truncated JSON", ok(r#"{"symbol":"BTCUSDT","price":"600"#)),
		("connection dropped mid-body", Reply::CutBody(br#"{"symbol":"BTCUSDT","pri"#.to_vec())),
		("empty body", ok("")),
		("missing field", ok(r#"{"symbol":"BTCUSDT"}"#)),
		("not a number", ok(r#"{"symbol":"BTCUSDT","price":"n/a"}"#)),
		("null", ok(r#"{"symbol":"BTCUSDT","price":null}"#)),
		("zero", binance("BTCUSDT", "0.00000000")),
		("negative", binance("BTCUSDT", "-60000")),
		("below the band", binance("BTCUSDT", "999.99")),
		("above the band", binance("BTCUSDT", "10000000.01")),
		("body too large", ok(&format!(r#"{{"price":"60000","pad":"{}"}}"#, "x".repeat(70_000)))),
	]
}

fn single_source_env() -> Env {
	let params = FeedParams { min_sources: 1, ..btc_params() };
	Env::with_genesis(vec![(BTC, params, vec![Source::new(BINANCE, "price", 0).unwrap()])])
}

#[test]
fn every_failure_mode_submits_nothing() {
	for (what, reply) in failures() {
		let mut env = single_source_env();
		env.serve(BINANCE, reply);
		env.run_worker(1);
		assert_eq!(env.take_transactions().len(), 0, "{what}: something was submitted");
		assert_eq!(env.requested(), vec![BINANCE.to_string()], "{what}");
	}
	// And the same environment with a good answer does submit (the tests above are not
	// vacuous).
	let mut env = single_source_env();
	env.serve(BINANCE, binance("BTCUSDT", "60000"));
	env.run_worker(1);
	assert_eq!(one_feed(&env), vec![(BTC, Price::from_u32(60_000))]);
}

#[test]
fn too_few_sane_sources_submit_nothing() {
	let mut env = Env::new();
	serve_btc(&env, "60000", "0", "abc");
	env.run_worker(1);
	no_feed(&env);
}

#[test]
fn an_unreachable_network_submits_nothing() {
	let mut env = Env::new();
	env.run_worker(1);
	no_feed(&env);
	assert_eq!(env.requested().len(), 3);
}

#[test]
fn a_median_too_far_from_a_fresh_on_chain_price_is_not_submitted() {
	let mut env = Env::new();
	env.feed_on_chain(BTC, Price::from_u32(60_000));
	// 11% above the on-chain price; the band allows it, the deviation check does not.
	serve_btc(&env, "66600", "66600", "66600");
	env.run_worker(2);
	no_feed(&env);
	// 9% is within the 10% limit.
	serve_btc(&env, "65400", "65400", "65400");
	env.run_worker(3);
	assert_eq!(one_feed(&env), vec![(BTC, Price::from_u32(65_400))]);
}

#[test]
fn a_stale_on_chain_price_anchors_nothing() {
	let mut env = Env::new();
	env.feed_on_chain(BTC, Price::from_u32(60_000));
	// A minute and a bit later the on-chain price is stale by the guard's maximum age (a
	// minute): a big move is accepted.
	MockTime::set(1_000_000 + 60_001);
	serve_btc(&env, "30000", "30000", "30000");
	env.run_worker(12);
	assert_eq!(one_feed(&env), vec![(BTC, Price::from_u32(30_000))]);
}

#[test]
fn the_deviation_anchor_lasts_one_heartbeat_not_the_guards_max_age() {
	let mut env = Env::new();
	env.feed_on_chain(BTC, Price::from_u32(60_000));
	MockTime::set(1_000_000 + 60_001);
	serve_btc(&env, "30000", "30000", "30000");
	// A guard that keeps the price usable for ten minutes changes nothing: one minute on, the
	// feed is late and a genuine jump gets through.
	OraclePrices::set_bounds(BTC, PriceBounds { max_age: 600_000, ..btc_bounds() });
	env.run_worker(12);
	assert_eq!(one_feed(&env), vec![(BTC, Price::from_u32(30_000))]);
}

#[test]
fn a_longer_heartbeat_anchors_longer() {
	let mut env = Env::new();
	env.feed_on_chain(BTC, Price::from_u32(60_000));
	MockTime::set(1_000_000 + 60_001);
	serve_btc(&env, "30000", "30000", "30000");
	env.ext.execute_with(|| {
		let p = btc_params();
		assert_ok!(PriceFeed::set_params(
			RuntimeOrigin::root(),
			BTC,
			FeedParams { heartbeat: 120_000, ..p }
		));
	});
	env.run_worker(12);
	no_feed(&env);
	MockTime::set(1_000_000 + 120_001);
	env.run_worker(13);
	assert_eq!(one_feed(&env), vec![(BTC, Price::from_u32(30_000))]);
}

#[test]
fn submissions_are_rate_limited_unless_the_price_moved() {
	let mut env = Env::new();
	serve_btc(&env, "60000", "60000", "60000");
	env.run_worker(10);
	assert_eq!(one_feed(&env).len(), 1);
	// Next blocks, same price (and a move of 0.5%, not more): nothing.
	env.run_worker(11);
	no_feed(&env);
	serve_btc(&env, "60300", "60300", "60300");
	env.run_worker(12);
	no_feed(&env);
	// A move of more than 0.5% goes out at once.
	serve_btc(&env, "60301", "60301", "60301");
	env.run_worker(12);
	assert_eq!(one_feed(&env), vec![(BTC, Price::from_u32(60_301))]);
	// Unchanged, but `min_interval` (3) blocks later: submitted again.
	env.run_worker(14);
	no_feed(&env);
	env.run_worker(15);
	assert_eq!(one_feed(&env), vec![(BTC, Price::from_u32(60_301))]);
}

#[test]
fn a_held_lock_means_no_run() {
	let mut env = Env::new();
	serve_btc(&env, "60000", "60000", "60000");
	env.ext.execute_with(|| {
		// Another run holds the lock for the next 20 s.
		let until = sp_io::offchain::timestamp().add(Duration::from_millis(20_000));
		sp_io::offchain::local_storage_set(StorageKind::PERSISTENT, ocw::LOCK_KEY, &until.encode());
	});
	env.run_worker(1);
	no_feed(&env);
	assert!(env.requested().is_empty(), "a locked-out run must not fetch");
}

#[test]
fn the_lock_is_released_after_a_run() {
	let mut env = Env::new();
	serve_btc(&env, "60000", "60000", "60000");
	env.run_worker(1);
	assert_eq!(one_feed(&env).len(), 1);
	serve_btc(&env, "61000", "61000", "61000");
	env.run_worker(2);
	assert_eq!(one_feed(&env).len(), 1);
}

#[test]
fn without_an_operator_key_nothing_is_fetched() {
	let mut env = Env::new();
	serve_btc(&env, "60000", "60000", "60000");
	Members::set(vec![]);
	env.run_worker(1);
	no_feed(&env);
	assert!(env.requested().is_empty());
}

#[test]
fn a_refused_submission_is_retried_next_block() {
	let mut env = Env::new();
	serve_btc(&env, "60000", "60000", "60000");
	env.refuse_transactions(true);
	env.run_worker(1);
	no_feed(&env);
	env.refuse_transactions(false);
	env.run_worker(2);
	assert_eq!(one_feed(&env).len(), 1);
}

#[test]
fn several_assets_go_in_one_feed() {
	let eth = FeedParams { min_sources: 1, ..btc_params() };
	let mut env = Env::with_genesis(vec![
		(BTC, btc_params(), btc_sources()),
		(ETH, eth, vec![Source::new(ETH_URL, "price", 0).unwrap()]),
	]);
	serve_btc(&env, "60000", "60000", "60000");
	env.serve(ETH_URL, binance("ETHUSDT", "3000.25"));
	env.run_worker(1);
	assert_eq!(one_feed(&env), vec![(BTC, Price::from_u32(60_000)), (ETH, p("3000.25"))]);
}

#[test]
fn an_operator_override_replaces_the_on_chain_sources() {
	let mut env = Env::new();
	let mine = "http://127.0.0.1:9999/my/btc";
	env.serve(mine, ok(r#"{"last":"6000000"}"#));
	let json = format!(r#"[{{"url":"{mine}","path":"last","decimals":2}}]"#);
	let params = FeedParams { min_sources: 1, ..btc_params() };
	env.ext.execute_with(|| {
		assert_ok!(PriceFeed::set_params(RuntimeOrigin::root(), BTC, params));
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			b"price-feed::sources::1",
			json.as_bytes(),
		);
	});
	env.run_worker(1);
	assert_eq!(one_feed(&env), vec![(BTC, Price::from_u32(60_000))]);
	assert_eq!(env.requested(), vec![mine.to_string()]);
}

#[test]
fn an_invalid_override_falls_back_to_on_chain_sources() {
	let mut env = Env::new();
	serve_btc(&env, "60000", "60000", "60000");
	env.ext.execute_with(|| {
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			b"price-feed::sources::1",
			b"[{\"url\": 5}]",
		);
	});
	env.run_worker(1);
	assert_eq!(one_feed(&env), vec![(BTC, Price::from_u32(60_000))]);
}

#[test]
fn an_empty_override_stops_this_node_feeding_the_asset() {
	let mut env = Env::new();
	serve_btc(&env, "60000", "60000", "60000");
	env.ext.execute_with(|| {
		sp_io::offchain::local_storage_set(
			StorageKind::PERSISTENT,
			b"price-feed::sources::1",
			b"[]",
		);
	});
	env.run_worker(1);
	no_feed(&env);
	assert!(env.requested().is_empty());
}

#[test]
fn override_format() {
	let s = parse_override(
		br#"[{"url":"https://api.kraken.com/0/public/Ticker?pair=XBTUSD","path":"result.XXBTZUSD.c.0"},
		     {"url":"http://x.test/p","path":"","decimals":8}]"#,
	)
	.unwrap();
	assert_eq!(s.len(), 2);
	assert_eq!(s[0].path_str(), Some("result.XXBTZUSD.c.0"));
	assert_eq!(s[0].decimals, 0);
	assert_eq!(s[1].decimals, 8);
	assert!(parse_override(b"{}").is_err());
	assert!(parse_override(br#"[{"url":"ftp://x","path":"a"}]"#).is_err());
	assert!(parse_override(br#"[{"url":"http://x.test","path":"a","decimals":99}]"#).is_err());
	assert!(parse_override(br#"[{"url":"http://x.test"}]"#).is_err());
}

// ---- recorded exchange answers ----

/// `GET https://api.binance.com/api/v3/ticker/price?symbol=BTCUSDT`
const BINANCE_SAMPLE: &str = r#"{"symbol":"BTCUSDT","price":"67234.51000000"}"#;
/// `GET https://api.coinbase.com/v2/prices/BTC-USD/spot`
const COINBASE_SAMPLE: &str = r#"{"data":{"amount":"67236.215","base":"BTC","currency":"USD"}}"#;
/// `GET https://api.kraken.com/0/public/Ticker?pair=XBTUSD`
const KRAKEN_SAMPLE: &str = r#"{"error":[],"result":{"XXBTZUSD":{"a":["67240.10000","1","1.000"],"b":["67240.00000","3","3.000"],"c":["67240.10000","0.00052000"],"v":["1204.50321874","2950.77418234"],"p":["66986.36934","66821.19045"],"t":[31254,72119],"l":["66210.00000","66010.10000"],"h":["67500.00000","67500.00000"],"o":"66550.30000"}}}"#;
/// `GET https://api.binance.com/api/v3/ticker/24hr?symbol=ETHUSDT` (abridged)
const BINANCE_24H_SAMPLE: &str = "{\n  \"symbol\": \"ETHUSDT\",\n  \"priceChange\": \"-94.99999800\",\n  \"priceChangePercent\": \"-2.980\",\n  \"lastPrice\": \"3091.41000000\",\n  \"volume\": \"431236.14380000\",\n  \"count\": 1833121\n}\n";

fn read(sample: &str, path: &str) -> Price {
	let doc = json::parse(sample.as_bytes()).unwrap();
	json::to_price(json::select(&doc, path).unwrap(), 0).unwrap()
}

#[test]
fn recorded_exchange_answers_parse_exactly() {
	assert_eq!(read(BINANCE_SAMPLE, "price"), p("67234.51"));
	assert_eq!(read(COINBASE_SAMPLE, "data.amount"), p("67236.215"));
	assert_eq!(read(KRAKEN_SAMPLE, "result.XXBTZUSD.c.0"), p("67240.1"));
	assert_eq!(read(KRAKEN_SAMPLE, "result.XXBTZUSD.a.0"), p("67240.1"));
	assert_eq!(read(BINANCE_24H_SAMPLE, "lastPrice"), p("3091.41"));
	assert_eq!(p("67234.51").into_inner(), 67_234_510_000_000_000_000_000);
	// Wrong paths lead nowhere; they are never read as zero.
	let doc = json::parse(KRAKEN_SAMPLE.as_bytes()).unwrap();
	assert_eq!(json::select(&doc, "result.XXBTZUSD.c.2"), None);
	assert_eq!(json::select(&doc, "result.XBTUSD.c.0"), None);
	// An array or the count is no price.
	assert!(json::to_price(json::select(&doc, "result.XXBTZUSD.c").unwrap(), 0).is_err());
}

#[test]
fn the_worker_reads_recorded_answers() {
	let mut env = Env::new();
	env.serve(BINANCE, ok(BINANCE_SAMPLE));
	env.serve(COINBASE, ok(COINBASE_SAMPLE));
	env.serve(KRAKEN, ok(KRAKEN_SAMPLE));
	env.run_worker(1);
	assert_eq!(one_feed(&env), vec![(BTC, p("67236.215"))]);
}

#[test]
fn median_and_deviation() {
	let prices = |v: &[u32]| v.iter().map(|x| Price::from_u32(*x)).collect::<Vec<_>>();
	assert_eq!(ocw::median(&mut []), None);
	assert_eq!(ocw::median(&mut prices(&[5])), Some(Price::from_u32(5)));
	assert_eq!(ocw::median(&mut prices(&[9, 1, 5])), Some(Price::from_u32(5)));
	assert_eq!(ocw::median(&mut prices(&[9, 1, 4, 5])), Some(p("4.5")));
	assert_eq!(
		ocw::deviation(Price::from_u32(110), Price::from_u32(100)),
		Permill::from_percent(10)
	);
	assert_eq!(
		ocw::deviation(Price::from_u32(90), Price::from_u32(100)),
		Permill::from_percent(10)
	);
	assert_eq!(ocw::deviation(Price::from_u32(1), Price::zero()), Permill::one());
	assert_eq!(ocw::show(p("60000.50")), "60000.5");
	assert_eq!(ocw::show(Price::from_u32(7)), "7");
	assert_eq!(ocw::show(p("0.000000000000000001")), "0.000000000000000001");
	assert_eq!(ocw::sources_key(1), b"price-feed::sources::1".to_vec());
	assert_eq!(ocw::last_key(12), b"price-feed::last::12".to_vec());
}

// ---- governance, genesis, status ----

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::PriceFeed(e) => Some(e),
			_ => None,
		})
		.collect()
}

#[test]
fn genesis_sets_params_and_sources() {
	let mut env = Env::new();
	env.ext.execute_with(|| {
		assert_eq!(Params::<Test>::get(BTC), Some(btc_params()));
		assert_eq!(Sources::<Test>::get(BTC).into_inner(), btc_sources());
		assert_eq!(Params::<Test>::count(), 1);
		PriceFeed::do_try_state().unwrap();
	});
}

#[test]
fn governance_sets_params_and_sources() {
	let mut env = Env::new();
	let alice = env.alice;
	env.ext.execute_with(|| {
		let eth = FeedParams { min_sources: 1, ..btc_params() };
		assert_noop!(
			PriceFeed::set_params(RuntimeOrigin::signed(alice), ETH, eth),
			DispatchError::BadOrigin
		);
		let sources: BoundedVec<Source, _> =
			BoundedVec::truncate_from(vec![Source::new(ETH_URL, "price", 0).unwrap()]);
		assert_noop!(
			PriceFeed::set_sources(RuntimeOrigin::root(), ETH, sources.clone()),
			Error::<Test>::UnknownAsset
		);
		assert_ok!(PriceFeed::set_params(RuntimeOrigin::root(), ETH, eth));
		assert_ok!(PriceFeed::set_sources(RuntimeOrigin::root(), ETH, sources));
		assert_eq!(
			events(),
			vec![
				Event::ParamsSet { asset: ETH, params: eth },
				Event::SourcesSet { asset: ETH, count: 1 }
			]
		);
		assert_ok!(PriceFeed::set_sources(RuntimeOrigin::root(), ETH, BoundedVec::new()));
		assert!(!Sources::<Test>::contains_key(ETH));
		assert_ok!(PriceFeed::remove_asset(RuntimeOrigin::root(), ETH));
		assert!(Params::<Test>::get(ETH).is_none());
		assert_noop!(
			PriceFeed::remove_asset(RuntimeOrigin::root(), ETH),
			Error::<Test>::UnknownAsset
		);
		PriceFeed::do_try_state().unwrap();
	});
}

#[test]
fn invalid_settings_are_refused() {
	let mut env = Env::new();
	env.ext.execute_with(|| {
		let set = |p: FeedParams| PriceFeed::set_params(RuntimeOrigin::root(), ETH, p);
		let b = btc_params();
		assert_noop!(set(FeedParams { min_sources: 0, ..b }), Error::<Test>::ZeroMinSources);
		assert_noop!(set(FeedParams { min_interval: 0, ..b }), Error::<Test>::ZeroInterval);
		assert_noop!(set(FeedParams { heartbeat: 0, ..b }), Error::<Test>::ZeroHeartbeat);
		let bad = |url: &str, path: &[u8], decimals: u8| {
			let s = Source {
				url: BoundedVec::truncate_from(url.as_bytes().to_vec()),
				path: BoundedVec::truncate_from(path.to_vec()),
				decimals,
			};
			PriceFeed::set_sources(RuntimeOrigin::root(), BTC, BoundedVec::truncate_from(vec![s]))
		};
		assert_noop!(bad("ftp://x.test/a", b"p", 0), Error::<Test>::InvalidUrl);
		assert_noop!(bad("http://", b"p", 0), Error::<Test>::InvalidUrl);
		assert_noop!(bad("http://x.test/a", &[0xff], 0), Error::<Test>::InvalidPath);
		assert_noop!(bad("http://x.test/a", b"p", 37), Error::<Test>::DecimalsTooLarge);
		// MaxAssets (4) is enforced.
		for a in 10..=13 {
			OraclePrices::set_bounds(a, btc_bounds());
		}
		for a in 10..13 {
			assert_ok!(set_for(a, b));
		}
		assert_noop!(set_for(13, b), Error::<Test>::TooManyAssets);
		// Replacing an existing asset's parameters is always possible.
		assert_ok!(set_for(BTC, b));
	});
}

#[test]
fn an_unguarded_key_gets_no_feed_params() {
	let mut env = Env::new();
	env.ext.execute_with(|| {
		let unguarded = 7;
		assert_noop!(set_for(unguarded, btc_params()), Error::<Test>::UnguardedOracleKey);
		// Not even replacing the parameters of an asset whose guard was removed.
		OraclePrices::remove_bounds(BTC);
		assert_noop!(set_for(BTC, btc_params()), Error::<Test>::UnguardedOracleKey);
		// Once the key is guarded, the same parameters are taken.
		OraclePrices::set_bounds(unguarded, btc_bounds());
		assert_ok!(set_for(unguarded, btc_params()));
		assert_eq!(Params::<Test>::get(unguarded), Some(btc_params()));
	});
}

#[test]
#[should_panic(expected = "UnguardedOracleKey")]
fn genesis_refuses_an_unguarded_asset() {
	Env::with_genesis(vec![(7, btc_params(), btc_sources())]);
}

fn set_for(asset: u32, p: FeedParams) -> polkadot_sdk::sp_runtime::DispatchResult {
	PriceFeed::set_params(RuntimeOrigin::root(), asset, p)
}

#[test]
fn status_reports_age_and_staleness() {
	let mut env = Env::new();
	env.ext.execute_with(|| {
		let s = PriceFeed::status(BTC).unwrap();
		assert_eq!((s.latest, s.stale, s.max_age, s.sources), (None, true, 60_000, 3));
		assert_eq!((s.heartbeat, s.late), (60_000, true));
		assert_eq!(PriceFeed::status(ETH), None);
	});
	env.feed_on_chain(BTC, Price::from_u32(60_000));
	env.ext.execute_with(|| {
		let s = PriceFeed::status(BTC).unwrap();
		assert_eq!(s.latest.unwrap().price, Price::from_u32(60_000));
		assert_eq!((s.age, s.stale), (Some(0), false));
		MockTime::set(1_000_000 + 60_000);
		assert!(!PriceFeed::status(BTC).unwrap().stale);
		MockTime::set(1_000_000 + 60_001);
		let s = PriceFeed::status(BTC).unwrap();
		assert_eq!((s.age, s.stale), (Some(60_001), true));
		assert!(s.late);
		assert_eq!(PriceFeed::statuses(), vec![s]);
		// The maximum age is the guard's; the heartbeat the feed's.
		OraclePrices::set_bounds(BTC, PriceBounds { max_age: 120_000, ..btc_bounds() });
		let s = PriceFeed::status(BTC).unwrap();
		assert_eq!((s.max_age, s.stale, s.heartbeat, s.late), (120_000, false, 60_000, true));
		// Without a guard, no price is fresh.
		MockTime::set(1_000_000);
		OraclePrices::remove_bounds(BTC);
		let s = PriceFeed::status(BTC).unwrap();
		assert_eq!(
			(s.latest.unwrap().price, s.age, s.max_age, s.stale),
			(Price::from_u32(60_000), Some(0), 0, true)
		);
	});
}
