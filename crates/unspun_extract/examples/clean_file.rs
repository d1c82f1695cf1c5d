//! Clean plain-text files and print the verdict per line.
//!
//! Usage: `clean_file [--host HOST] FILE...`. All files are counted into one [`HostLineStats`]
//! (under `--host` if given) before cleaning, as a corpus run would.
use unspun_extract::{explain_plain, HostLineStats};

fn main() -> std::io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let host = match args.iter().position(|a| a == "--host") {
        Some(i) if i + 1 < args.len() => {
            let h = args.remove(i + 1);
            args.remove(i);
            Some(h)
        }
        _ => None,
    };
    let texts: Vec<String> = args.iter().map(std::fs::read_to_string).collect::<Result<_, _>>()?;
    let mut stats = HostLineStats::new();
    for t in &texts {
        stats.add_document(host.as_deref(), t);
    }
    for (path, t) in args.iter().zip(&texts) {
        println!("#### {path}");
        for l in explain_plain(&stats, host.as_deref(), t) {
            println!("{l}");
        }
    }
    Ok(())
}
