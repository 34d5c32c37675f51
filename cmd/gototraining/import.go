package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/gototraining-go/gototraining/gototraining"
)

// importRow is one learner of the file, with where it came from.
type importRow struct {
	line int
	req  gototraining.RegisterForTrainingRequest
}

// rowProblem is a row refused before anything was sent.
type rowProblem struct {
	line                 int
	email, field, reason string
}

// columns maps the header names a spreadsheet may use to the API's fields
// (RegistrantReqCreate has email, givenName and surname, all required).
var columns = map[string]string{
	"email": "email", "e-mail": "email", "email address": "email", "mail": "email",
	"givenname": "givenName", "given name": "givenName", "given_name": "givenName", "first name": "givenName", "firstname": "givenName", "first_name": "givenName",
	"surname": "surname", "last name": "surname", "lastname": "surname", "last_name": "surname", "family name": "surname", "familyname": "surname",
}

// readLearners reads a CSV file with a header row. Rows that cannot be a
// registration are returned as problems, with their line; unknown columns
// are returned so the summary can say they were ignored.
func readLearners(r io.Reader) (rows []importRow, problems []rowProblem, ignored []string, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a short row is a problem of that row, not of the file
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil, usagef("the file is empty: want a header row (email, givenName, surname) and one row per learner")
		}
		return nil, nil, nil, usagef("the header row: %v", err)
	}
	index := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if f, ok := columns[name]; ok {
			if _, dup := index[f]; dup {
				return nil, nil, nil, usagef("the header has two columns for %s", f)
			}
			index[f] = i
		} else if name != "" {
			ignored = append(ignored, strings.TrimSpace(h))
		}
	}
	for _, f := range []string{"email", "givenName", "surname"} {
		if _, ok := index[f]; !ok {
			return nil, nil, nil, usagef("the header has no %s column (found: %s)", f, strings.Join(header, ", "))
		}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// A quoting error is the file's, not one row's: an unclosed
			// quote swallows every line after it into one field. Nothing
			// is sent for a file that does not parse.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, nil, nil, usagef("line %d: %v; fix the file (nothing was sent)", pe.StartLine, pe.Err)
			}
			return nil, nil, nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		get := func(f string) (string, bool) {
			i := index[f]
			if i >= len(rec) {
				return "", false
			}
			return strings.TrimSpace(rec[i]), true
		}
		var req gototraining.RegisterForTrainingRequest
		var missing string
		for _, f := range []struct {
			name string
			dst  *string
		}{{"email", &req.Email}, {"givenName", &req.GivenName}, {"surname", &req.Surname}} {
			v, ok := get(f.name)
			if !ok {
				missing = f.name
				break
			}
			*f.dst = v
		}
		if missing != "" {
			email, _ := get("email")
			problems = append(problems, rowProblem{line: line, email: email, field: missing, reason: fmt.Sprintf("the row has %d fields, fewer than the header's %d", len(rec), len(header))})
			continue
		}
		if len(rec) > len(header) {
			// An unquoted comma in a name shifts every field after it:
			// "Ada, Jr." would register surname "Jr.". Refuse the row.
			problems = append(problems, rowProblem{line: line, email: req.Email, field: "-", reason: fmt.Sprintf("the row has %d fields, more than the header's %d (an unquoted comma?)", len(rec), len(header))})
			continue
		}
		rows = append(rows, importRow{line: line, req: req})
	}
	return rows, problems, ignored, nil
}

// importSummary counts what became of the file's rows.
type importSummary struct {
	Rows              int     `json:"rows"`
	Registered        int     `json:"registered"`
	AlreadyRegistered int     `json:"alreadyRegistered"`
	DuplicatesInFile  int     `json:"duplicatesInFile"`
	Refused           int     `json:"refused"`
	Failed            int     `json:"failed"`
	OutcomeUnknown    int     `json:"outcomeUnknown"`
	NotAttempted      int     `json:"notAttempted"`
	Seconds           float64 `json:"seconds"`
}

type importResult struct {
	Line          int                        `json:"line"`
	Email         string                     `json:"email"`
	Outcome       string                     `json:"outcome"`
	RegistrantKey gototraining.RegistrantKey `json:"registrantKey,omitempty"`
	Field         string                     `json:"field,omitempty"`
	Problem       string                     `json:"problem,omitempty"`
}

func outcomeName(o gototraining.RegistrationOutcome) string {
	switch o {
	case gototraining.OutcomeRegistered:
		return "registered"
	case gototraining.OutcomeAlreadyRegistered:
		return "already registered"
	case gototraining.OutcomeDuplicate:
		return "duplicate in file"
	case gototraining.OutcomeInvalid:
		return "refused"
	case gototraining.OutcomeFailed:
		return "failed"
	case gototraining.OutcomeUnknown:
		return "outcome unknown"
	case gototraining.OutcomeNotAttempted:
		return "not attempted"
	}
	return o.String()
}

