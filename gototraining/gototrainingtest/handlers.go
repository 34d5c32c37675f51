package gototrainingtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"
)

// handler answers one validated request; it runs with Fake.mu held.
type handler func(f *Fake, c *call) response

// route is an operation's handler and the Go type of the JSON success
// answer it writes, which the field drift gate (drift_test.go) checks
// against the spec.
type route struct {
	serve  handler
	answer reflect.Type
}

// writes is the answer struct T a handler writes on success (a slice of
// one for an array answer).
func writes[T any]() reflect.Type { return reflect.TypeFor[T]() }

// writesNoObject says a handler's success has no JSON object: no body, a
// bare key or URL string, or a redirect.
var writesNoObject reflect.Type

// handlers maps every operationId of the spec to its route.
var handlers = map[string]route{
	"getAllOrganisers":                      {(*Fake).getAllOrganisers, writes[[]organizerOut]()},
	"getAllTrainings":                       {(*Fake).getAllTrainings, writes[[]trainingOut]()},
	"scheduleTraining":                      {(*Fake).scheduleTraining, writesNoObject},
	"getTraining":                           {(*Fake).getTraining, writes[trainingOut]()},
	"cancelTraining":                        {(*Fake).cancelTraining, writesNoObject},
	"getManageTrainingURL":                  {(*Fake).getManageTrainingURL, writesNoObject},
	"updateTrainingNameDescription":         {(*Fake).updateTrainingNameDescription, writesNoObject},
	"getOrganisersForTraining":              {(*Fake).getOrganisersForTraining, writes[[]organizerOut]()},
	"updateOrganisersForTraining":           {(*Fake).updateOrganisersForTraining, writesNoObject},
	"getRegistrants":                        {(*Fake).getRegistrants, writes[[]registrantOut]()},
	"registerForTraining":                   {(*Fake).registerForTraining, writes[registrantCreatedOut]()},
	"getRegistrant":                         {(*Fake).getRegistrant, writes[registrantOut]()},
	"cancelRegistration":                    {(*Fake).cancelRegistration, writesNoObject},
	"updateRegistrationSettingsForTraining": {(*Fake).updateRegistrationSettingsForTraining, writesNoObject},
	"getStartUrl":                           {(*Fake).getStartURL, writesNoObject},
	"updateTrainingTimes":                   {(*Fake).updateTrainingTimes, writes[notifiedPartiesOut]()},
	"getSessionDetailsForDateRange":         {(*Fake).getSessionDetailsForDateRange, writes[[]sessionOut]()},
	"getAttendanceDetails":                  {(*Fake).getAttendanceDetails, writes[[]attendeeOut]()},
	"getSessionDetailsForTraining":          {(*Fake).getSessionDetailsForTraining, writes[[]sessionOut]()},
	"getRecordingsForTraining":              {(*Fake).getRecordingsForTraining, writes[recordingsListOut]()},
	"getRecordingDownloadById":              {(*Fake).getRecordingDownloadByID, writesNoObject},
	"startTraining":                         {(*Fake).startTraining, writes[hostURLOut]()},
}

// decode reads the request body into v. Validation has already checked the
// body against the spec; this catches what the schema cannot say (an integer
// beyond int64, a date-time Go cannot parse).
func decode(c *call, v any) error {
	if err := json.Unmarshal(c.body, v); err != nil {
		var te *json.UnmarshalTypeError
		var pe *time.ParseError
		switch {
		case errors.As(err, &te) && te.Field != "":
			return fmt.Errorf("request body: %s: unusable %s value", te.Field, te.Value)
		case errors.As(err, &pe):
			return fmt.Errorf("request body: %q is not an RFC 3339 date-time", pe.Value)
		default:
			return errors.New("request body is not valid JSON for this operation")
		}
	}
	return nil
}

// checkTimes validates a time zone and session times as GoTo does for
// scheduleTraining and updateTrainingTimes.
func checkTimes(tz string, in []dateTimeRangeIn) ([][2]time.Time, error) {
	if tz == "Local" {
		return nil, fmt.Errorf("timeZone: unknown time zone %q", tz)
	}
	if _, err := time.LoadLocation(tz); err != nil || tz == "" {
		return nil, fmt.Errorf("timeZone: unknown time zone %q", tz)
	}
	if len(in) == 0 {
		return nil, errors.New("times: at least one start and end time is required")
	}
	out := make([][2]time.Time, len(in))
	for i, r := range in {
		start, end := r.StartDate.UTC().Truncate(time.Second), r.EndDate.UTC().Truncate(time.Second)
		if !end.After(start) {
			return nil, fmt.Errorf("times[%d]: endDate must be after startDate", i)
		}
		out[i] = [2]time.Time{start, end}
	}
	return out, nil
}

// organizerList returns the organizers of a training: owner first, then the
// known co-organizers in order, without duplicates.
func (f *Fake) organizerList(owner int64, co []int64) ([]int64, error) {
	list := []int64{owner}
	seen := map[int64]bool{owner: true}
	for i, k := range co {
		if f.organizer(k) == nil {
			return nil, fmt.Errorf("organizers[%d]: %d is not an organizer of this account", i, k)
		}
		if !seen[k] {
			seen[k] = true
			list = append(list, k)
		}
	}
	return list, nil
}

func (f *Fake) organizersOut(keys []int64) []organizerOut {
	out := make([]organizerOut, 0, len(keys))
	for _, k := range keys {
		if o := f.organizer(k); o != nil {
			out = append(out, organizerOut{OrganizerKey: o.key, Email: o.email, GivenName: o.givenName, Surname: o.surname})
		}
	}
	return out
}

// newTrainingOut is a training as the API answers it. Every answer struct
// of the fake is named <resource>Out and built by new<resource>Out.
func (f *Fake) newTrainingOut(t *training) trainingOut {
	times := make([]dateTimeRangeOut, len(t.times))
	for i, r := range t.times {
		times[i] = dateTimeRangeOut{StartDate: formatTime(r[0]), EndDate: formatTime(r[1])}
	}
	return trainingOut{
		TrainingKey:          t.key,
		TrainingID:           t.id,
		Name:                 t.name,
		Description:          t.description,
		TimeZone:             t.timeZone,
		Times:                times,
		Organizers:           f.organizersOut(t.organizers),
		RegistrationSettings: registrationSettingsJSON(t.settings),
	}
}

// trainingOf finds the training of a single-resource operation: an unknown
// organizer, or a training that is unknown, cancelled or not the
// organizer's, is answered 404.
func (f *Fake) trainingOf(c *call) (*training, *response) {
	if f.organizer(c.key("organizerKey")) == nil {
		r := notFound("Organizer")
		return nil, &r
	}
	t := f.visibleTraining(c.key("organizerKey"), c.key("trainingKey"))
	if t == nil {
		r := notFound("Training")
		return nil, &r
	}
	return t, nil
}

// trainingByKey finds the training of an operation whose path has no
// organizer (recordings, start).
func (f *Fake) trainingByKey(c *call) (*training, *response) {
	t := f.trainings[c.key("trainingKey")]
	if t == nil || t.cancelled {
		r := notFound("Training")
		return nil, &r
	}
	return t, nil
}
