package gototrainingtest

import (
	"fmt"
	"strings"
	"time"
)

// The in-memory model of one GoTo account. Every field is guarded by Fake.mu.

type organizer struct {
	key                       int64
	email, givenName, surname string
}

type training struct {
	key         int64
	id          string // the 9-digit training ID
	owner       int64  // the scheduling organizer, always organizers[0]
	name        string
	description string
	timeZone    string
	times       [][2]time.Time
	organizers  []int64
	settings    RegistrationSettings
	registrants []*registrant // registration order; cancelled ones are removed
	sessions    []*session
	recordings  []*recording
	completed   bool
	cancelled   bool
}

type registrant struct {
	key                       int64
	email, givenName, surname string
	status                    string
	registrationDate          time.Time
	joinURL, confirmationURL  string
}

type session struct {
	key        int64
	training   *training
	name       string // the training's name when the session was held
	start, end time.Time
	organizers []int64
	attendees  []AttendeeRecord // attendees first, then absentees
}

type recording struct {
	key        int64
	name       string
	content    []byte
	start, end time.Time
	secret     string // the opaque token of its download URL
}

// hasOrganizer reports whether org is the organizer or a co-organizer of t.
func (t *training) hasOrganizer(org int64) bool {
	for _, k := range t.organizers {
		if k == org {
			return true
		}
	}
	return false
}

func (t *training) registrantByKey(key int64) (int, *registrant) {
	for i, r := range t.registrants {
		if r.key == key {
			return i, r
		}
	}
	return -1, nil
}

func (t *training) registrantByEmail(email string) *registrant {
	for _, r := range t.registrants {
		if strings.EqualFold(r.email, email) {
			return r
		}
	}
	return nil
}

// newKey returns a fresh 19-digit key above 2^53, unique within the Fake.
func (f *Fake) newKey() int64 {
	const lo, span = 1_000_000_000_000_000_000, 8_200_000_000_000_000_000 // [10^18, 9.2*10^18)
	k := lo + f.rng.Int64N(span)
	for range 64 {
		if !f.used[k] {
			break
		}
		k = lo + f.rng.Int64N(span)
	}
	for f.used[k] { // not reached in practice; terminates as used is finite
		k++
	}
	f.used[k] = true
	return k
}

// newTrainingID returns a 9-digit training ID.
func (f *Fake) newTrainingID() string {
	return fmt.Sprint(100_000_000 + f.rng.IntN(900_000_000))
}

// newSecret returns an opaque token for URLs.
func (f *Fake) newSecret() string {
	return fmt.Sprintf("%016x", f.rng.Uint64())
}

func (f *Fake) now() time.Time {
	return f.cfg.now().UTC().Truncate(time.Second)
}

// visibleTraining returns the training org may act on: not cancelled, and org
// is one of its organizers.
func (f *Fake) visibleTraining(org, key int64) *training {
	t := f.trainings[key]
	if t == nil || t.cancelled || !t.hasOrganizer(org) {
		return nil
	}
	return t
}
