package command

import "strings"

// ShellQuote returns s as one word for a POSIX shell, for the command lines gh hotfix prints
// to be pasted and run ("run gh hotfix ship -r 'a b' again").
//
// A non-empty s made only of ASCII letters, digits and the characters - _ . / : = @ % + , is
// returned as it is: no POSIX shell splits, expands or otherwise interprets these anywhere in
// a word. Anything else, the empty string included, is put in single quotes, each single
// quote in s closing the quotes, adding an escaped one and opening them again:
//
//	ShellQuote("it's") == `'it'\''s'`
//
// Quoted too, deliberately: # (a word that starts with it starts a comment), ~ (tilde
// expansion at the start of a word), and every non-ASCII character (always safe, whatever the
// shell's locale).
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !shellSafe(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellSafe reports whether r means itself, unquoted, anywhere in a POSIX shell word.
func shellSafe(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return strings.ContainsRune("-_./:=@%+,", r)
}
