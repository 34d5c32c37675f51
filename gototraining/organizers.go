package gototraining

import (
	"context"
	"iter"
	"net/http"
)

func (s *OrganizersService) lister(account AccountKey) lister[wireOrganizer, Organizer] {
	op := opGetAllOrganisers
	return lister[wireOrganizer, Organizer]{
		op:    op,
		check: checkKey(op, "accountKey", account),
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
// Retries: always.
//
//meta:operation getAllOrganisers
func (s *OrganizersService) List(ctx context.Context, account AccountKey) ([]Organizer, error) {
	return s.lister(account).list(ctx, s.c)
}

// All is List as a lazy sequence.
//
// Deprecated: as List.
//
// Retries: always.
//
//meta:operation getAllOrganisers
func (s *OrganizersService) All(ctx context.Context, account AccountKey) iter.Seq2[Organizer, error] {
	return s.lister(account).all(ctx, s.c)
}
