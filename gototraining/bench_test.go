package gototraining_test

// Benchmarks of the client against a loopback server that answers with
// canned bytes, so that what is measured is the client, not a fake: the
// handler does a map lookup and one Write of a pre-built []byte.
//
// Three clients are compared on the same transport settings:
//   - nethttp: the floor, a minimal hand-written net/http + encoding/json
//     call decoding into a plain struct;
//   - gen: the plain oapi-codegen ClientWithResponses;
//   - gototraining: this package with default options (retries on, no
//     rate limit).
//
// BenchmarkGetTraining, BenchmarkParallelGetTraining and
// BenchmarkListRegistrants time each client on its own; the Paired
// benchmarks interleave them, for ratios that hold on a busy machine;
// BenchmarkRegistrantsHeap measures the live heap while a long list is read.
// `make bench` runs them all and summarizes them; docs/BENCHMARKS.md has the
// figures and how to read them.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/gototraining-go/gototraining/gen"
	"github.com/gototraining-go/gototraining/gototraining"
)

const (
	benchToken                                      = "bench-token-0123456789abcdef"
	benchOrg             gototraining.OrganizerKey  = 8439885694023994630
	benchTraining        gototraining.TrainingKey   = 8178251407424893697
	benchFirstRegistrant gototraining.RegistrantKey = 5646167387902096129
)

// benchSizes are the registrant list lengths benchmarked. The training key
// of a list request is its length, so one server serves every size.
var benchSizes = []int{10, 1000, 100000}

// benchHeapSize is the list length of the peak-heap measurement.
const benchHeapSize = 100000

// benchTrainingBody is a realistic getTraining answer: 19-digit keys as strings,
// two sessions, two organizers.
var benchTrainingBody = []byte(`{"trainingKey":"8178251407424893697","trainingId":"264712031","name":"Intro to the platform",` +
	`"description":"A two-part introduction for new staff.","timeZone":"America/New_York",` +
	`"times":[{"startDate":"2026-03-26T15:00:00Z","endDate":"2026-03-26T23:00:00Z"},` +
	`{"startDate":"2026-03-27T15:00:00Z","endDate":"2026-03-27T23:00:00Z"}],` +
	`"organizers":[{"organizerKey":"8439885694023994630","email":"coach@example.com","givenName":"Carol","surname":"Wong"},` +
	`{"organizerKey":"8439885694023994631","email":"assist@example.com","givenName":"Ahmed","surname":"Bello"}],` +
	`"registrationSettings":{"disableConfirmationEmail":false,"disableWebRegistration":true}}`)

// benchRegistrantsBody builds a getRegistrants answer of n registrants, each
// with its own 19-digit key, name and URLs (about 370 bytes apiece).
func benchRegistrantsBody(n int) []byte {
	b := make([]byte, 0, n*380+2)
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		key := int64(benchFirstRegistrant) + int64(i)
		b = fmt.Appendf(b, `{"registrantKey":"%d","email":"learner%06d@example.com","givenName":"Given%d","surname":"Surname%d",`+
			`"status":"APPROVED","registrationDate":"2026-03-20T10:%02d:%02dZ",`+
			`"joinUrl":"https://global.gototraining.com/join/training/264712031/%d",`+
			`"confirmationUrl":"https://global.gototraining.com/registration/confirmation.tmpl?registrant=%d&training=8178251407424893697"}`,
			key, i, i, i, (i/60)%60, i%60, key, key)
	}
	return append(b, ']')
}

// benchAnswer is one pre-built answer with its headers ready to assign, so that
// the handler allocates nothing of its own.
type benchAnswer struct {
	body   []byte
	length []string
}

var benchJSONType = []string{"application/json"}

// benchServer serves benchTrainingBody for any getTraining and benchRegistrantsBody(n)
// for the registrants of training n. Bodies are built once per process.
type benchServer struct {
	*httptest.Server
	answers map[string]benchAnswer
}

var (
	benchBodiesOnce sync.Once
	benchBodies     map[int][]byte
)

func benchCannedBodies() map[int][]byte {
	benchBodiesOnce.Do(func() {
		benchBodies = make(map[int][]byte)
		for _, n := range benchSizes {
			benchBodies[n] = benchRegistrantsBody(n)
		}
	})
	return benchBodies
}

