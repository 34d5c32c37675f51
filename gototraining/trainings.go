package gototraining

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/gototraining-go/gototraining/gen"
)

func (s *TrainingsService) lister(org OrganizerKey) lister[wireTraining, Training] {
	return lister[wireTraining, Training]{
		op: opGetAllTrainings,
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetAllTrainings(ctx, int64(org))
		},
		conv: (*wireTraining).domain,
	}
}

// List returns the organizer's scheduled trainings, oldest first. Completed
// trainings are left out; one under way is included with its past sessions.
//
//meta:operation getAllTrainings
func (s *TrainingsService) List(ctx context.Context, org OrganizerKey) ([]Training, error) {
	if err := checkKey(opGetAllTrainings, "organizerKey", org); err != nil {
		return nil, err
	}
	return s.lister(org).list(ctx, s.c)
}

// All is List as a lazy sequence: nothing is sent until it is ranged over,
// each range sends anew, and the answer is decoded one training at a time.
//
//meta:operation getAllTrainings
func (s *TrainingsService) All(ctx context.Context, org OrganizerKey) iter.Seq2[Training, error] {
	if err := checkKey(opGetAllTrainings, "organizerKey", org); err != nil {
		return failed[Training](err)
	}
	return s.lister(org).all(ctx, s.c)
}

// Schedule creates a training and returns its key. It is sent exactly once:
// when the request may have reached GoTo but no answer came back, the error
// matches ErrOutcomeUnknown, and the caller should look for the training
// (Trainings.List) before scheduling it again.
//
//meta:operation scheduleTraining
func (s *TrainingsService) Schedule(ctx context.Context, org OrganizerKey, req ScheduleTrainingRequest) (TrainingKey, error) {
	op := opScheduleTraining
	err := firstError(
		checkKey(op, "organizerKey", org),
		checkText(op, "Name", req.Name),
		checkTimeZone(op, "TimeZone", req.TimeZone),
		checkTimes(op, "Times", req.Times),
		checkOrganizerKeys(op, "CoOrganizers", req.CoOrganizers),
	)
	if err != nil {
		return 0, err
	}
	body := genScheduleBody(req)
	resp, err := s.c.call(ctx, op, http.StatusCreated, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.ScheduleTraining(ctx, int64(org), body)
	})
	if err != nil {
		return 0, err
	}
	var key TrainingKey
	if err := s.c.decode(op, resp, &key); err != nil {
		return 0, err
	}
	if key <= 0 {
		return 0, &DecodeError{StatusCode: resp.StatusCode, Operation: op.id, Err: errKeySyntax}
	}
	return key, nil
}

// Get returns one training.
//
//meta:operation getTraining
func (s *TrainingsService) Get(ctx context.Context, org OrganizerKey, training TrainingKey) (Training, error) {
	op := opGetTraining
	if err := checkOrgTraining(op, org, training); err != nil {
		return Training{}, err
	}
	resp, err := s.c.call(ctx, op, http.StatusOK, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.GetTraining(ctx, int64(org), int64(training))
	})
	if err != nil {
		return Training{}, err
	}
	var w wireTraining
	if err := s.c.decode(op, resp, &w); err != nil {
		return Training{}, err
	}
	return w.domain(), nil
}

// Cancel deletes a training. Nobody is emailed; learners who try to join
// are told the training is no longer available. If an attempt was lost on
// the way back and its retry finds the training gone, Cancel succeeds.
// Cancel is retried like a read; UpdateTimes and ReplaceOrganizers, which
// email people, only when GoTo provably did not act.
//
//meta:operation cancelTraining
func (s *TrainingsService) Cancel(ctx context.Context, org OrganizerKey, training TrainingKey) error {
	op := opCancelTraining
	if err := checkOrgTraining(op, org, training); err != nil {
		return err
	}
	return s.c.remove(ctx, op, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.CancelTraining(ctx, int64(org), int64(training))
	})
}

