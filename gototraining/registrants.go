package gototraining

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"strings"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/gototraining-go/gototraining/gen"
)

func (s *RegistrantsService) lister(org OrganizerKey, training TrainingKey) lister[wireRegistrant, Registrant] {
	return lister[wireRegistrant, Registrant]{
		op: opGetRegistrants,
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetRegistrants(ctx, int64(org), int64(training))
		},
		conv: (*wireRegistrant).domain,
	}
}

// List returns everyone registered for a training. GoTo caches registrant
// data: a change usually shows at once, but can take up to two hours.
//
//meta:operation getRegistrants
func (s *RegistrantsService) List(ctx context.Context, org OrganizerKey, training TrainingKey) ([]Registrant, error) {
	if err := checkOrgTraining(opGetRegistrants, org, training); err != nil {
		return nil, err
	}
	return s.lister(org, training).list(ctx, s.c)
}

// All is List as a lazy sequence, decoded one registrant at a time, so a
// training of any size is read in constant memory.
//
//meta:operation getRegistrants
func (s *RegistrantsService) All(ctx context.Context, org OrganizerKey, training TrainingKey) iter.Seq2[Registrant, error] {
	if err := checkOrgTraining(opGetRegistrants, org, training); err != nil {
		return failed[Registrant](err)
	}
	return s.lister(org, training).all(ctx, s.c)
}

// Register registers one person for a training. An email address already
// registered for it fails with ErrConflict. The call is sent exactly once;
// see ErrOutcomeUnknown and WithRegistrationReconciliation for what happens
// when no answer comes back.
//
//meta:operation registerForTraining
func (s *RegistrantsService) Register(ctx context.Context, org OrganizerKey, training TrainingKey, req RegisterRequest) (Registration, error) {
	op := opRegisterForTraining
	if err := checkRegister(org, training, req); err != nil {
		return Registration{}, err
	}
	body := gen.RegistrantReqCreate{Email: openapi_types.Email(req.Email), GivenName: req.GivenName, Surname: req.Surname}
	resp, err := s.c.call(ctx, op, http.StatusCreated, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.RegisterForTraining(ctx, int64(org), int64(training), body)
	})
	if err == nil {
		var w wireRegistration
		if err = s.c.decode(op, resp, &w); err == nil && w.RegistrantKey <= 0 {
			// Registered, but the answer lost the key: as good as unreadable.
			err = &DecodeError{StatusCode: resp.StatusCode, Operation: op.id, Err: errors.New("the answer has no registrantKey")}
		}
		if err == nil {
			return w.domain(), nil
		}
	}
	// An unknown outcome, or a success whose answer was lost in decoding:
	// the registration may exist, and its email finds it.
	var de *DecodeError
	if s.c.cfg.reconcile && (errors.Is(err, ErrOutcomeUnknown) || errors.As(err, &de)) {
		return s.reconcile(ctx, org, training, req.Email, err)
	}
	return Registration{}, err
}

// checkRegister is Register's validation, which RegisterAll also runs on
// every learner before it sends anything.
func checkRegister(org OrganizerKey, training TrainingKey, req RegisterRequest) error {
	op := opRegisterForTraining
	return firstError(
		checkOrgTraining(op, org, training),
		checkEmail(op, "Email", req.Email),
		checkText(op, "GivenName", req.GivenName),
		checkText(op, "Surname", req.Surname),
	)
}

// reconcile looks for the registrant whose registration had an unknown
// outcome. It needs a live context: when the caller's is done, the original
// error stands.
func (s *RegistrantsService) reconcile(ctx context.Context, org OrganizerKey, training TrainingKey, email string, cause error) (Registration, error) {
	if ctx.Err() != nil {
		return Registration{}, cause
	}
	for r, err := range s.All(ctx, org, training) {
		if err != nil {
			return Registration{}, errors.Join(cause, err)
		}
		if strings.EqualFold(r.Email, email) {
			return Registration{Key: r.Key, JoinURL: r.JoinURL, ConfirmationURL: r.ConfirmationURL}, nil
		}
	}
	return Registration{}, cause
}

// Get returns one registrant of a training.
//
//meta:operation getRegistrant
func (s *RegistrantsService) Get(ctx context.Context, org OrganizerKey, training TrainingKey, registrant RegistrantKey) (Registrant, error) {
	op := opGetRegistrant
	if err := firstError(checkOrgTraining(op, org, training), checkKey(op, "registrantKey", registrant)); err != nil {
		return Registrant{}, err
	}
	resp, err := s.c.call(ctx, op, http.StatusOK, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.GetRegistrant(ctx, int64(org), int64(training), int64(registrant))
	})
	if err != nil {
		return Registrant{}, err
	}
	var w wireRegistrant
	if err := s.c.decode(op, resp, &w); err != nil {
		return Registrant{}, err
	}
	return w.domain(), nil
}

// Cancel cancels a registration. Paid registrations can only be cancelled on
// GoTo's admin site. Nobody is notified; the person may register again. If
// an attempt was lost on the way back and its retry finds the registration
// gone, Cancel succeeds.
//
//meta:operation cancelRegistration
func (s *RegistrantsService) Cancel(ctx context.Context, org OrganizerKey, training TrainingKey, registrant RegistrantKey) error {
	op := opCancelRegistration
	if err := firstError(checkOrgTraining(op, org, training), checkKey(op, "registrantKey", registrant)); err != nil {
		return err
	}
	return s.c.remove(ctx, op, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.CancelRegistration(ctx, int64(org), int64(training), int64(registrant))
	})
}
