package gototrainingtest

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Snapshots of the model, for tests that check state. They are copies:
// changing them changes nothing in the fake. Empty lists are nil, so that
// expectations written as struct literals can leave them out.

// RegistrationSettings of a training.
type RegistrationSettings struct {
	DisableConfirmationEmail bool
	DisableWebRegistration   bool
}

// TrainingState is a training as the fake holds it. Times are UTC, to the
// second.
type TrainingState struct {
	Key          int64
	TrainingID   string // 9 digits
	Name         string
	Description  string
	TimeZone     string
	Times        [][2]time.Time // start, end of each session
	OrganizerKey int64          // the scheduling organizer
	Organizers   []int64        // the scheduling organizer first, then the co-organizers
	Settings     RegistrationSettings
	Completed    bool
	Registrants  []RegistrantState
	SessionKeys  []int64 // completed sessions, in completion order
	RecordingIDs []int64
}

// RegistrantState is a registrant as the fake holds it.
type RegistrantState struct {
	Key              int64
	Email            string
	GivenName        string
	Surname          string
	Status           string
	RegistrationDate time.Time
	JoinURL          string
	ConfirmationURL  string
}

// OrganizerState is an organizer of the fake's account.
type OrganizerState struct {
	Key                       int64
	Email, GivenName, Surname string
}

// Organizers returns the organizers of the account, the seeded one first.
func (f *Fake) Organizers() []OrganizerState {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]OrganizerState, len(f.organizers))
	for i, o := range f.organizers {
		out[i] = OrganizerState{Key: o.key, Email: o.email, GivenName: o.givenName, Surname: o.surname}
	}
	return out
}

// Trainings returns every training that was not cancelled, completed ones
// included, in creation order.
func (f *Fake) Trainings() []TrainingState {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []TrainingState
	for _, t := range f.order {
		if !t.cancelled {
			out = append(out, t.state())
		}
	}
	return out
}

// Training returns one training that was not cancelled.
func (f *Fake) Training(key int64) (TrainingState, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.trainings[key]
	if t == nil || t.cancelled {
		return TrainingState{}, false
	}
	return t.state(), true
}

func (t *training) state() TrainingState {
	s := TrainingState{
		Key:          t.key,
		TrainingID:   t.id,
		Name:         t.name,
		Description:  t.description,
		TimeZone:     t.timeZone,
		Times:        slices.Clone(t.times),
		OrganizerKey: t.owner,
		Organizers:   slices.Clone(t.organizers),
		Settings:     t.settings,
		Completed:    t.completed,
		Registrants:  registrantStates(t),
	}
	for _, x := range t.sessions {
		s.SessionKeys = append(s.SessionKeys, x.key)
	}
	for _, r := range t.recordings {
		s.RecordingIDs = append(s.RecordingIDs, r.key)
	}
	return s
}

func registrantStates(t *training) []RegistrantState {
	if len(t.registrants) == 0 {
		return nil
	}
	out := make([]RegistrantState, len(t.registrants))
	for i, r := range t.registrants {
		out[i] = RegistrantState{
			Key:              r.key,
			Email:            r.email,
			GivenName:        r.givenName,
			Surname:          r.surname,
			Status:           r.status,
			RegistrationDate: r.registrationDate,
			JoinURL:          r.joinURL,
			ConfirmationURL:  r.confirmationURL,
		}
	}
	return out
}

// Registrants returns the registrants of a training in registration order
// (nil when there is none, or for an unknown or cancelled training).
func (f *Fake) Registrants(trainingKey int64) []RegistrantState {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.trainings[trainingKey]
	if t == nil || t.cancelled {
		return nil
	}
	return registrantStates(t)
}

// SetRegistrantStatus sets a registrant's status, for example "WAITING",
// "DENIED", or a status the spec does not list, such as "UNREGISTERED".
func (f *Fake) SetRegistrantStatus(trainingKey, registrantKey int64, status string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.trainings[trainingKey]
	if t == nil || t.cancelled {
		return fmt.Errorf("gototrainingtest: SetRegistrantStatus: no training %d", trainingKey)
	}
	_, r := t.registrantByKey(registrantKey)
	if r == nil {
		return fmt.Errorf("gototrainingtest: SetRegistrantStatus: no registrant %d in training %d", registrantKey, trainingKey)
	}
	r.status = status
	return nil
}

// Calls returns how many requests for operationID (an operationId of the
// spec, or [StorageOperation]) reached the fake. Requests are counted before
// fault injection, rate limiting, authentication and validation, so the
// count proves how often a client sent a request.
func (f *Fake) Calls(operationID string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[operationID]
}

// DownloadRequests returns the headers of every request the storage origin
// got, in order; a test can check that no Authorization header reached it.
func (f *Fake) DownloadRequests() []http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.downloads) == 0 {
		return nil
	}
	out := make([]http.Header, len(f.downloads))
	for i, h := range f.downloads {
		out[i] = h.Clone()
	}
	return out
}
