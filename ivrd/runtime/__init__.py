"""The imperative shell: daemon, dispatcher, legs, dialer loop, media tailing and database writer."""
