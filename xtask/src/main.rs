fn main() { println!("usage: cargo xtask import-spec"); }
