"""Where FreeSWITCH fires each event from (Event-Calling-* headers) and the state/cause tables."""

from __future__ import annotations

from ivrd.sim.events import Origin

ORIGINS: dict[str, Origin] = {
    "CHANNEL_OUTGOING": Origin("switch_core_session.c", "switch_core_session_outgoing_channel", 728),
    "CHANNEL_STATE": Origin("switch_channel.c", "switch_channel_perform_set_running_state", 2199),
    "CHANNEL_CREATE": Origin("switch_core_state_machine.c", "switch_core_session_run", 459),
    "CHANNEL_ORIGINATE": Origin("switch_core_state_machine.c", "switch_core_session_run", 467),
    "CHANNEL_CALLSTATE": Origin("switch_channel.c", "switch_channel_perform_set_callstate", 321),
    "CHANNEL_PROGRESS": Origin("switch_channel.c", "switch_channel_perform_mark_ring_ready_value", 3172),
    "CHANNEL_PROGRESS_MEDIA": Origin("switch_channel.c", "switch_channel_perform_mark_pre_answered", 3291),
    "CHANNEL_ANSWER": Origin("switch_channel.c", "switch_channel_perform_mark_answered", 3539),
    "CHANNEL_EXECUTE": Origin("switch_core_session.c", "switch_core_session_exec", 2710),
    "CHANNEL_EXECUTE_COMPLETE": Origin("switch_core_session.c", "switch_core_session_exec", 2749),
    "CHANNEL_PARK": Origin("switch_ivr.c", "switch_ivr_park", 950),
    "CHANNEL_UNPARK": Origin("switch_ivr.c", "switch_ivr_park", 1167),
    "CHANNEL_HANGUP": Origin("switch_channel.c", "switch_channel_perform_hangup", 3130),
    "CHANNEL_HANGUP_COMPLETE": Origin(
        "switch_core_state_machine.c", "switch_core_session_reporting_state", 949
    ),
    "CHANNEL_DESTROY": Origin("switch_core_session.c", "switch_core_session_perform_destroy", 1558),
    "DTMF": Origin("switch_channel.c", "switch_channel_dequeue_dtmf", 613),
    "PLAYBACK_START": Origin("switch_ivr_play_say.c", "switch_ivr_play_file", 1473),
    "PLAYBACK_STOP": Origin("switch_ivr_play_say.c", "switch_ivr_play_file", 2018),
    "RECORD_START": Origin("switch_ivr_play_say.c", "switch_ivr_record_file", 595),
    "RECORD_STOP": Origin("switch_ivr_play_say.c", "switch_ivr_record_file", 1020),
    "SESSION_RECORD_START": Origin("switch_ivr_async.c", "record_callback", 1178),
    "SESSION_RECORD_STOP": Origin("switch_ivr_async.c", "record_callback", 1305),
    "CHANNEL_BRIDGE": Origin("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", 1335),
    "CHANNEL_UNBRIDGE": Origin("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", 1520),
    "PRIVATE_COMMAND": Origin("switch_ivr.c", "switch_ivr_parse_event", 641),
    "BACKGROUND_JOB": Origin("mod_event_socket.c", "api_exec", 1572),
    "HEARTBEAT": Origin("switch_core.c", "send_heartbeat", 70),
    "CUSTOM": Origin("switch_event.c", "switch_event_fire_detailed", 2017),
}

STATE_NUMBERS: dict[str, int] = {
    name: number
    for number, name in enumerate(
        [
            "CS_NEW", "CS_INIT", "CS_ROUTING", "CS_SOFT_EXECUTE", "CS_EXECUTE", "CS_EXCHANGE_MEDIA",
            "CS_PARK", "CS_CONSUME_MEDIA", "CS_HIBERNATE", "CS_RESET", "CS_HANGUP", "CS_REPORTING",
            "CS_DESTROY",
        ]
    )
}

CALLSTATE_NUMBERS: dict[str, int] = {
    name: number
    for number, name in enumerate(
        ["DOWN", "DIALING", "RINGING", "EARLY", "ACTIVE", "HELD", "RING_WAIT", "HANGUP", "UNHELD"]
    )
}

# Events that carry variable_* headers (switch_channel_event_set_data); the others carry none.
VARIABLE_EVENTS = frozenset(
    [
        "CHANNEL_CREATE", "CHANNEL_ORIGINATE", "CHANNEL_UUID", "CHANNEL_ANSWER", "CHANNEL_PARK",
        "CHANNEL_UNPARK", "CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE", "CHANNEL_PROGRESS",
        "CHANNEL_PROGRESS_MEDIA", "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE", "REQUEST_PARAMS",
        "CHANNEL_DATA", "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_DESTROY",
        "SESSION_HEARTBEAT", "API", "RECORD_START", "RECORD_STOP", "PLAYBACK_START", "PLAYBACK_STOP",
        "CALL_UPDATE", "MEDIA_BUG_START", "MEDIA_BUG_STOP", "CHANNEL_HOLD", "CHANNEL_UNHOLD", "TEXT",
        "CUSTOM"
    ]
)

