package room

import (
	"fmt"

	"github.com/compdiff/compdiff/core/dist"
)

// SourceParams is one room source as node params carry it: the room and its class
// weights, never the templates (they follow from the room).
type SourceParams struct {
	Room         Spec      `json:"room"`
	ClassWeights []float64 `json:"class_weights"`
}

// Mixture is the source (see Mixture).
func (p SourceParams) Mixture() (*dist.GMM, error) { return Mixture(p.Room, p.ClassWeights) }

// MeasureParams is a room setting's measurement as node params carry it: the room, read by
// its Classifier, and the exact class weights of the composition the samples should follow.
type MeasureParams struct {
	Room   Spec      `json:"room"`
	Target []float64 `json:"target"`
}

// Names of the values a room measurement reports besides one share per class (ShareMetric).
const (
	MetricAll     = "all"     // share of the class holding every object (couch+x)
	MetricPartial = "partial" // share holding some objects but not all (an object alone)
	MetricInvalid = "invalid" // share that shows no clear room (Classifier)
	MetricTV      = "tv"      // total variation between the read shares and Target
)

// ShareMetric names the share of class c: "share." + its class name ("share.couch+table").
func ShareMetric(s Spec, c int) string { return "share." + ClassName(s, c) }

// Readings are the values of a room measurement from a batch's counts, in a fixed order:
// the share of every class (ShareMetric), then MetricAll, MetricPartial, MetricInvalid and
// MetricTV against the target's class weights.
func Readings(s Spec, n Counts, target []float64) (names []string, values []float64, err error) {
	nc := NumClasses(s)
	if len(n.Class) != nc || len(target) != nc {
		return nil, nil, fmt.Errorf("room readings: %d counted classes and %d target weights for a room of %d classes", len(n.Class), len(target), nc)
	}
	if n.Total() == 0 {
		return nil, nil, fmt.Errorf("room readings: no samples counted")
	}
	sh := Shares(n)
	tv, err := TotalVariation(sh, target)
	if err != nil {
		return nil, nil, err
	}
	partial := 0.0
	for c := 1; c < nc-1; c++ {
		partial += sh[c]
	}
	for c := 0; c < nc; c++ {
		names, values = append(names, ShareMetric(s, c)), append(values, sh[c])
	}
	names = append(names, MetricAll, MetricPartial, MetricInvalid, MetricTV)
	values = append(values, sh[nc-1], partial, sh[nc], tv)
	return names, values, nil
}
