package emulator

import (
	"github.com/gh-hotfix/gh-hotfix/internal/emulator/gql"
)

// GraphQL reviews: addPullRequestReview and submitPullRequestReview, as gh pr
// review sends them (addPullRequestReview with an event submits at once;
// without one the review stays PENDING until submitPullRequestReview).

// reviewStates are PullRequestReviewEvent values as review states.
var reviewStates = map[string]string{"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}

// reviewEventState is the state an event submits, or a refusal for one the
// emulator does not take (DISMISS dismisses another review, not modelled).
func reviewEventState(event string) (string, error) {
	if event == "" {
		return "PENDING", nil
	}
	if st, ok := reviewStates[event]; ok {
		return st, nil
	}
	return "", &gql.Error{Type: "UNPROCESSABLE", Message: "the emulator does not take the review event " + event}
}

func (g *gqlCtx) addPullRequestReview(a args) (any, error) {
	in, _ := a["input"].(map[string]any)
	r, is, err := g.pullByID(argStr(in, "pullRequestId"))
	if err != nil {
		return nil, err
	}
	state, err := reviewEventState(argStr(in, "event"))
	if err != nil {
		return nil, err
	}
	rv, msg := g.s.addReview(r, is, g.login, state, argStr(in, "body"))
	if msg != "" {
		return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Review " + msg}
	}
	node := g.review(r, is, rv)
	return gql.Fields{Type: "AddPullRequestReviewPayload", F: map[string]any{"clientMutationId": nil, "pullRequestReview": node,
		"reviewEdge": gql.Fields{Type: "PullRequestReviewEdge", F: map[string]any{"cursor": "", "node": node}}}}, nil
}

// submitPullRequestReview submits login's pending review, found by its id
// (pullRequestReviewId) or as login's pending review of pullRequestId.
func (g *gqlCtx) submitPullRequestReview(a args) (any, error) {
	in, _ := a["input"].(map[string]any)
	state, err := reviewEventState(argStr(in, "event"))
	if err != nil || state == "PENDING" {
		return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "event is required"}
	}
	for _, r := range g.s.st.repos {
		for _, is := range r.issues {
			if is.pr == nil {
				continue
			}
			for _, rv := range is.pr.Reviews {
				if rv.State != "PENDING" || rv.User != g.login {
					continue
				}
				if nodeID("PRR", rv.ID) != argStr(in, "pullRequestReviewId") && nodeID("PR", is.ID) != argStr(in, "pullRequestId") {
					continue
				}
				if msg := ownReviewRefusal(is, g.login, state); msg != "" {
					return nil, &gql.Error{Type: "UNPROCESSABLE", Message: "Review " + msg}
				}
				rv.State, rv.SubmittedAt, rv.CommitID = state, g.s.st.now(), r.headSHA(is.pr)
				if body := argStr(in, "body"); body != "" {
					rv.Body = body
				}
				g.s.reviewSubmitted(r, is, g.login)
				return gql.Fields{Type: "SubmitPullRequestReviewPayload", F: map[string]any{"clientMutationId": nil,
					"pullRequestReview": g.review(r, is, rv)}}, nil
			}
		}
	}
	return nil, notFoundErr("Could not resolve to a node with the global id of '" + argStr(in, "pullRequestReviewId") + argStr(in, "pullRequestId") + "'")
}
