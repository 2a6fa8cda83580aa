package reports

import (
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strconv"
	"strings"
	texttemplate "text/template"
)

// Templates are data: editing one changes TemplateFingerprint, which the report node's key
// includes, so only the report re-runs.
//
//go:embed templates
var templateFS embed.FS

// rendererFS holds this package's own source, so that a change to how the report is computed
// (claims rules, tables, figures) also changes the fingerprint, not only a template edit.
//
//go:embed *.go
var rendererFS embed.FS

// TemplateFingerprint is the sha256 (hex) of every embedded template file, then of the
// renderer's source and of every registered study's and document's source, names included.
func TemplateFingerprint() string {
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	fp, err := fingerprintFS(sub)
	if err != nil {
		panic(err)
	}
	sources := []fs.FS{rendererFS}
	for _, s := range Studies() {
		sources = append(sources, s.Source)
	}
	for _, d := range registeredDocuments() {
		sources = append(sources, d.Source)
	}
	h := sha256.New()
	for _, src := range sources {
		if src == nil {
			continue
		}
		code, err := fingerprintFS(src)
		if err != nil {
			panic(err)
		}
		h.Write([]byte(code))
	}
	return fp[:32] + hex.EncodeToString(h.Sum(nil))[:32]
}

// fingerprintFS hashes name, length and bytes of every file in lexical order; lengths keep
// the boundaries between files unambiguous.
func fingerprintFS(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(path)))
		h.Write(n[:])
		h.Write([]byte(path))
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// num formats a theorem quantity compactly but exactly enough to compare with its tolerance.
func num(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

var funcs = map[string]any{
	"mdEscape":  mdEscape,
	"texEscape": texEscape,
	"num":       num,
	"join":      strings.Join,
}

type templates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
	css  string
}

func loadTemplates() (*templates, error) {
	tt, err := texttemplate.New("").Funcs(funcs).ParseFS(templateFS,
		"templates/report.md.tmpl", "templates/table.md.tmpl", "templates/table.tex.tmpl")
	if err != nil {
		return nil, fmt.Errorf("reports: parse text templates: %w", err)
	}
	ht, err := htmltemplate.New("").Funcs(funcs).ParseFS(templateFS,
		"templates/index.html.tmpl", "templates/table.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("reports: parse html templates: %w", err)
	}
	css, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		return nil, fmt.Errorf("reports: read style: %w", err)
	}
	return &templates{text: tt, html: ht, css: string(css)}, nil
}
