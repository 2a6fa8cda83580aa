package reports

import "strconv"

// ChecksBlock is a study's table of the theorem checks of its settings (ids): theorem,
// setting, quantity, expected, measured, tolerance, pass or FAIL, note — one row per check,
// in the report's order.
func ChecksBlock(r *Report, id, title string, ids map[string]bool) Block {
	b := Block{ID: id, Title: title, Empty: "No theorem checks in this study.",
		Header: []string{"Theorem", "Setting", "Quantity", "Expected", "Measured", "Tolerance", "Result", "Note"}}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	for _, t := range r.Theorems {
		if !ids[t.Setting] {
			continue
		}
		res := "pass"
		if !t.Pass {
			res = "FAIL"
		}
		b.Rows = append(b.Rows, []string{t.Theorem, t.Setting, t.Quantity, g(t.Expected), g(t.Measured), g(t.Tolerance), res, t.Note})
	}
	return b
}
