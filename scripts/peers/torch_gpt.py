"""The book's model in PyTorch (CPU, float64), for `make bench` to compare against.

Optional: used only when `torch` is importable. The forward pass works on all positions of a
document at once with a causal mask, autograd does the backward pass, and torch.optim.Adam (whose
update is the book's) runs with the book's linear learning-rate decay.
"""

import math

import torch

RMS_EPS = 1e-5


def rmsnorm(x):
    return x * (x.pow(2).mean(dim=1, keepdim=True) + RMS_EPS).rsqrt()


class TorchGPT:
    def __init__(self, job):
        cfg = job["config"]
        self.cfg = cfg
        self.E, self.H, self.L = cfg["n_embd"], cfg["n_head"], cfg["n_layer"]
        self.w = {}
        for name, rows, cols in job["layout"]:
            t = torch.tensor(job["weights"][name], dtype=torch.float64).reshape(rows, cols)
            self.w[name] = t.requires_grad_()
        self.opt = torch.optim.Adam(
            list(self.w.values()),
            lr=cfg["learning_rate"],
            betas=(cfg["beta1"], cfg["beta2"]),
            eps=cfg["eps_adam"],
            foreach=True,
        )
        block = cfg["block_size"]
        self.future = torch.triu(torch.ones(block, block, dtype=torch.bool), 1)

    def loss(self, tokens):
        w, E, H = self.w, self.E, self.H
        hd = E // H
        n = min(self.cfg["block_size"], len(tokens) - 1)
        inputs = torch.tensor(tokens[:n])
        targets = torch.tensor(tokens[1 : n + 1])
        x = rmsnorm(w["wte"][inputs] + w["wpe"][:n])
        mask = self.future[:n, :n]
        for layer in range(self.L):
            p = f"layer{layer}."
            xa = rmsnorm(x)
            q, k, v = (
                (xa @ w[p + name].T).view(n, H, hd).transpose(0, 1)
                for name in ("attn_wq", "attn_wk", "attn_wv")
            )
            logits = (q @ k.transpose(1, 2)) / math.sqrt(hd)
            att = logits.masked_fill(mask, float("-inf")).softmax(dim=-1)
            o = (att @ v).transpose(0, 1).reshape(n, E)
            x = x + o @ w[p + "attn_wo"].T
            h = torch.relu(rmsnorm(x) @ w[p + "mlp_fc1"].T)
            x = x + h @ w[p + "mlp_fc2"].T
        return torch.nn.functional.cross_entropy(x @ w["lm_head"].T, targets)

    def train_step(self, step, tokens):
        loss = self.loss(tokens)
        self.opt.zero_grad(set_to_none=False)
        loss.backward()
        for group in self.opt.param_groups:
            group["lr"] = self.cfg["learning_rate"] * (1 - step / self.cfg["num_steps"])
        self.opt.step()
        return loss.item()


def create(job):
    return TorchGPT(job)
