"""Python's multiprocessing.Pool (fork start method) doing what pool.bench.ts
measures of ours. One sample of one scenario per command, printed as JSON.

pool.bench.ts runs it as a server, so that its pools, like ours, live for the
whole bench and no process start is inside a timed span:

    python3 pool.py serve        # reads one JSON command a line on stdin, answers one JSON line

    {"op": "rt", "processes": 2, "n": 2000}       # `pool.apply(ident, (i,))` one after the other: us per task
    {"op": "burst", "processes": 2, "n": 20000}   # `apply_async` x n, then get() each: tasks/s
    {"op": "map", "processes": 2, "n": 10000000, "chunksize": null}   # `pool.map(ident, items[, chunksize])`: items/s
    {"op": "cpu", "processes": 2, "n": 2000, "k": 3000}   # n tasks `factorial(k)` (apply_async, get): tasks/s
    {"op": "inline-cpu", "n": 200, "k": 3000}     # factorial(k) in this process, no pool: ms per job

A pool of each size is made on first use and kept; the items of `map` are built
before the clock starts and kept for the next sample of the same size. The same
commands run once from the command line (a pool made, warmed up, measured):

    python3 pool.py burst --processes 2 --n 20000
"""
import argparse
import json
import multiprocessing as mp
import sys
import time

ctx = mp.get_context("fork")


def ident(x):
    """The no-op task: returns its argument."""
    return x


def factorial(n):
    """The CPU job of fixtures/pool-tasks.mjs, the same loop: n! by int products, low 24 bits."""
    product = 1
    for k in range(2, n + 1):
        product *= k
    return product & 0xFFFFFF


class Bench:
    def __init__(self):
        self.pools = {}
        self.items = {}

    def pool(self, processes):
        pool = self.pools.get(processes)
        if pool is None:
            pool = self.pools[processes] = ctx.Pool(processes)
            pool.map(ident, range(processes * 4), chunksize=1)  # every worker up
        return pool

    def items_of(self, n):
        if n not in self.items:
            self.items.clear()  # one list at a time: 10 M ints are ~400 MB
            self.items[n] = list(range(n))
        return self.items[n]

    def rt(self, cmd):
        pool, n = self.pool(cmd["processes"]), cmd["n"]
        t0 = time.perf_counter()
        for i in range(n):
            if pool.apply(ident, (i,)) != i:
                raise RuntimeError(f"rt: wrong result for {i}")
        return {"usPerTask": (time.perf_counter() - t0) * 1e6 / n}

    def burst(self, cmd):
        pool, n = self.pool(cmd["processes"]), cmd["n"]
        t0 = time.perf_counter()
        pending = [pool.apply_async(ident, (i,)) for i in range(n)]
        results = [r.get() for r in pending]
        elapsed = time.perf_counter() - t0
        if results[-1] != n - 1:
            raise RuntimeError("burst: wrong results")
        return {"tasksPerSecond": n / elapsed}

    def map(self, cmd):
        pool, items = self.pool(cmd["processes"]), self.items_of(cmd["n"])
        chunksize = cmd.get("chunksize")
        t0 = time.perf_counter()
        results = pool.map(ident, items, chunksize) if chunksize else pool.map(ident, items)
        elapsed = time.perf_counter() - t0
        if len(results) != len(items) or results[-1] != items[-1]:
            raise RuntimeError("map: wrong results")
        return {"itemsPerSecond": len(items) / elapsed}

    def cpu(self, cmd):
        pool, n, k = self.pool(cmd["processes"]), cmd["n"], cmd["k"]
        t0 = time.perf_counter()
        pending = [pool.apply_async(factorial, (k,)) for _ in range(n)]
        results = [r.get() for r in pending]
        elapsed = time.perf_counter() - t0
        if len(set(results)) != 1:
            raise RuntimeError("cpu: results differ")
        return {"tasksPerSecond": n / elapsed}

    def inline_cpu(self, cmd):
        n, k = cmd["n"], cmd["k"]
        t0 = time.perf_counter()
        for _ in range(n):
            factorial(k)
        return {"msPerJob": (time.perf_counter() - t0) * 1e3 / n}

    def run(self, cmd):
        return getattr(self, cmd["op"].replace("-", "_"))(cmd)

    def close(self):
        for pool in self.pools.values():
            pool.close()
            pool.join()


def answer(metrics):
    version = ".".join(map(str, sys.version_info[:3]))
    sys.stdout.write(json.dumps({"python": version, "metrics": metrics}) + "\n")
    sys.stdout.flush()


def serve():
    bench = Bench()
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                answer(bench.run(json.loads(line)))
            except Exception as error:  # reported to the Node side, which stops the bench
                sys.stdout.write(json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n")
                sys.stdout.flush()
    finally:
        bench.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("op", choices=["serve", "rt", "burst", "map", "cpu", "inline-cpu"])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--chunksize", type=int, default=None)
    parser.add_argument("--k", type=int, default=3000)
    opts = parser.parse_args()
    if opts.op == "serve":
        return serve()
    bench = Bench()
    try:
        cmd = {"op": opts.op, "processes": opts.processes, "n": opts.n, "chunksize": opts.chunksize, "k": opts.k}
        bench.run(cmd)  # warm-up
        answer(bench.run(cmd))
    finally:
        bench.close()


if __name__ == "__main__":
    main()
