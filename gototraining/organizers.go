package gototraining

import (
	"context"
	"iter"
	"net/http"
)

func (s *OrganizersService) lister(account AccountKey) lister[wireOrganizer, Organizer] {
	return lister[wireOrganizer, Organizer]{
		op: opGetAllOrganisers,
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetAllOrganisers(ctx, int64(account))
		},
		conv: (*wireOrganizer).domain,
	}
}

// List returns every organizer of a multi-user account.
//
// Deprecated: GoTo deprecated this call in favour of its Admin API's "Get
// all users"; it still works on existing accounts.
//
//meta:operation getAllOrganisers
func (s *OrganizersService) List(ctx context.Context, account AccountKey) ([]Organizer, error) {
	if err := checkKey(opGetAllOrganisers, "accountKey", account); err != nil {
		return nil, err
	}
	return s.lister(account).list(ctx, s.c)
}

// All is List as a lazy sequence.
//
// Deprecated: as List.
//
//meta:operation getAllOrganisers
func (s *OrganizersService) All(ctx context.Context, account AccountKey) iter.Seq2[Organizer, error] {
	if err := checkKey(opGetAllOrganisers, "accountKey", account); err != nil {
		return failed[Organizer](err)
	}
	return s.lister(account).all(ctx, s.c)
}

// failed is a sequence that yields only err: how All reports bad input.
func failed[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
