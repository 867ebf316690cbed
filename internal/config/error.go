package config

import (
	"strconv"
	"strings"
)

// Error is a problem in a settings file, located so that the user can go
// straight to it: "file:line: key: msg".
type Error struct {
	// File is the name given to Parse, e.g. ".github/hotfix.yml".
	File string
	// Line is 1-based; 0 when the problem is not on one line (the file is
	// too large, for example).
	Line int
	// Key is the setting at fault as a path, e.g. "limits.files" or
	// "reviewers[2]". For an unknown or duplicate key it is the mapping that
	// holds the key ("" at the top level), since the key itself is not a
	// setting. "" when the problem is the file as a whole.
	Key string
	// Msg says what is wrong, in lower case.
	Msg string
}

// Error formats the problem as "file:line: key: msg", leaving out the line
// when it is 0 and the key when it is empty, as compilers do.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}
