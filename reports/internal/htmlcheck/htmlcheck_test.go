package htmlcheck

import "testing"

func TestSelfContainedRejects(t *testing.T) {
	for _, bad := range []string{
		`<html><body><p>x</body></html>`,
		`<html><body><img src="fig.png" /></body></html>`,
		`<html><body><a href="https://example.com">x</a></body></html>`,
		`<html><body><a href="#nowhere">x</a></body></html>`,
	} {
		if SelfContained([]byte(bad)) == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	ok := `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><br><a href="#x">x</a><p id="x">&nbsp;</p><img src="data:image/png;base64,AA=="></body></html>`
	if err := SelfContained([]byte(ok)); err != nil {
		t.Errorf("rejected a good page: %v", err)
	}
}
