package reports

import (
	"bytes"
	"encoding/base64"
	"fmt"
	htmltemplate "html/template"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/compdiff/compdiff/reports/figure"
)

// Section is what a study contributes to the report: a view per setting, then blocks (e.g.
// the theorem checks).
type Section struct {
	Settings []SettingView
	Blocks   []Block
}

// SettingView is one setting's part of the report, drawn the same way for every study.
type SettingView struct {
	ID, Title string
	Facts     []Fact // "Kind: factorized, ID", "Ground truth: …"
	Notes     []string
	Tables    []GridTable
	Figures   []FigureView
	Absent    []string // what is missing and why
}

// Anchor is the setting's HTML id.
func (v SettingView) Anchor() string { return "setting-" + v.ID }

// Fact is one line of a setting's header.
type Fact struct{ Name, Value string }

// Block is a titled table of plain text (a study's extra result, such as its theorem
// checks); Empty is said when it has no rows.
type Block struct {
	ID, Title, Text string
	Header          []string
	Rows            [][]string
	Empty           string
}

// FigureView is one drawn figure: its files' base name, caption and the PNG to embed.
type FigureView struct {
	Base, Caption string
	PNG           htmltemplate.URL // data: URI, so index.html needs no other file
}

// FigureJob is a figure to draw: Draw runs on any core.
type FigureJob struct {
	Base, Caption string
	Draw          func() (figure.Grid, error)
}

// Output writes a study's tables and figures under the report's directory.
type Output struct {
	Dir     string
	Profile string
	tm      *templates
}

// Table renders a grid table as Markdown, HTML and LaTeX, writes tables/<Base>.{md,html,tex}
// and returns it with the renderings filled in.
func (o *Output) Table(t GridTable) (GridTable, error) {
	var md, tex bytes.Buffer
	var html strings.Builder
	if err := o.tm.text.ExecuteTemplate(&md, "table.md", t); err != nil {
		return t, err
	}
	if err := o.tm.text.ExecuteTemplate(&tex, "table.tex", t); err != nil {
		return t, err
	}
	if err := o.tm.html.ExecuteTemplate(&html, "table.html", t); err != nil {
		return t, err
	}
	t.MD, t.TeX, t.HTML = md.String(), tex.String(), htmltemplate.HTML(html.String())
	base := filepath.Join(o.Dir, "tables", t.Base)
	for ext, b := range map[string]string{".md": t.MD, ".tex": t.TeX, ".html": html.String()} {
		if err := os.WriteFile(base+ext, []byte(b), 0o644); err != nil {
			return t, err
		}
	}
	return t, nil
}

// Figures draws the jobs on every core (drawing dominates the report's time), then writes
// figures/<Base>.{png,svg} and returns the views in the jobs' order.
func (o *Output) Figures(jobs []FigureJob) ([]FigureView, error) {
	type drawn struct{ png, svg []byte }
	out := make([]drawn, len(jobs))
	var eg errgroup.Group
	eg.SetLimit(runtime.NumCPU())
	for i, f := range jobs {
		eg.Go(func() error {
			g, err := f.Draw()
			if err == nil {
				out[i].png, out[i].svg, err = g.Render()
			}
			if err != nil {
				return fmt.Errorf("figure %s: %w", f.Base, err)
			}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	var views []FigureView
	for i, f := range jobs {
		base := filepath.Join(o.Dir, "figures", f.Base)
		if err := os.WriteFile(base+".png", out[i].png, 0o644); err != nil {
			return nil, err
		}
		if err := os.WriteFile(base+".svg", out[i].svg, 0o644); err != nil {
			return nil, err
		}
		views = append(views, FigureView{Base: f.Base, Caption: f.Caption,
			PNG: htmltemplate.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(out[i].png))})
	}
	return views, nil
}
