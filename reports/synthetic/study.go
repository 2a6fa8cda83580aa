// Package synthetic is the first study of compdiff: the synthetic experiments of
// "Catastrophic Compositional Generation" (seed 000, SPEC §1–9) — Gaussian and mixture
// settings, conditional and separate score models, FKC over K — with the paper's claims as
// computed verdicts (claim*.go), its tables and figures (section.go, figures.go).
package synthetic

import (
	"embed"

	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

const studyName = "synthetic"

//go:embed *.go
var source embed.FS

func init() {
	reports.Register(reports.Study{
		Name:  studyName,
		Title: "Catastrophic compositional generation: the synthetic settings (seed 000)",
		Order: 0,
		Intro: "Three sources Pa1, Pa2, P0 and their base composition Pw ∝ Pa1·Pa2/P0; score models trained on N samples per source " +
			"(or the exact scores) composed naively (K = 1) and with the Feynman–Kac corrector over K particles; SW2 and MMD² to the exact target.",
		Families:        []string{"gaussian", "mixture"},
		RuleDefinitions: RuleDefinitions,
		Claims:          []string{"1", "2", "3", "4", "5", "6"},
		Verdicts:        verdicts,
		Uses:            uses,
		Section:         section,
		Source:          source,
	})
}

// uses lists the run-dependent verdicts: claims 1–6 on the settings that name them (their
// own runs) and claim 7 on each claim-6 setting, which also reads the settings of claims
// 1–5. Claim 8 (the theorem checks) does not depend on runs.
func uses(settings []*cell.Setting) []reports.Use {
	var out []reports.Use
	var first []string
	for _, s := range settings {
		if s.Claim >= "1" && s.Claim <= "5" && len(s.Claim) == 1 {
			first = append(first, s.ID)
		}
	}
	for _, s := range settings {
		if s.Claim != "" {
			out = append(out, reports.Use{ID: s.Claim + "/" + s.ID, Settings: []string{s.ID}})
		}
		if s.Claim == "6" {
			out = append(out, reports.Use{ID: "7/" + s.ID, Settings: append([]string{s.ID}, first...)})
		}
	}
	return out
}
