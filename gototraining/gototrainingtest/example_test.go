package gototrainingtest_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

// answer is what send got back.
type answer struct {
	status string
	code   int
	header http.Header
	body   string
}

// send is a bare HTTP call to the fake, as any client makes it.
func send(srv *gototrainingtest.Server, token, method, path, body string) answer {
	req, err := http.NewRequestWithContext(context.Background(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		log.Fatal(err)
	}
	return answer{status: resp.Status, code: resp.StatusCode, header: resp.Header, body: string(b)}
}

// Schedule a training over the API, then look at the fake's state.
func Example() {
	srv, err := gototrainingtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	a := send(srv, srv.Token(), http.MethodPost, fmt.Sprintf("/organizers/%d/trainings", srv.OrganizerKey()),
		`{"name":"Intro to HTML","timeZone":"America/New_York",
		  "times":[{"startDate":"2026-03-26T15:00:00Z","endDate":"2026-03-26T23:00:00Z"}]}`)
	fmt.Println(a.status)
	for _, t := range srv.Trainings() {
		fmt.Println(t.Name, t.TimeZone, t.Times[0][0])
	}
	// Output:
	// 201 Created
	// Intro to HTML America/New_York 2026-03-26 15:00:00 +0000 UTC
}

// Make the next request fail, and count what was sent.
func ExampleFake_FailNext() {
	srv, err := gototrainingtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.FailNext("getAllTrainings", 1, gototrainingtest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "1"})

	path := fmt.Sprintf("/organizers/%d/trainings", srv.OrganizerKey())
	first := send(srv, srv.Token(), http.MethodGet, path, "")
	second := send(srv, srv.Token(), http.MethodGet, path, "")
	fmt.Println(first.code, first.header.Get("Retry-After"))
	fmt.Println(second.code, second.body)
	fmt.Println(srv.Calls("getAllTrainings"), "calls")
	// Output:
	// 503 1
	// 200 []
	// 2 calls
}

// A bad token is answered as GoTo answers it.
func ExampleWithToken() {
	srv, err := gototrainingtest.Start(gototrainingtest.WithToken("right"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	a := send(srv, "wrong", http.MethodGet, fmt.Sprintf("/organizers/%d/trainings", srv.OrganizerKey()), "")
	fmt.Println(a.code, a.body)
	// Output: 403 {"int_err_code":"InvalidToken","msg":"Invalid token passed"}
}
