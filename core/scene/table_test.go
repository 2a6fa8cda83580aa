package scene

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/compdiff/compdiff/core/rng"
)

// A law written out and read back is the law (to the table's 12 digits); two routes to one
// law write byte-equal tables; independent slots take the slot form, coupled ones the
// configuration form; damaged tables are refused with the reason.
func TestTable(t *testing.T) {
	sp := Default()
	cl := must(Cluttered(sp, 0.3))
	for name, l := range map[string]Law{"cluttered": cl, "at(1, cluttered)": must(At(1, cl)), "data(2)": must(Data(sp, 2)),
		"coupled": must(At(0, must(Coupled(sp, 0.5)))), "empty": Empty(sp)} {
		tb := l.Table()
		back := must(tb.Law(sp))
		if d := maxAbsDiff(back.P, l.P); d > 1e-11 {
			t.Errorf("%s: the table's law differs by %.3g", name, d)
		}
		_, indep := NewSlotProduct(sp, l)
		if (indep == nil) != (len(tb.Slots) > 0) {
			t.Errorf("%s: slot form %v, but independent slots %v", name, len(tb.Slots) > 0, indep == nil)
		}
	}
	a, _ := json.Marshal(must(At(3, Empty(sp))).Table())
	b, _ := json.Marshal(must(At(3, must(Data(sp, 1)))).Table())
	if string(a) != string(b) {
		t.Errorf("At(3, Empty) and At(3, Data(1)) write different tables:\n%s\n%s", a, b)
	}
	for _, c := range []struct {
		tb   Table
		want string
	}{
		{Table{Slots: [][]float64{{1, 0, 0}}}, "1 slot laws for 5 slots"},
		{Table{Configs: []int{0, 1}, P: []float64{1}}, "2 configurations but 1 probabilities"},
		{Table{Configs: []int{243}, P: []float64{1}}, "outside 0…242"},
		{Table{Configs: []int{0}, P: []float64{-1}}, "must be finite and ≥ 0"},
		{Table{Configs: []int{0}, P: []float64{0}}, "no probability mass"},
		{Table{Slots: [][]float64{{1}}, Configs: []int{0}, P: []float64{1}}, "give one form"},
	} {
		if _, err := c.tb.Law(sp); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("table %+v: error %v, want one containing %q", c.tb, err, c.want)
		}
	}
}

// A task names all its problems at once; a sound one reads what was asked and what the
// background demands elsewhere.
func TestTask(t *testing.T) {
	sp := Default()
	bad := Task{Scene: sp, CompositionSpec: CompositionSpec{
		Background:   LawSpec{Kind: KindCluttered, Q: 2},
		Conditionals: []LawSpec{{Kind: KindEmpty}, {Kind: KindData, M: 9, At: []Want{{Slot: 1}}}},
	}}
	err := bad.Validate()
	for _, want := range []string{"background: scene law \"cluttered\"", "conditional 1 asks for no object", "conditional 2: scene law \"data\""} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("task errors %v; want one containing %q", err, want)
		}
	}
	task := Task{Scene: sp, CompositionSpec: CompositionSpec{
		Background:   LawSpec{Kind: KindEmpty},
		Conditionals: []LawSpec{{Kind: KindEmpty, At: []Want{{Slot: 0}}}, {Kind: KindEmpty, At: []Want{{Slot: 3}}}},
	}}
	if err := task.Validate(); err != nil {
		t.Fatal(err)
	}
	cm := must(task.Composition())
	if m, err := cm.ExactMethod(); err != nil || m != MethodProjective {
		t.Fatalf("empty background: exact method %q, %v; want projective", m, err)
	}
	x, _ := sp.Sample(must(cm.Projective()), 2000, rng.New(21, "task"))
	rd := must(NewReader(sp, InvalidLevel))
	got := must(task.Read(rd, x))
	// ≤ 0.5% of true scenes are flagged (the reader's calibration), so exact ≥ 0.99 with
	// 2000 scenes (binomial sd 0.0016); the noise statistic of true scenes is 1 up to the
	// truncation by the validity test (≤ 1%) and its sampling error √(2/(20·2000)) = 0.007.
	if got.Exact < 0.99 || got.Content < got.Exact || got.Other != 0 || math.Abs(got.Noise-1) > 0.03 {
		t.Errorf("true scenes read as exact %.4f, content %.4f, other %v, noise %.4f", got.Exact, got.Content, got.Other, got.Noise)
	}
	// A faint half-object (Bayes's k = 2 blend) at slot 0 is not the requested object.
	blend := sp.Scene(must(cm.Projective()).Support()[0], make([]float64, sp.Dim()))
	for j := 0; j < sp.Cell; j++ {
		blend[j] = (blend[j] + sp.Empty) / 2
	}
	if r := must(task.Read(rd, blend)); r.Exact != 0 {
		t.Errorf("a half-object reads as exact (%+v)", r.Summary)
	}
	// No exact sampler: data(2) with three conditionals has 18³ tuples and no shared configuration.
	d2 := Task{Scene: sp, CompositionSpec: CompositionSpec{Background: LawSpec{Kind: KindData, M: 2},
		Conditionals: []LawSpec{{Kind: KindData, M: 2, At: []Want{{Slot: 0}}}, {Kind: KindData, M: 2, At: []Want{{Slot: 1}}}, {Kind: KindData, M: 2, At: []Want{{Slot: 2}}}}}}
	if _, err := must(d2.Composition()).ExactMethod(); err == nil || !strings.Contains(err.Error(), "1024") {
		t.Errorf("data(2), k = 3: %v; want the tuple limit", err)
	}
	var nf *NotFactorizedError
	if _, err := must(d2.Composition()).Projective(); !errors.As(err, &nf) {
		t.Errorf("data(2), k = 3 is factorized?")
	}
}
