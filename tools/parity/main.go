// Command parity scores the PyTorch side of the statistical parity check with compdiff's
// metric code and compares the two sides cell by cell (see tools/parity/PARITY.md).
//
//	go run ./tools/parity score -spec tools/parity/parity-spec.yaml -profile parity \
//	    -setting gauss-fc-ood -samples torch-samples.csv -out torch-results.csv
//	go run ./tools/parity compare -a compdiff/results.csv -b torch-results.csv
//
// score reads the samples written by protocol.py (run, n, k, i, x0, x1; n = 0 for exact
// scores), draws each run's ground truth from the setting's closed form with the profile's
// truth_samples, and computes SW2 (the profile's projections) and MMD² exactly as the
// pipeline's metrics stage does, writing rows with the columns of the pipeline's results.csv that name an FKC cell.
// compare prints a Markdown table: per model, N, K and metric, mean ± std over runs of both
// files and Welch's t (positive when -a is larger).
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"

	"github.com/compdiff/compdiff/core/dist"
	"github.com/compdiff/compdiff/core/metrics"
	"github.com/compdiff/compdiff/core/rng"
	"github.com/compdiff/compdiff/core/truth"
	"github.com/compdiff/compdiff/pipeline/spec"
	"github.com/compdiff/compdiff/stages"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: parity score|compare [flags]; see tools/parity/PARITY.md")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "score":
		err = score(os.Args[2:])
	case "compare":
		err = compare(os.Args[2:], os.Stdout)
	default:
		err = fmt.Errorf("unknown command %q; use score or compare", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "parity:", err)
		os.Exit(1)
	}
}

type cell struct {
	run, n, k int
}

func score(args []string) error {
	fs := flag.NewFlagSet("score", flag.ExitOnError)
	specFile := fs.String("spec", "tools/parity/parity-spec.yaml", "spec file with the profile")
	profName := fs.String("profile", "parity", "profile giving truth_samples, projections and seed")
	settingID := fs.String("setting", "gauss-fc-ood", "the setting the samples target (closed-form truth)")
	in := fs.String("samples", "", "samples CSV written by protocol.py")
	out := fs.String("out", "", "results CSV to write")
	fs.Parse(args)
	if *in == "" || *out == "" {
		return errors.New("score needs -samples and -out")
	}
	sp, err := spec.Load(*specFile)
	if err != nil {
		return err
	}
	prof, ok := sp.Profiles[*profName]
	if !ok {
		return fmt.Errorf("profile %q is not in %s", *profName, *specFile)
	}
	target, err := closedForm(sp, *settingID)
	if err != nil {
		return err
	}
	samples, order, err := readSamples(*in)
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"profile", "setting", "model", "N", "K", "run", "metric", "value"})
	d := target.Dim()
	truths := map[int][]float64{}
	for _, c := range order {
		y, ok := truths[c.run]
		if !ok {
			y = truth.ClosedForm(target, prof.TruthN, rng.New(prof.Seed+uint64(c.run), "parity/truth"))
			truths[c.run] = y
		}
		x := samples[c]
		sw2 := metrics.SW2(x, y, d, prof.Proj, rng.New(prof.Seed+uint64(c.run), fmt.Sprintf("parity/metrics/%d/%d", c.n, c.k)))
		mmd2 := metrics.MMD2(x, y, d)
		model, n := "conditional", strconv.Itoa(c.n)
		if c.n == 0 {
			model, n = "analytic", "analytical"
		}
		for _, m := range []struct {
			name string
			v    float64
		}{{"sw2", sw2}, {"mmd2", mmd2}} {
			w.Write([]string{"torch", *settingID, model, n, strconv.Itoa(c.k), strconv.Itoa(c.run), m.name, strconv.FormatFloat(m.v, 'g', -1, 64)})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return f.Close()
}

// closedForm is the Gaussian target of a Gaussian setting of the spec.
func closedForm(sp *spec.Spec, id string) (*dist.Gaussian, error) {
	for _, s := range sp.Settings {
		if s.ID != id {
			continue
		}
		ds, err := stages.Dists(s.Specs())
		if err != nil {
			return nil, err
		}
		var gs []*dist.Gaussian
		for _, dd := range ds {
			g, ok := dd.(*dist.Gaussian)
			if !ok {
				return nil, fmt.Errorf("setting %s is not Gaussian; score needs a closed-form target", id)
			}
			gs = append(gs, g)
		}
		return dist.ComposeGaussians(gs, s.Weights())
	}
	return nil, fmt.Errorf("setting %q is not in the spec", id)
}

func readSamples(path string) (map[cell][]float64, []cell, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil || len(head) != 6 || head[0] != "run" {
		return nil, nil, fmt.Errorf("%s: want the header run,n,k,i,x0,x1 of protocol.py", path)
	}
	out := map[cell][]float64{}
	var order []cell
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		var v [6]float64
		for i, s := range rec {
			if v[i], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, nil, fmt.Errorf("%s line %d: %v", path, line, err)
			}
		}
		c := cell{int(v[0]), int(v[1]), int(v[2])}
		if _, ok := out[c]; !ok {
			order = append(order, c)
		}
		out[c] = append(out[c], v[4], v[5])
	}
	return out, order, nil
}

