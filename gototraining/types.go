package gototraining

import "time"

// Training is a scheduled training.
type Training struct {
	Key TrainingKey
	// ID is the 9-digit training ID that learners see; empty when GoTo
	// leaves it out, as real responses sometimes do.
	ID          string
	Name        string
	Description string
	// TimeZone is the training's IANA time zone name as GoTo sent it, for
	// example "America/New_York". GoTo sometimes sends "" for it.
	TimeZone             string
	Times                []TimeRange
	Organizers           []Organizer
	RegistrationSettings RegistrationSettings
}

// Location loads the training's time zone. It returns UTC when GoTo sent no
// time zone.
func (t Training) Location() (*time.Location, error) {
	if t.TimeZone == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(t.TimeZone)
}

// TimeRange is the start and end of a session, or of a report's interval.
type TimeRange struct {
	Start, End time.Time
}

// Organizer is a GoTo user who runs trainings (organizer or co-organizer).
type Organizer struct {
	Key       OrganizerKey
	Email     string
	GivenName string
	Surname   string
}

// RegistrationSettings says whether learners may register on GoTo's web site
// and whether they are sent a confirmation email. The zero value allows both.
type RegistrationSettings struct {
	DisableConfirmationEmail bool
	DisableWebRegistration   bool
}

// RegistrantStatus is where a registration stands. GoTo documents WAITING,
// APPROVED and DENIED, and has been seen to send others; unknown values are
// kept as they came.
type RegistrantStatus string

// The registrant statuses GoTo documents.
const (
	RegistrantWaiting  RegistrantStatus = "WAITING"  // waiting for the organizer's approval
	RegistrantApproved RegistrantStatus = "APPROVED" // may join
	RegistrantDenied   RegistrantStatus = "DENIED"   // turned down by the organizer
)

// Known reports whether s is one of the documented statuses.
func (s RegistrantStatus) Known() bool {
	return s == RegistrantWaiting || s == RegistrantApproved || s == RegistrantDenied
}

// Registrant is a person registered for a training.
type Registrant struct {
	Key              RegistrantKey
	Email            string
	GivenName        string
	Surname          string
	Status           RegistrantStatus
	RegistrationDate time.Time
	JoinURL          string
	ConfirmationURL  string
}

// Registration is what Registrants.Register returns: the new registrant's
// key and the URLs to send them.
type Registration struct {
	Key             RegistrantKey
	JoinURL         string
	ConfirmationURL string
}

// Session is a completed session: one held event of a training.
type Session struct {
	Key             SessionKey
	TrainingName    string
	Start, End      time.Time
	AttendanceCount int
	// Duration is the session's length; GoTo counts it in whole minutes.
	Duration   time.Duration
	Organizers []Organizer
}

// Attendee is a registrant of a completed session and the time they spent in
// it. Registrants who did not attend have no Periods and a zero TimeInSession.
type Attendee struct {
	GivenName string
	Surname   string
	Email     string
	// TimeInSession is the total time attended, in whole minutes as GoTo counts.
	TimeInSession time.Duration
	Periods       []AttendancePeriod
}

// AttendancePeriod is one stretch of a session an attendee spent in it.
type AttendancePeriod struct {
	Join, Leave time.Time
	// Duration is GoTo's count of the period, in whole minutes.
	Duration time.Duration
}

// Recording is an online recording of a training.
type Recording struct {
	ID              RecordingID
	Name            string
	Description     string
	RegistrationURL string
	DownloadURL     string
	Start, End      time.Time
}

// NotifiedParties counts who GoTo emailed about new training times.
type NotifiedParties struct {
	Registrants int
	Trainers    int
}

// ScheduleTrainingRequest describes a training to schedule.
type ScheduleTrainingRequest struct {
	Name        string // required
	Description string // optional
	// TimeZone is the IANA name of the training's time zone, for example
	// "Europe/Berlin" (required). The times themselves are instants.
	TimeZone string
	// Times holds each session's start and end (at least one). They are sent
	// in UTC with whole seconds; a fraction of a second is dropped.
	Times []TimeRange
	// RegistrationSettings, when nil, leaves GoTo's defaults (web
	// registration and confirmation emails on).
	RegistrationSettings *RegistrationSettings
	// CoOrganizers are other organizers of the account to add (multi-user
	// accounts only). The scheduling organizer is always included.
	CoOrganizers []OrganizerKey
}

// UpdateTrainingTimesRequest gives a training new session times.
type UpdateTrainingTimesRequest struct {
	TimeZone string      // required, IANA name
	Times    []TimeRange // required, at least one
	// GoTo emails registrants and trainers about the change unless told not
	// to; these are false by default so that the zero value keeps GoTo's
	// default of notifying.
	SkipRegistrantNotification bool
	SkipTrainerNotification    bool
}

// UpdateTrainingNameDescriptionRequest is a training's new name and
// description. Both are replaced: an empty Description clears it.
type UpdateTrainingNameDescriptionRequest struct {
	Name        string // required
	Description string
}

// ReplaceTrainingOrganizersRequest is a training's new co-organizers.
type ReplaceTrainingOrganizersRequest struct {
	// CoOrganizers become the training's co-organizers; the scheduling
	// organizer always stays. Empty removes every co-organizer.
	CoOrganizers []OrganizerKey
	// Notify emails the new co-organizers.
	Notify bool
}

// RegisterForTrainingRequest is the person to register for a training.
type RegisterForTrainingRequest struct {
	Email     string // required; unique within the training
	GivenName string // required
	Surname   string // required
}
