package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCSVCellsAreNotFormulas(t *testing.T) {
	t.Parallel()
	got := sanitizeCSV([]string{"=HYPERLINK(\"http://x\")", "+1", "-12", "@SUM(A1)", "Ada", "", "-", "12.5"})
	// A negative number stays a number for the spreadsheet; anything else
	// that starts like a formula is quoted.
	want := []string{"'=HYPERLINK(\"http://x\")", "'+1", "-12", "'@SUM(A1)", "Ada", "", "'-", "12.5"}
	// Control bytes go, line breaks stay.
	if got := sanitizeCSV([]string{"x\x1b]0;pwned\x07y", "two\nlines"}); !cmp.Equal(got, []string{"x]0;pwnedy", "two\nlines"}) {
		t.Errorf("control bytes: %q", got)
	}
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
	got, err := interleave(fs, []string{"KEY", "--json", "REC", "-o", "file.mp4", "--", "-notaflag"})
	want := []string{"--json", "-o", "file.mp4", "--", "KEY", "REC", "-notaflag"}
	if d := cmp.Diff(want, got); d != "" || err != nil {
		t.Errorf("(-want +got):\n%s, %v", d, err)
	}
	// A value flag last would take the "--" that ends the flags; a switch
	// given a value would have the flag package quote the value, which may
	// be a secret.
	for _, args := range [][]string{{"KEY", "-o"}, {"--json=gtt-secret-value"}} {
		if got, err := interleave(fs, args); err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: %q, %v", args, got, err)
		}
	}
	if _, err := interleave(fs, []string{"--json=false"}); err != nil {
		t.Errorf("--json=false: %v", err)
	}
}

func TestSkippedLocalTimesAreRefused(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseInstant("2027-03-28T02:30", berlin); err == nil {
		t.Error("02:30 on the night Berlin moves to summer time was accepted")
	}
	got, err := parseInstant("2027-03-28T03:30", berlin)
	if err != nil || !got.Equal(time.Date(2027, 3, 28, 1, 30, 0, 0, time.UTC)) {
		t.Errorf("03:30 in Berlin: %v, %v", got, err)
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
