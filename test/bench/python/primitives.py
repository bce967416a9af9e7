"""Python's multiprocessing (fork start method) doing what primitives.bench.ts
measures of ours: one sample of one scenario per run, printed as JSON, so that
the Node side can interleave it with its own contestants.

    python3 primitives.py queue --n 10000        # mp.Queue, producer process -> consumer process: items/s
    python3 primitives.py pipe-rt --n 5000       # Pipe send/recv round trip with a child echoing: us
    python3 primitives.py bulk --count 256 --size 1048576   # send_bytes stream child -> parent: MiB/s
    python3 primitives.py bulk --count 256 --size 1048576 --into   # the same into one reused buffer (recv_bytes_into)
    python3 primitives.py lock --m 200000 --child-m 200000 --seconds 0.5
        # `with lock: pass` in-process and in a child (us per pair), and 2 processes contending
        # (pairs/s, and hand-offs/s: acquisitions that took the lock from the other process)

Times that cross processes are time.time() (wall clock), as on the Node side.
"""
import argparse
import json
import multiprocessing as mp
import sys
import time

ctx = mp.get_context("fork")


# --- Queue: one-way throughput between two children ---------------------------------


def produce(queue, n, results):
    t0 = time.time()
    for i in range(n):
        queue.put({"i": i, "tag": "x"})
    results.put(("t0", t0))
    # The process exits once its feeder thread has written every item to the pipe.


def consume(queue, n, results):
    for i in range(n):
        item = queue.get()
        if item["i"] != i or item["tag"] != "x":
            raise RuntimeError(f"consume: expected item {i}, got {item!r}")
    results.put(("t1", time.time()))


def bench_queue(opts):
    queue, results = ctx.Queue(), ctx.Queue()
    consumer = ctx.Process(target=consume, args=(queue, opts.n, results))
    producer = ctx.Process(target=produce, args=(queue, opts.n, results))
    consumer.start()
    producer.start()
    times = dict([results.get(), results.get()])
    producer.join()
    consumer.join()
    if producer.exitcode != 0 or consumer.exitcode != 0:
        raise RuntimeError("queue: a child failed")
    return {"itemsPerSecond": opts.n / (times["t1"] - times["t0"])}


# --- Pipe: round trip with a child echoing --------------------------------------------


def echo(conn, n):
    for _ in range(n):
        conn.send(conn.recv())
    conn.close()


def bench_pipe_rt(opts):
    parent, child = ctx.Pipe()
    p = ctx.Process(target=echo, args=(child, opts.n + 1))
    p.start()
    child.close()
    parent.send({"id": -1, "name": "x", "args": [1, 2, 3]})  # the child is up
    parent.recv()
    t0 = time.perf_counter()
    for i in range(opts.n):
        parent.send({"id": i, "name": "x", "args": [1, 2, 3]})
        message = parent.recv()
        if message["id"] != i:
            raise RuntimeError(f"pipe-rt: expected echo {i}, got {message!r}")
    elapsed = time.perf_counter() - t0
    p.join()
    return {"usPerRoundTrip": elapsed * 1e6 / opts.n}


# --- Pipe: bulk bytes child -> parent -------------------------------------------------


def stream(conn, count, size):
    buffer = bytes([7]) * size
    conn.recv()  # go
    conn.send(time.time())
    for _ in range(count):
        conn.send_bytes(buffer)
    conn.close()


def bench_bulk(opts):
    parent, child = ctx.Pipe()
    p = ctx.Process(target=stream, args=(child, opts.count, opts.size))
    p.start()
    child.close()
    parent.send("go")
    t0 = parent.recv()
    total = 0
    if opts.into:
        # recv_bytes_into: one buffer, reused, as the C floor reads
        buffer = bytearray(opts.size)
        for _ in range(opts.count):
            total += parent.recv_bytes_into(buffer)
    else:
        for _ in range(opts.count):
            total += len(parent.recv_bytes())
    t1 = time.time()
    p.join()
    if total != opts.count * opts.size:
        raise RuntimeError(f"bulk: got {total} bytes")
    return {"mibPerSecond": total / 2**20 / (t1 - t0)}


# --- Lock ------------------------------------------------------------------------------


def lock_loop(lock, m):
    t0 = time.perf_counter()
    for _ in range(m):
        with lock:
            pass
    return (time.perf_counter() - t0) * 1e6 / m


def lock_loop_child(lock, m, results):
    results.put(lock_loop(lock, m))


def lock_contend(lock, last, me, start, until, results):
    time.sleep(max(0.0, start - time.time()))
    pairs = handoffs = 0
    while True:
        with lock:
            t = time.time()
            # Inside the lock: the last holder, to count the times the lock changed process.
            if t < until and last.value != me:
                last.value = me
                handoffs += 1
        if t >= until:
            break
        pairs += 1
    results.put((pairs, handoffs))


def bench_lock(opts):
    lock, results = ctx.Lock(), ctx.Queue()
    owner = lock_loop(lock, opts.m)
    child = ctx.Process(target=lock_loop_child, args=(lock, opts.child_m, results))
    child.start()
    in_child = results.get()
    child.join()
    last = ctx.RawValue("i", -1)
    start = time.time() + 0.03
    until = start + opts.seconds
    contenders = [ctx.Process(target=lock_contend, args=(lock, last, me, start, until, results)) for me in range(2)]
    for p in contenders:
        p.start()
    outcomes = [results.get() for _ in contenders]
    for p in contenders:
        p.join()
    pairs = sum(o[0] for o in outcomes)
    # The first acquisition of all is no hand-off; each later change of holder is.
    handoffs = sum(o[1] for o in outcomes) - 1
    return {
        "ownerUsPerPair": owner,
        "childUsPerPair": in_child,
        "contendedPerSecond": pairs / opts.seconds,
        "handoffsPerSecond": handoffs / opts.seconds,
        "fairness": min(o[0] for o in outcomes) / max(1, max(o[0] for o in outcomes)),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["queue", "pipe-rt", "bulk", "lock"])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--count", type=int, default=256)
    parser.add_argument("--size", type=int, default=2**20)
    parser.add_argument("--m", type=int, default=200000)
    parser.add_argument("--child-m", type=int, default=200000)
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--into", action="store_true", help="bulk: recv_bytes_into one reused buffer")
    opts = parser.parse_args()
    run = {"queue": bench_queue, "pipe-rt": bench_pipe_rt, "bulk": bench_bulk, "lock": bench_lock}[opts.scenario]
    json.dump({"python": sys.version.split()[0], "metrics": run(opts)}, sys.stdout)


if __name__ == "__main__":
    main()
