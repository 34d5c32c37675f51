package gototrainingtest

import (
	"fmt"
	"net/http"
	"strconv"
)

func (f *Fake) getAllOrganisers(c *call) response {
	if c.key("accountKey") != f.accountKey {
		return accessDenied("The account key is not the caller's account")
	}
	return jsonResponse(http.StatusOK, f.organizersOut(f.organizerKeys()))
}

func (f *Fake) organizerKeys() []int64 {
	keys := make([]int64, len(f.organizers))
	for i, o := range f.organizers {
		keys[i] = o.key
	}
	return keys
}

// getAllTrainings lists the organizer's scheduled trainings (as organizer or
// co-organizer), oldest first; completed and cancelled ones are left out.
// The operation declares no 404, so an unknown organizer is answered 403.
func (f *Fake) getAllTrainings(c *call) response {
	org := c.key("organizerKey")
	if f.organizer(org) == nil {
		return accessDenied("The organizer is not on the caller's account")
	}
	out := []trainingOut{}
	for _, t := range f.order {
		if !t.cancelled && !t.completed && t.hasOrganizer(org) {
			out = append(out, f.newTrainingOut(t))
		}
	}
	return jsonResponse(http.StatusOK, out)
}

func (f *Fake) scheduleTraining(c *call) response {
	org := c.key("organizerKey")
	if f.organizer(org) == nil {
		return accessDenied("The organizer is not on the caller's account")
	}
	var in trainingReqCreate
	if err := decode(c, &in); err != nil {
		return badRequest(err.Error())
	}
	times, err := checkTimes(in.TimeZone, in.Times)
	if err != nil {
		return badRequest(err.Error())
	}
	organizers, err := f.organizerList(org, in.Organizers)
	if err != nil {
		return badRequest(err.Error())
	}
	t := &training{
		key:         f.newKey(),
		id:          f.newTrainingID(),
		owner:       org,
		name:        in.Name,
		description: in.Description,
		timeZone:    in.TimeZone,
		times:       times,
		organizers:  organizers,
	}
	if s := in.RegistrationSettings; s != nil {
		t.settings = RegistrationSettings(*s)
	}
	f.trainings[t.key] = t
	f.order = append(f.order, t)
	// The body is the key as a JSON string, as GoTo documents it.
	return jsonResponse(http.StatusCreated, strconv.FormatInt(t.key, 10))
}

func (f *Fake) getTraining(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	return jsonResponse(http.StatusOK, f.newTrainingOut(t))
}

// cancelTraining deletes a training. A scheduled training loses its
// sessions; a completed one keeps them in the date-range and attendance
// reports, as GoTo documents.
func (f *Fake) cancelTraining(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	t.cancelled = true
	if !t.completed {
		for _, s := range t.sessions {
			delete(f.sessions, s.key)
		}
	}
	for _, r := range t.recordings {
		delete(f.recordings, r.key)
	}
	return noContent()
}

func (f *Fake) getManageTrainingURL(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	return jsonResponse(http.StatusOK, fmt.Sprintf("https://app.gototraining.com/#/trainings/%d", t.key))
}

func (f *Fake) getStartURL(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	return jsonResponse(http.StatusOK, fmt.Sprintf("https://global.gototraining.com/start/training/%d", t.key))
}

func (f *Fake) startTraining(c *call) response {
	t, errResp := f.trainingByKey(c)
	if errResp != nil {
		return *errResp
	}
	return jsonResponse(http.StatusOK, hostURLOut{
		HostURL: fmt.Sprintf("https://global.gototraining.com/host/training/%d?token=%s", t.key, f.newSecret()),
	})
}

// updateTrainingNameDescription replaces both: a missing description
// clears it (PUT semantics).
func (f *Fake) updateTrainingNameDescription(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	var in trainingNameDescription
	if err := decode(c, &in); err != nil {
		return badRequest(err.Error())
	}
	t.name, t.description = in.Name, in.Description
	return noContent()
}

func (f *Fake) updateRegistrationSettingsForTraining(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	var in registrationSettingsJSON
	if err := decode(c, &in); err != nil {
		return badRequest(err.Error())
	}
	t.settings = RegistrationSettings(in)
	return noContent()
}

// updateTrainingTimes answers how many were notified: every registrant and
// every organizer of the training, unless the request turns that off
// (notifyRegistrants and notifyTrainers default to true).
func (f *Fake) updateTrainingTimes(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	var in trainingTimes
	if err := decode(c, &in); err != nil {
		return badRequest(err.Error())
	}
	times, err := checkTimes(in.TimeZone, in.Times)
	if err != nil {
		return badRequest(err.Error())
	}
	t.timeZone, t.times = in.TimeZone, times
	var out notifiedPartiesOut
	if in.NotifyRegistrants == nil || *in.NotifyRegistrants {
		out.NotifiedRegistrants = len(t.registrants)
	}
	if in.NotifyTrainers == nil || *in.NotifyTrainers {
		out.NotifiedTrainers = len(t.organizers)
	}
	return jsonResponse(http.StatusOK, out)
}

func (f *Fake) getOrganisersForTraining(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	return jsonResponse(http.StatusOK, f.organizersOut(t.organizers))
}

// updateOrganisersForTraining replaces the co-organizers; the scheduling
// organizer always stays first.
func (f *Fake) updateOrganisersForTraining(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	var in trainingOrganizers
	if err := decode(c, &in); err != nil {
		return badRequest(err.Error())
	}
	organizers, err := f.organizerList(t.owner, in.Organizers)
	if err != nil {
		return badRequest(err.Error())
	}
	t.organizers = organizers
	return noContent()
}
