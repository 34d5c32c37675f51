package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// table is what a listing command prints: columns for the terminal and
// CSV, and a value for JSON (usually a slice of the same rows as structs,
// so scripts get names and types rather than strings).
type table struct {
	header []string
	rows   [][]string
	json   any
	// err, when set, is what stopped the table being gathered: nothing is
	// printed, so a script never takes half an export for a whole one.
	err error
}

// print writes t in the format the flags chose.
func (a *app) print(t table) error {
	if t.err != nil {
		return t.err
	}
	switch {
	case a.jsonOut:
		enc := json.NewEncoder(a.io.out)
		enc.SetIndent("", "  ")
		return enc.Encode(t.json)
	case a.csvOut:
		w := csv.NewWriter(a.io.out)
		if err := w.Write(t.header); err != nil {
			return err
		}
		for _, r := range t.rows {
			if err := w.Write(sanitizeCSV(r)); err != nil {
				return err
			}
		}
		w.Flush()
		return w.Error()
	default:
		return writeTable(a.io.out, t.header, t.rows)
	}
}

func writeTable(w io.Writer, header []string, rows [][]string) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "(none)")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		clean := make([]string, len(r))
		for i, c := range r {
			clean[i] = oneLine(c)
		}
		fmt.Fprintln(tw, strings.Join(clean, "\t"))
	}
	return tw.Flush()
}

// oneLine keeps a cell on one line and free of terminal control bytes: the
// text comes from GoTo (names, descriptions), not from us.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
}

// sanitizeCSV defuses cells that a spreadsheet would run as a formula
// (OWASP's CSV injection advice): a learner's name such as
// "=HYPERLINK(...)" is data, and an export is opened in spreadsheets. It
// also drops control bytes other than tab and line breaks, which GoTo's
// text has no use for and which a terminal would obey.
func sanitizeCSV(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		c = stripControls(c)
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && !isNumber(c) {
			c = "'" + c
		}
		out[i] = c
	}
	return out
}

// stripControls drops C0 and C1 control characters but tab and line breaks.
func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return r
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}

func isNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}

// ts prints an instant for tables and CSV: RFC 3339 in UTC, as GoTo sends it.
func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// minutes prints a duration as whole minutes, GoTo's unit.
func minutes(d time.Duration) string {
	return fmt.Sprint(int64(d / time.Minute))
}