// UpdateNameDescription renames a training and replaces its description (an
// empty description clears it).
//
//meta:operation updateTrainingNameDescription
func (s *TrainingsService) UpdateNameDescription(ctx context.Context, org OrganizerKey, training TrainingKey, name, description string) error {
	op := opUpdateTrainingNameDescription
	if err := firstError(checkOrgTraining(op, org, training), checkText(op, "name", name)); err != nil {
		return err
	}
	body := gen.TrainingNameDescription{Name: name, Description: &description}
	return s.c.send(ctx, op, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.UpdateTrainingNameDescription(ctx, int64(org), int64(training), body)
	})
}

// UpdateTimes gives a training new session times and returns how many
// registrants and trainers GoTo emailed about it.
//
//meta:operation updateTrainingTimes
func (s *TrainingsService) UpdateTimes(ctx context.Context, org OrganizerKey, training TrainingKey, req UpdateTimesRequest) (NotifiedParties, error) {
	op := opUpdateTrainingTimes
	err := firstError(
		checkOrgTraining(op, org, training),
		checkTimeZone(op, "TimeZone", req.TimeZone),
		checkTimes(op, "Times", req.Times),
	)
	if err != nil {
		return NotifiedParties{}, err
	}
	body := genTimesBody(req)
	resp, err := s.c.call(ctx, op, http.StatusOK, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.UpdateTrainingTimes(ctx, int64(org), int64(training), body)
	})
	if err != nil {
		return NotifiedParties{}, err
	}
	var w wireNotified
	if err := s.c.decode(op, resp, &w); err != nil {
		return NotifiedParties{}, err
	}
	return NotifiedParties{Registrants: int(w.NotifiedRegistrants), Trainers: int(w.NotifiedTrainers)}, nil
}

// UpdateRegistrationSettings turns web registration and confirmation emails
// on or off.
//
//meta:operation updateRegistrationSettingsForTraining
func (s *TrainingsService) UpdateRegistrationSettings(ctx context.Context, org OrganizerKey, training TrainingKey, settings RegistrationSettings) error {
	op := opUpdateRegistrationSettingsForTraining
	if err := checkOrgTraining(op, org, training); err != nil {
		return err
	}
	body := gen.RegistrationSettings{
		DisableConfirmationEmail: settings.DisableConfirmationEmail,
		DisableWebRegistration:   settings.DisableWebRegistration,
	}
	return s.c.send(ctx, op, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.UpdateRegistrationSettingsForTraining(ctx, int64(org), int64(training), body)
	})
}

// Organizers returns the organizer and co-organizers of a training.
//
//meta:operation getOrganisersForTraining
func (s *TrainingsService) Organizers(ctx context.Context, org OrganizerKey, training TrainingKey) ([]Organizer, error) {
	op := opGetOrganisersForTraining
	if err := checkOrgTraining(op, org, training); err != nil {
		return nil, err
	}
	return lister[wireOrganizer, Organizer]{
		op: op,
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetOrganisersForTraining(ctx, int64(org), int64(training))
		},
		conv: (*wireOrganizer).domain,
	}.list(ctx, s.c)
}

// ReplaceOrganizers makes coOrganizers the training's co-organizers (the
// scheduling organizer always stays). With notify, the new ones are emailed.
// Multi-user accounts with sharing only.
//
//meta:operation updateOrganisersForTraining
func (s *TrainingsService) ReplaceOrganizers(ctx context.Context, org OrganizerKey, training TrainingKey, coOrganizers []OrganizerKey, notify bool) error {
	op := opUpdateOrganisersForTraining
	if err := firstError(checkOrgTraining(op, org, training), checkOrganizerKeys(op, "coOrganizers", coOrganizers)); err != nil {
		return err
	}
	body := gen.TrainingOrganizers{Organizers: genKeys(coOrganizers), NotifyOrganizers: &notify}
	return s.c.send(ctx, op, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.UpdateOrganisersForTraining(ctx, int64(org), int64(training), body)
	})
}

