"""Pure answering-machine, fax and beep detection over 16-bit audio frames."""
