package gototraining

import (
	"context"
	"iter"
	"net/http"
	"time"

	"github.com/gototraining-go/gototraining/gen"
)

func (s *ReportsService) sessionsLister(org OrganizerKey, from, to time.Time) lister[wireSession, Session] {
	body := gen.DateTimeRange{StartDate: apiTime(from), EndDate: apiTime(to)}
	return lister[wireSession, Session]{
		op: opGetSessionDetailsForDateRange,
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetSessionDetailsForDateRange(ctx, int64(org), body)
		},
		conv: (*wireSession).domain,
	}
}

// Sessions returns the organizer's completed sessions that took place
// between from and to. It is a POST in the API, but only reads, so it is
// retried like a GET.
//
//meta:operation getSessionDetailsForDateRange
func (s *ReportsService) Sessions(ctx context.Context, org OrganizerKey, from, to time.Time) ([]Session, error) {
	op := opGetSessionDetailsForDateRange
	if err := firstError(checkKey(op, "organizerKey", org), checkRange(op, from, to)); err != nil {
		return nil, err
	}
	return s.sessionsLister(org, from, to).list(ctx, s.c)
}

// AllSessions is Sessions as a lazy sequence.
//
//meta:operation getSessionDetailsForDateRange
func (s *ReportsService) AllSessions(ctx context.Context, org OrganizerKey, from, to time.Time) iter.Seq2[Session, error] {
	op := opGetSessionDetailsForDateRange
	if err := firstError(checkKey(op, "organizerKey", org), checkRange(op, from, to)); err != nil {
		return failed[Session](err)
	}
	return s.sessionsLister(org, from, to).all(ctx, s.c)
}

func (s *ReportsService) trainingLister(org OrganizerKey, training TrainingKey) lister[wireSession, Session] {
	return lister[wireSession, Session]{
		op: opGetSessionDetailsForTraining,
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetSessionDetailsForTraining(ctx, int64(org), int64(training))
		},
		conv: (*wireSession).domain,
	}
}

// TrainingSessions returns the completed sessions of one training.
//
//meta:operation getSessionDetailsForTraining
func (s *ReportsService) TrainingSessions(ctx context.Context, org OrganizerKey, training TrainingKey) ([]Session, error) {
	if err := checkOrgTraining(opGetSessionDetailsForTraining, org, training); err != nil {
		return nil, err
	}
	return s.trainingLister(org, training).list(ctx, s.c)
}

// AllTrainingSessions is TrainingSessions as a lazy sequence.
//
//meta:operation getSessionDetailsForTraining
func (s *ReportsService) AllTrainingSessions(ctx context.Context, org OrganizerKey, training TrainingKey) iter.Seq2[Session, error] {
	if err := checkOrgTraining(opGetSessionDetailsForTraining, org, training); err != nil {
		return failed[Session](err)
	}
	return s.trainingLister(org, training).all(ctx, s.c)
}

func (s *ReportsService) attendanceLister(org OrganizerKey, session SessionKey) lister[wireAttendee, Attendee] {
	return lister[wireAttendee, Attendee]{
		op: opGetAttendanceDetails,
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetAttendanceDetails(ctx, int64(org), int64(session))
		},
		conv: (*wireAttendee).domain,
	}
}

// Attendance returns the registrants of a completed session with the time
// each spent in it; those who did not attend come last, with no periods.
//
//meta:operation getAttendanceDetails
func (s *ReportsService) Attendance(ctx context.Context, org OrganizerKey, session SessionKey) ([]Attendee, error) {
	op := opGetAttendanceDetails
	if err := firstError(checkKey(op, "organizerKey", org), checkKey(op, "sessionKey", session)); err != nil {
		return nil, err
	}
	return s.attendanceLister(org, session).list(ctx, s.c)
}

// AllAttendance is Attendance as a lazy sequence.
//
//meta:operation getAttendanceDetails
func (s *ReportsService) AllAttendance(ctx context.Context, org OrganizerKey, session SessionKey) iter.Seq2[Attendee, error] {
	op := opGetAttendanceDetails
	if err := firstError(checkKey(op, "organizerKey", org), checkKey(op, "sessionKey", session)); err != nil {
		return failed[Attendee](err)
	}
	return s.attendanceLister(org, session).all(ctx, s.c)
}
