//! Prints the SHA-256 of each argument (or of standard input), like `sha256sum`.

use std::io::Read;

fn hex(data: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        let mut input = Vec::new();
        std::io::stdin().read_to_end(&mut input).expect("read stdin");
        println!("{}  -", hex(&input));
    }
    for arg in args {
        println!("{}  {arg}", hex(arg.as_bytes()));
    }
}
