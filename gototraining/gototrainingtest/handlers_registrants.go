package gototrainingtest

import (
	"fmt"
	"net/http"
)

// newRegistrantOut is a registrant as the API answers it.
func newRegistrantOut(r *registrant) registrantOut {
	return registrantOut{
		RegistrantKey:    r.key,
		Email:            r.email,
		GivenName:        r.givenName,
		Surname:          r.surname,
		Status:           r.status,
		RegistrationDate: formatTime(r.registrationDate),
		JoinURL:          r.joinURL,
		ConfirmationURL:  r.confirmationURL,
	}
}

func (f *Fake) getRegistrants(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	out := make([]registrantOut, len(t.registrants))
	for i, r := range t.registrants {
		out[i] = newRegistrantOut(r)
	}
	return jsonResponse(http.StatusOK, out)
}

// registerForTraining registers one email per training (compared without
// case); the registrant is APPROVED at once. The answer carries the key as a
// JSON number, as GoTo does.
func (f *Fake) registerForTraining(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	var in registrantReqCreate
	if err := decode(c, &in); err != nil {
		return badRequest(err.Error())
	}
	if t.registrantByEmail(in.Email) != nil {
		return errorResponse(http.StatusConflict, errorOut{
			ErrorCode:   "DuplicateRegistrant",
			Description: "The email address is already registered for this training",
		})
	}
	r := &registrant{
		key:              f.newKey(),
		email:            in.Email,
		givenName:        in.GivenName,
		surname:          in.Surname,
		status:           "APPROVED",
		registrationDate: f.now(),
	}
	r.joinURL = fmt.Sprintf("https://global.gototraining.com/join/training/%d/%d", t.key, 100_000_000+f.rng.IntN(900_000_000))
	r.confirmationURL = fmt.Sprintf("https://attendee.gototraining.com/registration/confirmation.tmpl?registrant=%d&training=%d", r.key, t.key)
	t.registrants = append(t.registrants, r)
	return jsonResponse(http.StatusCreated, registrantCreatedOut{
		RegistrantKey:   r.key,
		JoinURL:         r.joinURL,
		ConfirmationURL: r.confirmationURL,
	})
}

func (f *Fake) getRegistrant(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	_, r := t.registrantByKey(c.key("registrantKey"))
	if r == nil {
		return notFound("Registrant")
	}
	return jsonResponse(http.StatusOK, newRegistrantOut(r))
}

// cancelRegistration removes the registrant; the person may register again.
func (f *Fake) cancelRegistration(c *call) response {
	t, errResp := f.trainingOf(c)
	if errResp != nil {
		return *errResp
	}
	i, r := t.registrantByKey(c.key("registrantKey"))
	if r == nil {
		return notFound("Registrant")
	}
	t.registrants = append(t.registrants[:i:i], t.registrants[i+1:]...)
	return noContent()
}
