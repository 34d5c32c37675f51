package gototrainingtest_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

func TestGetAllOrganisers(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	co := s.AddOrganizer("a.ng@example.com", "Ada", "Ng")

	got := want[[]organizerW](t, c.do(http.MethodGet, fmt.Sprintf("/accounts/%d/organizers", s.AccountKey()), nil), http.StatusOK)
	wantOrgs := []organizerW{
		{OrganizerKey: ks(s.OrganizerKey()), Email: gototrainingtest.SeedOrganizerEmail, GivenName: gototrainingtest.SeedOrganizerGivenName, Surname: gototrainingtest.SeedOrganizerSurname},
		{OrganizerKey: ks(co), Email: "a.ng@example.com", GivenName: "Ada", Surname: "Ng"},
	}
	if diff := cmp.Diff(wantOrgs, got); diff != "" {
		t.Errorf("organizers (-want +got):\n%s", diff)
	}
	key(t, got[0].OrganizerKey)
	key(t, got[1].OrganizerKey)
	key(t, ks(s.AccountKey()))

	checkError(t, c.do(http.MethodGet, "/accounts/1234567890123456789/organizers", nil), http.StatusForbidden, "AccessDenied")
}

func TestScheduleAndGetTraining(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	org := s.OrganizerKey()
	co := s.AddOrganizer("a.ng@example.com", "Ada", "Ng")

	body := scheduleBody("HTML basics")
	body["organizers"] = []int64{co} // a JSON number above 2^53, written exactly
	body["registrationSettings"] = map[string]bool{"disableConfirmationEmail": true, "disableWebRegistration": false}
	res := c.do(http.MethodPost, trainingsPath(org), body)
	if got := string(res.Body); !strings.HasPrefix(got, `"`) {
		t.Fatalf("scheduleTraining body %s is not a JSON string", got)
	}
	tk := key(t, want[string](t, res, http.StatusCreated))

	got := want[trainingW](t, c.do(http.MethodGet, trainingPath(org, tk), nil), http.StatusOK)
	if !regexp.MustCompile(`^[0-9]{9}$`).MatchString(got.TrainingID) {
		t.Errorf("trainingId %q is not 9 digits", got.TrainingID)
	}
	wantTraining := trainingW{
		TrainingKey: ks(tk),
		TrainingID:  got.TrainingID,
		Name:        "HTML basics",
		Description: "About HTML basics",
		TimeZone:    "America/New_York",
		Times:       []rangeW{{StartDate: "2026-03-26T15:00:00Z", EndDate: "2026-03-26T23:00:00Z"}},
		Organizers: []organizerW{
			{OrganizerKey: ks(org), Email: gototrainingtest.SeedOrganizerEmail, GivenName: "Charley", Surname: "Waters"},
			{OrganizerKey: ks(co), Email: "a.ng@example.com", GivenName: "Ada", Surname: "Ng"},
		},
		RegistrationSettings: settingsW{DisableConfirmationEmail: true},
	}
	if diff := cmp.Diff(wantTraining, got); diff != "" {
		t.Errorf("getTraining (-want +got):\n%s", diff)
	}

	list := want[[]trainingW](t, c.do(http.MethodGet, trainingsPath(org), nil), http.StatusOK)
	if diff := cmp.Diff([]trainingW{wantTraining}, list); diff != "" {
		t.Errorf("getAllTrainings (-want +got):\n%s", diff)
	}

	wantState := []gototrainingtest.TrainingState{{
		Key:          tk,
		TrainingID:   got.TrainingID,
		Name:         "HTML basics",
		Description:  "About HTML basics",
		TimeZone:     "America/New_York",
		Times:        [][2]time.Time{{t0, t1}},
		OrganizerKey: org,
		Organizers:   []int64{org, co},
		Settings:     gototrainingtest.RegistrationSettings{DisableConfirmationEmail: true},
	}}
	if diff := cmp.Diff(wantState, s.Trainings()); diff != "" {
		t.Errorf("Trainings() (-want +got):\n%s", diff)
	}
	if n := s.Calls("scheduleTraining"); n != 1 {
		t.Errorf("Calls(scheduleTraining) = %d, want 1", n)
	}
}

