"""Write the test vectors of chapter 02 from CPython's own `random` module.

usage: python3 scripts/make-random-fixtures.py      (writes tests/fixtures/random/*.json)

tests/02-randomness.test.ts checks lib/random against these files. Every file is plain JSON:
a float printed by Python's repr() and parsed by JavaScript gives back the very same double,
so the tests may compare exactly. Re-running the script must give identical files.
"""
import json
import math
import os
import random
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "random")


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def write(name, data):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        # one key a line, and one line per item of a list of lists or objects: readable diffs, small files
        f.write("{\n")
        items = list(data.items())
        for i, (key, value) in enumerate(items):
            sep = "," if i < len(items) - 1 else ""
            if isinstance(value, list) and value and isinstance(value[0], (list, dict)):
                rows = ",\n  ".join(compact(v) for v in value)
                f.write(f"{json.dumps(key)}: [\n  {rows}\n]{sep}\n")
            else:
                f.write(f"{json.dumps(key)}: {compact(value)}{sep}\n")
        f.write("}\n")
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path):,} bytes)")


def streams():
    """The first 10,000 random() of a few seeds, one of them a key of one word, two of two words."""
    out = {}
    for seed in [0, 42, 2**32 + 5, 2**53 - 1]:
        rng = random.Random(seed)
        out[str(seed)] = [rng.random() for _ in range(10_000)]
    return out


def gauss():
    rng = random.Random(42)
    return {"seed": 42, "mu": 0, "sigma": 0.08, "values": [rng.gauss(0, 0.08) for _ in range(10_000)]}


def shuffles():
    """One generator shuffles [0..n) for n = 1, 2, ..., 1000, in that order."""
    rng = random.Random(42)
    perms = []
    for n in range(1, 1001):
        x = list(range(n))
        rng.shuffle(x)
        perms.append(x)
    return {"seed": 42, "perms": perms}


def choices():
    """10,000 weighted draws over varied populations and kinds of weights, from one generator."""
    maker = random.Random(7)  # only builds the weights; they are stored, so JavaScript needs no copy of it
    rng = random.Random(42)
    cases = []
    sizes = [1, 2, 3, 5, 10, 27, 28, 100, 1000]
    draws = 0
    i = 0
    while draws < 10_000:
        n = sizes[i % len(sizes)]
        kind = (i // len(sizes)) % 4
        if kind == 0:  # uniform floats
            w = [maker.random() for _ in range(n)]
        elif kind == 1:  # a softmax at temperature 0.5, as microGPT samples
            logits = [maker.gauss(0, 1) / 0.5 for _ in range(n)]
            m = max(logits)
            e = [math.exp(l - m) for l in logits]
            total = sum(e)
            w = [v / total for v in e]
        elif kind == 2:  # small integers, some zero
            w = [maker.randrange(0, 4) for _ in range(n)]
            if sum(w) == 0:
                w[-1] = 1
        else:  # widely spread magnitudes
            w = [10 ** maker.uniform(-12, 3) for _ in range(n)]
        k = min(1 if i % 3 == 0 else 57, 10_000 - draws)
        indices = rng.choices(range(n), weights=w, k=k)
        cases.append({"weights": w, "k": k, "indices": indices})
        draws += k
        i += 1
    return {"seed": 42, "cases": cases}


def integers():
    """getrandbits(k) for every k from 0 to 53, and randbelow(n) for small, odd and huge n (through randrange)."""
    rng = random.Random(42)
    bits = []
    for _ in range(20):
        for k in range(54):
            bits.append([k, rng.getrandbits(k)])
    below = []
    ns = [1, 2, 3, 5, 7, 10, 27, 100, 255, 256, 257, 1000, 2**31 - 1, 2**31, 2**31 + 1,
          2**32 - 1, 2**32, 2**32 + 1, 10**12, 2**52 + 1, 2**53 - 1, 2**53]
    for _ in range(20):
        for n in ns:
            below.append([n, rng.randrange(n)])  # randrange(n) is _randbelow(n)
    return {"seed": 42, "getrandbits": bits, "randbelow": below}


def main():
    if sys.version_info < (3, 2):
        sys.exit("needs Python 3.2 or later (the version-2 seeding and _randbelow)")
    os.makedirs(OUT, exist_ok=True)
    write("random.json", streams())
    write("gauss.json", gauss())
    write("shuffle.json", shuffles())
    write("choices.json", choices())
    write("integers.json", integers())


if __name__ == "__main__":
    main()
