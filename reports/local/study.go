// Package local is the study of seed 001 ("Local mechanisms of compositional generalization
// in conditional diffusion", SPEC §13): location-conditioned networks trained on object
// scenes of 1…M objects (core/local) asked for K requested objects, every sample counted by
// the scene reader; their locality measured against the exact score; the seed's claims as
// computed verdicts (rules.go), tables (section.go) and figures (figures.go).
package local

import (
	"embed"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

const (
	studyName = "local"
	family    = "local" // stages.LocalFamily
)

//go:embed *.go
var source embed.FS

func init() {
	reports.Register(reports.Study{
		Name:  studyName,
		Title: "Local score models and length generalisation (seed 001)",
		Order: 30,
		Intro: "Networks trained on scenes of 1…M objects, with a conditioner that marks where the objects are, are asked for K objects at K requested cells, K beyond M included (length generalisation). " +
			"A global ε-MLP whose conditioner marks every object (the seed's Experiment 1), the same with one object marked (Experiment 2), the local network — one MLP shared by all cells, each cell denoised from a patch of neighbouring cells with the conditioners inside it and its position — on the one-label data (Experiment 3), and that network with a patch covering the whole strip are compared on every sample read by the scene reader, " +
			"and their locality is measured beside the exact score of the conditional projective composition, which Lemma 1 says is local at every noise level.",
		Families:        []string{family},
		RuleDefinitions: RuleDefinitions,
		Verdicts:        verdicts,
		Uses:            uses,
		Section:         section,
		Source:          source,
	})
}

// verdicts judges the seed's claims on every sweep of the study's settings.
func verdicts(r *reports.Report, settings []*reports.SettingResults) []reports.Verdict {
	var out []reports.Verdict
	sws := sweepsOf(settings)
	for _, sw := range sws {
		for _, rule := range rules {
			v := rule(r, sw)
			if len(sws) > 1 {
				v.ID += "/" + sw.name
			}
			out = append(out, v)
		}
	}
	return out
}

// uses lists each verdict with the settings whose runs it reads (for -decide): every
// claim reads its whole sweep.
func uses(settings []*cell.Setting) []reports.Use {
	rs := reports.Shells(settings)
	sws := sweepsOf(rs)
	var out []reports.Use
	for _, sw := range sws {
		var ids []string
		for _, s := range sw.settings {
			ids = append(ids, s.ID)
		}
		for _, c := range claims {
			id := c.ID
			if len(sws) > 1 {
				id += "/" + sw.name
			}
			out = append(out, reports.Use{ID: id, Settings: ids})
		}
	}
	return out
}
