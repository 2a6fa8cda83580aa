"""The PyTorch reference model, training loop and samplers that compdiff is checked against.

Written for this project from the paper's description and the authors' released training
loop (github.com/DSoiffer/compositional-diffusion, gaussian_experiments/): a conditional
ε-prediction MLP on [t, x, onehot(c)] with nn.Linear's default initialisation and SiLU,
trained by ((ε̂ − ε)²).sum(1).mean() with Adam on batches of batch//S rows per source drawn
with replacement from fixed pools, t ~ U(0, 1); the VP schedule with βmin = 0.1,
βmax = 20 in "denoising time" (t = 0 noise, t = 1 data); the reverse SDE and the
Feynman–Kac corrector with per-swarm systematic resampling. Every function takes a dtype so
the same code gives the float32 implementation (as the authors run it) and a float64
reference.
"""

import torch
import torch.nn as nn

BETA_MIN, BETA_MAX = 0.1, 20.0
S_MIN, S_MAX = 1e-5, 1 - 1e-5


def alpha(t):
    tau = 1.0 - t
    return torch.exp(-0.5 * (BETA_MIN * tau + 0.5 * (BETA_MAX - BETA_MIN) * tau**2))


def sigma(t):
    a = alpha(t)
    return torch.sqrt(torch.clamp(1.0 - a**2, min=1e-8))


def beta(t):
    return BETA_MIN + (1.0 - t) * (BETA_MAX - BETA_MIN)


def make_net(d_in, d_out, width, depth):
    """nn.Linear layers with PyTorch's default init (U(±1/√fan_in) for weights and biases)."""
    layers = []
    for i in range(depth):
        layers += [nn.Linear(d_in if i == 0 else width, width), nn.SiLU()]
    layers.append(nn.Linear(width, d_out))
    return nn.Sequential(*layers)


def linears(net):
    return [m for m in net if isinstance(m, nn.Linear)]


def flat_params(net):
    """compdiff's layout: per layer W as fan_in×fan_out row-major (weight.T), then bias."""
    parts = []
    for lin in linears(net):
        parts += [lin.weight.detach().t().reshape(-1), lin.bias.detach().reshape(-1)]
    return torch.cat(parts)


def flat_grads(net):
    parts = []
    for lin in linears(net):
        parts += [lin.weight.grad.t().reshape(-1), lin.bias.grad.reshape(-1)]
    return torch.cat(parts)


def load_flat(net, p):
    off = 0
    with torch.no_grad():
        for lin in linears(net):
            o, i = lin.weight.shape
            lin.weight.copy_(p[off:off + i * o].reshape(i, o).t())
            off += i * o
            lin.bias.copy_(p[off:off + o])
            off += o


def dsm_loss(net, x_in, target):
    return ((net(x_in) - target) ** 2).sum(1).mean()


def net_input(t, x, cls, n_sources):
    """[t, x, onehot(cls)] rows; t is a column, cls an index tensor."""
    oh = torch.nn.functional.one_hot(cls, num_classes=n_sources).to(x.dtype)
    return torch.cat([t, x, oh], dim=1)


def scores(net, t, x, n_sources):
    """Per-source scores −ε̂(t, x, onehot(a))/σ(t) at a scalar time t (tensor of shape [1])."""
    n = x.shape[0]
    tcol = t.expand(n, 1)
    out = []
    for a in range(n_sources):
        cls = torch.full((n,), a, dtype=torch.long)
        out.append(-net(net_input(tcol, x, cls, n_sources)) / sigma(tcol))
    return out


def log_weight_increment(ws, s_list, b, d):
    """g = (1 − Σw)·d·β/2 + ½β(|Σ w_a S_a|² − Σ w_a |S_a|²) per particle."""
    comp = sum(w * s for w, s in zip(ws, s_list))
    each = sum(w * (s**2).sum(1) for w, s in zip(ws, s_list))
    return (1 - sum(ws)) * d * b / 2 + 0.5 * b * ((comp**2).sum(1) - each)


