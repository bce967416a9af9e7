"""Times multiprocessing.Process start-up (fork, spawn, forkserver) against bare
Node and Python boots, interleaved, and prints the samples as JSON (ms).

    python3 process_start.py --node /path/to/node [--reps 25] [--warmup 3]

"running" = the target wrote time.time() to a file; comparable to the parent's
time.time() before start(). Imports stay inside main() so that a 'spawn' child,
which re-imports this module, loads no more than multiprocessing needs.
"""
import multiprocessing
import os
import sys
import time


def report_running(path):
    with open(path, "w") as f:
        f.write(repr(time.time()))


def time_process(ctx, path):
    p = ctx.Process(target=report_running, args=(path,))
    t0 = time.time()
    p.start()
    p.join()
    t1 = time.time()
    if p.exitcode != 0:
        raise RuntimeError(f"{ctx.get_start_method()} child exited with {p.exitcode}")
    with open(path) as f:
        running = float(f.read())
    return {"running": (running - t0) * 1000, "join": (t1 - t0) * 1000}


def time_command(argv, first_byte=False):
    import subprocess

    t0 = time.time()
    out = subprocess.PIPE if first_byte else subprocess.DEVNULL
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out)
    result = {}
    if first_byte:
        proc.stdout.read(1)
        result["first_byte"] = (time.time() - t0) * 1000
        proc.stdout.read()
        proc.stdout.close()
    if proc.wait() != 0:
        raise RuntimeError(f"{argv} exited with {proc.returncode}")
    result["exit"] = (time.time() - t0) * 1000
    return result


def main():
    import argparse
    import json
    import statistics
    import tempfile

    parser = argparse.ArgumentParser()
    parser.add_argument("--node", required=True)
    parser.add_argument("--reps", type=int, default=25)
    parser.add_argument("--warmup", type=int, default=3)
    opts = parser.parse_args()

    path = os.path.join(tempfile.mkdtemp(prefix="multiproc-bench-"), "running")
    node_write = [opts.node, "-e", "process.stdout.write('x')"]
    contestants = [
        ("node_first_byte", lambda: time_command(node_write, first_byte=True)),
        ("node_exit", lambda: time_command([opts.node, "-e", ""])),
        ("python_exit", lambda: time_command([sys.executable, "-c", "pass"])),
    ] + [
        (method, lambda ctx=multiprocessing.get_context(method): time_process(ctx, path))
        for method in ("fork", "spawn", "forkserver")
    ]
    samples = {}
    for rep in range(opts.warmup + opts.reps):
        for name, run in contestants:
            result = run()
            if rep >= opts.warmup:
                for metric, value in result.items():
                    samples.setdefault(f"{name}.{metric}", []).append(value)
    os.remove(path)
    os.rmdir(os.path.dirname(path))
    medians = {key: statistics.median(values) for key, values in samples.items()}
    json.dump({"python": sys.version.split()[0], "reps": opts.reps, "medians": medians, "samples": samples}, sys.stdout)


if __name__ == "__main__":
    main()