type key struct {
	model, n, metric string
	k                int
}

func readResults(path string) (map[key][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	col := map[string]int{}
	if len(recs) > 0 {
		for i, name := range recs[0] {
			col[name] = i
		}
	}
	for _, name := range []string{"model", "N", "K", "metric", "value"} {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("%s: no %q column; want the header of results.csv (profile,setting,model,…,N,…,K,run,…,metric,value)", path, name)
		}
	}
	out := map[key][]float64{}
	for i, r := range recs[1:] {
		if m, ok := col["method"]; ok && r[m] != "fkc" {
			continue // the parity study compares FKC over K only
		}
		k, err1 := strconv.Atoi(r[col["K"]])
		v, err2 := strconv.ParseFloat(r[col["value"]], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s line %d: bad K or value", path, i+2)
		}
		kk := key{r[col["model"]], r[col["N"]], r[col["metric"]], k}
		out[kk] = append(out[kk], v)
	}
	return out, nil
}

func meanSD(v []float64) (m, sd float64) {
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		sd += (x - m) * (x - m)
	}
	return m, math.Sqrt(sd / float64(len(v)-1))
}

// welch is Welch's t of a − b and its Welch–Satterthwaite degrees of freedom.
func welch(a, b []float64) (t, df float64) {
	ma, sa := meanSD(a)
	mb, sb := meanSD(b)
	va, vb := sa*sa/float64(len(a)), sb*sb/float64(len(b))
	t = (ma - mb) / math.Sqrt(va+vb)
	df = (va + vb) * (va + vb) / (va*va/float64(len(a)-1) + vb*vb/float64(len(b)-1))
	return t, df
}

func compare(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	aPath := fs.String("a", "", "results CSV of side a (compdiff)")
	bPath := fs.String("b", "", "results CSV of side b (PyTorch, from score)")
	aName := fs.String("aname", "compdiff", "name of side a")
	bName := fs.String("bname", "PyTorch", "name of side b")
	fs.Parse(args)
	a, err := readResults(*aPath)
	if err != nil {
		return err
	}
	b, err := readResults(*bPath)
	if err != nil {
		return err
	}
	var keys []key
	for k := range a {
		if len(b[k]) > 1 && len(a[k]) > 1 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return errors.New("the two files share no cell with at least two runs each")
	}
	rank := func(n string) int {
		v, err := strconv.Atoi(n)
		if err != nil {
			return math.MaxInt
		}
		return v
	}
	sort.Slice(keys, func(i, j int) bool {
		x, y := keys[i], keys[j]
		if x.metric != y.metric {
			return x.metric > y.metric // sw2 before mmd2
		}
		if rank(x.n) != rank(y.n) {
			return rank(x.n) < rank(y.n)
		}
		return x.k < y.k
	})
	fmt.Fprintf(out, "| metric | N | K | %s (runs) | %s (runs) | ratio | Welch t | df |\n|---|---|--:|--:|--:|--:|--:|--:|\n", *aName, *bName)
	for _, k := range keys {
		ma, sa := meanSD(a[k])
		mb, sb := meanSD(b[k])
		t, df := welch(a[k], b[k])
		name := map[string]string{"sw2": "SW2", "mmd2": "MMD²"}[k.metric]
		fmt.Fprintf(out, "| %s | %s | %d | %.4f ± %.4f (%d) | %.4f ± %.4f (%d) | %.2f | %+.2f | %.0f |\n",
			name, k.n, k.k, ma, sa, len(a[k]), mb, sb, len(b[k]), ma/mb, t, df)
	}
	return nil
}