func newBenchServer(tb testing.TB) *benchServer {
	tb.Helper()
	s := &benchServer{answers: make(map[string]benchAnswer)}
	add := func(path string, body []byte) {
		s.answers[path] = benchAnswer{body: body, length: []string{strconv.Itoa(len(body))}}
	}
	add(benchTrainingPath(benchTraining), benchTrainingBody)
	for n, body := range benchCannedBodies() {
		add(benchRegistrantsPath(n), body)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.answers[r.URL.Path]
		if !ok || r.Header.Get("Authorization") != "Bearer "+benchToken {
			http.Error(w, "unexpected request", http.StatusTeapot)
			return
		}
		h := w.Header()
		h["Content-Type"] = benchJSONType
		h["Content-Length"] = a.length
		_, _ = w.Write(a.body)
	}))
	tb.Cleanup(s.Close)
	return s
}

func benchTrainingPath(k gototraining.TrainingKey) string {
	return "/organizers/" + benchOrg.String() + "/trainings/" + k.String()
}

func benchRegistrantsPath(n int) string {
	return benchTrainingPath(gototraining.TrainingKey(n)) + "/registrants"
}

// benchHTTPClient is the one transport setting every client gets: its own
// pool, so sub-benchmarks do not share connections, and enough idle
// connections per host for RunParallel at any -cpu.
func benchHTTPClient(tb testing.TB, rt func(http.RoundTripper) http.RoundTripper) *http.Client {
	tb.Helper()
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		tb.Fatalf("http.DefaultTransport is a %T", http.DefaultTransport)
	}
	t := dt.Clone()
	t.MaxIdleConnsPerHost = 256
	tb.Cleanup(t.CloseIdleConnections)
	hc := &http.Client{Transport: t}
	if rt != nil {
		hc.Transport = rt(t)
	}
	return hc
}

// cpuMeter starts measuring the CPU time of the whole process (client,
// loopback server and garbage collector alike) and returns a function that
// reports it as cpu-ns/op. On a shared machine this is steadier than ns/op,
// which also counts the time spent waiting for a core. It reports nothing
// where /proc/self/stat does not exist.
func cpuMeter(b *testing.B) (report func()) {
	b.Helper()
	start, ok := processCPU()
	return func() {
		end, ok2 := processCPU()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// processCPU is the user and system time of all threads of the process, in
// clock ticks of 10 ms (USER_HZ is 100 on Linux); benchmarks run for a
// second or more, so that is fine enough.
func processCPU() (time.Duration, bool) {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(data[i+1:])) // f[0] is field 3
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}

// --- nethttp: the floor ---

type plainTraining struct {
	TrainingKey int64  `json:"trainingKey,string"`
	TrainingID  string `json:"trainingId"`
	Name        string `json:"name"`
	Description string `json:"description"`
	TimeZone    string `json:"timeZone"`
	Times       []struct {
		StartDate time.Time `json:"startDate"`
		EndDate   time.Time `json:"endDate"`
	} `json:"times"`
	Organizers []struct {
		OrganizerKey int64  `json:"organizerKey,string"`
		Email        string `json:"email"`
		GivenName    string `json:"givenName"`
		Surname      string `json:"surname"`
	} `json:"organizers"`
	RegistrationSettings struct {
		DisableConfirmationEmail bool `json:"disableConfirmationEmail"`
		DisableWebRegistration   bool `json:"disableWebRegistration"`
	} `json:"registrationSettings"`
}

type plainRegistrant struct {
	RegistrantKey    int64     `json:"registrantKey,string"`
	Email            string    `json:"email"`
	GivenName        string    `json:"givenName"`
	Surname          string    `json:"surname"`
	Status           string    `json:"status"`
	RegistrationDate time.Time `json:"registrationDate"`
	JoinURL          string    `json:"joinUrl"`
	ConfirmationURL  string    `json:"confirmationUrl"`
}

// plainGet is what a careful hand-written call does: build the URL, set
// the token, check the status, decode, and drain the body so that the
// connection is reused.
func plainGet(ctx context.Context, hc *http.Client, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+benchToken)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return fmt.Errorf("status %s", resp.Status)
	}
	err = json.NewDecoder(resp.Body).Decode(v)
	_, _ = io.Copy(io.Discard, resp.Body)
	return err
}