// ManageURL returns the training's page in GoTo's admin portal (the
// organizer must log in there).
//
//meta:operation getManageTrainingURL
func (s *TrainingsService) ManageURL(ctx context.Context, org OrganizerKey, training TrainingKey) (string, error) {
	op := opGetManageTrainingURL
	if err := checkOrgTraining(op, org, training); err != nil {
		return "", err
	}
	return s.c.getURL(ctx, op, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.GetManageTrainingURL(ctx, int64(org), int64(training))
	})
}

// StartURL returns a URL that starts the training after the organizer logs in.
//
//meta:operation getStartUrl
func (s *TrainingsService) StartURL(ctx context.Context, org OrganizerKey, training TrainingKey) (string, error) {
	op := opGetStartURL
	if err := checkOrgTraining(op, org, training); err != nil {
		return "", err
	}
	return s.c.getURL(ctx, op, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.GetStartUrl(ctx, int64(org), int64(training))
	})
}

// Start returns a host URL that starts the training with no organizer login.
// Whoever has it can start the training: keep it out of logs.
//
//meta:operation startTraining
func (s *TrainingsService) Start(ctx context.Context, training TrainingKey) (string, error) {
	op := opStartTraining
	if err := checkKey(op, "trainingKey", training); err != nil {
		return "", err
	}
	resp, err := s.c.call(ctx, op, http.StatusOK, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.StartTraining(ctx, int64(training))
	})
	if err != nil {
		return "", err
	}
	var w wireHostURL
	if err := s.c.decode(op, resp, &w); err != nil {
		return "", err
	}
	if _, err := s.c.checkLink(w.HostURL); err != nil {
		return "", &DecodeError{StatusCode: resp.StatusCode, Operation: op.id, Err: fmt.Errorf("hostURL: %w", err)}
	}
	return w.HostURL, nil
}

func checkOrgTraining(op *operation, org OrganizerKey, training TrainingKey) error {
	return firstError(checkKey(op, "organizerKey", org), checkKey(op, "trainingKey", training))
}

// send runs a call whose answer has no body of interest (204 and the like).
func (c *Client) send(ctx context.Context, op *operation, send func(context.Context) (*http.Response, error)) error {
	resp, err := c.call(ctx, op, http.StatusNoContent, send)
	if err != nil {
		return err
	}
	noContent(resp)
	return nil
}

// remove runs a DELETE. When an earlier attempt may have been acted on but
// its answer was lost, the retry finds nothing and GoTo answers 404: what
// the caller asked for is done, so that is a success, not ErrNotFound.
func (c *Client) remove(ctx context.Context, op *operation, send func(context.Context) (*http.Response, error)) error {
	resp, st, err := c.callState(ctx, op, http.StatusNoContent, send)
	if err != nil {
		if st.maybeHandled.Load() && errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	noContent(resp)
	return nil
}

// getURL runs a call whose answer is a URL. The spec says a JSON string,
// but GoTo's documents never said whether the body is quoted, so an
// unquoted absolute URL is taken as it is.
func (c *Client) getURL(ctx context.Context, op *operation, send func(context.Context) (*http.Response, error)) (string, error) {
	resp, err := c.call(ctx, op, http.StatusOK, send)
	if err != nil {
		return "", err
	}
	data, err := c.read(op, resp)
	if err != nil {
		return "", err
	}
	var s string
	if text := strings.TrimSpace(string(data)); !strings.HasPrefix(text, `"`) {
		s = text // a bare URL, checked below like a quoted one
	} else {
		err = json.Unmarshal(data, &s)
	}
	if err == nil {
		_, err = c.checkLink(s)
	}
	if err != nil {
		return "", &DecodeError{StatusCode: resp.StatusCode, Operation: op.id, Err: err}
	}
	return s, nil
}
