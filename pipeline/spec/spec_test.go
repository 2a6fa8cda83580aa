package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeSpec(t *testing.T, body string) string {
	p := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBuiltinSpec(t *testing.T) {
	sp, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range sp.Settings {
		ids = append(ids, s.ID)
	}
	// The synthetic study's seven settings come first; other studies' settings follow.
	if len(ids) < 7 || strings.Join(ids[:7], ",") != "gauss-fc-id,gauss-nfc-id,gauss-fc-ood,gauss-nfc-ood,gmm-id,gmm-ood,gmm-ood-alt" {
		t.Fatalf("settings %s", strings.Join(ids, ","))
	}
	p, _ := sp.Profile("paper")
	if p.Runs != 30 || p.Samples != 5000 || p.TruthN != 5000 || p.Steps != 500 || p.Train.Iters != 20000 || p.Train.Width != 512 ||
		p.Train.Depth != 4 || p.Train.Batch != 512 || p.GClip.Value != 15 || len(p.Ks) != 5 || p.Ks[4] != 256 {
		t.Fatalf("paper profile deviates from SPEC §6–8: %+v", p)
	}
}

// A setting's claim: must name a rule; the built-ins name theirs.
func TestClaimField(t *testing.T) {
	_, err := Load(writeSpec(t, `settings:
  - id: mine
    claim: 9
    family: gaussian
    sources:
      - {name: a1, weight: 1, mean: [0], var: [2]}
      - {name: "0", weight: 0, mean: [0], var: [1]}
`))
	if err == nil || !strings.Contains(err.Error(), `claim "9" names no rule`) {
		t.Errorf("claim 9: %v", err)
	}
	sp, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"gauss-fc-id": "1", "gauss-nfc-id": "2", "gauss-fc-ood": "3", "gauss-nfc-ood": "4", "gmm-id": "5", "gmm-ood": "6", "gmm-ood-alt": "6",
		"rooms-painting-id": "a", "rooms-table-id": "b", "rooms-painting-ood": "c", "rooms-table-ood": "d", "rooms-painting-ood-product": "c", "rooms-table-ood-product": "d"}
	for _, s := range sp.Settings {
		if s.Claim != want[s.ID] {
			t.Errorf("%s: claim %q, want %q", s.ID, s.Claim, want[s.ID])
		}
	}
}

// wantAll fails unless err holds every one of want, each on its own line.
func wantAll(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one naming %q", want)
	}
	lines := strings.Split(err.Error(), "\n")
	for _, w := range want {
		n := 0
		for _, l := range lines {
			if strings.Contains(l, w) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d lines contain %q; want one:\n%v", n, w, err)
		}
	}
}

// A user's profile from base: gets every problem in one message (issue 18): emptying ns
// of smoke also names coind_ns and coind_lambdas, which depend on it.
func TestProfileProblemsAtOnce(t *testing.T) {
	_, err := Load(writeSpec(t, "profiles:\n  mine: {base: smoke, ns: []}\n"))
	wantAll(t, err, "profile mine: coind_ns contains N = 100, which is not in ns []",
		"profile mine: coind_lambdas is [0 1] but ns is empty", "set coind_lambdas: [] and coind_ns: []")
	if n := strings.Count(err.Error(), "\n") + 1; n != 2 {
		t.Errorf("%d lines; want the two problems:\n%v", n, err)
	}
	// Once both are emptied as the message says, the profile is valid.
	if _, err := Load(writeSpec(t, "profiles:\n  mine: {base: smoke, ns: [], coind_ns: [], coind_lambdas: []}\n")); err != nil {
		t.Fatalf("following the message: %v", err)
	}
	// Problems of several fields, bounds and meaning alike, and of two profiles.
	_, err = Load(writeSpec(t, `profiles:
  smoke: {runs: 0, ks: [4, 4], g_clip: -1, train: {lr: .nan, width: 0}, methods: [langevin]}
  other: {base: paper, samples: 1, methods_ns: [7]}
`))
	wantAll(t, err, "profile smoke: runs = 0", "profile smoke: ks lists 4 twice", "profile smoke: g_clip = -1",
		"profile smoke: train.lr = NaN", `profile smoke: methods methods contains "langevin"`,
		"profile other: samples = 1", "profile other: methods_ns contains N = 7")
	if strings.Contains(err.Error(), "width 0") {
		t.Errorf("train is named by its bound (lr) and again by its meaning:\n%v", err)
	}
}

// Several invalid settings are named together, each with its problem.
func TestSettingProblemsAtOnce(t *testing.T) {
	_, err := Load(writeSpec(t, `settings:
  - id: g-neg
    family: gaussian
    sources:
      - {name: a1, weight: 1, mean: [0], var: [-1]}
      - {name: a2, weight: 1, mean: [0], var: [1]}
  - id: g-one
    family: gaussian
    sources:
      - {name: a1, weight: 1, mean: [0], var: [1]}
  - id: m-nan
    family: mixture
    truth: importance
    std: .nan
    means: [[0]]
    sources: [{weight: 1, components: [0]}, {weight: 1, components: [0]}]
  - id: g-ok
    family: gaussian
    sources:
      - {name: a1, weight: 1, mean: [0], var: [1]}
      - {name: a2, weight: 1, mean: [0], var: [2]}
profiles:
  smoke: {runs: 0}
`))
	wantAll(t, err, "spec g-neg: source a1: var[0] = -1; variances must be positive",
		"spec g-one: has 1 sources", "spec m-nan: std = NaN", "profile smoke: runs = 0")
	if strings.Contains(err.Error(), "g-ok") {
		t.Errorf("the valid setting is named:\n%v", err)
	}
}

// A setting's family decodes its fields strictly: a misspelt field is named with its line
// and the fields the family reads there, and a field of another family is refused.
func TestSettingFieldsStrict(t *testing.T) {
	_, err := Load(writeSpec(t, `settings:
  - id: g
    family: gaussian
    sources:
      - {name: a1, weight: 1, mean: [0], var: [1]}
      - {name: a2, weight: 1, maen: [0], var: [1]}
`))
	wantAll(t, err, `spec g: line 6: unknown field "maen"`, "reads mean, var here")
	_, err = Load(writeSpec(t, `settings:
  - id: g
    family: gaussian
    std: 1
    sources:
      - {name: a1, weight: 1, mean: [0], var: [1]}
      - {name: a2, weight: 1, mean: [0], var: [1]}
`))
	wantAll(t, err, `line 4: unknown field "std"; besides the fields every setting and source has, this family reads sources here`)
}

// An unknown family names the registered ones.
func TestUnknownFamily(t *testing.T) {
	_, err := Load(writeSpec(t, `settings:
  - id: r
    family: ghosts
    sources: [{weight: 1}, {weight: 1}]
`))
	wantAll(t, err, `spec r: family "ghosts" is unknown; use one of `+strings.Join(Families(), ", "))
}
