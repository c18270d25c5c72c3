"""Trains one peer implementation on a job written by scripts/bench-engines.ts; prints one JSON line.

    python scripts/peers/run.py numpy|torch JOB.json [--threads N]

The job holds the configuration, the parameter layout and initial weights (the book's, so every
engine starts from the same model), and the tokens of the document of every step. Timing follows
the book's bench: the training loop alone, the time between consecutive steps recorded.
Threads default to 1: the book's engines use one core.
"""

import json
import os
import resource
import sys
import time


def main():
    args = sys.argv[1:]
    threads = "1"
    if "--threads" in args:
        i = args.index("--threads")
        threads = args[i + 1]
        del args[i : i + 2]
    if len(args) != 2 or args[0] not in ("numpy", "torch"):
        sys.exit("usage: run.py numpy|torch JOB.json [--threads N]")
    engine, job_file = args
    # Before NumPy or PyTorch load their BLAS.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = threads
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    if engine == "numpy":
        import numpy_gpt as impl
    else:
        import torch

        torch.set_num_threads(int(threads))
        import torch_gpt as impl
    with open(job_file, encoding="utf8") as f:
        job = json.load(f)
    # The peers implement the final version's model only.
    c = job["config"]
    final = {"tie_weights": False, "embed_norm": True, "activation": "relu", "crop_to_block": False,
             "backward_mode": "mean", "zero_init_out": False}
    other = [key for key, value in final.items() if c.get(key) != value]
    if other:
        sys.exit(f"run.py: the peers implement the final model only, not {', '.join(other)}")
    model = impl.create(job)
    docs = job["docs"]
    steps = job["config"]["num_steps"]
    losses, times = [], []
    cpu0 = time.process_time()
    start = last = time.perf_counter()
    for step in range(steps):
        losses.append(model.train_step(step, docs[step % len(docs)]))
        now = time.perf_counter()
        times.append((now - last) * 1000)
        last = now
    seconds = time.perf_counter() - start
    cpu_ms = (time.process_time() - cpu0) * 1000
    times.sort()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "losses": losses,
                "median": times[len(times) >> 1],
                "cpuMs": cpu_ms,
                "peakKB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


if __name__ == "__main__":
    main()
