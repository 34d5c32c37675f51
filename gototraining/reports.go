package gototraining

import (
	"context"
	"iter"
	"net/http"
	"time"

	"github.com/gototraining-go/gototraining/gen"
)

func (s *ReportsService) sessionsLister(org OrganizerKey, from, to time.Time) lister[wireSession, Session] {
	op := opGetSessionDetailsForDateRange
	return lister[wireSession, Session]{
		op:    op,
		check: firstError(checkKey(op, "organizerKey", org), checkRange(op, from, to)),
		send: func(ctx context.Context) (*http.Response, error) {
			body := gen.DateTimeRange{StartDate: apiTime(from), EndDate: apiTime(to)}
			return s.c.gen.GetSessionDetailsForDateRange(ctx, int64(org), body)
		},
		conv: (*wireSession).domain,
	}
}

// Sessions returns the organizer's completed sessions that took place
// between from and to. It is a POST in the API, but only reads.
//
// Retries: always.
//
//meta:operation getSessionDetailsForDateRange
func (s *ReportsService) Sessions(ctx context.Context, org OrganizerKey, from, to time.Time) ([]Session, error) {
	return s.sessionsLister(org, from, to).list(ctx, s.c)
}

// AllSessions is Sessions as a lazy sequence.
//
// Retries: always.
//
//meta:operation getSessionDetailsForDateRange
func (s *ReportsService) AllSessions(ctx context.Context, org OrganizerKey, from, to time.Time) iter.Seq2[Session, error] {
	return s.sessionsLister(org, from, to).all(ctx, s.c)
}

func (s *ReportsService) trainingLister(org OrganizerKey, training TrainingKey) lister[wireSession, Session] {
	op := opGetSessionDetailsForTraining
	return lister[wireSession, Session]{
		op:    op,
		check: checkOrgTraining(op, org, training),
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetSessionDetailsForTraining(ctx, int64(org), int64(training))
		},
		conv: (*wireSession).domain,
	}
}

// TrainingSessions returns the completed sessions of one training.
//
// Retries: always.
//
//meta:operation getSessionDetailsForTraining
func (s *ReportsService) TrainingSessions(ctx context.Context, org OrganizerKey, training TrainingKey) ([]Session, error) {
	return s.trainingLister(org, training).list(ctx, s.c)
}

// AllTrainingSessions is TrainingSessions as a lazy sequence.
//
// Retries: always.
//
//meta:operation getSessionDetailsForTraining
func (s *ReportsService) AllTrainingSessions(ctx context.Context, org OrganizerKey, training TrainingKey) iter.Seq2[Session, error] {
	return s.trainingLister(org, training).all(ctx, s.c)
}

func (s *ReportsService) attendanceLister(org OrganizerKey, session SessionKey) lister[wireAttendee, Attendee] {
	op := opGetAttendanceDetails
	return lister[wireAttendee, Attendee]{
		op:    op,
		check: firstError(checkKey(op, "organizerKey", org), checkKey(op, "sessionKey", session)),
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetAttendanceDetails(ctx, int64(org), int64(session))
		},
		conv: (*wireAttendee).domain,
	}
}

// Attendance returns the registrants of a completed session with the time
// each spent in it; those who did not attend come last, with no periods.
//
// Retries: always.
//
//meta:operation getAttendanceDetails
func (s *ReportsService) Attendance(ctx context.Context, org OrganizerKey, session SessionKey) ([]Attendee, error) {
	return s.attendanceLister(org, session).list(ctx, s.c)
}

// AllAttendance is Attendance as a lazy sequence.
//
// Retries: always.
//
//meta:operation getAttendanceDetails
func (s *ReportsService) AllAttendance(ctx context.Context, org OrganizerKey, session SessionKey) iter.Seq2[Attendee, error] {
	return s.attendanceLister(org, session).all(ctx, s.c)
}
