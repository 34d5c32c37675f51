package gototrainingtest

import (
	"net/http"
	"slices"
)

// newSessionOut is a completed session as the API answers it.
func (f *Fake) newSessionOut(s *session) sessionOut {
	count := 0
	for _, a := range s.attendees {
		if len(a.Periods) > 0 {
			count++
		}
	}
	return sessionOut{
		SessionKey:       s.key,
		TrainingName:     s.name,
		SessionStartTime: formatTime(s.start),
		SessionEndTime:   formatTime(s.end),
		AttendanceCount:  count,
		Duration:         minutes(s.end.Sub(s.start)),
		Organizers:       f.organizersOut(s.organizers),
	}
}

func (s *session) hasOrganizer(org int64) bool { return slices.Contains(s.organizers, org) }

// getSessionDetailsForDateRange lists the organizer's completed sessions
// that started within [startDate, endDate], by start time. The operation
// declares no 404, so an unknown organizer is answered 403.
func (f *Fake) getSessionDetailsForDateRange(c *call) response {
	org := c.key("organizerKey")
	if f.organizer(org) == nil {
		return accessDenied("The organizer is not on the caller's account")
	}
	var in dateTimeRangeIn
	if err := decode(c, &in); err != nil {
		return badRequest(err.Error())
	}
	if in.EndDate.Before(in.StartDate) {
		return badRequest("endDate must not be before startDate")
	}
	var found []*session
	for _, s := range f.sessionOrder {
		if f.sessions[s.key] == nil || !s.hasOrganizer(org) {
			continue
		}
		if !s.start.Before(in.StartDate) && !s.start.After(in.EndDate) {
			found = append(found, s)
		}
	}
	slices.SortStableFunc(found, func(a, b *session) int { return a.start.Compare(b.start) })
	out := make([]sessionOut, len(found))
	for i, s := range found {
		out[i] = f.newSessionOut(s)
	}
	return jsonResponse(http.StatusOK, out)
}

// getSessionDetailsForTraining lists the sessions of one training in the
// order they were completed. A cancelled training that was completed keeps
// its sessions.
func (f *Fake) getSessionDetailsForTraining(c *call) response {
	org := c.key("organizerKey")
	if f.organizer(org) == nil {
		return notFound("Organizer")
	}
	t := f.trainings[c.key("trainingKey")]
	if t == nil || !t.hasOrganizer(org) || (t.cancelled && !t.completed) {
		return notFound("Training")
	}
	out := make([]sessionOut, len(t.sessions))
	for i, s := range t.sessions {
		out[i] = f.newSessionOut(s)
	}
	return jsonResponse(http.StatusOK, out)
}

// getAttendanceDetails lists who attended first, then the registrants who
// did not, with timeInSession 0.
func (f *Fake) getAttendanceDetails(c *call) response {
	org := c.key("organizerKey")
	if f.organizer(org) == nil {
		return notFound("Organizer")
	}
	s := f.sessions[c.key("sessionKey")]
	if s == nil || !s.hasOrganizer(org) {
		return notFound("Session")
	}
	out := make([]attendeeOut, 0, len(s.attendees))
	for _, a := range s.attendees {
		e := attendeeOut{GivenName: a.GivenName, Surname: a.Surname, Email: a.Email, InSessionTimes: []attendanceOut{}}
		for _, p := range a.Periods {
			m := minutes(p.Leave.Sub(p.Join))
			e.TimeInSession += m
			e.InSessionTimes = append(e.InSessionTimes, attendanceOut{
				JoinTime:            formatTime(p.Join),
				LeaveTime:           formatTime(p.Leave),
				TimeInPartOfSession: m,
			})
		}
		out = append(out, e)
	}
	return jsonResponse(http.StatusOK, out)
}
