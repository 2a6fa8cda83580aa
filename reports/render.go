package reports

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"os"
	"path/filepath"
	"strings"
)

// studyView is one study's part of the page.
type studyView struct {
	*Study
	Section
	Verdicts []Verdict
}

// Anchor is the study's HTML id.
func (s studyView) Anchor() string { return "study-" + s.Name }

type page struct {
	R           *Report
	Verdicts    []Verdict
	Rows        []summaryRow
	Protocols   []protocolNote
	Protocol    string // the report's sizes in words
	Counts      string
	Studies     []studyView
	CSS         htmltemplate.CSS
	Fingerprint string
	Total       StageStat
}

// Render writes the whole report for r into outDir (created if needed); see the package
// comment for the file list. Existing files of the same names are overwritten.
func Render(r *Report, outDir string) error {
	if r == nil {
		return errors.New("reports: Render called with a nil report")
	}
	if r.Profile == "" {
		return errors.New("reports: report has no profile name; every output must name its profile")
	}
	seen := map[string]bool{}
	for i := range r.Settings {
		s := &r.Settings[i]
		if s.ID == "" || seen[s.ID] {
			return fmt.Errorf("reports: setting %d has an empty or duplicate ID %q", i, s.ID)
		}
		seen[s.ID] = true
		if StudyOf(s.Family) == nil {
			return fmt.Errorf("reports: setting %s has family %q, which no registered study covers; register its study (reports.Register) in the binary", s.ID, s.Family)
		}
	}
	for _, d := range []string{outDir, filepath.Join(outDir, "tables"), filepath.Join(outDir, "figures")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("reports: %w", err)
		}
	}
	tm, err := loadTemplates()
	if err != nil {
		return err
	}
	r.Summarize()
	if err := writeCSV(filepath.Join(outDir, "results.csv"), r); err != nil {
		return err
	}
	if err := writeArrow(filepath.Join(outDir, "results.arrow"), r); err != nil {
		return err
	}
	if err := writeParquet(filepath.Join(outDir, "results.parquet"), r); err != nil {
		return err
	}
	for _, d := range registeredDocuments() {
		if err := d.Render(r, outDir); err != nil {
			return fmt.Errorf("reports: %s: %w", d.Name, err)
		}
	}
	if q := r.Sequential; q != nil && (q.Budget != "" || q.Ended != "") {
		note := "-decide's budget ended the design: " + q.Budget + "."
		if q.Budget == "" {
			note = "-decide ended before its budget: " + q.Ended + "."
		}
		rc := *r // the caller's report keeps its notes
		rc.Notes = append([]string{note}, r.Notes...)
		r = &rc
	}
	pg := page{R: r, CSS: htmltemplate.CSS(tm.css), Fingerprint: TemplateFingerprint()}
	out := &Output{Dir: outDir, Profile: r.Profile, tm: tm}
	counts := map[string]int{}
	for _, s := range Studies() {
		mine := settingsOf(r, s)
		if len(mine) == 0 {
			continue
		}
		v := studyView{Study: s, Verdicts: judgeStudy(r, s, mine)}
		if s.Section != nil {
			if v.Section, err = s.Section(r, mine, out); err != nil {
				return fmt.Errorf("reports: study %s: %w", s.Name, err)
			}
		}
		for _, x := range v.Verdicts {
			counts[x.Outcome]++
		}
		pg.Verdicts = append(pg.Verdicts, v.Verdicts...)
		pg.Studies = append(pg.Studies, v)
	}
	pg.Rows, pg.Protocols = summarize(pg.Verdicts)
	pg.Protocol = ProtocolText(r.Protocol, r.Protocol.Runs)
	if err := writeVerdicts(outDir, r.Profile, pg.Verdicts); err != nil {
		return err
	}
	pg.Counts = fmt.Sprintf("%d supported, %d contradicted, %d inconclusive",
		counts[Supported], counts[Contradicted], counts[Inconclusive])
	for _, s := range r.Stages {
		pg.Total.Nodes += s.Nodes
		pg.Total.Ran += s.Ran
		pg.Total.Cached += s.Cached
		pg.Total.Seconds += s.Seconds
	}
	var md bytes.Buffer
	if err := tm.text.ExecuteTemplate(&md, "report.md.tmpl", pg); err != nil {
		return fmt.Errorf("reports: report.md: %w", err)
	}
	if err := os.WriteFile(filepath.Join(outDir, "report.md"), md.Bytes(), 0o644); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	var html bytes.Buffer
	if err := tm.html.ExecuteTemplate(&html, "index.html.tmpl", pg); err != nil {
		return fmt.Errorf("reports: index.html: %w", err)
	}
	if err := os.WriteFile(filepath.Join(outDir, "index.html"), html.Bytes(), 0o644); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return nil
}

// summaryRow is a verdict in the summary table with the protocol it came from (P1, P2, …),
// said once below the table instead of in every row.
type summaryRow struct {
	Verdict
	P string
}

// protocolNote is one distinct protocol of the summary: the reduced-protocol label and its
// departures from the paper's, or the paper's.
type protocolNote struct{ ID, Text string }

func summarize(vs []Verdict) ([]summaryRow, []protocolNote) {
	var rows []summaryRow
	var notes []protocolNote
	ids := map[string]string{}
	for _, v := range vs {
		text := "the paper's"
		if v.Reduced {
			text = "reduced: " + strings.Join(v.Departures, ", ")
		}
		id, ok := ids[text]
		if !ok {
			id = fmt.Sprintf("P%d", len(notes)+1)
			ids[text] = id
			notes = append(notes, protocolNote{ID: id, Text: text})
		}
		rows = append(rows, summaryRow{Verdict: v, P: id})
	}
	return rows, notes
}
