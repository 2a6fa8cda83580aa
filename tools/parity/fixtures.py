"""Write the parity fixtures that compdiff's Go tests read (core/nn/testdata/parity/).

    /usr/bin/python3 tools/parity/fixtures.py            # from the repository root

Needs Debian's python3-torch and python3-numpy. Every quantity is computed twice by the same
PyTorch code: in float32 (the authors' precision) and in float64 from the same
float32-rounded weights and inputs (the reference). The Go tests compare compdiff with the
float64 reference under error bounds derived from float32 rounding, and check that PyTorch's
own float32 results satisfy the same bounds.

Files (JSON; arrays are base64 little-endian, dtype f4/f8/i4, row-major):
  train.json  pools, 4 fixed batches, initial weights, loss and every gradient of step 1,
              weights after 1, 10 and 200 Adam steps (batch (t−1) mod 4 at step t)
  score.json  per-source and composed scores of the 200-step network on fixed points
  fkc.json    one FKC step from fixed particles with fixed noise: new particles, log-weight
              increments, clipped log-weights, per-swarm resampling weights and indices
"""

import base64
import copy
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torchref as tr  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core", "nn", "testdata", "parity")

# gauss-fc-ood's sources (a1, a2, 0): zero means, these variances, weights (1, 1, −1).
VARIANCES = [[10.0, 1.0], [1.0, 10.0], [1.0, 1.0]]
WEIGHTS = [1.0, 1.0, -1.0]
D, S = 2, 3
WIDTH, DEPTH = 24, 4          # 24 = 16 + 8: full and edge tiles of the SIMD kernels
POOL, PER, BATCHES = 50, 32, 4
LR, BETA1, BETA2, EPS = 2e-4, 0.9, 0.999, 1e-8
SAVE_STEPS = [1, 10, 200]