func init() {
	register(&command{
		group: "registrants", name: "import", args: "TRAINING FILE.csv",
		summary: "Register every learner of a CSV file (a header row with email, givenName and\nsurname; other columns are ignored). Every row is checked first: bad rows are\nreported with their line and field, and nothing is sent for them. The rest go\nthrough at GoTo's rate limit (10 requests per second), each learner once.\nLearners already registered are counted as such, so an interrupted import can\nbe run again as it was: nobody is registered twice.",
		examples: []string{
			"gototraining registrants import 8178251407424893697 cohort.csv",
			"gototraining registrants import 8178251407424893697 cohort.csv --dry-run",
			"gototraining registrants import 8178251407424893697 cohort.csv --csv > results.csv",
		},
		setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			dryRun := fs.Bool("dry-run", false, "check the file and report bad rows; send nothing")
			perSecond := fs.Float64("rate", 0, "registrations per `second` (default just under GoTo's 10; lower it when other programs share the account)")
			concurrency := fs.Int("concurrency", 0, "registrations in flight at once (default 8)")
			return func(ctx context.Context, a *app, args []string) error {
				if err := firstErr(wantArgs(args, "TRAINING", "FILE.csv"), a.needOrg()); err != nil {
					return err
				}
				training, err := parseKey("training key", args[0])
				if err != nil {
					return err
				}
				if *perSecond < 0 || *concurrency < 0 {
					return usagef("--rate and --concurrency must not be negative")
				}
				f, err := os.Open(args[1])
				if err != nil {
					return usagef("%v", err)
				}
				defer f.Close()
				rows, problems, ignored, err := readLearners(f)
				if err != nil {
					return err
				}
				opts := gototraining.RegisterAllOptions{Concurrency: *concurrency}
				if *perSecond > 0 {
					opts.Limiter = rate.NewLimiter(rate.Limit(*perSecond), 1)
				}
				return runImport(ctx, a, gototraining.TrainingKey(training), rows, problems, ignored, opts, *dryRun)
			}
		},
	})
}

func runImport(ctx context.Context, a *app, training gototraining.TrainingKey, rows []importRow, problems []rowProblem, ignored []string, opts gototraining.RegisterAllOptions, dryRun bool) error {
	start := time.Now()
	sum := importSummary{Rows: len(rows) + len(problems)}
	results := make([]importResult, 0, sum.Rows)
	for _, p := range problems {
		results = append(results, importResult{Line: p.line, Email: p.email, Outcome: "refused", Field: p.field, Problem: p.reason})
		sum.Refused++
	}
	learners := make([]gototraining.RegisterForTrainingRequest, len(rows))
	for i, r := range rows {
		learners[i] = r.req
	}
	if dryRun {
		// The library's own checks, with nothing sent: a run over an
		// already-ended context validates every learner and sends nothing.
		done, cancel := context.WithCancel(ctx)
		cancel()
		for res := range a.client.Registrants.RegisterAll(done, a.org, training, learners, opts) {
			if res.Outcome == gototraining.OutcomeInvalid || res.Outcome == gototraining.OutcomeDuplicate {
				results, sum = record(results, sum, rows, res)
			}
		}
		sum.Seconds = time.Since(start).Seconds()
		if sum.Refused+sum.DuplicatesInFile > 0 {
			a.exitCode = exitUsage
		}
		return a.printImport(results, sum, ignored, true)
	}
	// One read first: a wrong token, organizer or training is one error
	// with its own exit code, not a failed request per row.
	if _, err := a.client.Trainings.Get(ctx, a.org, training); err != nil {
		return err
	}
	p := newProgress(a.io.err, "registering")
	p.total = len(rows)
	var stop error
	for res := range a.client.Registrants.RegisterAll(ctx, a.org, training, learners, opts) {
		results, sum = record(results, sum, rows, res)
		p.add(1)
		if res.Outcome == gototraining.OutcomeFailed && isFatal(res.Err) {
			stop = res.Err // the rest would fail alike; the break cancels them
			break
		}
	}
	p.finish()
	sum.Seconds = time.Since(start).Seconds()
	if stop != nil {
		sum.NotAttempted += len(rows) + len(problems) - len(results)
	}
	if err := a.printImport(results, sum, ignored, false); err != nil {
		return err
	}
	if stop != nil {
		return fmt.Errorf("stopped: %w", stop)
	}
	if sum.Refused+sum.Failed+sum.OutcomeUnknown+sum.NotAttempted > 0 {
		a.exitCode = exitPartial
	}
	if ctx.Err() != nil {
		fmt.Fprintf(a.io.err, "Interrupted: %d learner(s) not attempted. Run the same command again to finish; nobody is registered twice.\n", sum.NotAttempted)
	}
	return nil
}