func plainTrainingURL(base string, training gototraining.TrainingKey) string {
	return base + "/organizers/" + strconv.FormatInt(int64(benchOrg), 10) + "/trainings/" + strconv.FormatInt(int64(training), 10)
}

// --- the three clients ---

func newBenchGen(tb testing.TB, base string, hc *http.Client) *gen.ClientWithResponses {
	tb.Helper()
	g, err := gen.NewClientWithResponses(base, gen.WithHTTPClient(hc),
		gen.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+benchToken)
			return nil
		}))
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

func newBenchClient(tb testing.TB, base string, hc *http.Client) *gototraining.Client {
	tb.Helper()
	c, err := gototraining.NewClient(
		gototraining.WithAccessToken(benchToken),
		gototraining.WithBaseURL(base),
		gototraining.WithHTTPClient(hc),
	)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// Sinks keep the compiler from discarding decoded results.
var (
	benchSinkKey  int64
	benchSinkName string
)

// --- GetTraining ---

func BenchmarkGetTraining(b *testing.B) {
	srv := newBenchServer(b)
	ctx := context.Background()

	b.Run("nethttp", func(b *testing.B) {
		hc := benchHTTPClient(b, nil)
		b.ReportAllocs()
		defer cpuMeter(b)()
		for b.Loop() {
			var t plainTraining
			if err := plainGet(ctx, hc, plainTrainingURL(srv.URL, benchTraining), &t); err != nil {
				b.Fatal(err)
			}
			benchSinkKey, benchSinkName = t.TrainingKey, t.Name
		}
	})

	b.Run("gen", func(b *testing.B) {
		g := newBenchGen(b, srv.URL, benchHTTPClient(b, nil))
		b.ReportAllocs()
		defer cpuMeter(b)()
		for b.Loop() {
			resp, err := g.GetTrainingWithResponse(ctx, int64(benchOrg), int64(benchTraining))
			if err != nil {
				b.Fatal(err)
			}
			if resp.StatusCode() != http.StatusOK || resp.JSON200 == nil {
				b.Fatalf("status %d", resp.StatusCode())
			}
			benchSinkName = resp.JSON200.Name
		}
	})

	b.Run("gototraining", func(b *testing.B) {
		c := newBenchClient(b, srv.URL, benchHTTPClient(b, nil))
		b.ReportAllocs()
		defer cpuMeter(b)()
		for b.Loop() {
			t, err := c.Trainings.Get(ctx, benchOrg, benchTraining)
			if err != nil {
				b.Fatal(err)
			}
			benchSinkKey, benchSinkName = int64(t.Key), t.Name
		}
	})
}

func BenchmarkParallelGetTraining(b *testing.B) {
	srv := newBenchServer(b)
	ctx := context.Background()

	// The floor again, in parallel, so the wrapper's figure has a reference.
	b.Run("nethttp", func(b *testing.B) {
		hc := benchHTTPClient(b, nil)
		b.ReportAllocs()
		defer cpuMeter(b)()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				var t plainTraining
				if err := plainGet(ctx, hc, plainTrainingURL(srv.URL, benchTraining), &t); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})

	b.Run("gototraining", func(b *testing.B) {
		c := newBenchClient(b, srv.URL, benchHTTPClient(b, nil))
		b.ReportAllocs()
		defer cpuMeter(b)()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := c.Trainings.Get(ctx, benchOrg, benchTraining); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// --- ListRegistrants ---

func BenchmarkListRegistrants(b *testing.B) {
	srv := newBenchServer(b)
	ctx := context.Background()
	for _, n := range benchSizes {
		key := gototraining.TrainingKey(n)
		size := int64(len(benchCannedBodies()[n]))
		check := func(b *testing.B, got int) {
			b.Helper()
			if got != n {
				b.Fatalf("got %d registrants, want %d", got, n)
			}
		}
		b.Run("size="+strconv.Itoa(n), func(b *testing.B) {
			b.Run("nethttp", func(b *testing.B) {
				hc := benchHTTPClient(b, nil)
				url := plainTrainingURL(srv.URL, key) + "/registrants"
				b.SetBytes(size)
				b.ReportAllocs()
				defer cpuMeter(b)()
				for b.Loop() {
					var rs []plainRegistrant
					if err := plainGet(ctx, hc, url, &rs); err != nil {
						b.Fatal(err)
					}
					check(b, len(rs))
				}
			})

			b.Run("gen", func(b *testing.B) {
				g := newBenchGen(b, srv.URL, benchHTTPClient(b, nil))
				b.SetBytes(size)
				b.ReportAllocs()
				defer cpuMeter(b)()
				for b.Loop() {
					resp, err := g.GetRegistrantsWithResponse(ctx, int64(benchOrg), int64(key))
					if err != nil {
						b.Fatal(err)
					}
					if resp.JSON200 == nil {
						b.Fatalf("status %d", resp.StatusCode())
					}
					check(b, len(*resp.JSON200))
				}
			})

			b.Run("gototraining-list", func(b *testing.B) {
				c := newBenchClient(b, srv.URL, benchHTTPClient(b, nil))
				b.SetBytes(size)
				b.ReportAllocs()
				defer cpuMeter(b)()
				for b.Loop() {
					rs, err := c.Registrants.List(ctx, benchOrg, key)
					if err != nil {
						b.Fatal(err)
					}
					check(b, len(rs))
				}
			})

			b.Run("gototraining-all", func(b *testing.B) {
				c := newBenchClient(b, srv.URL, benchHTTPClient(b, nil))
				b.SetBytes(size)
				b.ReportAllocs()
				defer cpuMeter(b)()
				for b.Loop() {
					got := 0
					for r, err := range c.Registrants.All(ctx, benchOrg, key) {
						if err != nil {
							b.Fatal(err)
						}
						benchSinkKey = int64(r.Key)
						got++
					}
					check(b, got)
				}
			})
		})
	}
}

// --- Paired runs ---

// pairedCall is one client's way of making the call under test.
type pairedCall struct {
	name string
	call func() error
}

// benchPaired makes every client's call rounds times per iteration, in a
// shuffled order, and reports the median time of each (name-ns/op) and the ratios of
// the wrapper's medians to those of nethttp and gen. Side by side, the
// clients see the same load: on a shared machine, separate sub-benchmarks
// run seconds apart and their ns/op drift by more than the differences
// being measured, while these ratios hold to a percent or two. The order is
// shuffled so that no client always follows the same other one and pays for
// its garbage; garbage collection is therefore shared out among the clients
// here, where the separate sub-benchmarks charge each with its own, unless
// gcBetween is set: then the heap is collected, untimed, before each call,
// and each call pays for the collections that its own allocations start.
// That is needed where the clients allocate very different amounts (the
// long list) and too slow where calls are short. Its own ns/op, the sum of
// all calls, is suppressed; its B/op and allocs/op are sums too, and meant
// to be ignored.
func benchPaired(b *testing.B, rounds int, gcBetween bool, calls []pairedCall) {
	b.Helper()
	times := make([][]time.Duration, len(calls))
	rng := rand.New(rand.NewPCG(1, 2)) // the same orders on every run
	for b.Loop() {
		for range rounds {
			for _, k := range rng.Perm(len(calls)) {
				if gcBetween {
					runtime.GC()
				}
				start := time.Now()
				if err := calls[k].call(); err != nil {
					b.Fatalf("%s: %v", calls[k].name, err)
				}
				times[k] = append(times[k], time.Since(start))
			}
		}
	}
	median := make(map[string]float64, len(calls))
	for k, ts := range times {
		slices.Sort(ts)
		median[calls[k].name] = float64(ts[len(ts)/2])
		b.ReportMetric(median[calls[k].name], calls[k].name+"-ns/op")
	}
	for _, c := range calls {
		if !strings.HasPrefix(c.name, "gototraining") {
			continue
		}
		for _, base := range []string{"nethttp", "gen", "tokenizer"} {
			if median[base] > 0 {
				b.ReportMetric(median[c.name]/median[base], c.name+"/"+base)
			}
		}
	}
	b.ReportMetric(0, "ns/op")
}

// BenchmarkGetTrainingPaired is BenchmarkGetTraining with the three
// clients interleaved; see benchPaired.
func BenchmarkGetTrainingPaired(b *testing.B) {
	srv := newBenchServer(b)
	ctx := context.Background()
	hc := benchHTTPClient(b, nil)
	g := newBenchGen(b, srv.URL, benchHTTPClient(b, nil))
	c := newBenchClient(b, srv.URL, benchHTTPClient(b, nil))
	url := plainTrainingURL(srv.URL, benchTraining)
	benchPaired(b, 1, false, []pairedCall{
		{"nethttp", func() error {
			var t plainTraining
			return plainGet(ctx, hc, url, &t)
		}},
		{"gen", func() error {
			resp, err := g.GetTrainingWithResponse(ctx, int64(benchOrg), int64(benchTraining))
			if err == nil && resp.JSON200 == nil {
				err = fmt.Errorf("status %d", resp.StatusCode())
			}
			return err
		}},
		{"gototraining", func() error {
			_, err := c.Trainings.Get(ctx, benchOrg, benchTraining)
			return err
		}},
	})
}

// BenchmarkListRegistrantsPaired is BenchmarkListRegistrants/size=100000
// with the four ways interleaved; see benchPaired. A round takes about two
// seconds, so each iteration makes three, for a median of three at least.
// A fifth call, tokenizer, is the floor of any decoder on this answer: a
// hand-written request whose body jsontext skips value by value, keeping
// nothing (its tokenizer-ns/op, against which gototraining-all-ns/op shows
// what decoding into registrants adds).
func BenchmarkListRegistrantsPaired(b *testing.B) {
	srv := newBenchServer(b)
	ctx := context.Background()
	const n = 100000
	key := gototraining.TrainingKey(n)
	hc := benchHTTPClient(b, nil)
	g := newBenchGen(b, srv.URL, benchHTTPClient(b, nil))
	c := newBenchClient(b, srv.URL, benchHTTPClient(b, nil))
	url := plainTrainingURL(srv.URL, key) + "/registrants"
	count := func(got int) error {
		if got != n {
			return fmt.Errorf("got %d registrants, want %d", got, n)
		}
		return nil
	}
	benchPaired(b, 3, true, []pairedCall{
		{"nethttp", func() error {
			var rs []plainRegistrant
			if err := plainGet(ctx, hc, url, &rs); err != nil {
				return err
			}
			return count(len(rs))
		}},
		{"gen", func() error {
			resp, err := g.GetRegistrantsWithResponse(ctx, int64(benchOrg), int64(key))
			if err != nil {
				return err
			}
			if resp.JSON200 == nil {
				return fmt.Errorf("status %d", resp.StatusCode())
			}
			return count(len(*resp.JSON200))
		}},
		{"tokenizer", func() error {
			return benchSkipAll(ctx, hc, url, n)
		}},
		{"gototraining-list", func() error {
			rs, err := c.Registrants.List(ctx, benchOrg, key)
			if err != nil {
				return err
			}
			return count(len(rs))
		}},
		{"gototraining-all", func() error {
			got := 0
			for r, err := range c.Registrants.All(ctx, benchOrg, key) {
				if err != nil {
					return err
				}
				benchSinkKey = int64(r.Key)
				got++
			}
			return count(got)
		}},
	})
}

// benchSkipAll fetches url and reads its array with jsontext, skipping
// each of its n elements whole.
func benchSkipAll(ctx context.Context, hc *http.Client, url string, n int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+benchToken)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	dec := jsontext.NewDecoder(resp.Body)
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	got := 0
	for dec.PeekKind() == '{' {
		if err := dec.SkipValue(); err != nil {
			return err
		}
		got++
	}
	if got != n {
		return fmt.Errorf("skipped %d registrants, want %d", got, n)
	}
	return nil
}

// --- Peak heap ---

// A heap probe measures the live heap (after a forced GC) at checkpoints:
// every benchProbeEvery bytes of the answer read by the client, which catches
// the download and decoding, and every benchHeapSize/benchProbeSlices elements
// consumed, which catches what the caller holds while it iterates. The
// figure is the largest live heap above the baseline taken before the call;
// the canned answer the server holds is in the baseline. Garbage is not
// counted: it depends on GOGC, not on the client.
const (
	benchProbeEvery  = 1 << 20
	benchProbeSlices = 16
)

var benchLiveHeap = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

type benchHeapProbe struct {
	on   bool   // false during the warm-up call
	base uint64 // the live heap before the current call
	peak uint64 // the most live heap above a call's base, over all calls
}

func (p *benchHeapProbe) live() uint64 {
	runtime.GC() // frees all garbage: what remains is what something holds
	metrics.Read(benchLiveHeap)
	return benchLiveHeap[0].Value.Uint64()
}

func (p *benchHeapProbe) start() { p.on, p.base = true, p.live() }

func (p *benchHeapProbe) checkpoint() {
	if !p.on {
		return
	}
	if live := p.live(); live > p.base {
		p.peak = max(p.peak, live-p.base)
	}
}

// peakMB is the peak in MB (10^6 bytes).
func (p *benchHeapProbe) peakMB() float64 { return float64(p.peak) / 1e6 }

// roundTrip wraps a transport so that answer bodies take checkpoints as
// they are read.
func (p *benchHeapProbe) roundTrip(base http.RoundTripper) http.RoundTripper {
	return benchRoundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(r)
		if err == nil {
			resp.Body = &benchProbedBody{ReadCloser: resp.Body, p: p}
		}
		return resp, err
	})
}

type benchRoundTripFunc func(*http.Request) (*http.Response, error)

func (f benchRoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type benchProbedBody struct {
	io.ReadCloser
	p    *benchHeapProbe
	read int
}

func (b *benchProbedBody) Read(buf []byte) (int, error) {
	n, err := b.ReadCloser.Read(buf)
	if b.read/benchProbeEvery != (b.read+n)/benchProbeEvery {
		b.p.checkpoint()
	}
	b.read += n
	return n, err
}

// BenchmarkRegistrantsHeap reports peak-heap-MB, the most live heap held
// at any checkpoint while 100000 registrants are fetched and ranged over.
// Its ns/op is suppressed: forced GCs dominate it.
func BenchmarkRegistrantsHeap(b *testing.B) {
	srv := newBenchServer(b)
	ctx := context.Background()
	key := gototraining.TrainingKey(benchHeapSize)

	// each consumes the registrants one at a time, as a caller would.
	run := func(b *testing.B, p *benchHeapProbe, each func(yield func(int64)) error) {
		b.Helper()
		// A first call outside the measurement opens the connection and
		// fills the pools that any steady-state caller has too.
		if err := each(func(int64) {}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			p.start()
			got := 0
			err := each(func(k int64) {
				benchSinkKey = k
				got++
				if got%(benchHeapSize/benchProbeSlices) == 0 {
					p.checkpoint()
				}
			})
			if err != nil {
				b.Fatal(err)
			}
			if got != benchHeapSize {
				b.Fatalf("got %d registrants, want %d", got, benchHeapSize)
			}
		}
		b.ReportMetric(p.peakMB(), "peak-heap-MB")
		b.ReportMetric(0, "ns/op")
	}

	b.Run("nethttp", func(b *testing.B) {
		p := &benchHeapProbe{}
		hc := benchHTTPClient(b, p.roundTrip)
		url := plainTrainingURL(srv.URL, key) + "/registrants"
		run(b, p, func(yield func(int64)) error {
			var rs []plainRegistrant
			if err := plainGet(ctx, hc, url, &rs); err != nil {
				return err
			}
			for i := range rs {
				yield(rs[i].RegistrantKey)
			}
			return nil
		})
	})

	b.Run("gen", func(b *testing.B) {
		p := &benchHeapProbe{}
		g := newBenchGen(b, srv.URL, benchHTTPClient(b, p.roundTrip))
		run(b, p, func(yield func(int64)) error {
			resp, err := g.GetRegistrantsWithResponse(ctx, int64(benchOrg), int64(key))
			if err != nil {
				return err
			}
			for _, r := range *resp.JSON200 {
				yield(int64(len(r.Email)))
			}
			// A caller holds the response, raw Body included, while it
			// ranges over JSON200.
			runtime.KeepAlive(resp)
			return nil
		})
	})

	b.Run("gototraining-list", func(b *testing.B) {
		p := &benchHeapProbe{}
		c := newBenchClient(b, srv.URL, benchHTTPClient(b, p.roundTrip))
		run(b, p, func(yield func(int64)) error {
			rs, err := c.Registrants.List(ctx, benchOrg, key)
			if err != nil {
				return err
			}
			for i := range rs {
				yield(int64(rs[i].Key))
			}
			return nil
		})
	})

	b.Run("gototraining-all", func(b *testing.B) {
		p := &benchHeapProbe{}
		c := newBenchClient(b, srv.URL, benchHTTPClient(b, p.roundTrip))
		run(b, p, func(yield func(int64)) error {
			for r, err := range c.Registrants.All(ctx, benchOrg, key) {
				if err != nil {
					return err
				}
				yield(int64(r.Key))
			}
			return nil
		})
	})
}