def arr(a, dtype):
    a = np.ascontiguousarray(np.asarray(a, dtype={"f4": "<f4", "f8": "<f8", "i4": "<i4"}[dtype]))
    return {"dtype": dtype, "shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode()}


def write(name, meta, arrays):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump({"generator": "tools/parity/fixtures.py", "torch": torch.__version__,
                   "meta": meta, "arrays": arrays}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


def np64(t):
    return t.detach().to(torch.float64).numpy()


def train_fixture():
    torch.manual_seed(13)
    rng = np.random.default_rng(13)
    pools = np.stack([rng.normal(size=(POOL, D)) * np.sqrt(v) for v in VARIANCES])
    # Batches: per source, PER rows; pool index, time, noise. Times and noise are float32
    # draws (as torch makes them); the noised input is formed in float64 and rounded once.
    idx = rng.integers(0, POOL, size=(BATCHES, S, PER)).astype(np.int32)
    s = rng.random(size=(BATCHES, S * PER)).astype(np.float32)
    eps = rng.normal(size=(BATCHES, S * PER, D)).astype(np.float32)
    x_in = np.zeros((BATCHES, S * PER, 1 + D + S), dtype=np.float32)
    for b in range(BATCHES):
        x0 = np.concatenate([pools[a][idx[b, a]] for a in range(S)])
        t = torch.tensor(s[b], dtype=torch.float64)[:, None]
        xt = tr.alpha(t).numpy() * x0 + tr.sigma(t).numpy() * eps[b].astype(np.float64)
        x_in[b, :, 0] = s[b]
        x_in[b, :, 1:1 + D] = xt
        for a in range(S):
            x_in[b, a * PER:(a + 1) * PER, 1 + D + a] = 1

    net32 = tr.make_net(1 + D + S, D, WIDTH, DEPTH)
    p0 = tr.flat_params(net32).clone()
    net64 = copy.deepcopy(net32).double()
    out = {"pools": arr(pools, "f8"), "idx": arr(idx, "i4"), "s": arr(s, "f4"),
           "eps": arr(eps, "f4"), "x_in": arr(x_in, "f4"), "p0": arr(p0.numpy(), "f4")}
    meta = {"in": 1 + D + S, "out": D, "width": WIDTH, "depth": DEPTH, "act": "silu",
            "sources": S, "per": PER, "batches": BATCHES, "lr": LR, "beta1": BETA1,
            "beta2": BETA2, "eps": EPS, "save_steps": SAVE_STEPS}
    for tag, net, dt in (("32", net32, torch.float32), ("64", net64, torch.float64)):
        opt = torch.optim.Adam(net.parameters(), lr=LR, betas=(BETA1, BETA2), eps=EPS)
        for step in range(1, max(SAVE_STEPS) + 1):
            b = (step - 1) % BATCHES
            xb = torch.tensor(x_in[b], dtype=dt)
            target = torch.tensor(eps[b], dtype=dt)
            opt.zero_grad()
            loss = tr.dsm_loss(net, xb, target)
            loss.backward()
            if step == 1:
                meta["loss" + tag] = float(loss)
                out["grad" + tag] = arr(np64(tr.flat_grads(net)), "f8" if tag == "64" else "f4")
            opt.step()
            if step in SAVE_STEPS:
                out[f"p{tag}_{step}"] = arr(np64(tr.flat_params(net)), "f8" if tag == "64" else "f4")
    write("train.json", meta, out)
    return net64


def score_points(rng, n):
    # Points across and beyond the sources' mass (the OOD composition N(0, 10·I) lives there).
    return rng.uniform(-6, 6, size=(n, D)).astype(np.float32).astype(np.float64)


def score_fixture(net64, p):
    rng = np.random.default_rng(14)
    x = score_points(rng, 64)
    times = [0.05, 0.3, 0.6, 0.99]
    net32 = copy.deepcopy(net64).float()
    out = {"p": arr(p, "f4"), "x": arr(x, "f8"), "times": arr(times, "f8")}
    for tag, net, dt in (("32", net32, torch.float32), ("64", net64, torch.float64)):
        sc, comp = [], []
        for t in times:
            # The network sees float32 inputs in both; σ(t) is evaluated in the precision.
            t_in = torch.tensor([np.float32(t)], dtype=dt)
            xs = torch.tensor(x, dtype=dt)
            with torch.no_grad():
                tcol = t_in.expand(len(x), 1)
                eps_hat = [net(tr.net_input(tcol, xs, torch.full((len(x),), a), S)) for a in range(S)]
                sig = tr.sigma(torch.tensor(t, dtype=dt))
                s_t = [-e / sig for e in eps_hat]
            sc.append(np.stack([np64(v) for v in s_t]))
            comp.append(np64(sum(w * v for w, v in zip(WEIGHTS, s_t))))
        out["scores" + tag] = arr(np.stack(sc), "f8")
        out["composed" + tag] = arr(np.stack(comp), "f8")
    write("score.json", {"in": 1 + D + S, "out": D, "width": WIDTH, "depth": DEPTH,
                         "weights": WEIGHTS}, out)


def fkc_fixture(net64, p):
    n, k, steps, step, g_clip = 8, 4, 100, 50, 15.0
    rng = np.random.default_rng(15)
    x = rng.normal(scale=2.0, size=(n * k, D))
    xi = rng.normal(size=(n * k, D))
    u0 = rng.random(n)
    grid = [min(max(i / steps, tr.S_MIN), tr.S_MAX) for i in range(steps + 1)]
    s0, s1, dt = grid[step], grid[step + 1], 1.0 / steps
    net32 = copy.deepcopy(net64).float()
    out = {"p": arr(p, "f4"), "x": arr(x, "f8"), "xi": arr(xi, "f8"), "u0": arr(u0, "f8")}
    for tag, net, ty in (("32", net32, torch.float32), ("64", net64, torch.float64)):
        def score(t, xs):
            # Inputs reach the network as float32 in both (compdiff rounds them too).
            xr = torch.tensor(np.asarray(xs, dtype=np.float32), dtype=ty)
            t_in = torch.tensor([np.float32(t)], dtype=ty).expand(len(xr), 1)
            with torch.no_grad():
                e = [net(tr.net_input(t_in, xr, torch.full((len(xr),), a), S)) for a in range(S)]
            sig = tr.sigma(torch.tensor(t, dtype=ty))
            return [-v / sig for v in e]
        xs = torch.tensor(x, dtype=ty)
        b0 = tr.beta(torch.tensor(s0, dtype=ty))
        comp = sum(w * v for w, v in zip(WEIGHTS, score(s0, x)))
        x1 = xs + (0.5 * b0 * xs + b0 * comp) * dt + torch.sqrt(b0 * dt) * torch.tensor(xi, dtype=ty)
        sc1 = score(s1, np64(x1))
        g = tr.log_weight_increment(WEIGHTS, sc1, tr.beta(torch.tensor(s1, dtype=ty)), D)
        logw = (g.clamp(-g_clip, g_clip) * dt).view(n, k)
        out["x1_" + tag] = arr(np64(x1), "f8")
        out["g" + tag] = arr(np64(g), "f8")
        out["logw" + tag] = arr(np64(logw).reshape(-1), "f8")
        out["weights" + tag] = arr(np64(torch.softmax(logw, dim=1)).reshape(-1), "f8")
        out["idx" + tag] = arr(tr.systematic(logw, torch.tensor(u0, dtype=ty)).numpy().reshape(-1), "i4")
    write("fkc.json", {"n": n, "k": k, "steps": steps, "step": step, "g_clip": g_clip,
                       "weights": WEIGHTS, "in": 1 + D + S, "out": D, "width": WIDTH,
                       "depth": DEPTH}, out)


def main():
    torch.set_num_threads(1)
    net64 = train_fixture()
    p = tr.flat_params(net64).to(torch.float32)  # the 200-step reference, rounded once
    tr.load_flat(net64, p.double())
    score_fixture(net64, p.numpy())
    fkc_fixture(net64, p.numpy())


if __name__ == "__main__":
    main()
