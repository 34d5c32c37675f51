package gototrainingtest_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gototraining-go/gototraining/gototraining/gototrainingtest"
)

func at(h, m, s int) time.Time { return time.Date(2026, 3, 26, h, m, s, 0, time.UTC) }

func TestReports(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	org := s.OrganizerKey()
	tk := c.schedule("Reported")
	attendees := []gototrainingtest.AttendeeRecord{
		{GivenName: "Absent", Surname: "One", Email: "absent@example.com"},
		{GivenName: "Charley", Surname: "Waters", Email: "c.waters@example.com", Periods: []gototrainingtest.Period{
			{Join: at(15, 1, 0), Leave: at(16, 0, 0)},
			{Join: at(16, 10, 0), Leave: at(16, 46, 30)},
		}},
		{GivenName: "Brief", Surname: "Visit", Email: "brief@example.com", Periods: []gototrainingtest.Period{
			{Join: at(15, 0, 0), Leave: at(15, 0, 30)},
		}},
	}
	sk, err := s.CompleteSession(tk, at(15, 2, 11), at(22, 58, 40), attendees)
	if err != nil {
		t.Fatal(err)
	}
	key(t, ks(sk))
	// A second, earlier session, completed later.
	early, err := s.CompleteSession(tk, at(9, 0, 0), at(10, 0, 0), nil)
	if err != nil {
		t.Fatal(err)
	}

	orgW := organizerW{OrganizerKey: ks(org), Email: gototrainingtest.SeedOrganizerEmail, GivenName: "Charley", Surname: "Waters"}
	main := sessionW{
		SessionKey: ks(sk), TrainingName: "Reported",
		SessionStartTime: "2026-03-26T15:02:11Z", SessionEndTime: "2026-03-26T22:58:40Z",
		AttendanceCount: 2, Duration: 476, Organizers: []organizerW{orgW},
	}
	earlySession := sessionW{
		SessionKey: ks(early), TrainingName: "Reported",
		SessionStartTime: "2026-03-26T09:00:00Z", SessionEndTime: "2026-03-26T10:00:00Z",
		AttendanceCount: 0, Duration: 60, Organizers: []organizerW{orgW},
	}

	got := want[[]sessionW](t, c.do(http.MethodGet, fmt.Sprintf("/reports/organizers/%d/trainings/%d", org, tk), nil), http.StatusOK)
	if diff := cmp.Diff([]sessionW{main, earlySession}, got); diff != "" {
		t.Errorf("getSessionDetailsForTraining (-want +got):\n%s", diff)
	}

	attendance := want[[]attendeeW](t, c.do(http.MethodGet, fmt.Sprintf("/reports/organizers/%d/sessions/%d/attendees", org, sk), nil), http.StatusOK)
	wantAttendance := []attendeeW{
		{GivenName: "Charley", Surname: "Waters", Email: "c.waters@example.com", TimeInSession: 95, InSessionTimes: []attendanceW{
			{JoinTime: "2026-03-26T15:01:00Z", LeaveTime: "2026-03-26T16:00:00Z", TimeInPartOfSession: 59},
			{JoinTime: "2026-03-26T16:10:00Z", LeaveTime: "2026-03-26T16:46:30Z", TimeInPartOfSession: 36},
		}},
		{GivenName: "Brief", Surname: "Visit", Email: "brief@example.com", TimeInSession: 0, InSessionTimes: []attendanceW{
			{JoinTime: "2026-03-26T15:00:00Z", LeaveTime: "2026-03-26T15:00:30Z", TimeInPartOfSession: 0},
		}},
		{GivenName: "Absent", Surname: "One", Email: "absent@example.com", TimeInSession: 0, InSessionTimes: []attendanceW{}},
	}
	if diff := cmp.Diff(wantAttendance, attendance); diff != "" {
		t.Errorf("getAttendanceDetails (-want +got):\n%s", diff)
	}

	stranger := s.AddOrganizer("s@example.com", "S", "Tranger")
	rangePath := func(o int64) string { return fmt.Sprintf("/reports/organizers/%d/sessions", o) }
	tests := []struct {
		name       string
		org        int64
		start, end string
		want       []sessionW
	}{
		{"the whole day, by start time", org, "2026-03-26T00:00:00Z", "2026-03-27T00:00:00Z", []sessionW{earlySession, main}},
		{"start bound included", org, "2026-03-26T15:02:11Z", "2026-03-26T16:00:00Z", []sessionW{main}},
		{"end bound included", org, "2026-03-26T08:00:00Z", "2026-03-26T09:00:00Z", []sessionW{earlySession}},
		{"before", org, "2026-03-25T00:00:00Z", "2026-03-26T08:59:59Z", []sessionW{}},
		{"another organizer's sessions are not listed", stranger, "2026-03-26T00:00:00Z", "2026-03-27T00:00:00Z", []sessionW{}},
	}
	for _, tt := range tests {
		res := c.do(http.MethodPost, rangePath(tt.org), map[string]string{"startDate": tt.start, "endDate": tt.end})
		if diff := cmp.Diff(tt.want, want[[]sessionW](t, res, http.StatusOK)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	checkError(t, c.do(http.MethodPost, rangePath(org), map[string]string{"startDate": "2026-03-27T00:00:00Z", "endDate": "2026-03-26T00:00:00Z"}), http.StatusBadRequest, "endDate")
	checkError(t, c.do(http.MethodPost, rangePath(org), map[string]string{"startDate": "2026-03-27T00:00:00Z"}), http.StatusBadRequest, "endDate")
	checkError(t, c.do(http.MethodPost, rangePath(org), map[string]string{"startDate": "yesterday", "endDate": "2026-03-26T00:00:00Z"}), http.StatusBadRequest, "startDate")
	checkError(t, c.do(http.MethodGet, fmt.Sprintf("/reports/organizers/%d/sessions/%d/attendees", stranger, sk), nil), http.StatusNotFound, "Session not found")

	// A completed training, even cancelled, keeps its sessions in the reports.
	if err := s.CompleteTraining(tk); err != nil {
		t.Fatal(err)
	}
	want[any](t, c.do(http.MethodDelete, trainingPath(org, tk), nil), http.StatusNoContent)
	kept := want[[]sessionW](t, c.do(http.MethodPost, rangePath(org), map[string]string{"startDate": "2026-03-26T00:00:00Z", "endDate": "2026-03-27T00:00:00Z"}), http.StatusOK)
	if diff := cmp.Diff([]sessionW{earlySession, main}, kept); diff != "" {
		t.Errorf("sessions of a cancelled completed training (-want +got):\n%s", diff)
	}
	want[[]attendeeW](t, c.do(http.MethodGet, fmt.Sprintf("/reports/organizers/%d/sessions/%d/attendees", org, sk), nil), http.StatusOK)
}

func TestEventErrors(t *testing.T) {
	t.Parallel()
	s, c := newFake(t)
	tk := c.schedule("Events")
	tests := []struct {
		name string
		err  error
	}{
		{"session ending before it starts", func() error { _, err := s.CompleteSession(tk, t1, t0, nil); return err }()},
		{"session of an unknown training", func() error { _, err := s.CompleteSession(1, t0, t1, nil); return err }()},
		{"period leaving before joining", func() error {
			_, err := s.CompleteSession(tk, t0, t1, []gototrainingtest.AttendeeRecord{{Email: "x@example.com", Periods: []gototrainingtest.Period{{Join: t1, Leave: t0}}}})
			return err
		}()},
		{"completing an unknown training", s.CompleteTraining(1)},
		{"recording of an unknown training", func() error { _, err := s.AddRecording(1, "r", nil); return err }()},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
	if st, _ := s.Training(tk); len(st.SessionKeys) != 0 {
		t.Errorf("failed calls left sessions %v", st.SessionKeys)
	}
}
