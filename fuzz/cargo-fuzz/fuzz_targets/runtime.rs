//! Random block sequences against the real runtime, every invariant after every block
//! (`ballast_fuzz::run`). A broken invariant or a panic is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
	if let Err(finding) = ballast_fuzz::run(data) {
		panic!("{finding}");
	}
});
