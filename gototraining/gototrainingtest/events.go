package gototrainingtest

import (
	"bytes"
	"fmt"
	"slices"
	"time"
)

// The API cannot hold a session, complete a training or record one; these
// methods do it, so that tests can read reports and recordings.

// Period is one stretch of time an attendee spent in a session.
type Period struct{ Join, Leave time.Time }

// AttendeeRecord is one registrant of a completed session. A record without
// periods is a registrant who did not attend: the attendance report lists
// them last, with timeInSession 0.
type AttendeeRecord struct {
	GivenName, Surname, Email string
	Periods                   []Period
}

// CompleteSession records a held session of a training, from start to end,
// with its attendees, and returns the new session's key. Times are kept in
// UTC to the second; minutes are whole minutes, rounded down. The session's
// organizers and training name are those of the training now.
func (f *Fake) CompleteSession(trainingKey int64, start, end time.Time, attendees []AttendeeRecord) (sessionKey int64, err error) {
	start, end = start.UTC().Truncate(time.Second), end.UTC().Truncate(time.Second)
	if !end.After(start) {
		return 0, fmt.Errorf("gototrainingtest: CompleteSession: end %v is not after start %v", end, start)
	}
	var attended, absent []AttendeeRecord
	for i, a := range attendees {
		a.Periods = slices.Clone(a.Periods)
		for j, p := range a.Periods {
			p.Join, p.Leave = p.Join.UTC().Truncate(time.Second), p.Leave.UTC().Truncate(time.Second)
			if p.Leave.Before(p.Join) {
				return 0, fmt.Errorf("gototrainingtest: CompleteSession: attendee %d, period %d: leave before join", i, j)
			}
			a.Periods[j] = p
		}
		if len(a.Periods) > 0 {
			attended = append(attended, a)
		} else {
			absent = append(absent, a)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.trainings[trainingKey]
	if t == nil || t.cancelled {
		return 0, fmt.Errorf("gototrainingtest: CompleteSession: no training %d", trainingKey)
	}
	s := &session{
		key:        f.newKey(),
		training:   t,
		name:       t.name,
		start:      start,
		end:        end,
		organizers: slices.Clone(t.organizers),
		attendees:  append(attended, absent...),
	}
	t.sessions = append(t.sessions, s)
	f.sessions[s.key] = s
	f.sessionOrder = append(f.sessionOrder, s)
	return s.key, nil
}

// CompleteTraining marks a training completed: getAllTrainings leaves it
// out, getTraining and the reports still show it.
func (f *Fake) CompleteTraining(trainingKey int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.trainings[trainingKey]
	if t == nil || t.cancelled {
		return fmt.Errorf("gototrainingtest: CompleteTraining: no training %d", trainingKey)
	}
	t.completed = true
	return nil
}

// AddRecording adds an online recording of a training, whose download
// serves content, and returns its id. It is dated by the training's last
// completed session, or the hour before now when it has none.
func (f *Fake) AddRecording(trainingKey int64, name string, content []byte) (recordingID int64, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.trainings[trainingKey]
	if t == nil || t.cancelled {
		return 0, fmt.Errorf("gototrainingtest: AddRecording: no training %d", trainingKey)
	}
	rec := &recording{key: f.newKey(), name: name, content: bytes.Clone(content), secret: f.newSecret()}
	if n := len(t.sessions); n > 0 {
		rec.start, rec.end = t.sessions[n-1].start, t.sessions[n-1].end
	} else {
		rec.end = f.now()
		rec.start = rec.end.Add(-time.Hour)
	}
	if rec.content == nil {
		rec.content = []byte{}
	}
	t.recordings = append(t.recordings, rec)
	f.recordings[rec.key] = rec
	return rec.key, nil
}
