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


def seeds_and_states():
    """getstate() right after seeding with big seeds (decimal text), and at points along one stream.

    A state is CPython's (version, 624 words + position, gauss_next); the words right after seeding
    check init_by_array completely. 3**13000 has 644 words, a key longer than the table.
    """
    seeds = [0, 42, -42, 2**53, 2**53 + 1, 2**64 + 1, 10**30, -(10**30), 3**13000]
    seeded = []
    for seed in seeds:
        rng = random.Random(seed)
        version, internal, gauss_next = rng.getstate()
        seeded.append({"seed": str(seed), "version": version, "internal": list(internal),
                       "gauss_next": gauss_next, "random": [rng.random() for _ in range(5)]})
    rng = random.Random(42)
    along = []
    steps = [("random", 0), ("random", 1000), ("gauss", 1), ("gauss", 1), ("gauss", 1), ("random", 700)]
    for what, count in steps:
        for _ in range(count):
            if what == "gauss":
                rng.gauss(0, 1)
            else:
                rng.random()
        version, internal, gauss_next = rng.getstate()
        after = random.Random()
        after.setstate(rng.getstate())
        along.append({"after": [what, count], "version": version, "internal": list(internal),
                      "gauss_next": gauss_next, "next": [after.gauss(0, 1), after.random(), after.random()]})
    return {"seeded": seeded, "along_seed": 42, "along": along}


def main():
    if sys.version_info < (3, 2):
        sys.exit("needs Python 3.2 or later (the version-2 seeding and _randbelow)")
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)  # the seed 3**13000 is written as 6,203 digits
    os.makedirs(OUT, exist_ok=True)
    write("random.json", streams())
    write("gauss.json", gauss())
    write("shuffle.json", shuffles())
    write("choices.json", choices())
    write("integers.json", integers())
    write("state.json", seeds_and_states())


if __name__ == "__main__":
    main()
