package bhytbot_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// No Docker engine runs on CI machines, so the Dockerfile's key lines are checked here and
// .ci/run builds the binary with the same flags.
func TestDockerfileKeyLines(t *testing.T) {
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(data)
	for _, re := range []string{
		`(?m)^FROM golang:1\.26\S* AS build$`,
		`(?m)^RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/bhytbot \./cmd/bhytbot$`,
		`(?m)^FROM debian:\S+-slim$`,
		`(?m)^USER bhytbot$`,
		`(?m)^VOLUME /data$`,
		`BHYTBOT_DATABASE_PATH=/data/bhytbot\.db`,
		`(?m)^HEALTHCHECK .*\n\s+CMD curl -fsS http://127\.0\.0\.1:9090/healthz`,
		`(?m)^ENTRYPOINT \["/usr/local/bin/bhytbot", "-config", "/config/config\.yaml"\]$`,
		`(?m)^CMD \["serve"\]$`,
	} {
		if !regexp.MustCompile(re).MatchString(df) {
			t.Errorf("Dockerfile lacks %s", re)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), `go build -trimpath -ldflags="-s -w"`) {
		t.Error(".ci/run does not build with the Dockerfile's flags")
	}
}
