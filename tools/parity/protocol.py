"""The reduced protocol of the parity check, run by the PyTorch reference (torchref.py).

    nice -n 10 /usr/bin/python3 tools/parity/protocol.py -runs 20 -out /tmp/parity/torch-samples.csv

(-first R appends runs R, R+1, … to an existing file.)

gauss-fc-ood (sources N(0, diag(10,1)), N(0, diag(1,10)), N(0, I); weights 1, 1, −1), one
conditional network per run and pool size N (width 128, depth 4, batch 512, 2000 Adam
iterations at lr 2e-4), FKC with K ∈ {1, 4, 16} particles, 1000 samples, 100 steps,
g_clip 15; exact scores as a control. Run r uses seed + r. It writes every sample
(run, n, k, i, x0, x1; n = 0 for exact scores); `go run ./tools/parity score` turns them
into SW2 and MMD² with compdiff's metric code, so both implementations are scored the same.
"""

import argparse
import csv
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torchref as tr  # noqa: E402

VARIANCES = [[10.0, 1.0], [1.0, 10.0], [1.0, 1.0]]
WEIGHTS = [1.0, 1.0, -1.0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-runs", type=int, default=10)
    ap.add_argument("-seed", type=int, default=1)
    ap.add_argument("-first", type=int, default=0, help="index of the first run (to add runs to an earlier file)")
    ap.add_argument("-ns", type=str, default="100,1000")
    ap.add_argument("-ks", type=str, default="1,4,16")
    ap.add_argument("-samples", type=int, default=1000)
    ap.add_argument("-steps", type=int, default=100)
    ap.add_argument("-iters", type=int, default=2000)
    ap.add_argument("-width", type=int, default=128)
    ap.add_argument("-depth", type=int, default=4)
    ap.add_argument("-batch", type=int, default=512)
    ap.add_argument("-lr", type=float, default=2e-4)
    ap.add_argument("-gclip", type=float, default=15.0)
    ap.add_argument("-threads", type=int, default=1)
    ap.add_argument("-out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    ns = [int(v) for v in a.ns.split(",")]
    ks = [int(v) for v in a.ks.split(",")]
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "a" if a.first else "w", newline="") as fh:
        w = csv.writer(fh)
        if not a.first:
            w.writerow(["run", "n", "k", "i", "x0", "x1"])
        for run in range(a.first, a.first + a.runs):
            seed = a.seed + run
            gen = torch.Generator().manual_seed(seed)
            rng = np.random.default_rng(seed)
            for n in ns + [0]:
                t0 = time.time()
                if n == 0:
                    fn = tr.gaussian_score_fn(VARIANCES)
                else:
                    pools = [torch.tensor(rng.normal(size=(n, 2)) * np.sqrt(v), dtype=torch.float32) for v in VARIANCES]
                    net = tr.train_conditional(pools, a.width, a.depth, a.batch, a.iters, a.lr, gen)
                    fn = tr.learned_score_fn(net, len(VARIANCES))
                t1 = time.time()
                for k in ks:
                    x = tr.fkc_sample(fn, WEIGHTS, 2, a.samples, k, a.steps, a.gclip, gen).numpy()
                    for i, row in enumerate(x):
                        w.writerow([run, n, k, i, repr(float(row[0])), repr(float(row[1]))])
                fh.flush()
                print(f"run {run} N={n or 'exact'}: train {t1 - t0:.1f} s, sample {time.time() - t1:.1f} s", flush=True)


if __name__ == "__main__":
    main()
