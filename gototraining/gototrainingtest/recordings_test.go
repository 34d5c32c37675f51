package gototrainingtest_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

func TestRecordings(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC)
	s, c := newFake(t, gototrainingtest.WithClock(func() time.Time { return now }))
	tk := c.schedule("Recorded")
	content := bytes.Repeat([]byte("mp4 "), 1000)
	id, err := s.AddRecording(tk, "Evening 1", content)
	if err != nil {
		t.Fatal(err)
	}

	list := want[recordingsW](t, c.do(http.MethodGet, fmt.Sprintf("/trainings/%d/recordings", tk), nil), http.StatusOK)
	if got := number(t, list.TrainingKey); got != tk {
		t.Errorf("trainingKey = %d, want %d", got, tk)
	}
	if len(list.RecordingList) != 1 {
		t.Fatalf("recordingList = %+v, want one recording", list.RecordingList)
	}
	rec := list.RecordingList[0]
	if got := number(t, rec.RecordingID); got != id {
		t.Errorf("recordingId = %d, want %d", got, id)
	}
	gotRec := []string{rec.Name, rec.StartDate, rec.EndDate}
	if diff := cmp.Diff([]string{"Evening 1", "2026-03-27T11:00:00Z", "2026-03-27T12:00:00Z"}, gotRec); diff != "" {
		t.Errorf("recording (-want +got):\n%s", diff)
	}

	// The download redirects to the storage origin, on another host name.
	res := c.do(http.MethodGet, fmt.Sprintf("/trainings/%d/recordings/%d", tk, id), nil)
	if res.Status != http.StatusFound {
		t.Fatalf("status = %d, want 302; body %s", res.Status, res.Body)
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	api, _ := url.Parse(s.URL)
	if !strings.HasPrefix(loc.String(), s.DownloadURL+"/recordings/") || loc.Hostname() == api.Hostname() || loc.Hostname() != "localhost" {
		t.Errorf("Location %s is not on the storage origin %s (API %s)", loc, s.DownloadURL, s.URL)
	}
	if rec.DownloadURL != loc.String() {
		t.Errorf("downloadUrl %q differs from Location %q", rec.DownloadURL, loc)
	}

	// A client that follows the redirect with the token set gets the bytes,
	// and Go's client leaves the Authorization header behind.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+fmt.Sprintf("/trainings/%d/recordings/%d", tk, id), nil)
	req.Header.Set("Authorization", "Bearer "+s.Token())
	follow := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
	resp, err := follow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, content) {
		t.Errorf("downloaded %d bytes, want the %d bytes of the recording", len(body), len(content))
	}
	gotHeaders := []string{resp.Header.Get("Content-Type"), resp.Header.Get("Content-Length")}
	if diff := cmp.Diff([]string{"application/octet-stream", fmt.Sprint(len(content))}, gotHeaders); diff != "" {
		t.Errorf("download headers (-want +got):\n%s", diff)
	}
	downloads := s.DownloadRequests()
	if len(downloads) != 1 {
		t.Fatalf("DownloadRequests() has %d requests, want 1", len(downloads))
	}
	if a, ok := downloads[0]["Authorization"]; ok {
		t.Errorf("the storage origin got Authorization %q", a)
	}
	if n := s.Calls(gototrainingtest.StorageOperation); n != 1 {
		t.Errorf("Calls(StorageOperation) = %d, want 1", n)
	}

	// Errors.
	other := c.schedule("Unrecorded")
	empty := c.do(http.MethodGet, fmt.Sprintf("/trainings/%d/recordings", other), nil)
	if got := want[recordingsW](t, empty, http.StatusOK).RecordingList; got == nil || len(got) != 0 {
		t.Errorf("recordingList of a training without recordings = %s, want []", empty.Body)
	}
	checkError(t, c.do(http.MethodGet, fmt.Sprintf("/trainings/%d/recordings/%d", tk, id+1), nil), http.StatusNotFound, "Recording not found")
	checkError(t, c.do(http.MethodGet, fmt.Sprintf("/trainings/%d/recordings/%d", other, id), nil), http.StatusNotFound, "Recording not found")
	checkError(t, c.do(http.MethodGet, fmt.Sprintf("/trainings/%d/recordings/%d", tk+1, id), nil), http.StatusNotFound, "Training not found")
	checkError(t, c.do(http.MethodGet, fmt.Sprintf("/trainings/%d/recordings", tk+1), nil), http.StatusNotFound, "Training not found")

	storage := func(path string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.DownloadURL+path, nil)
		resp, err := follow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	gotStatuses := []int{
		storage(fmt.Sprintf("/recordings/%d?token=wrong", id)),
		storage(fmt.Sprintf("/recordings/%d", id+1)),
		storage("/elsewhere"),
	}
	if diff := cmp.Diff([]int{http.StatusForbidden, http.StatusNotFound, http.StatusNotFound}, gotStatuses); diff != "" {
		t.Errorf("storage errors (-want +got):\n%s", diff)
	}
}

// TestEmbeddedStorage serves a bare Fake: downloads then redirect to
// /_storage on the API's own origin.
func TestEmbeddedStorage(t *testing.T) {
	t.Parallel()
	f, err := gototrainingtest.New(gototrainingtest.WithViolationHandler(func(err error) { t.Errorf("violation: %v", err) }))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	s := &gototrainingtest.Server{Fake: f, URL: srv.URL}
	c := &tc{t: t, s: s, hc: &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	tk := c.schedule("Embedded")
	id, err := f.AddRecording(tk, "r", []byte("bytes"))
	if err != nil {
		t.Fatal(err)
	}
	res := c.do(http.MethodGet, fmt.Sprintf("/trainings/%d/recordings/%d", tk, id), nil)
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, srv.URL+"/_storage/recordings/") {
		t.Fatalf("Location = %q, want it under %s/_storage", loc, srv.URL)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, loc, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "bytes" {
		t.Errorf("downloaded %q", body)
	}
}
