"""The book's model in NumPy, for `make bench` to compare against (not part of the library).

One document per step, every position of it at once: each layer is a matrix product over the
document's n positions, attention is an n x n causal-masked product per head, and the backward
pass is derived by hand (the same formulas chapter 8 derives, in matrix form). Adam with the
linear learning-rate decay of chapter 6. Float64 throughout. Additions are grouped as BLAS
groups them, so the losses agree with the book's engines closely but not to the last bit.
"""

import numpy as np

RMS_EPS = 1e-5


def rmsnorm(x):
    """Each row scaled to unit root mean square; also returns the scales (n, 1)."""
    scale = (np.mean(x * x, axis=1, keepdims=True) + RMS_EPS) ** -0.5
    return x * scale, scale


def rmsnorm_backward(x, scale, dy):
    """dL/dx for y = x * scale, scale = (mean(x^2) + eps)^-1/2, row by row."""
    # d scale / d x_j = -scale^3 * x_j / E
    dot = np.sum(x * dy, axis=1, keepdims=True)
    return scale * dy - x * (scale**3 * dot / x.shape[1])


class NumpyGPT:
    def __init__(self, job):
        cfg = job["config"]
        self.E = cfg["n_embd"]
        self.H = cfg["n_head"]
        self.L = cfg["n_layer"]
        self.cfg = cfg
        # Every matrix is a view into one flat buffer, so Adam is a handful of whole-array operations.
        layout = job["layout"]
        total = sum(rows * cols for _, rows, cols in layout)
        self.flat = np.empty(total)
        self.flat_grad = np.zeros(total)
        self.w, self.g = {}, {}
        at = 0
        for name, rows, cols in layout:
            size = rows * cols
            self.flat[at : at + size] = job["weights"][name]
            self.w[name] = self.flat[at : at + size].reshape(rows, cols)
            self.g[name] = self.flat_grad[at : at + size].reshape(rows, cols)
            at += size
        self.m = np.zeros(total)
        self.v = np.zeros(total)
        block = cfg["block_size"]
        # Entries above the diagonal: a query never sees a later key.
        self.future = np.triu(np.ones((block, block), dtype=bool), 1)

    def heads(self, x):
        """(n, E) -> (H, n, E / H)."""
        n = x.shape[0]
        return x.reshape(n, self.H, self.E // self.H).transpose(1, 0, 2)

    def merge(self, x):
        """(H, n, E / H) -> (n, E)."""
        return x.transpose(1, 0, 2).reshape(x.shape[1], self.E)

    def loss_and_grad(self, tokens):
        """Loss of one document; its gradient is added into self.flat_grad."""
        w, g, E = self.w, self.g, self.E
        n = min(self.cfg["block_size"], len(tokens) - 1)
        inputs = np.asarray(tokens[:n])
        targets = np.asarray(tokens[1 : n + 1])
        emb = w["wte"][inputs] + w["wpe"][:n]
        x, s0 = rmsnorm(emb)
        mask = self.future[:n, :n]
        inv_sqrt = 1 / np.sqrt(E // self.H)
        saved = []
        for layer in range(self.L):
            p = f"layer{layer}."
            xa, sa = rmsnorm(x)
            q = self.heads(xa @ w[p + "attn_wq"].T)
            k = self.heads(xa @ w[p + "attn_wk"].T)
            v = self.heads(xa @ w[p + "attn_wv"].T)
            logits = (q @ k.transpose(0, 2, 1)) * inv_sqrt
            logits[:, mask] = -np.inf
            e = np.exp(logits - logits.max(axis=2, keepdims=True))
            att = e / e.sum(axis=2, keepdims=True)
            o = self.merge(att @ v)
            xmid = x + o @ w[p + "attn_wo"].T
            xb, sb = rmsnorm(xmid)
            h = xb @ w[p + "mlp_fc1"].T
            a = np.maximum(h, 0)
            out = xmid + a @ w[p + "mlp_fc2"].T
            saved.append((x, xa, sa, q, k, v, att, o, xmid, xb, sb, h, a))
            x = out
        z = x @ w["lm_head"].T
        z -= z.max(axis=1, keepdims=True)
        ez = np.exp(z)
        probs = ez / ez.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = -np.mean(np.log(probs[rows, targets]))

        # Backward: probabilities minus the one-hot target, over n.
        dz = probs
        dz[rows, targets] -= 1
        dz /= n
        g["lm_head"] += dz.T @ x
        dx = dz @ w["lm_head"]
        for layer in reversed(range(self.L)):
            p = f"layer{layer}."
            xin, xa, sa, q, k, v, att, o, xmid, xb, sb, h, a = saved[layer]
            # MLP block (residual: dx flows to xmid unchanged, plus the branch).
            g[p + "mlp_fc2"] += dx.T @ a
            dh = (dx @ w[p + "mlp_fc2"]) * (h > 0)
            g[p + "mlp_fc1"] += dh.T @ xb
            dxmid = dx + rmsnorm_backward(xmid, sb, dh @ w[p + "mlp_fc1"])
            # Attention block.
            g[p + "attn_wo"] += dxmid.T @ o
            do = self.heads(dxmid @ w[p + "attn_wo"])
            datt = do @ v.transpose(0, 2, 1)
            dv = att.transpose(0, 2, 1) @ do
            # Softmax backward; masked entries have att = 0, so they get 0.
            dlogits = att * (datt - np.sum(datt * att, axis=2, keepdims=True)) * inv_sqrt
            dq = self.merge(dlogits @ k)
            dk = self.merge(dlogits.transpose(0, 2, 1) @ q)
            dv = self.merge(dv)
            g[p + "attn_wq"] += dq.T @ xa
            g[p + "attn_wk"] += dk.T @ xa
            g[p + "attn_wv"] += dv.T @ xa
            dxa = dq @ w[p + "attn_wq"] + dk @ w[p + "attn_wk"] + dv @ w[p + "attn_wv"]
            dx = dxmid + rmsnorm_backward(xin, sa, dxa)
        demb = rmsnorm_backward(emb, s0, dx)
        np.add.at(g["wte"], inputs, demb)
        g["wpe"][:n] += demb
        return float(loss)

    def adam_step(self, step):
        c = self.cfg
        b1, b2 = c["beta1"], c["beta2"]
        lr = c["learning_rate"] * (1 - step / c["num_steps"])
        grad = self.flat_grad
        self.m *= b1
        self.m += (1 - b1) * grad
        self.v *= b2
        self.v += (1 - b2) * grad * grad
        m_hat = self.m / (1 - b1 ** (step + 1))
        v_hat = self.v / (1 - b2 ** (step + 1))
        self.flat -= lr * m_hat / (np.sqrt(v_hat) + c["eps_adam"])
        grad.fill(0)

    def train_step(self, step, tokens):
        loss = self.loss_and_grad(tokens)
        self.adam_step(step)
        return loss


def create(job):
    return NumpyGPT(job)
