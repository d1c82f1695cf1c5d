"""Parse the report of GNU `/usr/bin/time -v` (shared by the bench scripts)."""
import re


def timev(path):
    """User, system and wall seconds and peak RSS (MB) from a `time -v -o PATH` report."""
    txt = open(path).read()
    g = lambda pat: float(re.search(pat, txt).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.+)", txt).group(1).strip()
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    return {"user_s": g(r"User time \(seconds\): ([\d.]+)"), "sys_s": g(r"System time \(seconds\): ([\d.]+)"),
            "wall_s": secs, "peak_rss_mb": round(g(r"Maximum resident set size \(kbytes\): (\d+)") / 1024, 1)}
