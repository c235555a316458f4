//! Replay one fuzz input against the runtime, printing every block and call with its result,
//! then the finding (if any): `cargo run --release -p ballast-fuzz --example replay -- FILE`
//! (`make fuzz-replay INPUT=FILE`). FILE holds raw bytes (a libFuzzer artifact or corpus
//! entry) or hex (a regression input).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

fn main() {
	let path = std::env::args().nth(1).expect("usage: replay FILE");
	let raw = std::fs::read(&path).expect("readable input");
	let text = std::str::from_utf8(&raw).ok().map(str::trim);
	let data = match text {
		Some(t)
			if !t.is_empty() && t.len() % 2 == 0 && t.bytes().all(|c| c.is_ascii_hexdigit()) =>
		{
			ballast_fuzz::from_hex(t)
		},
		_ => raw,
	};
	match ballast_fuzz::run_verbose(&data) {
		Ok(stats) => println!("no finding: {stats:?}"),
		Err(finding) => {
			println!("FINDING {finding}");
			std::process::exit(1);
		},
	}
}