// isFatal reports a failure that every other learner would meet too: the
// token, the organizer's rights, or the training itself.
func isFatal(err error) bool {
	return errors.Is(err, gototraining.ErrUnauthorized) || errors.Is(err, gototraining.ErrForbidden) ||
		errors.Is(err, gototraining.ErrNotFound) || errors.Is(err, gototraining.ErrReauthorizationRequired)
}

func record(results []importResult, sum importSummary, rows []importRow, res gototraining.RegisterAllResult) ([]importResult, importSummary) {
	out := importResult{Line: rows[res.Index].line, Email: res.Learner.Email, Outcome: outcomeName(res.Outcome), RegistrantKey: res.Registration.Key}
	switch res.Outcome {
	case gototraining.OutcomeRegistered:
		sum.Registered++
	case gototraining.OutcomeAlreadyRegistered:
		sum.AlreadyRegistered++
	case gototraining.OutcomeDuplicate:
		sum.DuplicatesInFile++
		out.Problem = fmt.Sprintf("the same email as line %d", rows[res.DuplicateOf].line)
	case gototraining.OutcomeInvalid:
		sum.Refused++
		var ve *gototraining.ValidationError
		if errors.As(res.Err, &ve) {
			out.Field, out.Problem = ve.Field, ve.Problem
		}
	case gototraining.OutcomeFailed:
		sum.Failed++
	case gototraining.OutcomeUnknown:
		sum.OutcomeUnknown++
	case gototraining.OutcomeNotAttempted:
		sum.NotAttempted++
	}
	if out.Problem == "" && res.Err != nil && res.Outcome != gototraining.OutcomeAlreadyRegistered {
		out.Problem = res.Err.Error()
	}
	return append(results, out), sum
}

func (a *app) printImport(results []importResult, sum importSummary, ignored []string, dryRun bool) error {
	sortByLine(results)
	if a.jsonOut {
		return a.print(table{json: struct {
			Summary        importSummary  `json:"summary"`
			IgnoredColumns []string       `json:"ignoredColumns,omitempty"`
			DryRun         bool           `json:"dryRun,omitempty"`
			Results        []importResult `json:"results"`
		}{sum, ignored, dryRun, results}})
	}
	header := []string{"LINE", "EMAIL", "OUTCOME", "REGISTRANT", "FIELD", "PROBLEM"}
	row := func(r importResult) []string {
		key := ""
		if r.RegistrantKey != 0 {
			key = r.RegistrantKey.String()
		}
		return []string{fmt.Sprint(r.Line), r.Email, r.Outcome, key, r.Field, r.Problem}
	}
	if a.csvOut {
		t := table{header: header}
		for _, r := range results {
			t.rows = append(t.rows, row(r))
		}
		if err := a.print(t); err != nil {
			return err
		}
		if len(ignored) > 0 {
			fmt.Fprintf(a.io.err, "Ignored columns: %s\n", strings.Join(ignored, ", "))
		}
		fmt.Fprintln(a.io.err, summaryLine(sum, dryRun))
		return nil
	}
	// On a terminal: only the rows that need the user, then the summary.
	var t [][]string
	for _, r := range results {
		if r.Outcome != "registered" && r.Outcome != "already registered" {
			t = append(t, row(r))
		}
	}
	if len(t) > 0 {
		if err := writeTable(a.io.out, header, t); err != nil {
			return err
		}
		fmt.Fprintln(a.io.out)
	}
	if len(ignored) > 0 {
		fmt.Fprintf(a.io.out, "Ignored columns: %s\n", strings.Join(ignored, ", "))
	}
	_, err := fmt.Fprintln(a.io.out, summaryLine(sum, dryRun))
	return err
}

func summaryLine(s importSummary, dryRun bool) string {
	if dryRun {
		return fmt.Sprintf("Dry run: %d rows, %d refused, %d duplicates in the file; nothing was sent.", s.Rows, s.Refused, s.DuplicatesInFile)
	}
	return fmt.Sprintf("%d rows: %d registered, %d already registered, %d duplicates in the file, %d refused, %d failed, %d outcome unknown, %d not attempted, in %.1fs.",
		s.Rows, s.Registered, s.AlreadyRegistered, s.DuplicatesInFile, s.Refused, s.Failed, s.OutcomeUnknown, s.NotAttempted, s.Seconds)
}

// sortByLine puts results in the file's order: they arrive in the order
// the registrations complete.
func sortByLine(rs []importResult) {
	slices.SortStableFunc(rs, func(a, b importResult) int { return cmp.Compare(a.Line, b.Line) })
}
