package emulator

import (
	"testing"
	"time"
)

func TestCommitUser(t *testing.T) {
	s := newStore(t.TempDir(), time.Now, "monalisa", "")
	hubot := s.ensureUser("hubot")
	hubot.Emails = []string{"hubot@example.com"}
	mona := s.users["monalisa"]
	tests := []struct {
		email string
		want  *user
	}{
		{"hubot@example.com", hubot},
		{"HUBOT@example.com", hubot},                                      // addresses compare without case
		{"monalisa@users.noreply." + Host, mona},                          // the no-reply address
		{"12345+monalisa@users.noreply." + Host, mona},                    // its ID+login form
		{"Mona Lisa <monalisa@example.localhost>", nil},                   // not an address of any account
		{"monalisa@example.localhost", nil},                               // an address the account has not verified
		{"nobody@users.noreply." + Host, nil},                             // no such login
		{"hubot@users.noreply.github.com.evil." + Host + ".example", nil}, // not the no-reply domain
	}
	for _, tt := range tests {
		if got := s.commitUser(tt.email); got != tt.want {
			t.Errorf("commitUser(%q) = %v, want %v", tt.email, got, tt.want)
		}
	}
}