def systematic(logw, u0):
    """Per-row systematic resampling of (N, K) log-weights with per-row uniforms u0 ∈ [0,1)."""
    n, k = logw.shape
    w = torch.softmax(logw, dim=1)
    bins = torch.cumsum(w, dim=1)
    u = (u0[:, None] + torch.arange(k, dtype=logw.dtype)[None, :]) / k
    return torch.searchsorted(bins, u).clamp(max=k - 1)


def shuffled_systematic(logw, gen):
    """Systematic resampling with each row's slots shuffled, as the authors' sampler does."""
    n, k = logw.shape
    idx = systematic(logw, torch.rand(n, generator=gen, dtype=logw.dtype))
    return idx.gather(1, torch.argsort(torch.rand(n, k, generator=gen), dim=1))


def fkc_sample(score_fn, ws, d, n, k, steps, g_clip, gen, dtype=torch.float32):
    """Feynman–Kac corrector with n swarms of k particles (k = 1: the naive SDE).

    score_fn(t, x) returns the list of per-source scores; t is a python float.
    """
    dt = 1.0 / steps
    p = n * k
    x = torch.randn(p, d, generator=gen, dtype=dtype)
    grid = [min(max(i / steps, S_MIN), S_MAX) for i in range(steps + 1)]
    logw = torch.zeros(n, k, dtype=dtype)
    sc = score_fn(grid[0], x)
    for i in range(steps):
        b = beta(torch.tensor(grid[i], dtype=dtype))
        comp = sum(w * s for w, s in zip(ws, sc))
        x = x + (0.5 * b * x + b * comp) * dt + torch.sqrt(b * dt) * torch.randn(p, d, generator=gen, dtype=dtype)
        sc = score_fn(grid[i + 1], x)
        if k == 1:
            continue
        g = log_weight_increment(ws, sc, beta(torch.tensor(grid[i + 1], dtype=dtype)), d)
        logw = logw + (g.clamp(-g_clip, g_clip) * dt).view(n, k)
        if i == steps - 1:
            break
        idx = shuffled_systematic(logw, gen)
        flat = (idx + (torch.arange(n) * k)[:, None]).reshape(-1)
        x = x[flat]
        sc = [s[flat] for s in sc]
        logw = torch.zeros_like(logw)
    if k == 1:
        return x
    # One slot of a shuffled systematic resample is a draw from the weights (slot 0 of an
    # unshuffled one would only ever see the first 1/k of the cumulative mass).
    pick = shuffled_systematic(logw, gen)[:, 0]
    return x[pick + torch.arange(n) * k]


def train_conditional(pools, width, depth, batch, iters, lr, gen, dtype=torch.float32):
    """The authors' conditional training loop on fixed pools (list of (n_a, d) tensors)."""
    S, d = len(pools), pools[0].shape[1]
    net = make_net(1 + d + S, d, width, depth).to(dtype)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    per = batch // S
    cls = torch.cat([torch.full((per,), a, dtype=torch.long) for a in range(S)])
    for _ in range(iters):
        x0 = torch.cat([pl[torch.randint(0, pl.shape[0], (per,), generator=gen)] for pl in pools])
        t = torch.rand(x0.shape[0], 1, generator=gen, dtype=dtype)
        eps = torch.randn(x0.shape, generator=gen, dtype=dtype)
        xt = alpha(t) * x0 + sigma(t) * eps
        loss = dsm_loss(net, net_input(t, xt, cls, S), eps)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net


def learned_score_fn(net, n_sources, dtype=torch.float32):
    @torch.no_grad()
    def fn(t, x):
        return scores(net, torch.tensor([t], dtype=dtype), x, n_sources)
    return fn


def gaussian_score_fn(variances, dtype=torch.float32):
    """Exact scores of zero-mean diagonal Gaussians under the VP noising."""
    vs = [torch.tensor(v, dtype=dtype) for v in variances]

    def fn(t, x):
        tt = torch.tensor(t, dtype=dtype)
        a2, s2 = alpha(tt) ** 2, sigma(tt) ** 2
        return [-x / (a2 * v + s2) for v in vs]
    return fn
