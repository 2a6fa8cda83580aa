package reports

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/compdiff/compdiff/data/cell"
)

// Study is one registered study of the report: a vertical slice (DESIGN.md) whose rules,
// figures and section live in reports/<study>, on the shared statistics and aggregate. The
// settings of its spec families belong to it.
type Study struct {
	Name     string   // e.g. "synthetic"
	Title    string   // the report section's title
	Order    int      // sections and verdicts appear by Order, then Name
	Families []string // spec families (cell.Setting.Family) whose settings it covers
	Intro    string   // the study in a few sentences (plain text)
	// RuleDefinitions says once how the study's rules test (plain text).
	RuleDefinitions string
	// Claims are the names a setting of the study may give with `claim:` in the spec.
	Claims []string
	// Verdicts judges the study's claims on its settings (the aggregate is r.Agg).
	Verdicts func(r *Report, settings []*SettingResults) []Verdict
	// Uses lists the verdicts whose outcome depends on runs and the settings whose runs
	// each reads: -decide adds runs to those settings while the verdict is open.
	Uses func(settings []*cell.Setting) []Use
	// Section draws the study's settings: tables and figures through out.
	Section func(r *Report, settings []*SettingResults, out *Output) (Section, error)
	// Source is the study's code; it is hashed into the report's key (TemplateFingerprint).
	Source fs.FS
}

// Use is one run-dependent verdict and the settings whose runs it reads.
type Use struct {
	ID       string
	Settings []string
}

// Document is an extra file of the report computed from the whole report (methods.md).
type Document struct {
	Name   string
	Render func(r *Report, dir string) error
	Source fs.FS
}

var (
	regMu     sync.RWMutex
	studies   []*Study
	documents []*Document
)

// Register adds a study; a repeated name or a family claimed twice panics.
func Register(s Study) {
	regMu.Lock()
	defer regMu.Unlock()
	for _, o := range studies {
		if o.Name == s.Name {
			panic("reports: study " + s.Name + " registered twice")
		}
		for _, f := range s.Families {
			if slices.Contains(o.Families, f) {
				panic(fmt.Sprintf("reports: family %s belongs to study %s and %s", f, o.Name, s.Name))
			}
		}
	}
	studies = append(studies, &s)
	sort.SliceStable(studies, func(i, j int) bool {
		if studies[i].Order != studies[j].Order {
			return studies[i].Order < studies[j].Order
		}
		return studies[i].Name < studies[j].Name
	})
}

// RegisterDocument adds a document rendered beside the report.
func RegisterDocument(d Document) {
	regMu.Lock()
	defer regMu.Unlock()
	documents = append(documents, &d)
	sort.SliceStable(documents, func(i, j int) bool { return documents[i].Name < documents[j].Name })
}

// Studies lists the registered studies in report order.
func Studies() []*Study {
	regMu.RLock()
	defer regMu.RUnlock()
	return slices.Clone(studies)
}

func registeredDocuments() []*Document {
	regMu.RLock()
	defer regMu.RUnlock()
	return slices.Clone(documents)
}

// StudyOf is the study that covers a spec family, or nil.
func StudyOf(family string) *Study {
	for _, s := range Studies() {
		if slices.Contains(s.Families, family) {
			return s
		}
	}
	return nil
}

// CheckClaimName tells whether a spec's `claim:` value names a rule of the study that
// settings of this family belong to.
func CheckClaimName(family, c string) error {
	if c == "" {
		return nil
	}
	s := StudyOf(family)
	if s == nil {
		return fmt.Errorf("claim %q: no report study covers family %q, so no rule can judge it; leave claim out", c, family)
	}
	if slices.Contains(s.Claims, c) {
		return nil
	}
	return fmt.Errorf("claim %q names no rule of the %s study; use one of %s or leave it out", c, s.Name, strings.Join(s.Claims, ", "))
}

// CheckClaims evaluates every study's claims on its settings, in report order.
func CheckClaims(r *Report) []Verdict {
	r.Summarize()
	var out []Verdict
	for _, s := range Studies() {
		if mine := settingsOf(r, s); len(mine) > 0 {
			out = append(out, judgeStudy(r, s, mine)...)
		}
	}
	return out
}

// judgeStudy is a study's verdicts on its settings, each open one priced (price).
func judgeStudy(r *Report, s *Study, mine []*SettingResults) []Verdict {
	if s.Verdicts == nil {
		return nil
	}
	vs := s.Verdicts(r, mine)
	uses := map[string][]string{}
	if s.Uses != nil {
		var cs []*cell.Setting
		for _, m := range mine {
			cs = append(cs, &m.Setting)
		}
		for _, u := range s.Uses(cs) {
			uses[u.ID] = u.Settings
		}
	}
	for i := range vs {
		price(r, &vs[i], uses[vs[i].ID])
	}
	return vs
}

// VerdictUses lists, over every study, the run-dependent verdicts the settings produce and
// the settings whose runs each reads.
func VerdictUses(settings []*cell.Setting) []Use {
	var out []Use
	for _, s := range Studies() {
		var mine []*cell.Setting
		for _, st := range settings {
			if slices.Contains(s.Families, st.Family) {
				mine = append(mine, st)
			}
		}
		if len(mine) > 0 && s.Uses != nil {
			out = append(out, s.Uses(mine)...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func settingsOf(r *Report, s *Study) []*SettingResults {
	var out []*SettingResults
	for i := range r.Settings {
		if slices.Contains(s.Families, r.Settings[i].Family) {
			out = append(out, &r.Settings[i])
		}
	}
	return out
}
