package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Glance is the verdict's parts at a glance: each part's label and state symbol (✓
// established, ✗ the opposite established, ? open), with "k/n" established for a part of
// several comparisons, then the count over the claim: "a ✓ · b ? 2/3 · c ✓ — 6 of 7
// comparisons established". Empty for a verdict without structured parts.
func (v Verdict) Glance() string {
	if len(v.Parts) == 0 {
		return ""
	}
	var ps []string
	est, opp, all := 0, 0, 0
	for _, p := range v.Parts {
		k := 0
		for _, c := range p.Comparisons {
			switch c.Outcome {
			case Yes:
				k++
			case No:
				opp++
			}
		}
		s := p.Label + " " + p.State.Symbol()
		if len(p.Comparisons) > 1 {
			s += fmt.Sprintf(" %d/%d", k, len(p.Comparisons))
		}
		ps = append(ps, s)
		est += k
		all += len(p.Comparisons)
		if len(p.Comparisons) == 0 { // a part without tests (exact statements, or missing) counts once, by its state
			all++
			switch p.State {
			case Yes:
				est++
			case No:
				opp++
			}
		}
	}
	noun := "comparisons"
	if all == 1 {
		noun = "comparison"
	}
	s := strings.Join(ps, " · ") + fmt.Sprintf(" — %d of %d %s established", est, all, noun)
	if opp > 0 {
		s += fmt.Sprintf(", %d the other way", opp)
	}
	return s
}

// VerdictRow is one row of verdicts.json and verdicts.csv: one comparison of one part of one
// verdict (a verdict without structured parts has one row, a part with nothing to compare
// one row, with the columns that do not apply null). Column names are the json tags; the
// README's "The verdicts files" documents them.
type VerdictRow struct {
	Profile          string   `json:"profile"`
	Verdict          string   `json:"verdict"`
	Study            string   `json:"study"`
	Claim            string   `json:"claim"`
	Setting          *string  `json:"setting"`
	Outcome          string   `json:"outcome"`
	Reduced          bool     `json:"reduced"`
	Part             *string  `json:"part"`
	PartState        *string  `json:"part_state"`
	Comparison       *string  `json:"comparison"`
	ComparisonState  *string  `json:"comparison_state"`
	N                *int     `json:"n"`
	Estimate         *float64 `json:"estimate"`
	SE               *float64 `json:"se"`
	Direction        *string  `json:"direction"`
	YesBound         *float64 `json:"yes_bound"`
	NoBound          *float64 `json:"no_bound"`
	PClaimed         *float64 `json:"p_claimed"`
	POpposite        *float64 `json:"p_opposite"`
	Alpha            *float64 `json:"alpha"`
	RejectedClaimed  *bool    `json:"rejected_claimed"`
	RejectedOpposite *bool    `json:"rejected_opposite"`
	Runs             int      `json:"runs"`
	Protocol         string   `json:"protocol"`
	Departures       *string  `json:"departures"`
	Missing          *string  `json:"missing"`
}

func strP(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func numP(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// VerdictRows flattens verdicts into rows, in the verdicts' order.
func VerdictRows(profile string, vs []Verdict) []VerdictRow {
	var out []VerdictRow
	for _, v := range vs {
		base := VerdictRow{Profile: profile, Verdict: v.ID, Study: v.Study, Claim: v.Claim, Setting: strP(v.Setting),
			Outcome: v.Outcome, Reduced: v.Reduced, Runs: v.Runs, Protocol: v.Protocol,
			Departures: strP(strings.Join(v.Departures, "; "))}
		if v.Alpha > 0 {
			base.Alpha = numP(v.Alpha)
		}
		if len(v.Parts) == 0 {
			out = append(out, base)
			continue
		}
		for _, p := range v.Parts {
			pr := base
			pr.Part, pr.PartState = strP(p.Label), strP(p.State.State())
			if len(p.Comparisons) == 0 {
				pr.Missing = strP(p.Missing)
				out = append(out, pr)
				continue
			}
			for _, c := range p.Comparisons {
				out = append(out, comparisonRow(pr, c))
			}
		}
	}
	return out
}

func comparisonRow(r VerdictRow, c ComparisonResult) VerdictRow {
	n := c.N
	dir := "below"
	if c.Above {
		dir = "above"
	}
	r.Comparison, r.ComparisonState, r.N = strP(c.Desc), strP(c.Outcome.State()), &n
	r.Estimate, r.SE = numP(c.Estimate), numP(c.SE)
	if !math.IsNaN(c.YesBound) { // a stand-in (reports.Missing) states no side
		r.Direction = &dir
	}
	r.YesBound, r.NoBound = numP(c.YesBound), numP(c.NoBound)
	r.Missing = strP(c.Missing)
	if c.Tested {
		rc, ro := c.RejectedClaimed, c.RejectedOpposite
		r.PClaimed, r.POpposite, r.RejectedClaimed, r.RejectedOpposite = numP(c.PClaimed), numP(c.POpposite), &rc, &ro
	}
	return r
}

// verdictColumn is one CSV column: its name and how its field is written and read ("" for
// null).
type verdictColumn struct {
	name string
	get  func(r *VerdictRow) string
	set  func(r *VerdictRow, s string) error
}

// verdictColumns are the CSV columns in order (the JSON keys are the same).
var verdictColumns = []verdictColumn{
	textCol("profile", func(r *VerdictRow) *string { return &r.Profile }),
	textCol("verdict", func(r *VerdictRow) *string { return &r.Verdict }),
	textCol("study", func(r *VerdictRow) *string { return &r.Study }),
	textCol("claim", func(r *VerdictRow) *string { return &r.Claim }),
	strCol("setting", func(r *VerdictRow) **string { return &r.Setting }),
	textCol("outcome", func(r *VerdictRow) *string { return &r.Outcome }),
	{"reduced", func(r *VerdictRow) string { return strconv.FormatBool(r.Reduced) }, func(r *VerdictRow, s string) (err error) {
		r.Reduced, err = strconv.ParseBool(s)
		return err
	}},
	strCol("part", func(r *VerdictRow) **string { return &r.Part }),
	strCol("part_state", func(r *VerdictRow) **string { return &r.PartState }),
	strCol("comparison", func(r *VerdictRow) **string { return &r.Comparison }),
	strCol("comparison_state", func(r *VerdictRow) **string { return &r.ComparisonState }),
	{"n", func(r *VerdictRow) string {
		if r.N == nil {
			return ""
		}
		return strconv.Itoa(*r.N)
	}, func(r *VerdictRow, s string) error {
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		r.N = &n
		return err
	}},
	numCol("estimate", func(r *VerdictRow) **float64 { return &r.Estimate }),
	numCol("se", func(r *VerdictRow) **float64 { return &r.SE }),
	strCol("direction", func(r *VerdictRow) **string { return &r.Direction }),
	numCol("yes_bound", func(r *VerdictRow) **float64 { return &r.YesBound }),
	numCol("no_bound", func(r *VerdictRow) **float64 { return &r.NoBound }),
	numCol("p_claimed", func(r *VerdictRow) **float64 { return &r.PClaimed }),
	numCol("p_opposite", func(r *VerdictRow) **float64 { return &r.POpposite }),
	numCol("alpha", func(r *VerdictRow) **float64 { return &r.Alpha }),
	boolCol("rejected_claimed", func(r *VerdictRow) **bool { return &r.RejectedClaimed }),
	boolCol("rejected_opposite", func(r *VerdictRow) **bool { return &r.RejectedOpposite }),
	{"runs", func(r *VerdictRow) string { return strconv.Itoa(r.Runs) }, func(r *VerdictRow, s string) (err error) {
		r.Runs, err = strconv.Atoi(s)
		return err
	}},
	textCol("protocol", func(r *VerdictRow) *string { return &r.Protocol }),
	strCol("departures", func(r *VerdictRow) **string { return &r.Departures }),
	strCol("missing", func(r *VerdictRow) **string { return &r.Missing }),
}

// textCol is a column that is never null.
func textCol(name string, f func(r *VerdictRow) *string) verdictColumn {
	return verdictColumn{name, func(r *VerdictRow) string { return *f(r) }, func(r *VerdictRow, s string) error { *f(r) = s; return nil }}
}

func strCol(name string, f func(r *VerdictRow) **string) verdictColumn {
	return verdictColumn{name, func(r *VerdictRow) string {
		if p := *f(r); p != nil {
			return *p
		}
		return ""
	}, func(r *VerdictRow, s string) error { *f(r) = strP(s); return nil }}
}

func numCol(name string, f func(r *VerdictRow) **float64) verdictColumn {
	return verdictColumn{name, func(r *VerdictRow) string {
		if p := *f(r); p != nil {
			return strconv.FormatFloat(*p, 'g', -1, 64)
		}
		return ""
	}, func(r *VerdictRow, s string) error {
		if s == "" {
			return nil
		}
		x, err := strconv.ParseFloat(s, 64)
		*f(r) = &x
		return err
	}}
}

func boolCol(name string, f func(r *VerdictRow) **bool) verdictColumn {
	return verdictColumn{name, func(r *VerdictRow) string {
		if p := *f(r); p != nil {
			return strconv.FormatBool(*p)
		}
		return ""
	}, func(r *VerdictRow, s string) error {
		if s == "" {
			return nil
		}
		b, err := strconv.ParseBool(s)
		*f(r) = &b
		return err
	}}
}

// writeVerdicts writes verdicts.json (an array of row objects, nulls as null) and
// verdicts.csv (the same rows, nulls as empty fields) into dir.
func writeVerdicts(dir, profile string, vs []Verdict) error {
	rows := VerdictRows(profile, vs)
	if rows == nil {
		rows = []VerdictRow{} // "[]", not "null"
	}
	js, err := json.MarshalIndent(rows, "", " ")
	if err != nil {
		return fmt.Errorf("reports: verdicts.json: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "verdicts.json"), append(js, '\n'), 0o644); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := make([]string, len(verdictColumns))
	for i, c := range verdictColumns {
		head[i] = c.name
	}
	_ = w.Write(head)
	for i := range rows {
		rec := make([]string, len(verdictColumns))
		for j, c := range verdictColumns {
			rec[j] = c.get(&rows[i])
		}
		_ = w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("reports: verdicts.csv: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "verdicts.csv"), buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}

// ReadVerdicts reads verdicts.json or verdicts.csv (by the name's extension) back into rows,
// for scripts and CI gates written in Go.
func ReadVerdicts(path string) ([]VerdictRow, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rows []VerdictRow
	if strings.HasSuffix(path, ".json") {
		if err := json.Unmarshal(b, &rows); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return rows, nil
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no header; expected the columns of verdicts.csv", path)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, c := range verdictColumns {
		if _, ok := col[c.name]; !ok {
			return nil, fmt.Errorf("%s: column %q missing; the file is not a verdicts.csv of this version", path, c.name)
		}
	}
	for li, rec := range recs[1:] {
		var r VerdictRow
		for _, c := range verdictColumns {
			if err := c.set(&r, rec[col[c.name]]); err != nil {
				return nil, fmt.Errorf("%s line %d, column %s: %w", path, li+2, c.name, err)
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}
