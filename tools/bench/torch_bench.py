"""PyTorch side of the README's side-by-side: the network shapes `go run ./build bench` times.

Run with Debian's python3-torch (a development tool, not needed by compdiff):
    /usr/bin/python3 tools/bench/torch_bench.py [threads]
It prints, per shape, the time of a training iteration (batch 512: forward, loss, backward,
Adam) and of a forward pass over 20 000 points x 3 sources, with GFLOP/s counted the way
compdiff's bench counts them (2 flops per multiply-add of the linear layers).
"""
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
IN, OUT = 6, 2  # [t, x0, x1, one-hot of 3 conditions] -> 2-d score


def mlp(width, depth):
    layers, d = [], IN
    for _ in range(depth):
        layers += [torch.nn.Linear(d, width), torch.nn.SiLU()]
        d = width
    layers.append(torch.nn.Linear(d, OUT))
    return torch.nn.Sequential(*layers)


def flops_per_row(width, depth):
    return 2 * (IN * width + (depth - 1) * width * width + width * OUT)


def best(f, reps):
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return min(ts)


for width, depth in [(512, 4), (64, 3)]:
    net = mlp(width, depth)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    xb, eb = torch.randn(512, IN), torch.randn(512, OUT)

    def train():
        opt.zero_grad(set_to_none=True)
        loss = ((net(xb) - eb) ** 2).sum(1).mean()
        loss.backward()
        opt.step()

    xf = torch.randn(60_000, IN)

    def forward():
        with torch.no_grad():
            net(xf)

    fr = flops_per_row(width, depth)
    t_train = best(train, 50 if width == 512 else 500)
    t_fwd = best(forward, 5 if width == 512 else 50)
    # Backward costs two multiplies per forward one.
    print(f"torch {torch.__version__}, {threads} threads, width {width} depth {depth}: "
          f"training iteration {t_train*1e3:.2f} ms ({3*fr*512/t_train/1e9:.1f} GFLOP/s), "
          f"forward 60 000 rows {t_fwd*1e3:.1f} ms ({fr*60_000/t_fwd/1e9:.1f} GFLOP/s)")
