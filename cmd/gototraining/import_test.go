package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// cohortFile writes a spreadsheet of n learners: every 50th row (20 in
// 1,000) repeats a learner registered before the import, and 5 rows are bad.
// It returns the file and the emails that must end up registered.
func cohortFile(t *testing.T, n int, preRegistered []string) (string, map[string]bool) {
	t.Helper()
	var b strings.Builder
	b.WriteString("email,givenName,surname,department\n")
	want := map[string]bool{}
	bad := map[int]string{
		100: "no-at-sign.example.com,Bad,Email,x",
		300: "blank.given@example.com,,Name,x",
		500: "blank.surname@example.com,Blank,,x",
		700: "too,few",
		900: "space in@example.com,Bad,Email,x",
	}
	dup := 0
	for i := range n {
		switch {
		case bad[i] != "":
			b.WriteString(bad[i] + "\n")
		case i%50 == 49 && dup < len(preRegistered):
			fmt.Fprintf(&b, "%s,Already,There,x\n", preRegistered[dup])
			want[preRegistered[dup]] = true
			dup++
		default:
			email := fmt.Sprintf("learner%04d@example.com", i)
			fmt.Fprintf(&b, "%s,Learner,No%d,x\n", email, i)
			want[email] = true
		}
	}
	path := filepath.Join(t.TempDir(), "cohort.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, want
}

type importOutput struct {
	Summary importSummary  `json:"summary"`
	Results []importResult `json:"results"`
}

func runCLI(ctx context.Context, t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(ctx, args, stdio{in: strings.NewReader(""), out: &out, err: &errOut}, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

// TestImportThousandRows: 1,000 rows, 20 of them learners registered before,
// 5 bad; an import interrupted part-way and run again registers everyone
// exactly once. The rate is raised for the test (the fake has no limit
// here); the run at GoTo's 10 per second is measured in the closing note
// of issue 15 with the same file shape.
func TestImportThousandRows(t *testing.T) {
	t.Parallel()
	srv := gototrainingtest.NewServer(t)
	org := srv.OrganizerKey()
	env := map[string]string{
		"GOTOTRAINING_BASE_URL":      srv.URL,
		"GOTOTRAINING_ACCESS_TOKEN":  srv.Token(),
		"GOTOTRAINING_ORGANIZER_KEY": strconv.FormatInt(org, 10),
		"GOTOTRAINING_CONFIG_DIR":    t.TempDir(),
	}
	ctx := t.Context()
	code, out, errOut := runCLI(ctx, t, env, "trainings", "schedule", "--name", "Cohort", "--time-zone", "UTC", "--session", "2027-03-09T09:00/2027-03-09T12:00")
	if code != 0 {
		t.Fatalf("schedule: %d %s", code, errOut)
	}
	training := strings.TrimSpace(out)
	var pre []string
	for i := range 20 {
		email := fmt.Sprintf("already%02d@example.com", i)
		if code, _, errOut := runCLI(ctx, t, env, "registrants", "import", training, writeOne(t, email)); code != 0 {
			t.Fatalf("pre-registering: %d %s", code, errOut)
		}
		pre = append(pre, email)
	}
	path, want := cohortFile(t, 1000, pre)
	if len(want) != 995 {
		t.Fatalf("the file has %d good rows, want 995", len(want))
	}

	// First run: interrupted once the fake has taken 300 registrations
	// (20 of them from before).
	ictx, cancel := context.WithCancel(ctx)
	var stopped atomic.Bool
	go func() {
		for ictx.Err() == nil {
			if srv.Calls("registerForTraining") >= 320 {
				stopped.Store(true)
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	code, out, errOut = runCLI(ictx, t, env, "registrants", "import", training, path, "--json", "--rate", "2000")
	cancel()
	if !stopped.Load() {
		t.Fatalf("the import ended before the interruption: %d %s", code, errOut)
	}
	var first importOutput
	if err := json.Unmarshal([]byte(out), &first); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if code != exitPartial || first.Summary.NotAttempted == 0 || !strings.Contains(errOut, "Run the same command again") {
		t.Errorf("interrupted run: exit %d, summary %+v, stderr %q", code, first.Summary, errOut)
	}
	if first.Summary.Refused != 5 || first.Summary.Rows != 1000 {
		t.Errorf("interrupted run: summary %+v, want 1000 rows and 5 refused", first.Summary)
	}
	// Calls in flight at the interruption are cancelled: their learners
	// are "outcome unknown" (GoTo may have registered them), never failed.
	for _, r := range first.Results {
		if r.Outcome == "failed" {
			t.Errorf("line %d: %s: %s", r.Line, r.Outcome, r.Problem)
		}
	}

	// Second run, as the user would: the same command.
	code, out, errOut = runCLI(ctx, t, env, "registrants", "import", training, path, "--json", "--rate", "2000")
	var second importOutput
	if err := json.Unmarshal([]byte(out), &second); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if code != exitPartial { // the 5 bad rows are still refused
		t.Errorf("second run: exit %d: %s", code, errOut)
	}
	// Everyone the first run registered, and the 20 from before, are found
	// already registered; so are those of its unknown outcomes that GoTo
	// did register. The rest are registered now.
	got := second.Summary
	got.Seconds = 0
	landed := got.AlreadyRegistered - 20 - first.Summary.Registered
	if landed < 0 || landed > first.Summary.OutcomeUnknown {
		t.Errorf("second run: %d already registered, want 20 + %d registered by the first run + up to its %d unknown outcomes", got.AlreadyRegistered, first.Summary.Registered, first.Summary.OutcomeUnknown)
	}
	wantSum := importSummary{Rows: 1000, Registered: 995 - got.AlreadyRegistered, AlreadyRegistered: got.AlreadyRegistered, Refused: 5}
	if d := cmp.Diff(wantSum, got); d != "" {
		t.Errorf("second run's summary (-want +got):\n%s", d)
	}
	t.Logf("first run: %+v; second run: %+v", first.Summary, second.Summary)
	var refused []int
	for _, r := range second.Results {
		if r.Outcome == "refused" {
			refused = append(refused, r.Line)
		}
	}
	// Lines are 1-based with the header on line 1: row i is line i+2.
	if d := cmp.Diff([]int{102, 302, 502, 702, 902}, refused); d != "" {
		t.Errorf("refused lines (-want +got):\n%s", d)
	}

	// The fake holds every good learner exactly once, and nothing else.
	key, _ := strconv.ParseInt(training, 10, 64)
	held := map[string]bool{}
	for _, r := range srv.Registrants(key) {
		if held[r.Email] {
			t.Errorf("%s is registered twice", r.Email)
		}
		held[r.Email] = true
	}
	if d := cmp.Diff(want, held); d != "" {
		t.Errorf("registrants on the fake (-want +got):\n%s", d)
	}
}

func writeOne(t *testing.T, email string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "one.csv")
	if err := os.WriteFile(path, []byte("email,givenName,surname\n"+email+",Already,There\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
