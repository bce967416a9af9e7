"""Python's multiprocessing Pipe (fork start method) doing what pipe-sizes.bench.ts
measures of ours: messages of one size echoed by a child, as round trips (1 in
flight) and pipelined (up to `window` unanswered: a sender thread, the main
thread receiving). One sample per run, printed as JSON:

    python3 pipe_sizes.py --size 1024 --rt 2000 --pl 20000 --window 256
    -> {"python": "3.11.7", "metrics": {"usPerRoundTrip": ..., "perSecond": ...}}
"""
import argparse
import json
import multiprocessing as mp
import sys
import threading
import time

ctx = mp.get_context("fork")


def echo(conn, other_end):
    other_end.close()  # the parent's end, inherited by fork: else its close would never reach us as EOF
    while True:
        try:
            message = conn.recv_bytes()
        except EOFError:
            break
        conn.send_bytes(message)
    conn.close()


def round_trips(conn, payload, n):
    t0 = time.perf_counter()
    for _ in range(n):
        conn.send_bytes(payload)
        if len(conn.recv_bytes()) != len(payload):
            raise RuntimeError("round trip: wrong length")
    return (time.perf_counter() - t0) * 1e6 / n


def pipelined(conn, payload, n, window):
    credits = threading.Semaphore(window)

    def send_all():
        for _ in range(n):
            credits.acquire()
            conn.send_bytes(payload)

    sender = threading.Thread(target=send_all)
    t0 = time.perf_counter()
    sender.start()
    for _ in range(n):
        if len(conn.recv_bytes()) != len(payload):
            raise RuntimeError("pipelined: wrong length")
        credits.release()
    elapsed = time.perf_counter() - t0
    sender.join()
    return n / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--rt", type=int, required=True)
    parser.add_argument("--pl", type=int, required=True)
    parser.add_argument("--window", type=int, default=256)
    opts = parser.parse_args()
    parent, child = ctx.Pipe()
    p = ctx.Process(target=echo, args=(child, parent))
    p.start()
    child.close()
    payload = bytes([7]) * opts.size
    round_trips(parent, payload, 3)  # the child is up
    metrics = {
        "usPerRoundTrip": round_trips(parent, payload, opts.rt),
        "perSecond": pipelined(parent, payload, opts.pl, opts.window),
    }
    parent.close()
    p.join()
    if p.exitcode != 0:
        raise RuntimeError("the echo child failed")
    json.dump({"python": sys.version.split()[0], "metrics": metrics}, sys.stdout)


if __name__ == "__main__":
    main()
