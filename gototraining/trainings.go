package gototraining

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/gototraining-go/gototraining/gen"
)

func (s *TrainingsService) lister(org OrganizerKey) lister[wireTraining, Training] {
	op := opGetAllTrainings
	return lister[wireTraining, Training]{
		op:    op,
		check: checkKey(op, "organizerKey", org),
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetAllTrainings(ctx, int64(org))
		},
		conv: (*wireTraining).domain,
	}
}

// List returns the organizer's scheduled trainings, oldest first. Completed
// trainings are left out; one under way is included with its past sessions.
//
// Retries: always.
//
//meta:operation getAllTrainings
func (s *TrainingsService) List(ctx context.Context, org OrganizerKey) ([]Training, error) {
	return s.lister(org).list(ctx, s.c)
}

// All is List as a lazy sequence: nothing is sent until it is ranged over,
// each range sends anew, and the answer is decoded one training at a time.
//
// Retries: always.
//
//meta:operation getAllTrainings
func (s *TrainingsService) All(ctx context.Context, org OrganizerKey) iter.Seq2[Training, error] {
	return s.lister(org).all(ctx, s.c)
}

// Schedule creates a training and returns its key. When the request may
// have reached GoTo but no answer came back, the error matches
// ErrOutcomeUnknown: look for the training (Trainings.List) before
// scheduling it again.
//
// Retries: never.
//
//meta:operation scheduleTraining
func (s *TrainingsService) Schedule(ctx context.Context, org OrganizerKey, req ScheduleTrainingRequest) (TrainingKey, error) {
	op := opScheduleTraining
	return value(ctx, s.c, op, checkSchedule(op, org, req), func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.ScheduleTraining(ctx, int64(org), genScheduleBody(req))
	}, positiveKey)
}

// Get returns one training.
//
// Retries: always.
//
//meta:operation getTraining
func (s *TrainingsService) Get(ctx context.Context, org OrganizerKey, training TrainingKey) (Training, error) {
	op := opGetTraining
	return value(ctx, s.c, op, checkOrgTraining(op, org, training), func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.GetTraining(ctx, int64(org), int64(training))
	}, always((*wireTraining).domain))
}

// Cancel deletes a training. Nobody is emailed; learners who try to join
// are told the training is no longer available. If an attempt was lost on
// the way back and its retry finds the training gone, Cancel succeeds.
//
// Retries: always.
//
//meta:operation cancelTraining
func (s *TrainingsService) Cancel(ctx context.Context, org OrganizerKey, training TrainingKey) error {
	op := opCancelTraining
	return s.c.remove(ctx, op, checkOrgTraining(op, org, training), func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.CancelTraining(ctx, int64(org), int64(training))
	})
}

// UpdateNameDescription renames a training and replaces its description (an
// empty description clears it).
//
// Retries: always.
//
//meta:operation updateTrainingNameDescription
func (s *TrainingsService) UpdateNameDescription(ctx context.Context, org OrganizerKey, training TrainingKey, req UpdateTrainingNameDescriptionRequest) error {
	op := opUpdateTrainingNameDescription
	check := firstError(checkOrgTraining(op, org, training), checkText(op, "Name", req.Name))
	return s.c.send(ctx, op, check, func(ctx context.Context) (*http.Response, error) {
		body := gen.TrainingNameDescription{Name: req.Name, Description: &req.Description}
		return s.c.gen.UpdateTrainingNameDescription(ctx, int64(org), int64(training), body)
	})
}

// UpdateTimes gives a training new session times and returns how many
// registrants and trainers GoTo emailed about it.
//
// Retries: only when GoTo provably did not act.
//
//meta:operation updateTrainingTimes
func (s *TrainingsService) UpdateTimes(ctx context.Context, org OrganizerKey, training TrainingKey, req UpdateTrainingTimesRequest) (NotifiedParties, error) {
	op := opUpdateTrainingTimes
	return value(ctx, s.c, op, checkUpdateTimes(op, org, training, req), func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.UpdateTrainingTimes(ctx, int64(org), int64(training), genTimesBody(req))
	}, always((*wireNotified).domain))
}

// UpdateRegistrationSettings turns web registration and confirmation emails
// on or off.
//
// Retries: always.
//
//meta:operation updateRegistrationSettingsForTraining
func (s *TrainingsService) UpdateRegistrationSettings(ctx context.Context, org OrganizerKey, training TrainingKey, settings RegistrationSettings) error {
	op := opUpdateRegistrationSettingsForTraining
	return s.c.send(ctx, op, checkOrgTraining(op, org, training), func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.UpdateRegistrationSettingsForTraining(ctx, int64(org), int64(training), genSettingsBody(settings))
	})
}