// TestNineteenDigitKeysRoundTrip proves that keys above 2^53 come back
// exactly, whichever JSON form they travel in.
func TestNineteenDigitKeysRoundTrip(t *testing.T) {
	t.Parallel()
	s, c := newFake(t, gototrainingtest.WithSeed(7))
	org := s.OrganizerKey()
	tk := c.schedule("Keys")
	rk := c.register(tk, "k@example.com") // a JSON number on the wire

	for _, k := range []int64{org, tk, rk, s.AccountKey()} {
		key(t, ks(k))
	}
	reg := want[registrantW](t, c.do(http.MethodGet, fmt.Sprintf("%s/registrants/%d", trainingPath(org, tk), rk), nil), http.StatusOK)
	if diff := cmp.Diff(ks(rk), reg.RegistrantKey); diff != "" {
		t.Errorf("registrantKey (-want +got):\n%s", diff)
	}
	tr := want[trainingW](t, c.do(http.MethodGet, trainingPath(org, tk), nil), http.StatusOK)
	if diff := cmp.Diff(ks(tk), tr.TrainingKey); diff != "" {
		t.Errorf("trainingKey (-want +got):\n%s", diff)
	}
	// A key off by one (what a float64 round trip can produce) is unknown.
	checkError(t, c.do(http.MethodGet, trainingPath(org, tk+1), nil), http.StatusNotFound, "NotFound")
	if diff := cmp.Diff(tk, s.Trainings()[0].Key); diff != "" {
		t.Errorf("Trainings()[0].Key (-want +got):\n%s", diff)
	}
}

