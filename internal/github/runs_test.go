package github

import (
	"context"
	"testing"

	"github.com/gh-hotfix/gh-hotfix/internal/httpmock"
)

func TestRecentDispatchRuns(t *testing.T) {
	const path = "repos/acme/shop/actions/runs?event=workflow_dispatch&per_page=100"
	tests := []struct {
		name    string
		status  int
		body    string
		wantIDs []int64
		wantErr error
	}{
		{"two runs", 200, `{"total_count":2,"workflow_runs":[{"id":42,"status":"completed","conclusion":"success","event":"workflow_dispatch"},{"id":41,"status":"in_progress"}]}`, []int64{42, 41}, nil},
		{"none", 200, `{"total_count":0,"workflow_runs":[]}`, nil, nil},
		{"Actions disabled", 404, `{"message":"Not Found"}`, nil, errAny},
		{"not JSON", 200, `<html>`, nil, ErrBadAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := stubbed(t, httpmock.REST("GET", path), httpmock.JSON(tt.status, tt.body))
			runs, err := c.RecentDispatchRuns(context.Background(), "acme", "shop", 100)
			checkErr(t, err, tt.wantErr)
			var ids []int64
			for _, r := range runs {
				ids = append(ids, r.ID)
			}
			if len(ids) != len(tt.wantIDs) {
				t.Fatalf("runs %v, want %v", ids, tt.wantIDs)
			}
			for i := range ids {
				if ids[i] != tt.wantIDs[i] {
					t.Errorf("runs %v, want %v", ids, tt.wantIDs)
				}
			}
			if tt.status == 200 && err == nil && len(runs) > 0 && (runs[0].Status != "completed" || !runs[0].Succeeded()) {
				t.Errorf("first run %+v, want a completed success", runs[0])
			}
		})
	}
}
