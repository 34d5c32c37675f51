package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRun(t *testing.T) {
	t.Parallel()
	const token = "cmd-test-secret-token"
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-token", token}, stdoutW, &stderr)
		stdoutW.Close()
	}()

	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the ready line: %v (stderr: %s)", err, stderr.String())
	}
	var r ready
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("ready line %q: %v", line, err)
	}
	for name, k := range map[string]string{"account_key": r.AccountKey, "organizer_key": r.OrganizerKey} {
		if n, err := strconv.ParseInt(k, 10, 64); err != nil || len(k) != 19 || n <= 1<<53 {
			t.Errorf("%s = %q, want a 19-digit key above 2^53", name, k)
		}
	}
	if !strings.HasPrefix(r.BaseURL, "http://127.0.0.1:") || !strings.HasPrefix(r.DownloadURL, "http://localhost:") || r.Token != token {
		t.Errorf("ready line %+v", r)
	}

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, r.BaseURL+"/accounts/"+r.AccountKey+"/organizers", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+r.Token)
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var organizers []struct {
		OrganizerKey string `json:"organizerKey"`
	}
	err = json.NewDecoder(resp.Body).Decode(&organizers)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("getAllOrganisers: %d, %v", resp.StatusCode, err)
	}
	if diff := cmp.Diff(r.OrganizerKey, organizers[0].OrganizerKey); diff != "" {
		t.Errorf("organizer key (-ready line +API):\n%s", diff)
	}
	checkControl(t, hc, r)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
	logs := stderr.String()
	if !strings.Contains(logs, "operation=getAllOrganisers") || !strings.Contains(logs, "status=200") {
		t.Errorf("stderr lacks the request's log line:\n%s", logs)
	}
	if strings.Contains(logs, token) {
		t.Error("stderr shows the token")
	}
}

func TestRunRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		mention string
	}{
		{"all interfaces", []string{"-addr", "0.0.0.0:0"}, "-allow-remote"},
		{"no host", []string{"-addr", ":0"}, "-allow-remote"},
		{"a remote address", []string{"-addr", "192.0.2.1:8080"}, "-allow-remote"},
		{"not host:port", []string{"-addr", "127.0.0.1"}, "-allow-remote"},
		{"an unknown flag", []string{"-nope"}, "nope"},
		{"extra arguments", []string{"serve"}, "serve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr syncBuffer
			err := run(t.Context(), tt.args, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error()+stderr.String(), tt.mention) {
				t.Errorf("run(%q) = %v (stderr %q), want an error mentioning %q", tt.args, err, stderr.String(), tt.mention)
			}
			if stdout.String() != "" {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	got := map[string]bool{}
	for _, addr := range []string{"127.0.0.1:0", "127.5.6.7:80", "[::1]:0", "localhost:8080", "0.0.0.0:0", ":0", "[::]:0", "example.com:80", "10.0.0.1:1", "garbage"} {
		got[addr] = isLoopback(addr)
	}
	want := map[string]bool{
		"127.0.0.1:0": true, "127.5.6.7:80": true, "[::1]:0": true, "localhost:8080": true,
		"0.0.0.0:0": false, ":0": false, "[::]:0": false, "example.com:80": false, "10.0.0.1:1": false, "garbage": false,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// checkControl: the control origin of the ready line is a loopback origin of
// its own that takes the fake's token and shows the seeded organizer.
func checkControl(t *testing.T, hc *http.Client, r ready) {
	t.Helper()
	if !strings.HasPrefix(r.ControlURL, "http://127.0.0.1:") || r.ControlURL == r.BaseURL {
		t.Errorf("control_url = %q, want its own http://127.0.0.1 origin", r.ControlURL)
	}
	for _, token := range []string{"", r.Token} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, r.ControlURL+"/organizers", nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var organizers []struct {
			OrganizerKey string `json:"organizerKey"`
		}
		err = json.NewDecoder(resp.Body).Decode(&organizers)
		resp.Body.Close()
		switch {
		case token == "" && resp.StatusCode != http.StatusUnauthorized:
			t.Errorf("control GET /organizers without a token: %d, want 401", resp.StatusCode)
		case token != "" && (err != nil || resp.StatusCode != http.StatusOK || len(organizers) != 1 || organizers[0].OrganizerKey != r.OrganizerKey):
			t.Errorf("control GET /organizers: %d %+v (%v), want the organizer %s", resp.StatusCode, organizers, err, r.OrganizerKey)
		}
	}
}
