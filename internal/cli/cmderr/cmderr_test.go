package cmderr

import (
	"errors"
	"testing"
)

func TestUnwrap(t *testing.T) {
	cause := errors.New("HTTP 401: Bad credentials")
	if err := error(&AuthError{Host: "github.com", Err: cause}); !errors.Is(err, cause) {
		t.Error("AuthError does not unwrap to its cause")
	}
	flagErr := FlagErrorf("invalid limit: %d", 0)
	var fe *FlagError
	if !errors.As(flagErr, &fe) || flagErr.Error() != "invalid limit: 0" || errors.Unwrap(fe) == nil {
		t.Errorf("FlagErrorf = %v", flagErr)
	}
}
