// Package projective is the study of seed 002 ("Mechanisms of Projective Composition of
// Diffusion Models", SPEC §12): object scenes with exact scores composed from k
// conditionals over different backgrounds (core/scene), and factorized Gaussian concepts
// seen through linear maps (core/linmap), with the paper's claims as computed verdicts
// (rules*.go), tables (section.go, linmaps.go) and figures (figures.go).
package projective

import (
	"embed"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

const studyName = "projective"

//go:embed *.go
var source embed.FS

func init() {
	reports.Register(reports.Study{
		Name:  studyName,
		Title: "Projective composition: backgrounds, factorized conditionals and linear maps (seed 002)",
		Order: 20,
		Intro: "C[p] ∝ p_b·Π_i (p_i/p_b) composes k conditionals over a background p_b. Object scenes (slots empty or holding one of a few templates, plus pixel noise) have exact scores and exact ground truth, " +
			"so the study can ask when C is projective — each requested object where it was asked, the rest as the background says — with exact scores and with one learned model trained on one-object scenes and composed for every k; " +
			"and, for Gaussian concepts seen through a linear map, when diffusion sampling reaches a composition that exists.",
		Families:        []string{scenesFamily, linmapFamily},
		RuleDefinitions: RuleDefinitions,
		Verdicts:        verdicts,
		Uses:            uses,
		Section:         section,
		Source:          source,
	})
}

// verdicts judges the claims of seed 002 on the study's settings.
func verdicts(r *reports.Report, settings []*reports.SettingResults) []reports.Verdict {
	ss := scenesOf(settings)
	var out []reports.Verdict
	for _, rule := range []func(*reports.Report, []*sceneSetting) (reports.Verdict, bool){thm53, background, lemma81} {
		if v, ok := rule(r, ss); ok {
			out = append(out, v)
		}
	}
	out = append(out, section7(r, mapsOf(r, settings))...)
	if v, ok := length(r, ss); ok {
		out = append(out, v)
	}
	return out
}

// uses lists each verdict with the settings whose runs it reads (for -decide).
func uses(settings []*cell.Setting) []reports.Use {
	rs := reports.Shells(settings)
	ss := scenesOf(rs)
	ids := func(pick func(*sceneSetting) bool) []string {
		var out []string
		for _, s := range ss {
			if pick(s) {
				out = append(out, s.ID)
			}
		}
		return out
	}
	inSweep := func(bgs ...string) func(*sceneSetting) bool {
		return func(s *sceneSetting) bool {
			for _, bg := range bgs {
				if s.BG == bg && s.Slots && !s.Coupled {
					return true
				}
			}
			return false
		}
	}
	var out []reports.Use
	add := func(id string, settings []string) {
		if len(settings) > 0 {
			out = append(out, reports.Use{ID: id, Settings: settings})
		}
	}
	add(claimThm53.ID, ids(inSweep(bgEmpty)))
	add(claimBackground.ID, ids(inSweep(bgEmpty, bgBayes, bgClutter)))
	add(claimLemma81.ID, ids(func(s *sceneSetting) bool { return s.Coupled && s.K >= 2 }))
	add(claimLength.ID, ids(inSweep(bgEmpty, bgBayes)))
	for _, c := range conceptGroups(rs) {
		add(claimSection7.ID+"/"+c.name, c.ids)
	}
	return out
}