// Organizers returns the organizer and co-organizers of a training.
//
// Retries: always.
//
//meta:operation getOrganisersForTraining
func (s *TrainingsService) Organizers(ctx context.Context, org OrganizerKey, training TrainingKey) ([]Organizer, error) {
	return s.organizersLister(org, training).list(ctx, s.c)
}

func (s *TrainingsService) organizersLister(org OrganizerKey, training TrainingKey) lister[wireOrganizer, Organizer] {
	op := opGetOrganisersForTraining
	return lister[wireOrganizer, Organizer]{
		op:    op,
		check: checkOrgTraining(op, org, training),
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetOrganisersForTraining(ctx, int64(org), int64(training))
		},
		conv: (*wireOrganizer).domain,
	}
}

// ReplaceOrganizers replaces the training's co-organizers (the scheduling
// organizer always stays), emailing the new ones if req.Notify. Multi-user
// accounts with sharing only.
//
// Retries: only when GoTo provably did not act.
//
//meta:operation updateOrganisersForTraining
func (s *TrainingsService) ReplaceOrganizers(ctx context.Context, org OrganizerKey, training TrainingKey, req ReplaceTrainingOrganizersRequest) error {
	op := opUpdateOrganisersForTraining
	check := firstError(checkOrgTraining(op, org, training), checkOrganizerKeys(op, "CoOrganizers", req.CoOrganizers))
	return s.c.send(ctx, op, check, func(ctx context.Context) (*http.Response, error) {
		body := gen.TrainingOrganizers{Organizers: genKeys(req.CoOrganizers), NotifyOrganizers: &req.Notify}
		return s.c.gen.UpdateOrganisersForTraining(ctx, int64(org), int64(training), body)
	})
}

// ManageURL returns the training's page in GoTo's admin portal (the
// organizer must log in there).
//
// Retries: always.
//
//meta:operation getManageTrainingURL
func (s *TrainingsService) ManageURL(ctx context.Context, org OrganizerKey, training TrainingKey) (string, error) {
	op := opGetManageTrainingURL
	return s.c.getURL(ctx, op, checkOrgTraining(op, org, training), func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.GetManageTrainingURL(ctx, int64(org), int64(training))
	})
}

// StartURL returns a URL that starts the training after the organizer logs in.
//
// Retries: always.
//
//meta:operation getStartUrl
func (s *TrainingsService) StartURL(ctx context.Context, org OrganizerKey, training TrainingKey) (string, error) {
	op := opGetStartURL
	return s.c.getURL(ctx, op, checkOrgTraining(op, org, training), func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.GetStartUrl(ctx, int64(org), int64(training))
	})
}

// HostURL returns a host URL that starts the training with no organizer
// login. Whoever has it can start the training: keep it out of logs.
//
// Retries: always.
//
//meta:operation startTraining
func (s *TrainingsService) HostURL(ctx context.Context, training TrainingKey) (string, error) {
	op := opStartTraining
	return value(ctx, s.c, op, checkKey(op, "trainingKey", training), func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.StartTraining(ctx, int64(training))
	}, s.c.hostURL)
}

// checkSchedule is Schedule's validation.
func checkSchedule(op *operation, org OrganizerKey, req ScheduleTrainingRequest) error {
	return firstError(
		checkKey(op, "organizerKey", org),
		checkText(op, "Name", req.Name),
		checkTimeZone(op, "TimeZone", req.TimeZone),
		checkTimes(op, "Times", req.Times),
		checkOrganizerKeys(op, "CoOrganizers", req.CoOrganizers),
	)
}

// checkUpdateTimes is UpdateTimes' validation.
func checkUpdateTimes(op *operation, org OrganizerKey, training TrainingKey, req UpdateTrainingTimesRequest) error {
	return firstError(
		checkOrgTraining(op, org, training),
		checkTimeZone(op, "TimeZone", req.TimeZone),
		checkTimes(op, "Times", req.Times),
	)
}

// positiveKey is Schedule's conversion: a key of 0 is no key at all.
func positiveKey(k *TrainingKey) (TrainingKey, error) {
	if *k <= 0 {
		return 0, errKeySyntax
	}
	return *k, nil
}

// hostURL is HostURL's conversion: the host URL is checked like every link.
func (c *Client) hostURL(w *wireHostURL) (string, error) {
	if _, err := c.checkLink(w.HostURL); err != nil {
		return "", fmt.Errorf("hostURL: %w", err)
	}
	return w.HostURL, nil
}
