package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCSVCellsAreNotFormulas(t *testing.T) {
	t.Parallel()
	got := sanitizeCSV([]string{"=HYPERLINK(\"http://x\")", "+1", "-12", "@SUM(A1)", "Ada", "", "-", "12.5"})
	// A negative number stays a number for the spreadsheet; anything else
	// that starts like a formula is quoted.
	want := []string{"'=HYPERLINK(\"http://x\")", "'+1", "-12", "'@SUM(A1)", "Ada", "", "'-", "12.5"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestTableCellsHoldNoControlBytes(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := writeTable(&b, []string{"A", "B"}, [][]string{{"x\x1b[31mred", "line\nbreak\ttab"}}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b\t") || strings.Count(b.String(), "\n") != 2 {
		t.Errorf("table %q", b.String())
	}
}

func TestFlagsMayFollowArguments(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.Bool("json", false, "")
	fs.String("o", "", "")
	got := interleave(fs, []string{"KEY", "--json", "REC", "-o", "file.mp4", "--", "-notaflag"})
	want := []string{"--json", "-o", "file.mp4", "--", "KEY", "REC", "-notaflag"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestProgressDrawsOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	p := newProgress(&b, "registering")
	p.total = 10
	p.add(3)
	p.finish()
	if b.Len() != 0 {
		t.Errorf("progress wrote %q to a writer that is not a terminal", b.String())
	}
	p.on = true // as on a terminal
	p.add(2)
	p.finish()
	if got := b.String(); !strings.Contains(got, "\rregistering [###############...............] 5/10") || !strings.HasSuffix(got, "\n") {
		t.Errorf("progress drew %q", got)
	}
}
