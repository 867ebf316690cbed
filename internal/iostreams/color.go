package iostreams

// ColorScheme colours text with ANSI sequences when colour is enabled and returns it
// unchanged otherwise.
type ColorScheme struct {
	enabled bool
}

// Bold returns s in bold.
func (c *ColorScheme) Bold(s string) string { return c.sgr("1", s) }

// Red returns s in red.
func (c *ColorScheme) Red(s string) string { return c.sgr("31", s) }

// Green returns s in green.
func (c *ColorScheme) Green(s string) string { return c.sgr("32", s) }

// Yellow returns s in yellow.
func (c *ColorScheme) Yellow(s string) string { return c.sgr("33", s) }

// Gray returns s in gray (bright black), for secondary details.
func (c *ColorScheme) Gray(s string) string { return c.sgr("90", s) }

// SuccessIcon returns a green check mark.
func (c *ColorScheme) SuccessIcon() string { return c.Green("✓") }

// FailureIcon returns a red X.
func (c *ColorScheme) FailureIcon() string { return c.Red("X") }

// WarningIcon returns a yellow exclamation mark.
func (c *ColorScheme) WarningIcon() string { return c.Yellow("!") }

// sgr wraps s in the Select Graphic Rendition code and a reset.
func (c *ColorScheme) sgr(code, s string) string {
	if !c.enabled || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
