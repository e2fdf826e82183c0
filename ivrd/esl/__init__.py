"""Sans-I/O FreeSWITCH Event Socket codec, typed event views, command builders and the asyncio client."""
