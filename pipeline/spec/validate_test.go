package spec

import (
	"os"
	"strings"
	"testing"
)

// Hostile specs from issue reports and the fuzzer: each is refused by LoadSpec with an
// error naming the field, never a panic and never a plan.
func TestHostileSpecs(t *testing.T) {
	gauss := func(src string) string {
		return "settings:\n  - id: g\n    family: gaussian\n    sources:\n" + src
	}
	two := "      - {name: a2, weight: 1, mean: [0, 0], var: [1, 1]}\n"
	cases := []struct{ name, spec, want string }{
		{"infinite mean", gauss("      - {name: a1, weight: 1, mean: [.inf, 0], var: [1, 1]}\n" + two), "sources[0] (a1).mean[0] = +Inf"},
		{"NaN mean", gauss("      - {name: a1, weight: 1, mean: [.nan, 0], var: [1, 1]}\n" + two), "mean[0] = NaN"},
		{"infinite variance", gauss("      - {name: a1, weight: 1, mean: [0, 0], var: [1, .inf]}\n" + two), "var[1] = +Inf"},
		{"infinite weight", gauss("      - {name: a1, weight: -.inf, mean: [0, 0], var: [1, 1]}\n" + two), "weight = -Inf"},
		{"huge mean", gauss("      - {name: a1, weight: 1, mean: [1e300, 0], var: [1, 1]}\n" + two), "mean[0] = 1e+300 is outside"},
		{"denormal variance", gauss("      - {name: a1, weight: 1, mean: [0, 0], var: [1e-320, 1]}\n" + two), "var[0] = 1e-320 is outside"},
		{"tiny std", "settings:\n  - {id: m, family: mixture, truth: importance, std: 1e-9, means: [[0]], sources: [{weight: 1, components: [0]}, {weight: 1, components: [0]}]}\n", "std = 1e-09 is outside"},
		{"huge weight", gauss("      - {name: a1, weight: 1e300, mean: [0, 0], var: [1, 1]}\n" + two), "|weight| must be at most"},
		{"infinite std", "settings:\n  - {id: m, family: mixture, truth: importance, std: .inf, means: [[0]], sources: [{weight: 1, components: [0]}, {weight: 1, components: [0]}]}\n", "std = +Inf"},
		{"ragged means", "settings:\n  - {id: m, family: mixture, truth: importance, std: 1, means: [[0, 0], [1]], sources: [{weight: 1, components: [0]}, {weight: 1, components: [1]}]}\n", "means[1] has dimension 1 but means[0] has 2"},
		{"empty mean vector", "settings:\n  - {id: m, family: mixture, truth: importance, std: 1, means: [[]], sources: [{weight: 1, components: [0]}, {weight: 1, components: [0]}]}\n", "means[0] has dimension 0"},
		{"duplicate ids in one file", gauss("      - {name: a1, weight: 1, mean: [0, 0], var: [1, 1]}\n"+two) +
			"  - id: g\n    family: gaussian\n    sources:\n      - {name: a1, weight: 1, mean: [1, 0], var: [1, 1]}\n" + two, `both have id "g"`},
		{"infinite g_clip", "profiles:\n  smoke: {g_clip: inf}\n", "g_clip = +Inf"},
		{"NaN learning rate", "profiles:\n  smoke: {train: {lr: .nan}}\n", "train.lr = NaN"},
		{"NaN beta", "profiles:\n  smoke: {train: {beta1: .nan}}\n", "train.beta1 = NaN"},
		{"infinite rejection safety", "profiles:\n  smoke: {rejection_safety: .inf}\n", "rejection_safety = +Inf"},
		{"runs from the issue", "profiles:\n  smoke: {runs: 100000000000}\n", "runs = 100000000000 exceeds the limit"},
		{"huge K", "profiles:\n  smoke: {ks: [1, 9223372036854775807]}\n", "above the limit"},
		{"repeated K", "profiles:\n  smoke: {ks: [4, 4]}\n", "lists 4 twice"},
		{"repeated model kind", "profiles:\n  smoke: {model_kinds: [separate, separate]}\n", `"separate" twice`},
		{"MMD cross pairs", "profiles:\n  smoke: {samples: 100000, truth_samples: 100000}\n", "MMD² limit"},
		{"seed at the top", "profiles:\n  smoke: {seed: 18446744073709551615}\n", "leaves no room"},
		{"long id", gauss("      - {name: a1, weight: 1, mean: [0, 0], var: [1, 1]}\n" + two)[:0] + "settings:\n  - {id: " + strings.Repeat("a", 65) + "}\n", "at most 64"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(writeSpec(t, c.spec))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one containing %q", err, c.want)
			}
		})
	}
}

// A spec file far larger than any spec is refused before it is parsed.
func TestSpecFileTooLarge(t *testing.T) {
	p := writeSpec(t, "")
	if err := os.WriteFile(p, []byte("# "+strings.Repeat("x", maxSpecBytes)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("error %v; want a size refusal", err)
	}
}

// -only naming a setting twice is refused (it used to fail at the report, after all the work).
func TestOnlyTwice(t *testing.T) {
	sp, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sp.Select("gmm-id, gmm-id"); err == nil || !strings.Contains(err.Error(), `"gmm-id" twice`) {
		t.Fatalf("error %v; want a refusal naming gmm-id", err)
	}
}

// A -spec file that is no spec (a password file, say) is refused by its line numbers; none
// of its bytes reach the message.
func TestSpecErrorsDoNotEchoTheFile(t *testing.T) {
	secret := "root:$6$Xy7secretsalt$ZmFrZWhhc2hfdGhhdF9sb29rc19yZWFs:19000:0:99999:7:::"
	for _, body := range []string{secret + "\ndaemon:*:19000:0:99999:7:::\n", secret + "\n", "- " + secret + "\n"} {
		_, err := Load(writeSpec(t, body))
		if err == nil {
			t.Fatalf("%q was accepted as a spec", body)
		}
		for _, frag := range []string{"secretsalt", "ZmFrZWhh", "19000", "$6$", "daemon"} {
			if strings.Contains(err.Error(), frag) {
				t.Errorf("the message quotes the file (%q):\n%v", frag, err)
			}
		}
		if !strings.Contains(err.Error(), "line 1") {
			t.Errorf("the message does not name the line:\n%v", err)
		}
	}
}
