package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// With -oauth, the ready line carries the authorization server's client and
// a personal access token; the token endpoint trades the PAT for an access
// token the API accepts, and the line's own token works too.
func TestRunOAuth(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-oauth"}, stdoutW, &stderr)
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
	if r.OAuthReady == nil || r.ClientID == "" || r.ClientSecret == "" || r.PersonalAccessToken == "" ||
		r.TokenURL != r.BaseURL+"/oauth/token" || r.AuthorizeURL != r.BaseURL+"/oauth/authorize" {
		t.Fatalf("ready line lacks the OAuth fields: %s", line)
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()

	form := url.Values{"grant_type": {"personal_access_token"}, "pat": {r.PersonalAccessToken}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, r.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(r.ClientID, r.ClientSecret)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("PAT grant: %d, %v", resp.StatusCode, err)
	}
	for name, want := range map[string]int{tok.AccessToken: http.StatusOK, r.Token: http.StatusOK, "fake-token": http.StatusForbidden} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, r.BaseURL+"/accounts/"+r.AccountKey+"/organizers", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+name)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("API with a token: %d, want %d", resp.StatusCode, want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
	if logs := stderr.String(); strings.Contains(logs, r.ClientSecret) || strings.Contains(logs, r.PersonalAccessToken) || strings.Contains(logs, tok.AccessToken) {
		t.Error("stderr shows a secret")
	}
}
