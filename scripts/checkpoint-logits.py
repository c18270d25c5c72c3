"""Read a microgpt checkpoint with safetensors and NumPy, and compute logits with a forward pass.

usage: python scripts/checkpoint-logits.py CHECKPOINT [TOKEN ...]

Prints {"tokens": [...], "logits": [[...], ...]}: for each position, the logits of the token after
it. Without TOKEN ids the sequence is BOS alone. The forward pass is the model of chapter 5 in
NumPy, written from the book's description (tests/10-keeping-a-model.test.ts checks it against
the TypeScript model within a relative 1e-12), so it shows that the file alone is enough to use
the model: the weights by their names, the configuration and vocabulary in the metadata.
"""
import json
import sys

import numpy as np
from safetensors import safe_open


def load(path):
    with safe_open(path, framework="numpy") as f:
        meta = f.metadata() or {}
        if meta.get("format") != "microgpt":
            sys.exit(f"{path}: not a microgpt checkpoint")
        weights = {name: f.get_tensor(name) for name in f.keys() if not name.startswith("adam.")}
    return json.loads(meta["config"]), json.loads(meta["vocab"]), weights


def rmsnorm(x):
    return x * (np.dot(x, x) / len(x) + 1e-5) ** -0.5


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def forward(config, w, tokens):
    """The logits after each token of `tokens`, read from position 0 on."""
    n_embd, n_head, n_layer = config["n_embd"], config["n_head"], config["n_layer"]
    head = n_embd // n_head
    lm_head = w["wte"] if config["tie_weights"] else w["lm_head"]
    keys = [[] for _ in range(n_layer)]
    values = [[] for _ in range(n_layer)]
    out = []
    for pos, token in enumerate(tokens):
        x = w["wte"][token] + w["wpe"][pos % config["block_size"]]
        if config["embed_norm"]:
            x = rmsnorm(x)
        for i in range(n_layer):
            p = f"layer{i}."
            residual = x
            x = rmsnorm(x)
            q = w[p + "attn_wq"] @ x
            keys[i].append(w[p + "attn_wk"] @ x)
            values[i].append(w[p + "attn_wv"] @ x)
            K, V = np.array(keys[i]), np.array(values[i])
            attended = np.empty(n_embd)
            for h in range(n_head):
                s = slice(h * head, (h + 1) * head)
                weights = softmax(K[:, s] @ q[s] / head**0.5)
                attended[s] = weights @ V[:, s]
            x = w[p + "attn_wo"] @ attended + residual
            residual = x
            x = np.maximum(w[p + "mlp_fc1"] @ rmsnorm(x), 0)
            if config["activation"] == "relu2":
                x = x**2
            x = w[p + "mlp_fc2"] @ x + residual
        out.append(lm_head @ x)
    return out


def main(argv):
    if len(argv) < 1:
        sys.exit(__doc__.strip().splitlines()[2])
    config, chars, weights = load(argv[0])
    bos = len(chars) if config["special_tokens"] == "bos" else 0
    tokens = [int(t) for t in argv[1:]] or [bos]
    logits = forward(config, weights, tokens)
    json.dump({"tokens": tokens, "logits": [row.tolist() for row in logits]}, sys.stdout)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
