package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/gototraining-go/gototraining/gototraining"
)

type recordingOut struct {
	ID              gototraining.RecordingID `json:"recordingId"`
	Name            string                   `json:"name"`
	Description     string                   `json:"description,omitempty"`
	Start           time.Time                `json:"startDate"`
	End             time.Time                `json:"endDate"`
	RegistrationURL string                   `json:"registrationUrl,omitempty"`
	DownloadURL     string                   `json:"downloadUrl,omitempty"`
}

func init() {
	register(&command{
		group: "recordings", name: "list", args: "TRAINING",
		summary:  "List a training's online recordings.",
		examples: []string{"gototraining recordings list 8178251407424893697"},
		setup: func(*flag.FlagSet) func(context.Context, *app, []string) error {
			return func(ctx context.Context, a *app, args []string) error {
				if err := wantArgs(args, "TRAINING"); err != nil {
					return err
				}
				key, err := parseKey("training key", args[0])
				if err != nil {
					return err
				}
				t := table{header: []string{"ID", "NAME", "START", "END"}}
				outs := []recordingOut{}
				for r, err := range a.client.Recordings.All(ctx, gototraining.TrainingKey(key)) {
					if err != nil {
						return err
					}
					t.rows = append(t.rows, []string{r.ID.String(), r.Name, ts(r.Start), ts(r.End)})
					outs = append(outs, recordingOut{
						ID: r.ID, Name: r.Name, Description: r.Description, Start: r.Start.UTC(), End: r.End.UTC(),
						RegistrationURL: r.RegistrationURL, DownloadURL: r.DownloadURL,
					})
				}
				t.json = outs
				return a.print(t)
			}
		},
	})
	register(&command{
		group: "recordings", name: "download", args: "TRAINING RECORDING",
		summary: "Download a recording's file. It is written to a temporary file beside the\ntarget and renamed when complete, so an interrupted download leaves no partial file.",
		examples: []string{
			"gototraining recordings download 8178251407424893697 7139186582516172033",
			"gototraining recordings download 8178251407424893697 7139186582516172033 -o intro.mp4",
			"gototraining recordings download 8178251407424893697 7139186582516172033 -o - | ffprobe -",
		},
		setup: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
			out := fs.String("o", "", "the `file` to write (default: recording-ID plus the stored file's extension; - for stdout)")
			force := fs.Bool("force", false, "overwrite the file if it exists")
			return func(ctx context.Context, a *app, args []string) error {
				keys, err := keyArgs(args, "TRAINING", "RECORDING")
				if err != nil {
					return err
				}
				return download(ctx, a, gototraining.TrainingKey(keys[0]), gototraining.RecordingID(keys[1]), *out, *force)
			}
		},
	})
}

func download(ctx context.Context, a *app, training gototraining.TrainingKey, recording gototraining.RecordingID, target string, force bool) error {
	if target == "" {
		// The name comes from the redirect's path, which GoTo's storage
		// chooses: only its extension is used, never a path.
		loc, err := a.client.Recordings.DownloadURL(ctx, training, recording)
		if err != nil {
			return err
		}
		ext := path.Ext(loc.Path)
		if len(ext) > 8 || !isPlainExt(ext) {
			ext = ""
		}
		target = fmt.Sprintf("recording-%d%s", recording, ext)
	}
	if target != "-" && !force {
		if _, err := os.Lstat(target); err == nil {
			return usagef("%s exists; pass --force to overwrite it or -o to choose another file", target)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	body, err := a.client.Recordings.Download(ctx, training, recording)
	if err != nil {
		return err
	}
	defer body.Close()
	p := newProgress(a.io.err, "downloading")
	if target == "-" {
		n, err := io.Copy(a.io.out, io.TeeReader(body, p))
		p.finish()
		if err != nil {
			return fmt.Errorf("after %d bytes: %w", n, err)
		}
		return nil
	}
	tmp, err := createPart(target)
	if err != nil {
		return err
	}
	n, err := io.Copy(tmp, io.TeeReader(body, p))
	p.finish()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing %s after %d bytes: %w", target, n, err)
	}
	if a.jsonOut {
		return a.print(table{json: map[string]any{"file": target, "bytes": n}})
	}
	if a.csvOut {
		return a.print(table{header: []string{"FILE", "BYTES"}, rows: [][]string{{target, fmt.Sprint(n)}}})
	}
	_, err = fmt.Fprintf(a.io.out, "wrote %s (%s)\n", target, sizeText(n))
	return err
}

func isPlainExt(ext string) bool {
	for i, r := range ext {
		if i == 0 {
			if r != '.' {
				return false
			}
			continue
		}
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// createPart creates the temporary file beside target, with the mode a new
// file gets under the user's umask (os.CreateTemp's 0600 would stick to
// the renamed recording).
func createPart(target string) (*os.File, error) {
	for range 100 {
		name := filepath.Join(filepath.Dir(target), fmt.Sprintf(".%s.part-%d", filepath.Base(target), rand.Uint64()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("no free temporary name beside %s", target)
}
