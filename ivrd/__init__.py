"""ivrd: a FreeSWITCH IVR and survey dialer runtime with a Newfies-compatible REST API."""