func TestGetAllTrainingsFilters(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	org := s.OrganizerKey()
	other := s.AddOrganizer("o@example.com", "O", "Other")
	first := c.schedule("first")
	completed := c.schedule("completed")
	cancelled := c.schedule("cancelled")
	last := c.schedule("last")
	if err := s.CompleteTraining(completed); err != nil {
		t.Fatal(err)
	}
	want[any](t, c.do(http.MethodDelete, trainingPath(org, cancelled), nil), http.StatusNoContent)
	// other co-organizes "last" only.
	want[any](t, c.do(http.MethodPut, trainingPath(org, last)+"/organizers", map[string]any{"organizers": []int64{other}}), http.StatusNoContent)

	names := func(org int64) []string {
		var out []string
		for _, tr := range want[[]trainingW](t, c.do(http.MethodGet, trainingsPath(org), nil), http.StatusOK) {
			out = append(out, tr.Name)
		}
		return out
	}
	if diff := cmp.Diff([]string{"first", "last"}, names(org)); diff != "" {
		t.Errorf("the organizer's trainings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"last"}, names(other)); diff != "" {
		t.Errorf("the co-organizer's trainings (-want +got):\n%s", diff)
	}
	// A completed training stays readable; a cancelled one is gone.
	want[trainingW](t, c.do(http.MethodGet, trainingPath(org, completed), nil), http.StatusOK)
	checkError(t, c.do(http.MethodGet, trainingPath(org, cancelled), nil), http.StatusNotFound, "Training not found")
	// "other" is no organizer of "first".
	checkError(t, c.do(http.MethodGet, trainingPath(other, first), nil), http.StatusNotFound, "Training not found")

	var states []string
	for _, st := range s.Trainings() {
		states = append(states, fmt.Sprintf("%s completed=%v", st.Name, st.Completed))
	}
	if diff := cmp.Diff([]string{"first completed=false", "completed completed=true", "last completed=false"}, states); diff != "" {
		t.Errorf("Trainings() (-want +got):\n%s", diff)
	}

	empty := s.AddOrganizer("e@example.com", "E", "Mpty")
	if got := c.do(http.MethodGet, trainingsPath(empty), nil); string(got.Body) != "[]" {
		t.Errorf("an organizer without trainings got %s, want []", got.Body)
	}
}

func TestUpdateTraining(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	org := s.OrganizerKey()
	tk := c.schedule("Original")
	path := trainingPath(org, tk)

	res := c.do(http.MethodPut, path+"/nameDescription", map[string]string{"name": "Renamed", "description": "New text"})
	want[any](t, res, http.StatusNoContent)
	if len(res.Body) != 0 {
		t.Errorf("204 with body %s", res.Body)
	}
	want[any](t, c.do(http.MethodPut, path+"/registrationSettings", map[string]bool{"disableConfirmationEmail": true, "disableWebRegistration": true}), http.StatusNoContent)

	newTimes := map[string]any{
		"timeZone": "Europe/Paris",
		"times":    []map[string]string{{"startDate": "2026-04-02T15:00:00+02:00", "endDate": "2026-04-02T17:30:00+02:00"}},
	}
	got := want[map[string]int](t, c.do(http.MethodPut, path+"/times", newTimes), http.StatusOK)
	if diff := cmp.Diff(map[string]int{"notifiedRegistrants": 0, "notifiedTrainers": 1}, got); diff != "" {
		t.Errorf("notified (-want +got):\n%s", diff)
	}

	tr := want[trainingW](t, c.do(http.MethodGet, path, nil), http.StatusOK)
	wantTr := trainingW{
		TrainingKey: ks(tk), TrainingID: tr.TrainingID, Name: "Renamed", Description: "New text", TimeZone: "Europe/Paris",
		Times:                []rangeW{{StartDate: "2026-04-02T13:00:00Z", EndDate: "2026-04-02T15:30:00Z"}},
		Organizers:           []organizerW{{OrganizerKey: ks(org), Email: gototrainingtest.SeedOrganizerEmail, GivenName: "Charley", Surname: "Waters"}},
		RegistrationSettings: settingsW{DisableConfirmationEmail: true, DisableWebRegistration: true},
	}
	if diff := cmp.Diff(wantTr, tr); diff != "" {
		t.Errorf("training after updates (-want +got):\n%s", diff)
	}

	// A missing description clears it.
	want[any](t, c.do(http.MethodPut, path+"/nameDescription", map[string]string{"name": "Only a name"}), http.StatusNoContent)
	if st, _ := s.Training(tk); st.Name != "Only a name" || st.Description != "" {
		t.Errorf("after a name-only update: name %q, description %q", st.Name, st.Description)
	}
}

func TestUpdateTrainingTimesNotifies(t *testing.T) {
	t.Parallel()
	tr, fa := true, false
	tests := []struct {
		name                   string
		registrants, trainers  *bool
		wantRegs, wantTrainers int
	}{
		{"defaults", nil, nil, 3, 2},
		{"both true", &tr, &tr, 3, 2},
		{"registrants off", &fa, nil, 0, 2},
		{"trainers off", nil, &fa, 3, 0},
		{"both off", &fa, &fa, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := newFake(t)
			co := s.AddOrganizer("co@example.com", "Co", "Org")
			body := scheduleBody("Notify")
			body["organizers"] = []int64{co}
			tk := key(t, want[string](t, c.do(http.MethodPost, trainingsPath(s.OrganizerKey()), body), http.StatusCreated))
			for i := range 3 {
				c.register(tk, fmt.Sprintf("r%d@example.com", i))
			}
			req := map[string]any{"timeZone": "UTC", "times": []map[string]string{{"startDate": "2026-05-01T10:00:00Z", "endDate": "2026-05-01T11:00:00Z"}}}
			if tt.registrants != nil {
				req["notifyRegistrants"] = *tt.registrants
			}
			if tt.trainers != nil {
				req["notifyTrainers"] = *tt.trainers
			}
			got := want[map[string]int](t, c.do(http.MethodPut, trainingPath(s.OrganizerKey(), tk)+"/times", req), http.StatusOK)
			if diff := cmp.Diff(map[string]int{"notifiedRegistrants": tt.wantRegs, "notifiedTrainers": tt.wantTrainers}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTrainingOrganizers(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	org := s.OrganizerKey()
	a := s.AddOrganizer("a@example.com", "A", "A")
	b := s.AddOrganizer("b@example.com", "B", "B")
	tk := c.schedule("Shared")
	path := trainingPath(org, tk) + "/organizers"

	keysOf := func() []string {
		var out []string
		for _, o := range want[[]organizerW](t, c.do(http.MethodGet, path, nil), http.StatusOK) {
			out = append(out, o.OrganizerKey)
		}
		return out
	}
	tests := []struct {
		name string
		put  []int64
		want []string
	}{
		{"add two", []int64{a, b}, []string{ks(org), ks(a), ks(b)}},
		{"the scheduler stays and duplicates collapse", []int64{b, org, b}, []string{ks(org), ks(b)}},
		{"remove all co-organizers", []int64{}, []string{ks(org)}},
	}
	for _, tt := range tests { // sequential: each step builds on the last
		want[any](t, c.do(http.MethodPut, path, map[string]any{"organizers": tt.put, "notifyOrganizers": true}), http.StatusNoContent)
		if diff := cmp.Diff(tt.want, keysOf()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	checkError(t, c.do(http.MethodPut, path, map[string]any{"organizers": []int64{1234567890123456789}}), http.StatusBadRequest, "organizers[0]")
}

func TestTrainingURLs(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	org := s.OrganizerKey()
	tk := c.schedule("URLs")

	manage := want[string](t, c.do(http.MethodGet, trainingPath(org, tk)+"/manageUrl", nil), http.StatusOK)
	start := want[string](t, c.do(http.MethodGet, trainingPath(org, tk)+"/startUrl", nil), http.StatusOK)
	host := want[map[string]string](t, c.do(http.MethodGet, fmt.Sprintf("/trainings/%d/start", tk), nil), http.StatusOK)
	for name, u := range map[string]string{"manageUrl": manage, "startUrl": start, "hostURL": host["hostURL"]} {
		if !strings.HasPrefix(u, "https://") || !strings.Contains(u, ks(tk)) {
			t.Errorf("%s = %q, want an https URL naming the training", name, u)
		}
	}
}

func TestCancelTraining(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	org := s.OrganizerKey()
	tk := c.schedule("Doomed")
	rk := c.register(tk, "x@example.com")
	if _, err := s.CompleteSession(tk, t0, t1, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRecording(tk, "rec", []byte("data")); err != nil {
		t.Fatal(err)
	}
	want[any](t, c.do(http.MethodDelete, trainingPath(org, tk), nil), http.StatusNoContent)

	p := trainingPath(org, tk)
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, p},
		{http.MethodDelete, p},
		{http.MethodGet, p + "/manageUrl"},
		{http.MethodGet, p + "/startUrl"},
		{http.MethodGet, p + "/organizers"},
		{http.MethodGet, p + "/registrants"},
		{http.MethodGet, fmt.Sprintf("%s/registrants/%d", p, rk)},
		{http.MethodGet, fmt.Sprintf("/reports/organizers/%d/trainings/%d", org, tk)},
		{http.MethodGet, fmt.Sprintf("/trainings/%d/recordings", tk)},
		{http.MethodGet, fmt.Sprintf("/trainings/%d/start", tk)},
	} {
		checkError(t, c.do(r.method, r.path, nil), http.StatusNotFound, "NotFound")
	}
	if got := s.Trainings(); len(got) != 0 {
		t.Errorf("Trainings() after cancel = %v, want none", got)
	}
	// A scheduled (not completed) training loses its sessions.
	sessions := want[[]sessionW](t, c.do(http.MethodPost, fmt.Sprintf("/reports/organizers/%d/sessions", org),
		map[string]string{"startDate": "2000-01-01T00:00:00Z", "endDate": "2100-01-01T00:00:00Z"}), http.StatusOK)
	if len(sessions) != 0 {
		t.Errorf("sessions of a cancelled scheduled training: %v", sessions)
	}
}
