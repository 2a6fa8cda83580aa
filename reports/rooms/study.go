// Package rooms is the "objects in a room" study (seed 000 §5.3, Appendices F.3 and G;
// SPEC §11) in miniature: procedural grayscale rooms with exact scores (core/room), the
// paper's reading of its Figure 2 as computed verdicts (claims.go), its tables, its
// Figure-2-style grids of samples and its class shares against K (section.go, figures.go).
package rooms

import (
	"embed"
	"encoding/json"
	"fmt"

	"github.com/compdiff/compdiff/core/room"
	"github.com/compdiff/compdiff/data/cell"
	"github.com/compdiff/compdiff/reports"
)

const (
	studyName = "rooms"
	family    = "rooms" // stages.RoomFamily, which this package cannot import
)

//go:embed *.go
var source embed.FS

func init() {
	reports.Register(reports.Study{
		Name:  studyName,
		Title: "Objects in a room (seed 000 §5.3) in miniature",
		Order: 10,
		Intro: "Rooms of 16×16 grayscale pixels that are empty or hold a couch, a second object X, or both; X is a framed painting on the wall " +
			"(disjoint pixels: factorized) or a coffee table on the floor in front of the couch (overlapping: not factorized). " +
			"Each source is an exact Gaussian mixture over the room's templates with its own class weights, so the scores, the ground truth " +
			"and the target's class weights are exact. Score models trained on N images per source (or the exact scores) are composed " +
			"Pa1·Pa2/P0 naively (K = 1) and with FKC; every sample is read by its nearest template as a class (empty, couch, X, couch+X) " +
			"or as invalid when it shows no clear room. Departures from the paper: 16×16 procedural images instead of 256×256 renders, " +
			"an ε-prediction MLP on pixels instead of a class-conditional U-Net, the profile's sampler steps instead of 100.",
		Families:        []string{family},
		RuleDefinitions: RuleDefinitions,
		Claims:          []string{"a", "b", "c", "d"},
		Verdicts:        verdicts,
		Uses:            uses,
		Section:         section,
		Source:          source,
	})
}

// uses lists the run-dependent verdicts: the claim a setting names on its own runs, and
// claim e on every factorized setting.
func uses(settings []*cell.Setting) []reports.Use {
	var out []reports.Use
	for _, s := range settings {
		if s.Claim != "" {
			out = append(out, reports.Use{ID: s.Claim + "/" + s.ID, Settings: []string{s.ID}})
		}
		if r, err := readRoom(s); err == nil && r.factorized == nil {
			out = append(out, reports.Use{ID: "e/" + s.ID, Settings: []string{s.ID}})
		}
	}
	return out
}

// roomSetting is what a room setting's params say: the room, each source's class weights
// (in source order) and the target's.
type roomSetting struct {
	spec       room.Spec
	sources    [][]float64
	target     []float64
	factorized error // nil when the setting is factorized (room.Factorized)
}

// readRoom decodes a rooms setting's measurement and sources.
func readRoom(s *cell.Setting) (*roomSetting, error) {
	if s.Measure == nil {
		return nil, fmt.Errorf("setting %s has no room measurement", s.ID)
	}
	var m room.MeasureParams
	if err := json.Unmarshal(s.Measure.Params, &m); err != nil {
		return nil, fmt.Errorf("setting %s: room measurement: %w", s.ID, err)
	}
	rs := &roomSetting{spec: m.Room, target: m.Target, factorized: fmt.Errorf("not the base composition (+1, +1, −1)")}
	base, pos := -1, []int(nil)
	for i, src := range s.Sources {
		var p room.SourceParams
		if err := json.Unmarshal(src.Spec.Params, &p); err != nil {
			return nil, fmt.Errorf("setting %s: source %s: %w", s.ID, src.Name, err)
		}
		rs.sources = append(rs.sources, p.ClassWeights)
		switch src.Weight {
		case -1:
			base = i
		case 1:
			pos = append(pos, i)
		}
	}
	if base >= 0 && len(pos)+1 == len(s.Sources) {
		var perts [][]float64
		for _, i := range pos {
			perts = append(perts, rs.sources[i])
		}
		rs.factorized = room.Factorized(rs.spec, rs.sources[base], perts)
	}
	return rs, nil
}
