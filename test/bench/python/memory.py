"""Python's multiprocessing (fork unless said) doing what memory.bench.ts measures
of ours, read from /proc (Linux). One sample per run, printed as JSON.

    python3 memory.py idle --settle 0.3
        # the resident set (MiB) of an idle mp.Process child (fork, and spawn)
        # and of an idle mp.Pool(1) worker (fork), each after `settle` seconds
    python3 memory.py imap --n 1000000 --chunksize 100
        # a Pool(2), one task to warm it up, then n no-op tasks from a lazy iterator
        # through pool.imap(ident, items, chunksize): this process's resident set
        # before the imap and its peak (VmHWM) after it, MiB, and items/s
"""
import argparse
import json
import multiprocessing as mp
import re
import sys
import time


def status_mib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.M).group(1)) / 1024


def ident(x):
    return x


def idle(conn, other_end):
    """Says ready, then waits until the parent closes its end."""
    if other_end is not None:
        other_end.close()
    conn.send("ready")
    try:
        conn.recv()
    except EOFError:
        pass


def idle_child_mib(method, settle):
    ctx = mp.get_context(method)
    parent, child = ctx.Pipe()
    # A forked child inherits the parent's end too: it closes it, so that our close reaches it as EOF.
    p = ctx.Process(target=idle, args=(child, parent if method == "fork" else None))
    p.start()
    child.close()
    parent.recv()
    time.sleep(settle)
    rss = status_mib(p.pid, "VmRSS")
    parent.close()
    p.join()
    return rss


def pool_worker_mib(settle):
    before = {p.pid for p in mp.active_children()}
    with mp.get_context("fork").Pool(1) as pool:
        pool.apply(ident, (1,))
        time.sleep(settle)
        workers = [p.pid for p in mp.active_children() if p.pid not in before]
        return sum(status_mib(pid, "VmRSS") for pid in workers)


def bench_idle(opts):
    return {
        "forkProcessMiB": idle_child_mib("fork", opts.settle),
        "spawnProcessMiB": idle_child_mib("spawn", opts.settle),
        "forkPoolWorkerMiB": pool_worker_mib(opts.settle),
    }


def bench_imap(opts):
    with mp.get_context("fork").Pool(2) as pool:
        pool.apply(ident, (0,))
        before = status_mib("self", "VmRSS")
        t0 = time.perf_counter()
        expected = 0
        for result in pool.imap(ident, iter(range(opts.n)), opts.chunksize):
            if result != expected:
                raise RuntimeError(f"imap: result {result}, expected {expected}")
            expected += 1
        seconds = time.perf_counter() - t0
        peak = status_mib("self", "VmHWM")
    if expected != opts.n:
        raise RuntimeError(f"imap: {expected} results of {opts.n}")
    return {"beforeMiB": before, "peakMiB": peak, "itemsPerSecond": opts.n / seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", choices=["idle", "imap"])
    parser.add_argument("--settle", type=float, default=0.3)
    parser.add_argument("--n", type=int, default=1000000)
    parser.add_argument("--chunksize", type=int, default=100)
    opts = parser.parse_args()
    run = {"idle": bench_idle, "imap": bench_imap}[opts.scenario]
    json.dump({"python": sys.version.split()[0], "metrics": run(opts)}, sys.stdout)


if __name__ == "__main__":
    main()
