package apispec_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/gh-hotfix/gh-hotfix/internal/emulator/apispec"
)

func ExampleChecker_Check() {
	checker, err := apispec.NewChecker()
	if err != nil {
		panic(err)
	}

	r := httptest.NewRequest("GET", "/repos/octo/app/branches/hotfix/1.2", nil)
	op, params, v := checker.Check(r, nil)
	fmt.Println(op.ID, params["branch"], v == nil)

	body := `{"title":"Hotfix","head":"hotfix/1.2","base":"main","draft":"yes"}`
	r = httptest.NewRequest("POST", "/repos/octo/app/pulls", strings.NewReader(body))
	_, _, v = checker.Check(r, []byte(body))
	fmt.Printf("%d %q\n", v.Status, v.Message)

	body = `{"title":"Hotfix","head":"hotfix/1.2","base":"main","labels":["hotfix"]}`
	_, _, v = checker.Check(r, []byte(body))
	fmt.Println(v.Reject, v.Detail)

	r = httptest.NewRequest("GET", "/repos/octo/app/hotfixes", nil)
	op, _, v = checker.Check(r, nil)
	fmt.Println(op == nil, v.Status, v.Message)
	// Output:
	// repos/get-branch hotfix/1.2 true
	// 422 "Invalid request.\n\nFor 'properties/draft', \"yes\" is not a boolean."
	// false POST /repos/{owner}/{repo}/pulls (pulls/create): request body property "labels" is not in the description (GitHub ignores it)
	// true 404 Not Found
}
