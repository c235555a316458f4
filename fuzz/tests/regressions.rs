//! Every input the fuzzers found a crash or a broken invariant with, minimised, replayed
//! against the runtime: each must now run clean (`ballast_fuzz::run`). Add new ones at the end
//! with what they found and what fixed it.

#![allow(clippy::unwrap_used, clippy::panic)]

use ballast_fuzz::{driver::hooks_cover_the_runtime, from_hex, run};

/// `(what it found → what fixed it, minimised input as hex)`.
const REGRESSIONS: &[(&str, &str)] = &[
(
	"the deterministic sweep (seed 0xba11a57, input 142): a global settlement's full closes of \
	 healthy positions read as 'the sweep touched a healthy account' → check 5 exempts positions \
	 closed in full while the settlement is not live",
	concat!(
		"cb06973d33af05bdf0863ad01337d221eb307221bf6ee7e6e24f50a485f818f46dc7e638cac96bc0ff4c7c5e",
		"1cd74edfde137394467e6ad24d69de8c4e43b2fa6bf6dce7c9ee3cc4b497543395de6528bce9d770e45c1c9a",
		"3980a04848c5639c607c06518fbaedec889cbf4c9cc7f5cfa325a9068a5ecf8b3476ed429a70b76a7200e128",
		"b13ad52e9a9a3fe0edfbdeab69551fcf1a02a7ecb8e207c72f78e0869f4133b4e36ccaaa134de45f86b60120",
		"2d3dd9a7a89254e63acb07bf86e316ad6e4e02296e2fe956262dc0ac8939096f4acf73c8a9432c5da86f6fd8",
		"a50e7177657c30d462b3156538f76a717e3eac2bfa8e8a92a270aca15806def73685b5428c5d04fa691c5fec",
		"29a57b3244e70e5c6bf72747aaa597513ab9c11850a806860d48c0011029b2adf46045212061344746a77326",
		"b432acf64ea3cb361b485f52263c0f0b29e8a2bd83bbc94cf6c12c8c",
	),
), (
	"the random campaign of stop 27 (BALLAST_FUZZ_SEEDS=1016, input 6918; not minimised, its \
	 minimal form is the liquidation pallet's test dust_remainder_take_is_cut_so_no_lot_is_swept_\
	 to_the_bidder): a take of 7 units of a lot just above the asset's minimum balance made the \
	 asset pallet close the auction account and destroy the rest of the lot ('auction lots not \
	 held') → a take is cut to leave the lot empty or at least the minimum balance, no lot below \
	 it is seized, and the account closes only with its last lot",
	concat!(
		"1cfc055f6be744ea25a34da2c5eb12f25bdb4a18c45561d01ce6a28a6a41bbf3f478e90f4f9a97f3775892b4",
		"fe89f0001d5d62895ad5ac1edf3aaaf354b47aa2ef3170b25ada2cc2ce40456688d7a2a9f7bc2a4aecf6bf41",
		"b77e4f2b2adc6988fa99a3fc797fb6b16970840fb7021028d229103865f6839bd7358b265d0e04490b2b3f5a",
		"6e8e58a5ed8d1c0173ab27cd9a2e4437d36e93ec499eb54f92c220812f62a68c8d1d4b4ba9428b2561ad70dd",
		"9e45fc25242275099d3bd9db2dcda827c3775554766d5626e99cf466a10ba8f6f6b63bb4e53d999d8abf05e2",
		"d7d65b5e4c9ed6d523ab917479dc824dcb01c1c2332ec81e4c1062e4697aa0f6c938342b43629e60593bf885",
		"65fe9ef2643807007405086c30a0e96e91c1daa8b01056bca7bb80b20b75bfc30b6c7e257dcb61528666da32",
		"136a78f559b88b4e7a66864361ba901740d79a1ec9fe0a7782c605cde4c0b6b0e26e0b70cda6d66de6e014e7",
		"3404bd854944f2a0e0002c301cb56e42aa9deb1b987d641285eba0d88d0510b5ed1dd573b2a5745a81ce432a",
		"38d7a9fa5dbc53ae3481520a699aaffa6365567fd48824fbc74f7346fa28220e12fc1e9b9067c18a6422bdc5",
		"0eebe212af40f2819789c3bb8a78011bebcc0677647b568a757ea97d5a5aee99f217ba38ae126cab67affd77",
		"9955684f3068a4457af727962c9b8a03df016bd2d716e6d153c00397685f6309ef5cf80a7d6534599c506368",
		"feba9bae2009b71c893b3fabb67b75d3cc114700b9c5f4b4262656168c0020377caafd1ae1c687c4aec20e9a",
		"1e6c064ac691eb628ee9a4f78883e395c9c65ac8816542753e9992876d81c6f64d05fb53524eb403f544544b",
		"a4bd04aa35e055d1b28fd4d91383b9130e4d9826a7a6a7feec64fd7a4ef6bc7f133c57400f83bec4f231ed83",
		"7d42b9c58e619818b0791e1ca5e70a07a4ec60b499ff79be627d53974cf1388c8848a9316c6a21a0efc174c3",
		"bf89a31d326aec9656be37c36a70fc704bfaf7441f7c1fe89526e054e4b5af2288a5bf33b6",
	),
)];

#[test]
fn regressions_run_clean() {
	for (what, hex) in REGRESSIONS {
		if let Err(finding) = run(&from_hex(hex)) {
			panic!("regression `{what}` is back: {finding}");
		}
	}
}

/// The empty input and a few degenerate ones run no block and find nothing.
#[test]
fn degenerate_inputs_run_clean() {
	for input in [&[][..], &[0], &[0xFF; 4], &[0xFF; 64]] {
		if let Err(finding) = run(input) {
			panic!("{input:?}: {finding}");
		}
	}
}

/// The driver runs every pallet's hooks: its lists around the sweep are exactly the runtime's
/// pallets, in declaration order.
#[test]
fn the_driver_runs_every_pallets_hooks() {
	if let Err(e) = hooks_cover_the_runtime() {
		panic!("{e}");
	}
}
