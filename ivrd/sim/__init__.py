"""A simulated FreeSWITCH speaking the real Event Socket wire protocol with scripted callees."""
