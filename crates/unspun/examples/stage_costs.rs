//! Where the near-duplicate stage spends its time, stage by stage, on one core.
//! `cargo run --release -p unspun --example stage_costs -- FILE.jsonl`
use std::time::Instant;
use unspun_fingerprint::{shingles, winnow, LshParams, MinHasher};

fn main() {
    let path = std::env::args().nth(1).expect("usage: stage_costs FILE.jsonl");
    let docs: Vec<String> =
        unspun::io::InputReader::new(&[path], Default::default()).filter_map(Result::ok).map(|d| d.text).collect();
    let mb = docs.iter().map(String::len).sum::<usize>() as f64 / 1e6;
    let t = Instant::now();
    let toks: Vec<Vec<u64>> = docs.iter().map(|d| unspun::text::tokenize(d).iter().map(|t| t.hash).collect()).collect();
    let t_tok = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let sh: Vec<Vec<u64>> = toks.iter().map(|t| shingles(t, 5)).collect();
    let t_sh = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let sorted: Vec<Vec<u64>> = sh
        .iter()
        .map(|s| {
            let mut v = s.clone();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let t_sort = t.elapsed().as_secs_f64();
    let mh = MinHasher::new(128, 1);
    let t = Instant::now();
    let sigs: Vec<Vec<u32>> = sorted.iter().map(|s| mh.sign(s)).collect();
    let t_sig = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let lsh = LshParams { bands: 16, rows: 8 };
    let bands: usize = sigs.iter().map(|s| lsh.band_keys(s).len()).sum();
    let t_band = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let anchors: usize = sh.iter().map(|s| winnow(s, 12).len()).sum();
    let t_win = t.elapsed().as_secs_f64();
    println!("{mb:.1} MB, {} docs: tokenize {t_tok:.3}s shingle {t_sh:.3}s sort {t_sort:.3}s sign {t_sig:.3}s bands {t_band:.3}s ({bands}) winnow {t_win:.3}s ({anchors})", docs.len());
}
