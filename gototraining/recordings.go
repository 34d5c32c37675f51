package gototraining

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
)

// recordingListField is the property of getRecordingsForTraining's answer
// that holds the list.
const recordingListField = "recordingList"

func (s *RecordingsService) lister(training TrainingKey) lister[wireRecording, Recording] {
	op := opGetRecordingsForTraining
	return lister[wireRecording, Recording]{
		op:    op,
		check: checkKey(op, "trainingKey", training),
		send: func(ctx context.Context) (*http.Response, error) {
			return s.c.gen.GetRecordingsForTraining(ctx, int64(training))
		},
		field: recordingListField,
		conv:  (*wireRecording).domain,
	}
}

// List returns the online recordings of a training (empty when none).
//
// Retries: always.
//
//meta:operation getRecordingsForTraining
func (s *RecordingsService) List(ctx context.Context, training TrainingKey) ([]Recording, error) {
	return s.lister(training).list(ctx, s.c)
}

// All is List as a lazy sequence.
//
// Retries: always.
//
//meta:operation getRecordingsForTraining
func (s *RecordingsService) All(ctx context.Context, training TrainingKey) iter.Seq2[Recording, error] {
	return s.lister(training).all(ctx, s.c)
}

// DownloadURL returns where the recording's file can be fetched: GoTo answers
// with a redirect (302, or any other 3xx), which is read, not followed. The
// URL points at GoTo's storage and may carry a short-lived credential of its
// own. A Location that is not an absolute https URL, or that carries the
// access token, is refused with a *DecodeError (plain http only where the
// API itself is plain http, as with a local fake).
//
// Retries: always.
//
//meta:operation getRecordingDownloadById
func (s *RecordingsService) DownloadURL(ctx context.Context, training TrainingKey, recording RecordingID) (*url.URL, error) {
	op := opGetRecordingDownloadByID
	check := firstError(checkKey(op, "trainingKey", training), checkKey(op, "recordingId", recording))
	return s.c.redirect(ctx, op, check, func(ctx context.Context) (*http.Response, error) {
		return s.c.gen.GetRecordingDownloadById(ctx, int64(training), int64(recording))
	})
}

// Download streams the recording's file. The caller must close it. The file
// is fetched from GoTo's storage without the API's access token, through the
// HTTP client given to WithHTTPClient (redirects followed as it decides).
//
// Retries: always.
//
//meta:operation getRecordingDownloadById
func (s *RecordingsService) Download(ctx context.Context, training TrainingKey, recording RecordingID) (io.ReadCloser, error) {
	loc, err := s.DownloadURL(ctx, training, recording)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("gototraining: getRecordingDownloadById: %w", err)
	}
	req.Header.Set("User-Agent", s.c.tr.ua)
	resp, err := s.c.download.Do(req)
	if err != nil {
		return nil, err
	}
	dropUpgrade(resp)
	if resp.StatusCode != http.StatusOK {
		return nil, s.c.apiError(opGetRecordingDownloadByID, resp)
	}
	return resp.Body, nil
}
