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
	op := opGetRegistrants
	return lister[wireRegistrant, Registrant]{
		op:    op,
		check: checkOrgTraining(op, org, training),
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetRegistrants(ctx, int64(org), int64(training))
		},
		conv: (*wireRegistrant).domain,
	}
}

// List returns everyone registered for a training. GoTo caches registrant
// data: a change usually shows at once, but can take up to two hours.
//
// Retries: always.
//
//meta:operation getRegistrants
func (s *RegistrantsService) List(ctx context.Context, org OrganizerKey, training TrainingKey) ([]Registrant, error) {
	return s.lister(org, training).list(ctx, s.c)
}

// All is List as a lazy sequence, decoded one registrant at a time, so a
// training of any size is read in constant memory.
//
// Retries: always.
//
//meta:operation getRegistrants
func (s *RegistrantsService) All(ctx context.Context, org OrganizerKey, training TrainingKey) iter.Seq2[Registrant, error] {
	return s.lister(org, training).all(ctx, s.c)
}

// Register registers one person for a training. An email address already
// registered for it fails with ErrConflict. See ErrOutcomeUnknown and
// WithRegistrationReconciliation for what happens when no answer comes back.
//
// Retries: never.
//
//meta:operation registerForTraining
func (s *RegistrantsService) Register(ctx context.Context, org OrganizerKey, training TrainingKey, req RegisterForTrainingRequest) (Registration, error) {
	op := opRegisterForTraining
	reg, err := value(ctx, s.c, op, checkRegister(org, training, req), func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.RegisterForTraining(ctx, int64(org), int64(training), genRegisterBody(req))
	}, (*wireRegistration).checked)
	if err != nil && s.c.cfg.reconcile && mayBeRegistered(err) {
		return s.reconcile(ctx, org, training, req.Email, err)
	}
	return reg, err
}

// mayBeRegistered reports the errors after which the registration may exist
// and its email finds it: an unknown outcome, or a success whose answer was
// lost in decoding.
func mayBeRegistered(err error) bool {
	var de *DecodeError
	return errors.Is(err, ErrOutcomeUnknown) || errors.As(err, &de)
}

func genRegisterBody(req RegisterForTrainingRequest) gen.RegistrantReqCreate {
	return gen.RegistrantReqCreate{Email: openapi_types.Email(req.Email), GivenName: req.GivenName, Surname: req.Surname}
}

// checkRegister is Register's validation, which RegisterAll also runs on
// every learner before it sends anything.
func checkRegister(org OrganizerKey, training TrainingKey, req RegisterForTrainingRequest) error {
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
// Retries: always.
//
//meta:operation getRegistrant
func (s *RegistrantsService) Get(ctx context.Context, org OrganizerKey, training TrainingKey, registrant RegistrantKey) (Registrant, error) {
	op := opGetRegistrant
	check := firstError(checkOrgTraining(op, org, training), checkKey(op, "registrantKey", registrant))
	return value(ctx, s.c, op, check, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.GetRegistrant(ctx, int64(org), int64(training), int64(registrant))
	}, always((*wireRegistrant).domain))
}

// Cancel cancels a registration. Paid registrations can only be cancelled on
// GoTo's admin site. Nobody is notified; the person may register again. If
// an attempt was lost on the way back and its retry finds the registration
// gone, Cancel succeeds.
//
// Retries: always.
//
//meta:operation cancelRegistration
func (s *RegistrantsService) Cancel(ctx context.Context, org OrganizerKey, training TrainingKey, registrant RegistrantKey) error {
	op := opCancelRegistration
	check := firstError(checkOrgTraining(op, org, training), checkKey(op, "registrantKey", registrant))
	return s.c.remove(ctx, op, check, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.CancelRegistration(ctx, int64(org), int64(training), int64(registrant))
	})
}