CAUSE_CODES: dict[str, int] = {
    "NONE": 0, "UNALLOCATED_NUMBER": 1, "NO_ROUTE_TRANSIT_NET": 2, "NO_ROUTE_DESTINATION": 3,
    "CHANNEL_UNACCEPTABLE": 6, "CALL_AWARDED_DELIVERED": 7, "NORMAL_CLEARING": 16, "USER_BUSY": 17,
    "NO_USER_RESPONSE": 18, "NO_ANSWER": 19, "SUBSCRIBER_ABSENT": 20, "CALL_REJECTED": 21, "NUMBER_CHANGED":
    22, "REDIRECTION_TO_NEW_DESTINATION": 23, "EXCHANGE_ROUTING_ERROR": 25, "DESTINATION_OUT_OF_ORDER": 27,
    "INVALID_NUMBER_FORMAT": 28, "FACILITY_REJECTED": 29, "RESPONSE_TO_STATUS_ENQUIRY": 30,
    "NORMAL_UNSPECIFIED": 31, "NORMAL_CIRCUIT_CONGESTION": 34, "NETWORK_OUT_OF_ORDER": 38,
    "NORMAL_TEMPORARY_FAILURE": 41, "SWITCH_CONGESTION": 42, "ACCESS_INFO_DISCARDED": 43,
    "REQUESTED_CHAN_UNAVAIL": 44, "PRE_EMPTED": 45, "FACILITY_NOT_SUBSCRIBED": 50, "OUTGOING_CALL_BARRED":
    52, "INCOMING_CALL_BARRED": 54, "BEARERCAPABILITY_NOTAUTH": 57, "BEARERCAPABILITY_NOTAVAIL": 58,
    "SERVICE_UNAVAILABLE": 63, "BEARERCAPABILITY_NOTIMPL": 65, "CHAN_NOT_IMPLEMENTED": 66,
    "FACILITY_NOT_IMPLEMENTED": 69, "SERVICE_NOT_IMPLEMENTED": 79, "INVALID_CALL_REFERENCE": 81,
    "INCOMPATIBLE_DESTINATION": 88, "INVALID_MSG_UNSPECIFIED": 95, "MANDATORY_IE_MISSING": 96,
    "MESSAGE_TYPE_NONEXIST": 97, "WRONG_MESSAGE": 98, "IE_NONEXIST": 99, "INVALID_IE_CONTENTS": 100,
    "WRONG_CALL_STATE": 101, "RECOVERY_ON_TIMER_EXPIRE": 102, "MANDATORY_IE_LENGTH_ERROR": 103,
    "PROTOCOL_ERROR": 111, "INTERWORKING": 127, "SUCCESS": 142, "ORIGINATOR_CANCEL": 487, "CRASH": 700,
    "SYSTEM_SHUTDOWN": 701, "LOSE_RACE": 702, "MANAGER_REQUEST": 703, "BLIND_TRANSFER": 800,
    "ATTENDED_TRANSFER": 801, "ALLOTTED_TIMEOUT": 802, "USER_CHALLENGE": 803, "MEDIA_TIMEOUT": 804,
    "PICKED_OFF": 805, "USER_NOT_REGISTERED": 806, "PROGRESS_TIMEOUT": 807, "INVALID_GATEWAY": 808,
    "GATEWAY_DOWN": 809, "INVALID_URL": 810, "INVALID_PROFILE": 811, "NO_PICKUP": 812, "SRTP_READ_ERROR":
    813, "BOWOUT": 814, "BUSY_EVERYWHERE": 815, "DECLINE": 816, "DOES_NOT_EXIST_ANYWHERE": 817,
    "NOT_ACCEPTABLE": 818, "UNWANTED": 819, "NO_IDENTITY": 820, "BAD_IDENTITY_INFO": 821,
    "UNSUPPORTED_CERTIFICATE": 822, "INVALID_IDENTITY": 823, "STALE_DATE": 824, "REJECT_ALL": 825,
}

_CAUSE_BY_CODE = {code: name for name, code in CAUSE_CODES.items()}

# SIP status a far end would have sent for a cause (for sip_term_status / proto_specific_hangup_cause).
SIP_STATUS = {
    "USER_BUSY": 486, "NO_USER_RESPONSE": 480, "UNALLOCATED_NUMBER": 404, "CALL_REJECTED": 603,
    "RECOVERY_ON_TIMER_EXPIRE": 408, "NORMAL_TEMPORARY_FAILURE": 503, "NO_ROUTE_DESTINATION": 404,
    "NUMBER_CHANGED": 410, "INVALID_NUMBER_FORMAT": 484, "SERVICE_UNAVAILABLE": 405, "UNWANTED": 607,
    "INCOMPATIBLE_DESTINATION": 488, "ORIGINATOR_CANCEL": 487, "NETWORK_OUT_OF_ORDER": 502,
    "SUBSCRIBER_ABSENT": 480, "DESTINATION_OUT_OF_ORDER": 502, "NORMAL_CLEARING": 200,
}


def cause_name(text: str) -> str | None:
    """A cause from its name (any case) or its number, as switch_channel_str2cause; None if unknown."""
    text = text.strip()
    if text.isdigit():
        return _CAUSE_BY_CODE.get(int(text))
    upper = text.upper()
    return upper if upper in CAUSE_CODES else None


def q850(cause: str) -> int:
    """hangup_cause_q850: the code for ISDN causes, 16 for FreeSWITCH's own (>= 142)."""
    code = CAUSE_CODES.get(cause, 16)
    return code if code <= 127 else 16
