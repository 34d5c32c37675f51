package gototrainingtest

import (
	"fmt"
	"net/http"
)

// storageBase is the base URL downloads redirect to: the configured storage
// origin, else /_storage on the origin the request came to.
func (f *Fake) storageBase(r *http.Request) string {
	if f.cfg.downloadURL != "" {
		return f.cfg.downloadURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + storagePrefix
}

func (f *Fake) downloadLocation(r *http.Request, rec *recording) string {
	return fmt.Sprintf("%s/recordings/%d?token=%s", f.storageBase(r), rec.key, rec.secret)
}

// getRecordingsForTraining lists the recordings; keys are JSON numbers here,
// as GoTo sends them.
func (f *Fake) getRecordingsForTraining(c *call) response {
	t, errResp := f.trainingByKey(c)
	if errResp != nil {
		return *errResp
	}
	out := recordingsListOut{TrainingKey: t.key, RecordingList: make([]recordingOut, len(t.recordings))}
	for i, rec := range t.recordings {
		out.RecordingList[i] = recordingOut{
			RecordingID:     rec.key,
			Name:            rec.name,
			Description:     "Online recording of " + t.name,
			RegistrationURL: fmt.Sprintf("https://attendee.gototraining.com/recording/%d/register", rec.key),
			DownloadURL:     f.downloadLocation(c.r, rec),
			StartDate:       formatTime(rec.start),
			EndDate:         formatTime(rec.end),
		}
	}
	return jsonResponse(http.StatusOK, out)
}

// getRecordingDownloadByID redirects to the storage origin.
func (f *Fake) getRecordingDownloadByID(c *call) response {
	t, errResp := f.trainingByKey(c)
	if errResp != nil {
		return *errResp
	}
	id := c.key("recordingId")
	for _, rec := range t.recordings {
		if rec.key == id {
			return response{status: http.StatusFound, header: http.Header{"Location": {f.downloadLocation(c.r, rec)}}}
		}
	}
	return notFound("Recording")
}
