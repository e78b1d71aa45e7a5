package render

// OneLine makes s safe to print on one line (see oneLine): for messages
// other entry points write, such as admission responses.
func OneLine(s string) string { return oneLine(s) }

// FirstSentence is the first sentence of a description or remediation.
func FirstSentence(s string) string { return firstSentence(s) }
