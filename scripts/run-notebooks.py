"""Execute chapters top to bottom with the real tslab kernel (through nbclient).

usage: python scripts/run-notebooks.py [--save-to DIR] chapters/01-....ipynb [...]
A cell error (a TypeScript compile error included) fails the run, naming the notebook and the
cell. Nothing is written back: the notebooks stay clean. --save-to DIR writes each executed
notebook to DIR (the in-page runner's test compares its outputs with them).
"""
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

CELL_TIMEOUT = 900


def run(path, save_to=None):
    started = time.time()
    nb = nbformat.read(path, as_version=4)
    current = {"index": None}

    def on_cell_execute(cell, cell_index):
        current["index"] = cell_index

    # startup_timeout: tslab compiles its first cell slowly on a busy machine (60 s is the default).
    client = NotebookClient(nb, kernel_name="tslab", timeout=CELL_TIMEOUT, startup_timeout=300,
                            resources={"metadata": {"path": os.path.dirname(path) or "."}},
                            on_cell_execute=on_cell_execute)
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        return path, None, describe(nb, current["index"], e)
    except Exception as e:  # kernel failed to start, and such
        return path, None, f"{type(e).__name__}: {e}"
    if save_to:
        os.makedirs(save_to, exist_ok=True)
        nbformat.write(nb, os.path.join(save_to, os.path.basename(path)))
    return path, time.time() - started, None


def describe(nb, index, error):
    """One paragraph: which cell failed (its index and first line) and what the kernel said."""
    if index is None:
        return f"{type(error).__name__}: {error}"
    cell = nb.cells[index]
    first = next((l for l in cell.source.splitlines() if l.strip() and not l.startswith("//|")), "")
    said = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            said.append(f"{out.get('ename', '')}: {out.get('evalue', '')}")
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            said.append(out.get("text", "").strip())
    if isinstance(error, CellTimeoutError):
        said.append(f"timed out after {CELL_TIMEOUT} s")
    message = "\n      ".join(s for s in said if s) or str(error).strip().splitlines()[-1]
    return f"cell {index} (`{first.strip()[:70]}`) failed:\n      {message}"


def main(args):
    save_to = None
    if args[:1] == ["--save-to"]:
        save_to, args = args[1], args[2:]
    paths = args
    if not paths:
        print("no notebooks to run", file=sys.stderr)
        return 1
    failed = 0
    workers = min(len(paths), max(1, min(2, os.cpu_count() or 1)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for path, seconds, error in pool.map(run, paths, [save_to] * len(paths)):
            if error is None:
                print(f"ok   {path} ({seconds:.1f} s)", flush=True)
            else:
                failed += 1
                print(f"FAIL {path}: {error}", flush=True)
    if failed:
        print(f"{failed} of {len(paths)} notebook(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
